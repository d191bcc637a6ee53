"""Immutable model objects: sources, questions, banks and the library that holds them.

Every object checks its own invariants when it is built, so a model object is valid however it
was made: by the YAML loader, by a test, or by another program using the library.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from functools import cached_property
from types import MappingProxyType

SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*\Z")
TAG = re.compile(r"[^\s]+\Z")
CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)

BUILTIN_TOPICS: tuple[str, ...] = (
    "anatomy",
    "symptoms",
    "causes",
    "assessment",
    "management",
    "special_populations",
    "evidence",
)
MIN_CHOICES, MAX_CHOICES = 2, 8

# The FSMTB MBLEx content outline's seven areas, as `mblex::<area>` tags (see docs/bank-format.md).
MBLEX_AREAS: dict[str, str] = {
    "mblex::anatomy-physiology": "Anatomy & Physiology",
    "mblex::kinesiology": "Kinesiology",
    "mblex::pathology-contraindications": "Pathology, Contraindications, Areas of Caution, Special Populations",
    "mblex::benefits-effects": "Benefits and Physiological Effects of Techniques that Manipulate Soft Tissue",
    "mblex::assessment-treatment-planning": "Client Assessment, Reassessment & Treatment Planning",
    "mblex::ethics-laws-regulations": "Ethics, Boundaries, Laws & Regulations",
    "mblex::professional-practice": "Guidelines for Professional Practice",
}


class QuestionType(str, Enum):
    """The six kinds of question a bank may hold."""

    MULTIPLE_CHOICE = "multiple_choice"
    MULTIPLE_ANSWER = "multiple_answer"
    TRUE_FALSE = "true_false"
    SHORT_ANSWER = "short_answer"
    CLOZE = "cloze"
    MATCHING = "matching"

    def __str__(self) -> str:
        return self.value

    @property
    def label(self) -> str:
        """Return a human-readable name, e.g. 'multiple choice'."""
        return self.value.replace("_", " ")


class InvalidModel(ValueError):
    """A model object was built with values that break its rules; `problems` says which."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{key}: {msg}" for key, msg in problems))


@dataclass(frozen=True)
class Source:
    """A bibliography entry that questions cite by id."""

    id: str
    title: str
    authors: str | None = None
    publisher: str | None = None
    year: int | None = None
    url: str | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        problems: list[tuple[str, str]] = []
        if not SLUG.match(self.id):
            problems.append(("id", f"source id {self.id!r} must be a lowercase slug like 'nice-ng59'"))
        if not self.title.strip():
            problems.append(("title", "source title must not be empty"))
        if not (self.authors or self.publisher):
            problems.append(("authors", "needs 'authors' or 'publisher'"))
        if problems:
            raise InvalidModel(problems)

    def citation(self) -> str:
        """Return a one-line citation: authors or publisher, title, year."""
        who = self.authors or self.publisher or ""
        parts = [who, self.title]
        if self.authors and self.publisher:
            parts.append(self.publisher)
        if self.year and not any(str(self.year) in p for p in parts if p):  # 'July/August 2017' has it
            parts.append(str(self.year))
        out = ""
        for part in (p.strip() for p in parts if p):
            out += part if part.endswith((".", "?", "!")) else part + "."
            out += " "
        return out.strip()


@dataclass(frozen=True)
class Cloze:
    """One deletion in a cloze text: `{{c1::answer::hint}}`."""

    number: int
    answer: str
    hint: str | None = None


def parse_cloze(text: str) -> tuple[Cloze, ...]:
    """Return the deletions of a cloze text in order of appearance."""
    return tuple(
        Cloze(int(m.group(1)), m.group(2).strip(), (m.group(3) or "").strip() or None)
        for m in CLOZE.finditer(text)
    )


_DELETION_START = re.compile(r"\{\{c(\d+)::")
_SINGLE_BRACE_DELETION = re.compile(r"(?<!\{)\{c(\d+)::")


def cloze_problems(text: str) -> list[str]:
    """Return what is wrong with a cloze text's deletions, read strictly from left to right.

    Catches what a lenient pattern would misread: a deletion that is never closed (its answer would
    swallow the next deletion), single braces, stray '}}' or '}', empty deletions, numbers that skip,
    and hints that contain '::' or give the answer away.
    """
    problems: list[str] = []
    numbers: list[int] = []
    pos = 0
    while True:
        opening, closing = text.find("{{", pos), text.find("}}", pos)
        if closing != -1 and (opening == -1 or closing < opening):
            problems.append("cloze text has a stray '}}' outside a {{cN::...}} deletion")
            pos = closing + 2
            continue
        if opening == -1:
            break
        m = _DELETION_START.match(text, opening)
        if m is None:
            problems.append("cloze text has '{{' that does not start a deletion like {{c1::answer}}")
            # Skip what this '{{' meant to enclose, so its '}}' is not reported as well.
            end, following = text.find("}}", opening + 2), text.find("{{", opening + 2)
            pos = end + 2 if end != -1 and (following == -1 or end < following) else opening + 2
            continue
        n = int(m.group(1))
        numbers.append(n)
        end, following = text.find("}}", m.end()), text.find("{{", m.end())
        if end == -1 or (following != -1 and following < end):
            problems.append(f"cloze deletion c{n} is not closed with '}}}}'")
            pos = m.end()
            continue
        answer, _, hint = (part.strip() for part in text[m.end() : end].partition("::"))
        if not answer:
            problems.append(f"cloze deletion c{n} is empty")
        elif not typeable(answer):
            problems.append(f"cloze deletion c{n} has only punctuation, which answers are compared without")
        if "::" in hint:
            problems.append(f"the hint of cloze deletion c{n} contains '::'; a deletion is {{{{cN::answer::hint}}}}")
        elif answer and hint and f" {_folded(answer)} " in f" {_folded(hint)} ":
            problems.append(f"the hint of cloze deletion c{n} gives the answer away")
        if text.startswith("}", end + 2):
            problems.append(f"cloze text has a stray '}}' right after deletion c{n}")
        pos = end + 2
    for m in _SINGLE_BRACE_DELETION.finditer(text):
        problems.append(f"cloze text has a deletion in single braces; write {{{{c{m.group(1)}::...}}}}")
        numbers.append(int(m.group(1)))
    if not numbers and not problems:
        problems.append("cloze text needs at least one deletion like {{c1::answer}}")
    skipped = sorted(set(range(1, max(numbers, default=0) + 1)) - set(numbers))
    if skipped:
        missing = ", ".join(f"c{n}" for n in skipped)
        problems.append(f"cloze deletion numbers skip {missing}; number them c1, c2, c3 … in order")
    return problems


def _folded(text: str) -> str:
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text.casefold()).split())


def cloze_display(text: str, reveal: bool, blank: str = "_____") -> str:
    """Return cloze text with deletions shown as answers (reveal) or blanks with hints."""

    def repl(m: re.Match[str]) -> str:
        if reveal:
            return m.group(2).strip()
        hint = (m.group(3) or "").strip()
        return f"[{hint}]" if hint and blank == "" else (f"{blank} ({hint})" if hint else blank)

    return CLOZE.sub(repl, text)


@dataclass(frozen=True)
class Question:
    """One question. Which answer fields are used depends on `type`."""

    bank: str
    id: str
    topic: str
    type: QuestionType
    prompt: str
    explanation: str
    sources: tuple[str, ...] = ()
    difficulty: int = 2
    tags: tuple[str, ...] = ()
    case: str | None = None
    choices: tuple[str, ...] = ()
    correct: tuple[str, ...] = ()
    truth: bool | None = None
    accepted: tuple[str, ...] = ()
    text: str = ""
    pairs: tuple[tuple[str, str], ...] = ()
    revised: date | None = None
    line: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        problems = list(_question_problems(self))
        if problems:
            raise InvalidModel(problems)

    @property
    def uid(self) -> str:
        """Return the permanent key 'bank/question' used by study history and Anki notes."""
        return f"{self.bank}/{self.id}"

    @cached_property
    def deletions(self) -> tuple[Cloze, ...]:
        """Return the cloze deletions (empty for other types)."""
        return parse_cloze(self.text) if self.type is QuestionType.CLOZE else ()

    @property
    def stem(self) -> str:
        """Return what the question asks: the prompt, or the blanked cloze text."""
        if self.type is QuestionType.CLOZE:
            blanked = cloze_display(self.text, reveal=False)
            return f"{self.prompt}\n{blanked}" if self.prompt else blanked
        return self.prompt

    def answer_text(self) -> str:
        """Return the correct answer as one line of plain text."""
        t = self.type
        if t in (QuestionType.MULTIPLE_CHOICE, QuestionType.MULTIPLE_ANSWER):
            return "; ".join(self.correct)
        if t is QuestionType.TRUE_FALSE:
            return "True" if self.truth else "False"
        if t is QuestionType.SHORT_ANSWER:
            return self.accepted[0]
        if t is QuestionType.CLOZE:
            return "; ".join(d.answer for d in self.deletions)
        return "; ".join(f"{left} → {right}" for left, right in self.pairs)


def typeable(answer: str) -> bool:
    """Return whether a typed answer can match this one: graders ignore punctuation and spacing."""
    return any(
        unicodedata.category(ch)[0] not in "PZC" and unicodedata.category(ch) != "Mn"
        for ch in unicodedata.normalize("NFKD", answer)
    )


def _question_problems(q: Question) -> Iterator[tuple[str, str]]:
    if not SLUG.match(q.id):
        yield "id", f"id {q.id!r} must be a lowercase slug of letters, digits and hyphens"
    if not q.explanation.strip():
        yield "explanation", "needs an explanation"
    if not (isinstance(q.difficulty, int) and 1 <= q.difficulty <= 3):
        yield "difficulty", f"difficulty {q.difficulty!r} is out of range: use 1, 2 or 3"
    for tag in q.tags:
        if not tag or not TAG.match(tag):
            yield "tags", f"tag {tag!r} must not contain spaces (use '-' or '::')"
        elif tag.startswith("mblex::") and tag not in MBLEX_AREAS:
            yield "tags", f"unknown MBLEx area tag {tag!r}{did_you_mean(tag, MBLEX_AREAS)}; see docs/bank-format.md"
    if not isinstance(q.type, QuestionType):
        yield "type", f"unknown type {q.type!r}"
        return
    if q.type is not QuestionType.CLOZE and not q.prompt.strip():
        yield "prompt", "needs a prompt"
    yield from _answer_problems(q)


def _answer_problems(q: Question) -> Iterator[tuple[str, str]]:
    t = q.type
    if t in (QuestionType.MULTIPLE_CHOICE, QuestionType.MULTIPLE_ANSWER):
        if not MIN_CHOICES <= len(q.choices) <= MAX_CHOICES:
            yield "choices", f"needs {MIN_CHOICES} to {MAX_CHOICES} choices, found {len(q.choices)}"
        seen: set[str] = set()
        for c in q.choices:
            if not c.strip():
                yield "choices", "a choice is empty"
            elif c in seen:
                yield "choices", f"choice {c!r} is repeated"
            seen.add(c)
        if not q.correct:
            yield "answer", "needs an answer"
        for a in q.correct:
            if a not in q.choices:
                yield "answer", f"answer {a!r} is not one of the choices"
        if t is QuestionType.MULTIPLE_CHOICE and len(q.correct) > 1:
            yield "answer", "multiple_choice takes one answer (use multiple_answer for several)"
        if len(set(q.correct)) != len(q.correct):
            yield "answer", "an answer is listed twice"
    elif t is QuestionType.TRUE_FALSE:
        if q.truth is None:
            yield "answer", "true_false needs answer: true or answer: false"
    elif t is QuestionType.SHORT_ANSWER:
        if not q.accepted or not all(a.strip() for a in q.accepted):
            yield "answer", "short_answer needs an answer (a string or a list of accepted answers)"
        for a in q.accepted:
            if a.strip() and not typeable(a):
                yield "answer", f"answer {a!r} has only punctuation, which answers are compared without"
    elif t is QuestionType.CLOZE:
        for problem in cloze_problems(q.text):
            yield "text", problem
    elif t is QuestionType.MATCHING:
        if len(q.pairs) < 2:
            yield "answer", f"matching needs at least 2 pairs, found {len(q.pairs)}"
        rights = [r for _, r in q.pairs]
        for r in sorted({r for r in rights if rights.count(r) > 1}):
            yield "answer", f"right-hand item {r!r} is used more than once"
        for left, right in q.pairs:
            if not left.strip() or not right.strip():
                yield "answer", "matching pairs must not be empty"
    if t is not QuestionType.CLOZE and q.text:
        yield "text", "'text' is only for cloze questions"


@dataclass(frozen=True)
class Bank:
    """A question bank: one YAML file's worth of questions on a topic."""

    id: str
    title: str
    topic: str
    questions: tuple[Question, ...]
    description: str | None = None
    revised: date | None = None
    sources: tuple[Source, ...] = ()
    path: str | None = field(default=None, compare=False)
    builtin: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        problems: list[tuple[str, str]] = []
        if not SLUG.match(self.id):
            problems.append(("id", f"bank id {self.id!r} must be a lowercase slug like 'anatomy'"))
        if not SLUG.match(self.topic):
            problems.append(("topic", f"topic {self.topic!r} must be a lowercase slug"))
        if not self.questions:
            problems.append(("questions", "a bank needs at least one question"))
        seen: set[str] = set()
        for q in self.questions:
            if q.id in seen:
                problems.append(("questions", f"question id {q.id!r} is used twice"))
            seen.add(q.id)
        if problems:
            raise InvalidModel(problems)


@dataclass(frozen=True)
class Library:
    """All loaded banks and the bibliography their questions cite."""

    banks: tuple[Bank, ...]
    sources: Mapping[str, Source] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def questions(self) -> tuple[Question, ...]:
        """Return every question, bank by bank, in file order."""
        return tuple(q for b in self.banks for q in b.questions)

    @property
    def topics(self) -> tuple[str, ...]:
        """Return the topics present, built-in topics first in their usual order."""
        present = {b.topic for b in self.banks}
        ordered = [t for t in BUILTIN_TOPICS if t in present]
        return tuple(ordered + sorted(present - set(ordered)))

    def bank(self, bank_id: str) -> Bank:
        """Return the bank with this id."""
        for b in self.banks:
            if b.id == bank_id:
                return b
        raise KeyError(bank_id)

    def cited_sources(self, questions: Iterable[Question]) -> list[Source]:
        """Return the sources cited by these questions, in first-cited order."""
        seen: dict[str, Source] = {}
        for q in questions:
            for sid in q.sources:
                if sid not in seen and sid in self.sources:
                    seen[sid] = self.sources[sid]
        return list(seen.values())


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """Return " (did you mean 'x'?)" for the closest option, or "" when none is close."""
    import difflib

    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def topic_title(topic: str) -> str:
    """Return a display title for a topic slug: 'special_populations' → 'Special populations'."""
    text = topic.replace("_", " ").replace("-", " ")
    return text[:1].upper() + text[1:]

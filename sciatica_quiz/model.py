"""Immutable model objects: sources, questions of six kinds, banks and the library that holds them.

A question is one of six frozen classes (a tagged union, `Question`), each holding only what its
kind needs and computing, once, what is true of it: its answer as text, its blanks, its pairs.
Consumers dispatch on the class with `match` and end with `assert_never`, so a type checker names
every consumer that forgets a kind.

Every object checks its own rules when it is built, so a model object is valid however it was
made: by the YAML loader, by a test, or by another program using the library.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from functools import cached_property
from types import MappingProxyType
from typing import ClassVar, NoReturn, TypeAlias

from sciatica_quiz.errors import QuizError

SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*\Z")
TAG = re.compile(r"[^\s]+\Z")
# A deletion of valid cloze text; `cloze_problems` says what is wrong with invalid text.
CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
LETTERS = "abcdefghijklmnopqrstuvwxyz"

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


def assert_never(value: NoReturn) -> NoReturn:
    """Fail loudly at a `match` branch that a type checker proves unreachable (typing.assert_never, 3.11+)."""
    raise AssertionError(f"unhandled value: {value!r}")


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """Return " (did you mean 'x'?)" for the closest option, or "" when none is close."""
    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def topic_order(topics: Iterable[str]) -> list[str]:
    """Return topics in teaching order: the built-in ones first in their order, then the rest sorted."""
    present = set(topics)
    return [t for t in BUILTIN_TOPICS if t in present] + sorted(present - set(BUILTIN_TOPICS))


def topic_title(topic: str) -> str:
    """Return a display title for a topic slug: 'special_populations' → 'Special populations'."""
    text = topic.replace("_", " ").replace("-", " ")
    return text[:1].upper() + text[1:]


class QuestionType(str, Enum):
    """The six kinds of question a bank may hold, as the YAML `type` key names them."""

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


class InvalidModel(QuizError, ValueError):
    """A model object was built with values that break its rules; `problems` says which."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{key}: {msg}" for key, msg in problems))


def typeable(answer: str) -> bool:
    """Return whether a typed answer can match this one: graders ignore punctuation and spacing."""
    return any(
        unicodedata.category(ch)[0] not in "PZC" and unicodedata.category(ch) != "Mn"
        for ch in unicodedata.normalize("NFKD", answer)
    )


# -- sources --------------------------------------------------------------------------------------


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

    def short_citation(self) -> str:
        """Return a one-line citation for small spaces: 'Koes BW et al., 2007. Diagnosis and treatment of sciatica.'"""
        who = self.authors or self.publisher or ""
        if self.authors and "," in self.authors:
            who = self.authors.split(",")[0].strip() + " et al."
        year = f", {self.year}" if self.year else ""
        title = self.title.strip()
        return f"{who.rstrip('.')}{year}. {title}" + ("" if title.endswith((".", "?", "!")) else ".")

    def citation(self) -> str:
        """Return a one-line citation: authors or publisher, title, publisher, year."""
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


# -- the parts of questions -----------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One choice of a multiple-choice or multiple-answer question."""

    text: str
    correct: bool = False
    why: str | None = None


@dataclass(frozen=True)
class Blank:
    """One deletion of a cloze text, `{{c1::answer::hint}}`, numbered 1, 2 … in reading order.

    `also` holds the other answers a fair teacher accepts for it (the bank's `accept:`).
    """

    index: int
    number: int
    answer: str
    hint: str | None = None
    also: tuple[str, ...] = ()

    @property
    def accepted(self) -> tuple[str, ...]:
        """Return every answer taken as right, the deletion's own first."""
        return (self.answer, *self.also)


@dataclass(frozen=True)
class Pair:
    """One pair of a matching question: a left-hand item and the right-hand item it goes with."""

    left: str
    right: str


_DELETION_START = re.compile(r"\{\{c(\d+)::")
_SINGLE_BRACE_DELETION = re.compile(r"(?<!\{)\{c(\d+)::")


def cloze_segments(text: str) -> tuple[str | Blank, ...]:
    """Return valid cloze text as plain pieces and blanks, in reading order (the one cloze walk)."""
    out: list[str | Blank] = []
    at = 0
    for index, m in enumerate(CLOZE.finditer(text), 1):
        if m.start() > at:
            out.append(text[at : m.start()])
        out.append(Blank(index, int(m.group(1)), m.group(2).strip(), (m.group(3) or "").strip() or None))
        at = m.end()
    if at < len(text):
        out.append(text[at:])
    return tuple(out)


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
            problems.append(
                f"the hint of cloze deletion c{n} contains '::'; a deletion is {{{{cN::answer::hint}}}}"
            )
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


# -- questions ------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class BaseQuestion:
    """What every question has. Use one of the six kinds below, never this class itself."""

    TYPE: ClassVar[QuestionType]

    bank: str
    id: str
    topic: str
    prompt: str = ""
    explanation: str
    sources: tuple[str, ...] = ()
    difficulty: int = 2
    tags: tuple[str, ...] = ()
    case: str | None = None
    revised: date | None = None
    line: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        problems = list(self.problems())
        if problems:
            raise InvalidModel(problems)

    @property
    def type(self) -> QuestionType:
        """Return the question's kind as the YAML `type` names it."""
        return self.TYPE

    @property
    def uid(self) -> str:
        """Return the permanent key 'bank/question' used by study history and Anki notes."""
        return f"{self.bank}/{self.id}"

    @property
    def stem(self) -> str:
        """Return what the question asks: the prompt (a cloze question adds its blanked text)."""
        return self.prompt

    def answer_text(self) -> str:
        """Return the correct answer as one line of plain text."""
        raise NotImplementedError

    def problems(self) -> Iterator[tuple[str, str]]:
        """Yield (field, message) for each rule this question breaks."""
        if not SLUG.match(self.id):
            yield "id", f"id {self.id!r} must be a lowercase slug of letters, digits and hyphens"
        if not self.explanation.strip():
            yield "explanation", "needs an explanation"
        if not (isinstance(self.difficulty, int) and 1 <= self.difficulty <= 3):
            yield "difficulty", f"difficulty {self.difficulty!r} is out of range: use 1, 2 or 3"
        for tag in self.tags:
            if not tag or not TAG.match(tag):
                yield "tags", f"tag {tag!r} must not contain spaces (use '-' or '::')"
            elif tag.startswith("mblex::") and tag not in MBLEX_AREAS:
                yield (
                    "tags",
                    f"unknown MBLEx area tag {tag!r}{did_you_mean(tag, MBLEX_AREAS)}; see docs/bank-format.md",
                )
        if self.TYPE is not QuestionType.CLOZE and not self.prompt.strip():
            yield "prompt", "needs a prompt"
        yield from self.answer_problems()

    def answer_problems(self) -> Iterator[tuple[str, str]]:
        """Yield the problems of the kind's own fields."""
        yield from ()


@dataclass(frozen=True, kw_only=True)
class _ChoiceQuestion(BaseQuestion):
    """A question answered by picking among choices: multiple choice or multiple answer."""

    choices: tuple[Choice, ...]
    # False keeps the written order wherever the choices are shown (levels, numbers, durations).
    shuffle: bool = True

    @cached_property
    def correct(self) -> tuple[str, ...]:
        """Return the texts of the correct choices, in bank order."""
        return tuple(c.text for c in self.choices if c.correct)

    @cached_property
    def texts(self) -> tuple[str, ...]:
        """Return the texts of all choices, in bank order."""
        return tuple(c.text for c in self.choices)

    def answer_text(self) -> str:
        return "; ".join(self.correct)

    def answer_problems(self) -> Iterator[tuple[str, str]]:
        if not MIN_CHOICES <= len(self.choices) <= MAX_CHOICES:
            yield "choices", f"needs {MIN_CHOICES} to {MAX_CHOICES} choices, found {len(self.choices)}"
        seen: set[str] = set()
        for c in self.choices:
            if not c.text.strip():
                yield "choices", "a choice is empty"
            elif c.text in seen:
                yield "choices", f"choice {c.text!r} is repeated"
            seen.add(c.text)
            if c.why is not None and not c.why.strip():
                yield "choices", f"choice {c.text!r}: 'why' is empty"
        if not self.correct:
            yield "answer", "needs an answer"

    def why(self, text: str) -> str | None:
        """Return what the bank says about one choice: why it is right or wrong (None if nothing)."""
        return next((c.why for c in self.choices if c.text == text), None)


@dataclass(frozen=True, kw_only=True)
class MultipleChoice(_ChoiceQuestion):
    """Pick the one best answer among 2 to 8 choices."""

    TYPE: ClassVar[QuestionType] = QuestionType.MULTIPLE_CHOICE

    def answer_problems(self) -> Iterator[tuple[str, str]]:
        yield from super().answer_problems()
        if len(self.correct) > 1:
            yield "answer", "multiple_choice takes one answer (use multiple_answer for several)"


@dataclass(frozen=True, kw_only=True)
class MultipleAnswer(_ChoiceQuestion):
    """Pick every answer that applies among 2 to 8 choices."""

    TYPE: ClassVar[QuestionType] = QuestionType.MULTIPLE_ANSWER


@dataclass(frozen=True, kw_only=True)
class TrueFalse(BaseQuestion):
    """Say whether a statement is true."""

    TYPE: ClassVar[QuestionType] = QuestionType.TRUE_FALSE

    answer: bool

    def answer_text(self) -> str:
        return "True" if self.answer else "False"


@dataclass(frozen=True, kw_only=True)
class ShortAnswer(BaseQuestion):
    """Type a word or phrase; `accepted` lists every answer taken as right, the first one shown."""

    TYPE: ClassVar[QuestionType] = QuestionType.SHORT_ANSWER

    accepted: tuple[str, ...]

    def answer_text(self) -> str:
        return self.accepted[0]

    def answer_problems(self) -> Iterator[tuple[str, str]]:
        if not self.accepted or not all(a.strip() for a in self.accepted):
            yield "answer", "short_answer needs an answer (a string or a list of accepted answers)"
        for a in self.accepted:
            if a.strip() and not typeable(a):
                yield "answer", f"answer {a!r} has only punctuation, which answers are compared without"


@dataclass(frozen=True, kw_only=True)
class Cloze(BaseQuestion):
    """Fill in the blanks of a text written with Anki's `{{c1::answer::hint}}` deletions."""

    TYPE: ClassVar[QuestionType] = QuestionType.CLOZE

    text: str
    # Other answers a fair teacher accepts, by deletion number (c1 is 1): ((1, ('sitting',)), ...).
    accept: tuple[tuple[int, tuple[str, ...]], ...] = ()
    # Groups of deletion numbers whose answers may be given in any order: ((1, 2),).
    any_order: tuple[tuple[int, ...], ...] = ()

    @cached_property
    def segments(self) -> tuple[str | Blank, ...]:
        """Return the text as plain pieces and blanks, in reading order."""
        also = dict(self.accept)
        return tuple(
            s if isinstance(s, str) else dataclasses.replace(s, also=also.get(s.number, ()))
            for s in cloze_segments(self.text)
        )

    @cached_property
    def blanks(self) -> tuple[Blank, ...]:
        """Return the blanks in reading order."""
        return tuple(s for s in self.segments if isinstance(s, Blank))

    @cached_property
    def any_order_positions(self) -> tuple[tuple[int, ...], ...]:
        """Return `any_order` as positions (0-based) in `blanks`: what the graders compare.

        A blank number used more than once stands for its last blank.
        """
        positions = {b.number: i for i, b in enumerate(self.blanks)}
        return tuple(tuple(positions[n] for n in group if n in positions) for group in self.any_order)

    @property
    def stem(self) -> str:
        blanked = "".join(s if isinstance(s, str) else _blank_text(s) for s in self.segments)
        return f"{self.prompt}\n{blanked}" if self.prompt else blanked

    def answer_text(self) -> str:
        return "; ".join(b.answer for b in self.blanks)

    def answer_problems(self) -> Iterator[tuple[str, str]]:
        problems = cloze_problems(self.text)
        for problem in problems:
            yield "text", problem
        if problems:
            return
        numbers = {b.number for b in cloze_segments(self.text) if isinstance(b, Blank)}
        for number, answers in self.accept:
            if number not in numbers:
                yield "accept", f"'accept' names blank {number}, but the text has no c{number}"
            for a in answers:
                if not a.strip() or not typeable(a):
                    yield "accept", f"'accept' {number}: answer {a!r} has only punctuation or nothing"
        seen: set[int] = set()
        for group in self.any_order:
            if len(set(group)) < 2:
                yield "any_order", f"an 'any_order' group needs two or more blanks, not {list(group)}"
            for number in group:
                if number not in numbers:
                    yield "any_order", f"'any_order' names blank {number}, but the text has no c{number}"
                elif number in seen:
                    yield "any_order", f"blank {number} is in more than one 'any_order' group"
                seen.add(number)


def _blank_text(blank: Blank) -> str:
    return f"_____ ({blank.hint})" if blank.hint else "_____"


@dataclass(frozen=True, kw_only=True)
class Matching(BaseQuestion):
    """Match each left-hand item to the right-hand item it goes with."""

    TYPE: ClassVar[QuestionType] = QuestionType.MATCHING

    pairs: tuple[Pair, ...]

    @cached_property
    def lefts(self) -> tuple[str, ...]:
        """Return the left-hand items in bank order."""
        return tuple(p.left for p in self.pairs)

    @cached_property
    def rights(self) -> tuple[str, ...]:
        """Return the right-hand items in bank order (the partner of each left-hand item)."""
        return tuple(p.right for p in self.pairs)

    def answer_text(self) -> str:
        return "; ".join(f"{p.left} → {p.right}" for p in self.pairs)

    def answer_problems(self) -> Iterator[tuple[str, str]]:
        if len(self.pairs) < 2:
            yield "answer", f"matching needs at least 2 pairs, found {len(self.pairs)}"
        for r in sorted({r for r in self.rights if self.rights.count(r) > 1}):
            yield "answer", f"right-hand item {r!r} is used more than once"
        if any(not p.left.strip() or not p.right.strip() for p in self.pairs):
            yield "answer", "matching pairs must not be empty"


Question: TypeAlias = MultipleChoice | MultipleAnswer | TrueFalse | ShortAnswer | Cloze | Matching
QUESTION_CLASSES: dict[QuestionType, type[Question]] = {
    cls.TYPE: cls for cls in (MultipleChoice, MultipleAnswer, TrueFalse, ShortAnswer, Cloze, Matching)
}


# -- banks and the library ------------------------------------------------------------------------


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
        """Return the topics present, in teaching order."""
        return tuple(topic_order(b.topic for b in self.banks))

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

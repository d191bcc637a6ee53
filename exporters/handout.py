"""Printable handouts: study guides, worksheets and answer keys as PDF, HTML and Markdown.

`build_handout` turns the selected questions into one document model (`Handout`); each format
renders that same model, so a worksheet and its answer key agree on numbering and choice letters
whatever the format. The seed decides the question and choice order, so a worksheet and a key
built separately from the same seed and selection match. Worksheet models carry no answers at all:
a template cannot leak what it never receives, and the question order keeps each answer away from
the questions printed near it (see `worksheet_order`).

PDF goes through typst with the template in `templates/handout.typ`; the model reaches it as JSON
in `sys.inputs`, so bank text is never read as typst markup. HTML goes through a jinja2 template
with autoescaping; Markdown is written here with every markup character escaped.
"""

from __future__ import annotations

import dataclasses
import json
import random
import re
import string
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from exporters.common import (
    STDOUT,
    Exporter,
    ExportReport,
    Option,
    collector_paused,
    derangement,
    open_output,
)
from sciatica_quiz.errors import ExportError
from sciatica_quiz.grading import normalise
from sciatica_quiz.model import LETTERS as LOWER_LETTERS
from sciatica_quiz.model import (
    Cloze,
    Library,
    Matching,
    MultipleAnswer,
    MultipleChoice,
    Question,
    QuestionType,
    ShortAnswer,
    TrueFalse,
    assert_never,
    topic_order,
    topic_title,
)
from sciatica_quiz.selection import default_name
from sciatica_quiz.text import plural

LETTERS = LOWER_LETTERS.upper()
FORMATS = ("pdf", "html", "md")
PAPERS = ("letter", "a4")
DEFAULT_SEED = 1
MAX_VERSIONS = 26  # one per letter, A to Z
SUFFIXES = {".pdf": "pdf", ".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}
_TYPST_PAPER = {"letter": "us-letter", "a4": "a4"}
# The answer key's two parts, headed alike in every format.
ANSWER_GRID = "Answer grid"
EXPLANATIONS = "Explanations"
T = TypeVar("T")


class HandoutKind(str, Enum):
    """The three handouts: what each shows of a question."""

    STUDY_GUIDE = "study-guide"
    WORKSHEET = "worksheet"
    ANSWER_KEY = "answer-key"

    def __str__(self) -> str:
        return self.value

    @property
    def label(self) -> str:
        """Return the name printed on the handout, e.g. 'Answer key'."""
        return self.value.replace("-", " ").capitalize()


KINDS = tuple(k.value for k in HandoutKind)


# -- the document model --------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """A lettered choice of a multiple-choice question, in handout order."""

    letter: str
    text: str
    correct: bool = False
    why: str = ""  # why this choice is right or wrong; the study guide shows it, a worksheet never


@dataclass(frozen=True)
class Segment:
    """A piece of cloze text: plain text (blank == 0) or the numbered blank of a deletion."""

    text: str = ""
    blank: int = 0
    hint: str | None = None
    answer: str = ""


@dataclass(frozen=True)
class Pair:
    """A left-hand matching item, numbered, with the letter of its right-hand partner."""

    number: int
    text: str
    letter: str = ""


@dataclass(frozen=True)
class HandoutItem:
    """One question as a handout shows it; answer fields are empty on a worksheet.

    `answer` is the whole answer on one line ("B. L4–S3"). The key's answer grid shows `grid`, the
    shortest answer a grader needs ("B", "A, C", "T", "1–C 2–A 3–B"); its explanations print
    `mark` ("B", "True") in bold with the `detail` lines: one line ("L4–S3") follows the mark,
    several (each right choice of a multiple-answer question, "A. Tibial nerve") go one a line.
    `summary` is the explanation's first sentence that says more than the answer.
    """

    number: int
    uid: str
    type: str
    case: str | None
    prompt: str
    instruction: str
    choices: tuple[Choice, ...] = ()
    cloze: tuple[Segment, ...] = ()
    blanks: int = 0
    pairs: tuple[Pair, ...] = ()
    options: tuple[Choice, ...] = ()
    mark: str = ""
    grid: str = ""
    answer: str = ""
    detail: tuple[str, ...] = ()
    accepted: tuple[str, ...] = ()
    explanation: str = ""
    summary: str = ""
    sources: tuple[int, ...] = ()


@dataclass(frozen=True)
class Section:
    """A run of items under one heading (a topic in the study guide; untitled elsewhere)."""

    title: str
    items: tuple[HandoutItem, ...]


@dataclass(frozen=True)
class Reference:
    """A numbered bibliography entry; `href` is its URL when that is safe to make a link."""

    number: int
    citation: str
    url: str | None = None
    href: str | None = None


@dataclass(frozen=True)
class Handout:
    """A whole handout, ready for any renderer."""

    kind: HandoutKind
    title: str
    subtitle: str
    date: date
    seed: int
    paper: str
    sections: tuple[Section, ...]
    references: tuple[Reference, ...] = ()
    version: str | None = None

    @property
    def items(self) -> tuple[HandoutItem, ...]:
        """Return every item in order."""
        return tuple(i for s in self.sections for i in s.items)

    @property
    def label(self) -> str:
        """Return the kind, with the version for exams: 'Worksheet · Version B'."""
        return f"{self.kind.label} · Version {self.version}" if self.version else self.kind.label

    @property
    def running_head(self) -> str:
        """Return the page header text: the title, plus what the title does not already say."""
        return " · ".join([self.title, *self._tags()])

    @property
    def meta(self) -> str:
        """Return the line under the title: kind, version and date."""
        return " · ".join([*self._tags(), self.date_text])

    @property
    def code(self) -> str:
        """Return the code in a worksheet's or key's footer that pairs the two: 'Version B · seed 42'.

        The seed on a worksheet gives nothing away: rebuilding the key from it needs the banks, and
        a student who has the banks can look every answer up anyway. The study guide has no code.
        """
        if self.kind is HandoutKind.STUDY_GUIDE:
            return ""
        return f"Version {self.version} · seed {self.seed}" if self.version else f"seed {self.seed}"

    def _tags(self) -> list[str]:
        tags = [] if self.kind.label.lower() in self.title.lower() else [self.kind.label]
        return tags + ([f"Version {self.version}"] if self.version else [])

    @property
    def date_text(self) -> str:
        """Return the date as printed: '24 November 2026'."""
        return f"{self.date.day} {self.date:%B %Y}"

    def data(self) -> dict[str, Any]:
        """Return the model as JSON-ready data, with the display strings templates need."""
        data: dict[str, Any] = _plain(self)
        data.update(self._display())
        return data

    def to_json(self) -> str:
        """Return data() as JSON text, encoded straight from the model objects.

        A large handout holds hundreds of thousands of values; building data() first took longer
        than encoding it. Dataclass fields are in definition order either way.
        """
        return json.dumps(dict(vars(self), **self._display()), ensure_ascii=False, default=vars)

    def _display(self) -> dict[str, Any]:
        return dict(
            kind=self.kind.value,
            date=self.date.isoformat(),
            date_text=self.date_text,
            label=self.label,
            running_head=self.running_head,
            meta=self.meta,
            code=self.code,
            headings=dict(grid=ANSWER_GRID, explanations=EXPLANATIONS),
            paper=_TYPST_PAPER[self.paper],
            css_paper=self.paper,
            count=len(self.items),
        )


def _plain(value: Any) -> Any:
    """Return model objects as dicts and lists: dataclasses.asdict without its deep copy of every
    string, which took longer than building the model on a large handout."""
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    fields = getattr(type(value), "__dataclass_fields__", None)
    if fields is not None:
        return {name: _plain(getattr(value, name)) for name in fields}
    return value


_SCALARS = (str, int, float, type(None))


# -- building the model --------------------------------------------------------------------


def build_handout(
    library: Library,
    questions: Sequence[Question],
    kind: HandoutKind | str,
    *,
    seed: int = DEFAULT_SEED,
    version: str | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    when: date | None = None,
    paper: str = "letter",
) -> Handout:
    """Build a handout of these questions; the seed (and version) decide the order.

    The study guide groups questions by topic and keeps the bank's choice order. Worksheets and
    keys put the questions in an order drawn from the seed and version (see `worksheet_order`), so
    versions A and B of an exam differ, and shuffle each question's choices by the seed.
    """
    kind = HandoutKind(kind)
    if paper not in PAPERS:
        raise ExportError(f"unknown paper size '{paper}'; use one of: {', '.join(PAPERS)}")
    if not questions:
        raise ExportError("no questions to put in the handout")
    references, numbers = _references(library, questions)
    if kind is HandoutKind.STUDY_GUIDE:
        groups = _by_topic(library, questions)
    else:
        groups = [("", worksheet_order(questions, random.Random(f"{seed}:{version or ''}:order")))]
    sections, n = [], 0
    with collector_paused():  # many small objects, no cycles
        for heading, group in groups:
            items = []
            for q in group:
                n += 1
                shuffle = None if kind is HandoutKind.STUDY_GUIDE else f"{seed}:{version or ''}:{q.uid}"
                item = _item(q, n, shuffle, tuple(sorted(numbers[s] for s in q.sources if s in numbers)))
                items.append(_without_answers(item) if kind is HandoutKind.WORKSHEET else item)
            sections.append(Section(heading, tuple(items)))
    return Handout(
        kind=kind,
        title=title or f"{default_name(library, questions)} {kind.label.lower()}",
        subtitle=_default_subtitle(library, questions) if subtitle is None else subtitle,
        date=when or date.today(),
        seed=seed,
        paper=paper,
        sections=tuple(sections),
        references=references if kind is HandoutKind.STUDY_GUIDE else (),
        version=version,
    )


def _by_topic(library: Library, questions: Sequence[Question]) -> list[tuple[str, list[Question]]]:
    groups: dict[str, list[Question]] = {}
    for q in questions:
        groups.setdefault(q.topic, []).append(q)
    return [(topic_title(t), groups[t]) for t in topic_order(groups)]


def _references(
    library: Library, questions: Sequence[Question]
) -> tuple[tuple[Reference, ...], dict[str, int]]:
    cited = library.cited_sources(questions)
    refs = tuple(Reference(i, s.citation(), s.url, _link(s.url)) for i, s in enumerate(cited, 1))
    return refs, {s.id: i for i, s in enumerate(cited, 1)}


def _link(url: str | None) -> str | None:
    """Return a URL fit to be a link: a web address, never a script or a local file."""
    return url if url and re.fullmatch(r"https?://[^\s<>\"'`\\]+", url, re.IGNORECASE) else None


def _default_subtitle(library: Library, questions: Sequence[Question]) -> str:
    topics = [topic_title(t) for t in topic_order(q.topic for q in questions)]
    count = plural(len(questions), "question")
    if len(topics) > 3:
        return f"{len(topics)} topics · {count}"
    return f"{', '.join(topics)} · {count}" if topics else count


_INSTRUCTIONS = {
    QuestionType.MULTIPLE_CHOICE: "Circle one.",
    QuestionType.MULTIPLE_ANSWER: "Circle all that apply.",
    QuestionType.TRUE_FALSE: "Circle True or False.",
    QuestionType.SHORT_ANSWER: "Write your answer.",
    QuestionType.CLOZE: "Fill in the blank.",
    QuestionType.MATCHING: "Write the letter of the match on each line.",
}


def _item(q: Question, number: int, shuffle: str | None, sources: tuple[int, ...]) -> HandoutItem:
    """Return the item of a question; `shuffle` is the key its choices are shuffled by, if any."""
    instruction = _INSTRUCTIONS[q.type]
    # What each type adds; the item is made once, with all of it.
    extra: dict[str, Any]
    match q:
        case MultipleChoice() | MultipleAnswer():
            if isinstance(q, MultipleAnswer) and "all that apply" in q.prompt.lower():
                instruction = ""  # the prompt already says so
            texts = list(q.texts)
            if shuffle is not None and q.shuffle:  # levels and numbers stay in order
                random.Random(shuffle).shuffle(texts)
            choices = tuple(
                Choice(LETTERS[i], c, c in q.correct, q.why(c) or "") for i, c in enumerate(texts)
            )
            right = [c for c in choices if c.correct]
            letters = ", ".join(c.letter for c in right)
            extra = dict(
                choices=choices,
                mark=letters,
                grid=letters,
                answer="; ".join(f"{c.letter}. {c.text}" for c in right),
                # One right choice follows its letter; several are listed one a line, lettered.
                detail=(right[0].text,) if len(right) == 1 else tuple(f"{c.letter}. {c.text}" for c in right),
            )
        case TrueFalse():
            extra = dict(mark=q.answer_text(), grid=q.answer_text()[0], answer=q.answer_text())
        case ShortAnswer():
            extra = dict(
                mark=q.accepted[0], grid=q.accepted[0], answer=q.accepted[0], accepted=q.accepted[1:]
            )
        case Cloze():
            cloze = tuple(
                Segment(s) if isinstance(s, str) else Segment(blank=s.index, hint=s.hint, answer=s.answer)
                for s in q.segments
            )
            answers = [b.answer for b in q.blanks]
            answer = answers[0] if len(answers) == 1 else _numbered(answers, " ")
            # In the grid's narrow columns a number keeps to its answer: no line break after "(2)".
            grid = answers[0] if len(answers) == 1 else _numbered(answers, "\u00a0")
            instruction = "Fill in the blank." if len(answers) == 1 else "Fill in the blanks."
            extra = dict(cloze=cloze, blanks=len(answers), mark=answer, grid=grid, answer=answer)
        case Matching():
            # No item on the row of its match: "1–A" anywhere would give that one away.
            rights = list(q.rights) if shuffle is None else derangement(q.rights, shuffle)
            letter = {r: LETTERS[i] for i, r in enumerate(rights)}
            pairs = tuple(Pair(i, p.left, letter[p.right]) for i, p in enumerate(q.pairs, 1))
            options = tuple(Choice(letter[r], r) for r in rights)
            answer = " ".join(f"{p.number}–{p.letter}" for p in pairs)
            extra = dict(pairs=pairs, options=options, mark=answer, grid=answer, answer=answer)
        case _:
            assert_never(q)
    return HandoutItem(
        number=number,
        uid=q.uid,
        type=q.type.value,
        case=q.case,
        prompt=q.prompt,
        instruction=instruction,
        explanation=q.explanation,
        summary=key_explanation(q),
        sources=sources,
        **extra,
    )


def _numbered(answers: Sequence[str], space: str) -> str:
    """Return a cloze's answers numbered by blank: '(1) tibial; (2) fibular'."""
    return "; ".join(f"({i}){space}{a}" for i, a in enumerate(answers, 1))


def _without_answers(item: HandoutItem) -> HandoutItem:
    return dataclasses.replace(
        item,
        choices=tuple(dataclasses.replace(c, correct=False, why="") for c in item.choices),
        cloze=tuple(dataclasses.replace(s, answer="") for s in item.cloze),
        pairs=tuple(dataclasses.replace(p, letter="") for p in item.pairs),
        mark="",
        grid="",
        answer="",
        detail=(),
        accepted=(),
        explanation="",
        summary="",
    )


_SENTENCE_END = re.compile(r"([.!?][\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9])")
# A full stop after these ends an abbreviation or an initial ("e.g. Slump", "Smith J."), not a sentence.
_NOT_AN_END = re.compile(r"(?:^|[\s(])(?:e\.g|i\.e|etc|vs|cf|approx|Dr|Fig|al|St|No|[A-Z])\.$")


def sentences(text: str) -> list[str]:
    """Return the sentences of a text, each on one line."""
    text = " ".join(text.split())
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        sentence = text[start : m.end(1)]
        if not _NOT_AN_END.search(sentence):
            out.append(sentence)
            start = m.end()
    return [*out, text[start:]] if text[start:] else out


def first_sentence(text: str) -> str:
    """Return the first sentence of a text, on one line."""
    return next(iter(sentences(text)), "")


# Words that add nothing to an answer: "False.", "Yes, true.", "Correct: the sciatic nerve."
_VERDICT = frozenset(
    {"true", "false", "yes", "no", "not", "correct", "incorrect", "right", "wrong", "answer", "statement"}
    | {"the", "a", "an", "it", "is", "this", "that"}
)


def key_explanation(q: Question) -> str:
    """Return the key's one-line explanation: the first sentence that says more than the answer.

    An explanation that opens "False." or names the answer and nothing else would only repeat
    what the key prints beside it, so the next sentence is taken (the first, if none says more).
    """
    said = set(normalise(q.answer_text()).split()) | _VERDICT
    all_sentences = sentences(q.explanation)
    return next(
        (s for s in all_sentences if not set(normalise(s).split()) <= said),
        next(iter(all_sentences), ""),
    )


# -- worksheet order: no answer printed next to its question ------------------------------
#
# A worksheet must not answer one question in the text of another printed near it: "Which
# muscles does the tibial nerve supply?" two places after "Name the nerve that supplies the calf"
# gives that answer away. So the questions are drawn in a seeded order, and each is put where none of the
# NEIGHBOURS questions on either side shows one of its giveaway terms. The rule, in full:
# - a question's giveaway terms are its typed answers (each accepted answer of a short answer,
#   each accepted answer of each cloze blank) and its keyed terms (the text of each correct
#   choice of a multiple-choice or multiple-answer question);
# - a question's visible text is its prompt, case, choices, matching items and cloze text (its
#   hints, not its answers);
# - both are compared after grading.normalise (case, accents, punctuation, plurals …), as whole
#   words: "nerve root" is in "the nerve roots exit" but "root" is not in "rootlets";
# - terms with fewer than MIN_TERM letters and digits ("L5", "S1") are ignored, and so are terms
#   shown by more than COMMON of the selected questions ("sciatic nerve"; but a term shown by one
#   or two questions always counts, however few are selected): no order avoids them.
# When the selection is too small for any order to keep every term away (a few questions, all
# close together), the order with the fewest such neighbours that TRIES draws find is used.

NEIGHBOURS = 3
MIN_TERM = 4
COMMON = 0.08
TRIES = 20  # orders drawn at most, when the first is not clear


def giveaway_terms(q: Question) -> tuple[str, ...]:
    """Return what a worksheet must not print near this question, normalised, short terms left out."""
    terms: tuple[str, ...]
    match q:
        case MultipleChoice() | MultipleAnswer():
            terms = q.correct
        case ShortAnswer():
            terms = q.accepted
        case Cloze():
            terms = tuple(a for b in q.blanks for a in b.accepted)
        case TrueFalse() | Matching():
            terms = ()
        case _:
            assert_never(q)
    folded = (normalise(t) for t in terms)
    return tuple(dict.fromkeys(t for t in folded if sum(ch.isalnum() for ch in t) >= MIN_TERM))


def visible_text(q: Question) -> str:
    """Return the text a worksheet prints for the question, normalised, ' | ' between its parts."""
    parts: tuple[str, ...]
    match q:
        case MultipleChoice() | MultipleAnswer():
            parts = q.texts
        case Matching():
            parts = (*q.lefts, *q.rights)
        case Cloze():
            parts = tuple(s if isinstance(s, str) else s.hint or "" for s in q.segments)
        case TrueFalse() | ShortAnswer():
            parts = ()
        case _:
            assert_never(q)
    folded = (normalise(p) for p in (q.case or "", q.prompt, *parts))
    return " | ".join(p for p in folded if p)


def giveaways(questions: Sequence[Question]) -> list[set[int]]:
    """Return, for each question, the questions that must not be printed near it (by index)."""
    shown = [f" {visible_text(q)} " for q in questions]
    holding: dict[str, set[int]] = {}  # word → the questions that show it
    for i, text in enumerate(shown):
        for word in text.split():
            holding.setdefault(word, set()).add(i)
    apart: list[set[int]] = [set() for _ in questions]
    for i, q in enumerate(questions):
        for term in giveaway_terms(q):
            maybe = set.intersection(*(holding.get(w, set()) for w in term.split()))
            shows = {j for j in maybe if f" {term} " in shown[j]}
            if len(shows) > max(COMMON * len(questions), 2):
                continue
            for j in shows - {i}:
                apart[i].add(j)
                apart[j].add(i)
    return apart


def worksheet_order(questions: Sequence[Question], rng: random.Random) -> list[Question]:
    """Return the questions in an order drawn from `rng` in which no answer is printed near its question.

    Orders are drawn (see `_draw_order`) until one is clear, up to TRIES of them; the one with the
    fewest clashes is kept. The built-in banks take one draw, a crowded handful a few more.
    """
    apart = giveaways(questions)
    best, fewest = _draw_order(apart, rng)
    for _ in range(TRIES - 1):
        if not fewest:
            break
        order, left = _draw_order(apart, rng)
        if left < fewest:
            best, fewest = order, left
    return [questions[i] for i in best]


def _draw_order(apart: list[set[int]], rng: random.Random) -> tuple[list[int], int]:
    """Return an order of the questions (by index) and how many pairs in it still clash.

    Each question, in a shuffled order, goes at the end if the last NEIGHBOURS questions keep clear
    of it, or else into the latest gap where the NEIGHBOURS questions on each side do. Putting a
    question into a gap only moves the others further apart, so the order stays clear. A question
    that finds no clear gap goes where it clashes least; then, while some pair clashes, one of the
    two (the one with fewer giveaways first) moves to its best gap if that leaves fewer clashes.
    """
    drawn = list(range(len(apart)))
    rng.shuffle(drawn)
    order: list[int] = []

    def clashes(i: int, gap: int) -> int:
        return sum(j in apart[i] for j in order[max(0, gap - NEIGHBOURS) : gap + NEIGHBOURS])

    def place(i: int) -> None:
        gap = len(order)
        if apart[i] and clashes(i, gap):
            gap = min(range(len(order), -1, -1), key=lambda g: clashes(i, g))
        order.insert(gap, i)

    def clashing() -> list[tuple[int, int]]:
        return [
            (a, b)
            for a in range(len(order))
            if apart[order[a]]
            for b in range(a + 1, min(a + 1 + NEIGHBOURS, len(order)))
            if order[b] in apart[order[a]]
        ]

    for i in drawn:
        place(i)
    while pairs := clashing():
        before = order.copy()
        for at in sorted(pairs[0], key=lambda at: (len(apart[order[at]]), at)):
            place(order.pop(at))
            if len(clashing()) < len(pairs):
                break
            order[:] = before
        else:
            return order, len(pairs)  # neither of the pair can move to fewer clashes
    return order, 0


# -- exams: several shuffled versions ------------------------------------------------------


def version_paths(path: str | Path, letter: str) -> tuple[Path, Path]:
    """Return the worksheet and key files of one exam version: 'quiz.pdf' → quiz-A.pdf, quiz-A-key.pdf."""
    p = Path(path)
    return p.with_name(f"{p.stem}-{letter}{p.suffix}"), p.with_name(f"{p.stem}-{letter}-key{p.suffix}")


def exam_versions(
    library: Library, questions: Sequence[Question], versions: int, **options: Any
) -> list[tuple[Handout, Handout]]:
    """Return (worksheet, key) for versions A, B, C …, each with its own question and choice order."""
    if not 1 <= versions <= MAX_VERSIONS:
        raise ExportError(
            f"the number of versions must be 1 to {MAX_VERSIONS}, not {versions}", option="versions"
        )
    return [
        (
            build_handout(library, questions, HandoutKind.WORKSHEET, version=v, **options),
            build_handout(library, questions, HandoutKind.ANSWER_KEY, version=v, **options),
        )
        for v in LETTERS[:versions]
    ]


def plan_handouts(
    library: Library,
    questions: Sequence[Question],
    kind: HandoutKind | str,
    output: str | Path,
    versions: int | None = None,
    **options: Any,
) -> list[tuple[str | Path, Handout]]:
    """Return each file to write with its handout: one file, or a worksheet and key per version."""
    kind = HandoutKind(kind)
    if versions is None:
        return [(output, build_handout(library, questions, kind, **options))]
    if kind is not HandoutKind.WORKSHEET:
        raise ExportError(
            "versions are worksheets, each with its key; ask for a worksheet",
            option="kind",
            value="worksheet",
        )
    if str(output) == STDOUT:
        raise ExportError(
            "versions are several files; give a file name, not standard output",
            option="output",
            value="exam.pdf",
        )
    planned: list[tuple[str | Path, Handout]] = []
    for sheet, key in exam_versions(library, questions, versions, **options):
        sheet_path, key_path = version_paths(output, sheet.version or "")
        planned += [(sheet_path, sheet), (key_path, key)]
    return planned


# -- formats -------------------------------------------------------------------------------


def infer_format(path: str | Path, fmt: str | None) -> str:
    """Return the output format: the one given, or the one the file suffix names."""
    if str(path) == STDOUT:
        if fmt is None:
            raise ExportError(
                "writing to standard output needs the HTML or Markdown format", option="format", value="html"
            )
        if fmt == "pdf":
            raise ExportError(
                "a PDF cannot go to standard output; give a file name", option="output", value="handout.pdf"
            )
        return fmt
    suffix = Path(path).suffix.lower()
    named = SUFFIXES.get(suffix)
    if fmt is None:
        if named is None:
            raise ExportError(
                f"{path}: cannot tell the format from the file name; name it .pdf, .html or .md, or give the format",
                option="format",
            )
        return named
    if fmt not in FORMATS:
        raise ExportError(f"unknown format '{fmt}'; use one of: {', '.join(FORMATS)}")
    if named is not None and named != fmt:
        raise ExportError(
            f"{path}: the name says {named} but the format asked for is {fmt}; rename the file or leave the format out",
            option="format",
        )
    return fmt


def render(handout: Handout, fmt: str, template: Path | None = None) -> bytes:
    """Render a handout as PDF, HTML or Markdown bytes; `template` replaces the typst or jinja2 one."""
    renderers: dict[str, Callable[[Handout, Path | None], bytes]] = {
        "pdf": render_pdf,
        "html": render_html,
        "md": lambda h, _t: render_markdown(h).encode("utf-8"),
    }
    if fmt not in renderers:
        raise ExportError(f"unknown format '{fmt}'; use one of: {', '.join(FORMATS)}")
    with collector_paused():  # the template data is hundreds of thousands of small objects, no cycles
        return renderers[fmt](handout, template)


def write_handouts(
    outputs: Sequence[tuple[str | Path, Handout]], fmt: str, template: Path | None = None
) -> None:
    """Render every handout first, then write each file atomically, so a failed render writes nothing."""
    rendered = [(path, render(h, fmt, template)) for path, h in outputs]
    for path, data in rendered:
        with open_output(path) as f:
            f.write(data)


def _templates() -> Any:
    from importlib import resources  # here, not at the top: it cost every command ~8 ms of start-up

    return resources.files("exporters") / "templates"


def render_pdf(handout: Handout, template: Path | None = None) -> bytes:
    """Compile the handout to PDF with typst, using only the fonts typst embeds."""
    import typst

    data = handout.to_json()
    from importlib import resources

    with resources.as_file(_templates() / "handout.typ") as builtin:
        path = template or builtin
        try:
            pdf = _interruptible(
                lambda: typst.compile(
                    str(path), root=str(path.parent), sys_inputs={"data": data}, ignore_system_fonts=True
                )
            )
        except RuntimeError as exc:  # typst.TypstError, or a plain RuntimeError before typst 0.14
            message = getattr(exc, "message", None) or str(exc)
            raise ExportError(f"PDF rendering failed: {message.strip()}") from None
    if not isinstance(pdf, bytes):  # pragma: no cover - typst returns pages only for images
        raise ExportError("PDF rendering returned no document")
    return pdf


def _interruptible(call: Callable[[], T]) -> T:
    """Run a long native call in a worker thread and wait for it, so that Ctrl-C is not held up.

    typst compiles without returning to Python, so a KeyboardInterrupt would wait until a large
    handout was finished; the main thread waiting on a thread takes it at once. The abandoned
    daemon thread ends with the process.
    """
    import threading

    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # handed to the caller below
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="typst-compile", daemon=True)
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    result: T = outcome["value"]
    return result


def render_html(handout: Handout, template: Path | None = None) -> bytes:
    """Render the handout as one self-contained HTML page with print styles."""
    import jinja2
    import markupsafe

    if template is None:
        loader: jinja2.BaseLoader = jinja2.PackageLoader("exporters", "templates")
        name = "handout.html.j2"
    else:
        loader, name = jinja2.FileSystemLoader(str(template.parent)), template.name
    env = jinja2.Environment(
        loader=loader, autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    env.filters["css_string"] = lambda text: markupsafe.Markup(css_string(text))
    try:
        html = env.get_template(name).render(h=handout.data())
    except jinja2.TemplateError as exc:
        raise ExportError(f"HTML rendering failed: {exc}") from None
    return html.encode("utf-8")


def css_string(text: str) -> str:
    """Return text as a quoted CSS string (for page headers and footers): every character but a
    letter, digit or space escaped, so no text can end the string, the rule or the style sheet."""
    return (
        '"'
        + "".join(ch if ch.isascii() and (ch.isalnum() or ch == " ") else f"\\{ord(ch):x} " for ch in text)
        + '"'
    )


# -- Markdown ------------------------------------------------------------------------------

# Every ASCII punctuation character may be backslash-escaped in CommonMark; these are the ones
# that can start markup (emphasis, code, links, HTML, headings, tables, strikethrough, maths).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~=$&!])")
_MD_BULLET = re.compile(r"^([-+])", re.MULTILINE)
_MD_NUMBERED = re.compile(r"^(\d+)([.)])", re.MULTILINE)


def md_escape(text: str) -> str:
    """Return text that Markdown viewers show literally, line breaks kept."""
    return _md_block(_md_chars(text))


def _md_chars(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_block(text: str) -> str:
    """Keep already-escaped text from starting a list or code block, and keep its line breaks."""
    text = "\n".join(line.strip() for line in text.strip().splitlines())
    text = _MD_NUMBERED.sub(r"\1\\\2", _MD_BULLET.sub(r"\\\1", text))
    # A paragraph break stays a break; a single newline becomes a hard line break.
    return "\n\n".join(p.replace("\n", "\\\n") for p in re.split(r"\n\s*\n", text))


def render_markdown(handout: Handout) -> str:
    """Render the handout as plain Markdown that reads well as text and on common viewers."""
    h = handout
    out = [f"# {_md_cell(h.title)}", ""]  # a heading is one line
    if h.subtitle:
        out += [md_escape(h.subtitle), ""]
    out += [f"*{md_escape(h.meta)}*", ""]
    if h.kind is HandoutKind.WORKSHEET:
        out += [r"Name: \_\_\_\_\_\_\_\_\_\_\_\_\_\_\_\_\_\_\_\_\_\_\_\_  Date: \_\_\_\_\_\_\_\_\_\_\_\_", ""]
    if h.kind is HandoutKind.ANSWER_KEY:
        out += [f"## {ANSWER_GRID}", "", _md_grid(h.items), "", f"## {EXPLANATIONS}", ""]
    for section in h.sections:
        if section.title:
            out += [f"## {_md_cell(section.title)}", ""]
        for item in section.items:
            for block in _md_item(h.kind, item):
                out += [block, ""]
    if h.references:
        out += ["## Sources", ""]
        for ref in h.references:
            url = f" {_md_url(ref.url)}" if ref.url else ""
            out.append(f"{ref.number}\\. {md_escape(ref.citation)}{url}")
            out.append("")
    if h.code:
        out += ["---", "", f"*{md_escape(h.code)}*"]
    return "\n".join(out).rstrip() + "\n"


GRID_COLUMNS = 4  # the answer grid's columns in Markdown (PDF and HTML set theirs in the template)


def _md_grid(items: Sequence[HandoutItem]) -> str:
    """Return the answer grid as a table read down each column, headed by its question numbers."""
    rows = -(-len(items) // GRID_COLUMNS)
    columns = [items[c * rows : (c + 1) * rows] for c in range(GRID_COLUMNS)]
    columns = [c for c in columns if c]
    head = [f"{c[0].number}–{c[-1].number}" if len(c) > 1 else str(c[0].number) for c in columns]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(columns)]
    for r in range(rows):
        cells = [f"**{c[r].number}\\.** {_md_cell(c[r].grid)}" if r < len(c) else "" for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _md_url(url: str) -> str:
    """Return a URL as an autolink, or as escaped text when it could not be one."""
    return f"<{url}>" if re.fullmatch(r"[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>]*", url) else _md_cell(url)


def _md_item(kind: HandoutKind, item: HandoutItem) -> list[str]:
    """Return the item as Markdown blocks (paragraphs, lists, tables), one string each."""
    if kind is HandoutKind.ANSWER_KEY:
        inline = len(item.detail) == 1
        detail = f" — {_md_cell(item.detail[0])}" if inline else ""
        lines = [f"**{item.number}\\.** **{_md_cell(item.mark)}**{detail}"]
        lines += [] if inline else [_md_block(_md_cell(line)) for line in item.detail]
        if item.accepted:
            lines.append(f"Also accept: {_md_cell('; '.join(item.accepted))}")
        return ["\\\n".join([*lines, md_escape(item.summary)])]
    study = kind is HandoutKind.STUDY_GUIDE
    stem = md_escape(item.prompt) if item.prompt else ""
    if item.cloze:
        stem = (stem + "\\\n" if stem else "") + _md_cloze(kind, item)
    if not study and item.instruction:
        stem += f" *({item.instruction})*"
    number = f"**{item.number}\\.**"
    blocks = [f"{number} *Case:* {md_escape(item.case)}", stem] if item.case else [f"{number} {stem}"]
    if item.choices:
        blocks.append("\n".join(_md_choice(c, study) for c in item.choices))
    if item.pairs:
        blocks.append(_md_matching(item, study))
    if study:
        if not (item.choices or item.pairs or item.cloze):
            also = f" *(also: {_md_cell('; '.join(item.accepted))})*" if item.accepted else ""
            blocks.append(f"**Answer:** {md_escape(item.answer)}{also}")
        blocks.append(md_escape(item.explanation))
        if item.sources:
            blocks.append(f"*Sources: {', '.join(f'[{n}]' for n in item.sources)}*")
    elif item.type == QuestionType.TRUE_FALSE.value:
        blocks.append("**True** / **False**")
    elif item.type == QuestionType.SHORT_ANSWER.value:
        blocks.append("Answer: " + r"\_" * 40)
    return blocks


def _md_choice(c: Choice, study: bool) -> str:
    if study and c.correct:
        line = f"- **{c.letter}\\.** **{_md_cell(c.text)}** ✓"
    else:
        line = f"- **{c.letter}\\.** {_md_cell(c.text)}"
    return f"{line}\\\n  {_md_cell(c.why)}" if study and c.why else line


def _md_cell(text: str) -> str:
    """Return text escaped for one line: a list entry or a table cell."""
    return _md_chars(" ".join(text.split()))


def _md_matching(item: HandoutItem, study: bool) -> str:
    if study:
        rights = {c.letter: c.text for c in item.options}
        rows = [f"| {_md_cell(p.text)} | {_md_cell(rights[p.letter])} |" for p in item.pairs]
        return "\n".join(["| Item | Match |", "|---|---|", *rows])
    rows = ["| | Item | | Match |", "|---|---|---|---|"]
    for i in range(max(len(item.pairs), len(item.options))):
        left = f"{item.pairs[i].number}. {_md_cell(item.pairs[i].text)}" if i < len(item.pairs) else ""
        letter, right = (
            (item.options[i].letter, _md_cell(item.options[i].text)) if i < len(item.options) else ("", "")
        )
        line = r"\_" * 4 if left else ""
        rows.append(f"| {line} | {left} | {f'**{letter}.**' if letter else ''} | {right} |")
    return "\n".join(rows)


def _md_cloze(kind: HandoutKind, item: HandoutItem) -> str:
    parts: list[str] = []
    answers: list[str] = []  # answers of adjacent deletions, shown as one bold run
    for i, s in enumerate(item.cloze):
        if not s.blank:
            parts.append(_md_chars(s.text))
        elif kind is HandoutKind.STUDY_GUIDE:
            answers.append(_md_cell(s.answer))
            following = item.cloze[i + 1] if i + 1 < len(item.cloze) else None
            if following is None or not following.blank:
                after = _md_chars(following.text) if following else ""
                parts.append(_md_strong("".join(answers), "".join(parts)[-1:], after[:1]))
                answers = []
        else:
            number = f"({s.blank})" if item.blanks > 1 else ""
            hint = f" ({_md_chars(s.hint)})" if s.hint else ""
            parts.append(number + r"\_" * 12 + hint)
    return _md_block("".join(parts))


def _md_strong(text: str, before: str, after: str) -> str:
    """Return escaped text in bold: **text**, or <b>text</b> where CommonMark would show the asterisks."""

    # '**' opens only before a letter or after a space or punctuation, and closes likewise; between
    # `before` and `after`, 'a**(b)**c' would not be bold.
    def punctuation(ch: str, maybe: bool) -> bool:
        # CommonMark counts Unicode punctuation, and since 0.31 symbols too; viewers differ.
        return ch in string.punctuation or unicodedata.category(ch)[0] in ("PS" if maybe else "P")

    def edge(ch: str) -> bool:
        return not ch or ch.isspace() or punctuation(ch, maybe=False)

    opens = not punctuation(text[0], maybe=True) or edge(before)
    closes = not punctuation(text[-1], maybe=True) or edge(after)
    return f"**{text}**" if opens and closes else f"<b>{text}</b>"


# -- the exporter ---------------------------------------------------------------------------------


def write(
    library: Library,
    questions: Sequence[Question],
    output: str | Path,
    kind: str,
    format: str | None = None,
    seed: int = DEFAULT_SEED,
    versions: int | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    paper: str = PAPERS[0],
) -> ExportReport:
    """The exporter's entry point: plan the handouts, render them all, then write each file."""
    fmt = infer_format(output, format)
    options = {"seed": seed, "title": title, "subtitle": subtitle, "paper": paper}
    planned = plan_handouts(library, questions, kind, output, versions, **options)
    write_handouts(planned, fmt)
    return ExportReport(
        tuple((str(path), f"{doc.label}, {plural(len(doc.items), 'question')}") for path, doc in planned)
    )


EXPORTER = Exporter(
    name="handout",
    summary="A printable study guide, worksheet or answer key as PDF, HTML or Markdown.",
    help="""Write a printable study guide, worksheet or answer key as PDF, HTML or Markdown.

    A study guide lists each question by topic with its answer, explanation and sources. A
    worksheet has numbered questions with lettered choices and space to write, and no answers,
    in an order that prints no answer near its question. An answer key opens with a grid of all
    the answers, then gives each with a one-line explanation, numbered and lettered exactly like
    the worksheet made with the same --seed and selection; both print the seed in the footer.

    --versions N writes exam versions with the questions and choices in a different order:
    -o exam.pdf gives exam-A.pdf, exam-A-key.pdf, exam-B.pdf, exam-B-key.pdf and so on.

    \b
    Example:
      sciatica-quiz export handout --kind worksheet --topic anatomy --seed 42 -o anatomy.pdf
      sciatica-quiz export handout --kind answer-key --topic anatomy --seed 42 -o anatomy-key.pdf
    """,
    extensions=tuple(SUFFIXES),
    write=write,
    options=(
        Option("kind", "Which handout to write.", type="choice", choices=KINDS, required=True),
        Option("format", "Output format  [default: from the file suffix]", type="choice", choices=FORMATS),
        Option(
            "seed",
            "Orders the questions and choices; a worksheet and key with the same seed and selection match.",
            type="seed",
            default=DEFAULT_SEED,
            show_default=True,
        ),
        Option(
            "versions",
            "Write this many exam versions (A, B, …), each a worksheet with its key.",
            type="int",
            minimum=1,
            maximum=MAX_VERSIONS,
        ),
        Option("title", "Title printed at the top and in the page header."),
        Option("subtitle", "Line under the title  [default: topics and question count]"),
        Option("paper", "Paper size.", type="choice", choices=PAPERS, default=PAPERS[0], show_default=True),
    ),
)

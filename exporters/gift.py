"""Export questions as GIFT (.gift or .txt), the plain-text question format Moodle imports.

A `$CATEGORY:` line per topic (the same numbered categories as the Moodle XML export), then each
question with a `::title::`, its ID number and tags in a `// [id:…] [tag:…]` comment line (which
Moodle's GIFT reader takes as ID number and tags; older versions ignore it), per-answer `#feedback`
and `####general feedback`.

Text format: every question declares `[html]`, and all of its text (question, choices, feedback,
matching items) is HTML-escaped, so `<script>` shows as text and newlines become <br>. Then every
GIFT special character (`~ = # { } :` and backslash) is escaped with a backslash, and a newline in
a typed answer is written `\\n`. Short answers and cloze gaps stay plain text, since Moodle compares
them with what the student types.

GIFT has one gap per question, so a cloze question with several blank numbers becomes one GIFT
question per number (the other blanks shown filled in, as Anki's cards show them); a blank number
that appears more than once in the text cannot be one gap, and is listed as skipped. Multiple-answer
grades are Moodle's (see exporters.moodle), true/false questions have no per-answer feedback in the
banks, and every question's explanation and sources are its general feedback.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from exporters.common import Exporter, ExportReport, Option, question_tags
from exporters.moodle import (
    answer_percents,
    by_topic,
    categories,
    category_paths,
    check_category,
    check_output,
    choice_name,
    citations_html,
    default_category,
    feedback_html,
    hint_html,
    idnumber,
    listed,
    question_html,
    question_name,
    shared_notes,
    text_html,
    wildcard_safe,
    write_pieces,
)
from sciatica_quiz.model import (
    Cloze,
    Library,
    Matching,
    MultipleAnswer,
    MultipleChoice,
    Question,
    ShortAnswer,
    TrueFalse,
    assert_never,
)
from sciatica_quiz.text import plural

# GIFT's special characters, and newlines, which would end a question or a line.
_SPECIAL = re.compile(r"[\\~=#{}:\n\r]")
# Moodle's GIFT reader takes a leading [html] (or another format name) as the text's format, and
# swaps its own placeholders for characters after parsing; a typed answer cannot hide either.
_FORMAT_MARKER = re.compile(r"\[(?:html|markdown|plain|moodle)\]")
_PLACEHOLDER = re.compile(r"&&(?:058;|035;|061;|123;|125;|126;|092;|010)")
# Moodle's GIFT reader keeps tags made of these characters only (its [tag:...] pattern).
_NOT_IN_TAG = re.compile(r"[<>`\x00-\x1f\x7f]")


def escape(text: str) -> str:
    """Return text with GIFT's special characters escaped: ~ = # { } : and backslash; newlines as \\n."""
    if not _SPECIAL.search(text):
        return text
    for char in "\\~=#{}:":  # the backslash first
        if char in text:
            text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def leading_safe(html_text: str) -> str:
    """Return HTML whose first character cannot be read as a format name '[html]' or a grade '%50%'.

    Moodle's GIFT reader takes a field's leading [name] as its text format, and a choice's leading
    %N% as its grade.
    """
    if html_text[:1] in ("[", "%"):
        return f"&#{ord(html_text[0])};{html_text[1:]}"
    return html_text


def html_field(text: str) -> str:
    """Return bank text for a GIFT field of an [html] question: HTML-escaped, then GIFT-escaped."""
    return escape(leading_safe(text_html(text)))


def typed_problem(answer: str) -> str | None:
    """Return why GIFT cannot carry a typed answer exactly, or None when it can."""
    if "->" in answer:
        return "contains '->', which GIFT reads as a matching pair"
    if _FORMAT_MARKER.match(answer):
        return "starts with a text-format name in brackets, which GIFT would drop"
    if _PLACEHOLDER.search(answer):
        return "contains one of the '&&0…' codes Moodle's GIFT reader turns into characters"
    return None


def typed_answers(answers: Sequence[str]) -> str:
    """Return typed answers as GIFT short-answer choices, each worth 100 %.

    The explicit %100% weight keeps an answer that starts like a weight ('%50% …') whole, and '*'
    is Moodle's wildcard, so a literal one is written as '\\*'.
    """
    return "".join(f"=%100%{escape(wildcard_safe(a))}\n" for a in answers)


@functools.lru_cache(maxsize=4096)
def tag_mark(tag: str) -> str:
    """Return a tag as the comment line carries it, ' [tag:name]', without what Moodle's reader refuses."""
    text = _NOT_IN_TAG.sub("", tag).replace("]", "\\]")
    return f" [tag:{text}]" if text else ""


@functools.lru_cache(maxsize=4096)
def _tag_marks(topic: str, difficulty: int, tags: tuple[str, ...]) -> str:
    return "".join(tag_mark(t) for t in question_tags(topic, difficulty, tags))


def tags_comment(q: Question, suffix: str = "") -> str:
    """Return the comment line that carries the ID number and tags: '// [id:bank/q] [tag:...] ...'."""
    marks = _tag_marks(q.topic, q.difficulty, q.tags)
    return "// [id:" + idnumber(q, suffix).replace("]", "\\]") + "]" + marks + "\n"


@dataclass
class Outcome:
    """What the GIFT export changed or left out, gathered while writing."""

    skipped: list[tuple[str, str]] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    split: list[str] = field(default_factory=list)
    split_into: int = 0
    written: int = 0


def _answers_block(lines: str, general: str) -> str:
    return "{\n" + lines + "####" + general + "\n}"


def _head(q: Question, suffix: str = "") -> str:
    return tags_comment(q, suffix) + f"::{escape(question_name(q, suffix))}::[html]"


def _keep_typed(q: Question, answers: Sequence[str], outcome: Outcome, label: str = "") -> list[str]:
    kept = []
    for a in answers:
        problem = typed_problem(a)
        if problem:
            outcome.dropped.append(f"{q.uid}{label}: accepted answer '{a}' {problem}")
        else:
            kept.append(a)
    return kept


def cloze_questions(q: Cloze, general: str, outcome: Outcome) -> list[str]:
    """Return a cloze question as GIFT questions, one per blank number, the other blanks filled in."""
    numbers = sorted({b.number for b in q.blanks})
    suffix = len(numbers) > 1
    out, skipped, exported = [], [], []
    for n in numbers:
        gaps = [b for b in q.blanks if b.number == n]
        if len(gaps) > 1:
            skipped.append(
                f"blank c{n} appears {len(gaps)} times in the text, and a GIFT question has one gap"
            )
            continue
        label = f"#c{n}" if suffix else ""
        answers = _keep_typed(q, gaps[0].accepted, outcome, label)
        if not answers:
            skipped.append(f"no accepted answer of blank c{n} can be written in GIFT")
            continue
        parts = []
        for s in q.segments:
            if isinstance(s, str):
                parts.append(escape(text_html(s)))
            elif s.number == n:
                parts.append(
                    _answers_block(typed_answers(answers), general) + escape(text_html(hint_html(s)))
                )
            else:
                parts.append(escape(text_html(s.answer)))
        before = question_html(q, f"<p>{text_html(q.prompt)}</p>" if q.prompt else "")
        out.append(_head(q, label) + escape(before) + "<p>" + "".join(parts) + "</p>")
        exported.append(f"c{n}")
    if skipped:
        done = (
            f"; the other blanks ({', '.join(exported)}) are exported, one GIFT question each"
            if exported
            else ""
        )
        outcome.skipped.append((q.uid, "; ".join(skipped) + done))
    if len(out) > 1:
        outcome.split.append(q.uid)
        outcome.split_into += len(out)
    return out


def question_gift(q: Question, citations: dict[str, str], outcome: Outcome) -> list[str]:
    """Return one bank question as GIFT questions: one, none (skipped) or several (a cloze)."""
    general = escape(feedback_html(q, citations))
    match q:
        case MultipleChoice() | MultipleAnswer():
            if isinstance(q, MultipleChoice):
                marks = ["=" if c.correct else "~" for c in q.choices]
            else:
                marks = [f"~%{p}%" for p in answer_percents(q)[0]]
            lines = "".join(
                f"{m}{html_field(c.text)}" + (f"#{html_field(c.why)}" if c.why else "") + "\n"
                for m, c in zip(marks, q.choices, strict=True)
            )
        case TrueFalse():
            lines = ("TRUE" if q.answer else "FALSE") + "\n"
        case ShortAnswer():
            answers = _keep_typed(q, q.accepted, outcome)
            if not answers:
                outcome.skipped.append((q.uid, "no accepted answer can be written in GIFT"))
                return []
            lines = typed_answers(answers)
        case Matching():
            lines = "".join(f"={html_field(p.left)} -> {escape(choice_name(p.right))}\n" for p in q.pairs)
        case Cloze():
            return cloze_questions(q, general, outcome)
        case _:
            assert_never(q)
    return [_head(q) + escape(question_html(q)) + _answers_block(lines, general)]


def gift_text(
    library: Library, groups: dict[str, list[Question]], category: str, outcome: Outcome
) -> Iterator[str]:
    """Yield the GIFT file in pieces: a header comment, then each topic's category and questions.

    `groups` are the questions by topic, in teaching order (exporters.moodle.by_topic).
    """
    _, paths = category_paths(category, groups)
    citations = citations_html(library)
    yield (
        f"// {plural(sum(map(len, groups.values())), 'question')} from sciatica-quiz for Moodle's GIFT import. Every "
        "text is HTML ([html]), escaped so that it shows literally.\n"
    )
    for topic, group in groups.items():
        yield f"\n$CATEGORY: {paths[topic]}\n"
        for q in group:
            for text in question_gift(q, citations, outcome):
                outcome.written += 1
                yield "\n" + text + "\n"


def _notes(questions: Sequence[Question], outcome: Outcome) -> list[str]:
    notes = shared_notes(questions, any_order=False)
    fixed = [q.uid for q in questions if isinstance(q, MultipleChoice | MultipleAnswer) and not q.shuffle]
    if fixed:
        notes.append(
            f"GIFT cannot keep choices in order: {plural(len(fixed), 'question')} ({listed(fixed)}) list "
            "their choices in a fixed order, which Moodle shuffles wherever a quiz shuffles answers "
            "(Moodle XML keeps the order)"
        )
    if outcome.split:
        notes.append(
            f"GIFT has one gap per question: {plural(len(outcome.split), 'cloze question')} with several "
            f"blanks became {outcome.split_into} GIFT questions, one per blank number with the other "
            f"blanks filled in ({listed(outcome.split)})"
        )
    if outcome.dropped:
        notes.append(
            f"{plural(len(outcome.dropped), 'accepted answer')} left out, as GIFT cannot hold them: "
            + listed(outcome.dropped)
        )
    return notes


def write(
    library: Library, questions: Sequence[Question], output: str | Path, category: str | None = None
) -> ExportReport:
    """The exporter's entry point: write a GIFT file and say what it holds."""
    name = check_category(default_category(library, questions) if category is None else category)
    check_output(output, (".gift", ".txt"), "a GIFT file's name")
    outcome = Outcome()
    groups = by_topic(questions)
    write_pieces(output, gift_text(library, groups, name, outcome), str)
    what = (
        f"{plural(outcome.written, 'GIFT question')} from {plural(len(questions), 'question')} in "
        f"{categories(len(groups))} under '{name}'"
    )
    return ExportReport(((str(output), what),), tuple(outcome.skipped), tuple(_notes(questions, outcome)))


EXPORTER = Exporter(
    name="gift",
    summary="GIFT text (.gift or .txt) for Moodle's GIFT import: a category per topic.",
    help="""Export GIFT text (.gift or .txt) for Moodle's GIFT import: a category per topic.

    Every question type GIFT can express, with per-choice feedback, the explanation and sources
    as general feedback, tags and ID numbers. GIFT has one gap per question, so a cloze question
    with several blanks becomes one question per blank, the others filled in. Moodle XML
    (`export moodle`) keeps cloze questions whole. Name the file .txt if Moodle refuses .gift.

    \b
    Example:
      sciatica-quiz export gift -o sciatica-gift.txt --topic anatomy
    """,
    extensions=(".gift", ".txt"),
    write=write,
    options=(Option("category", "Name of the parent category  [default: Sciatica, or your banks' titles]"),),
)

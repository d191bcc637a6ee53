"""Export questions as Kahoot's quiz spreadsheet (.xlsx), the template its "Import spreadsheet" reads.

The sheet reproduces Kahoot's template: its title and instructions in column B of rows 2 to 6, the
header on row 8 and one question per row from row 9 (a number in column A, then the question, four
answers, the time limit and the numbers of the correct answers). Kahoot's quiz questions hold a
question of at most 120 characters and two to four answers of at most 75, so only multiple-choice,
multiple-answer and true/false questions can go there, and only those that fit; every other
question is reported as skipped with the reason, and every answer left out of a question that fits
otherwise is named in a note.

Every cell holds text as text: a cell that starts with `=`, `+`, `-` or `@` is written as a string
(and marked so that a spreadsheet program keeps it one), never as a formula. The zip members have
fixed timestamps and the document properties fixed dates, so the same banks give the same bytes.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from exporters.common import (
    STDOUT,
    Exporter,
    ExportReport,
    Option,
    atomic_path,
    check_target,
    collector_paused,
    prompt_for_card,
    stable_order,
)
from sciatica_quiz.errors import ExportError
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

MAX_QUESTION = 120
MAX_ANSWER = 75
MAX_ANSWERS = 4
TIME_LIMITS = (5, 10, 20, 30, 60, 90, 120, 240)
DEFAULT_TIME_LIMIT = 20
HEADER_ROW = 8
HEADER = (
    "Question - max 120 characters",
    "Answer 1 - max 75 characters",
    "Answer 2 - max 75 characters",
    "Answer 3 - max 75 characters",
    "Answer 4 - max 75 characters",
    "Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs",
    "Correct answer(s) - choose at least one",
)
# Rows 2 to 6 of Kahoot's template, in column B; row 5 (the template's example question) says
# instead what this file holds.
INTRO = (
    "Quiz template",
    "Add questions, at least two answer alternatives, time limit and choose correct answers "
    "(at least one). Have fun creating your awesome quiz!",
    "Remember: questions have a limit of 120 characters and answers can have 75 characters max. "
    "Text will turn red in Excel or Google Docs if you exceed this limit. If several answers are "
    "correct, separate them with a comma.",
    None,
    "And remember, if you're not using Excel you need to export to .xlsx format before you upload to Kahoot!",
)
# The document properties' dates when no exported question has a `revised:` date.
DEFAULT_REVISED = date(2026, 1, 1)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# What a spreadsheet program would read as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@")
KINDS_WITHOUT_CHOICES = {
    ShortAnswer: "short answer: Kahoot's spreadsheet import makes choice questions only",
    Cloze: "cloze: Kahoot's spreadsheet import makes choice questions only",
    Matching: "matching: Kahoot's quiz import has no matching",
}


def length(text: str) -> int:
    """Return the length Kahoot and spreadsheet programs count: UTF-16 code units (an emoji is 2)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class KahootQuestion:
    """One row of the sheet: a question and its two to four answers, `correct` counted from 1."""

    uid: str
    text: str
    answers: tuple[str, ...]
    correct: tuple[int, ...]
    left_out: tuple[str, ...] = ()


def question_text(q: Question) -> str:
    """Return what the row asks: the case, if any, then the prompt.

    An instruction the game itself makes plain ("Select all that apply", "True or false:") is left
    out: it would cost characters, and a player picks one answer in any case.
    """
    prompt = prompt_for_card(q)
    return f"{q.case} {prompt}" if q.case else prompt


def kahoot_question(q: Question) -> KahootQuestion | str:
    """Return the question as a row of the sheet, or why it cannot be one.

    A question with more answers than Kahoot takes, or with wrong answers over 75 characters,
    keeps every right answer and as many of the wrong ones as fit, chosen by the question's id
    (the same ones in every export); if no wrong answer would be left, it is skipped.
    """
    uid = q.uid
    match q:
        case MultipleChoice() | MultipleAnswer():
            texts = [c.text for c in q.choices]
            order = stable_order(texts, "choices:" + uid) if q.shuffle else texts
            right = [c.text for c in q.choices if c.correct]
        case TrueFalse():
            order, right = ["True", "False"], [q.answer_text()]
        case ShortAnswer() | Cloze() | Matching():
            return KINDS_WITHOUT_CHOICES[type(q)]
        case _:
            assert_never(q)
    text = question_text(q)
    if length(text) > MAX_QUESTION:
        what = "case and prompt are" if q.case else "prompt is"
        return f"{what} {length(text)} characters, Kahoot allows {MAX_QUESTION}"
    for answer in right:
        if length(answer) > MAX_ANSWER:
            quoted = repr(answer if len(answer) <= 30 else answer[:29] + "…")
            return f"the right answer {quoted} is {length(answer)} characters, Kahoot allows {MAX_ANSWER}"
    wrong = [c for c in order if c not in right]
    room = MAX_ANSWERS - len(right)
    if room < 0 or (room == 0 and wrong):
        return (
            f"{plural(len(right), 'right answer')} among {len(order)} choices: Kahoot takes "
            f"{MAX_ANSWERS} answers, so no wrong one would be left"
        )
    fitting = [c for c in wrong if length(c) <= MAX_ANSWER]
    kept = set(fitting if len(fitting) <= room else stable_order(fitting, "kahoot:" + uid)[:room])
    if wrong and not kept:
        return f"every wrong answer is over {MAX_ANSWER} characters, Kahoot allows {MAX_ANSWER}"
    answers = tuple(c for c in order if c in right or c in kept)
    return KahootQuestion(
        uid=uid,
        text=text,
        answers=answers,
        correct=tuple(n for n, a in enumerate(answers, 1) if a in right),
        left_out=tuple(c for c in order if c not in answers),
    )


def _left_out_note(row: KahootQuestion, choices: int) -> str:
    dropped = "; ".join(repr(c) for c in row.left_out)
    return (
        f"{row.uid}: Kahoot takes {MAX_ANSWERS} answers of at most {MAX_ANSWER} characters, so "
        f"{len(row.answers)} of its {choices} choices are kept (left out: {dropped})"
    )


def _time_limit(value: int | str) -> int:
    try:
        seconds = int(value)
    except ValueError:
        seconds = -1
    if seconds not in TIME_LIMITS:
        allowed = ", ".join(map(str, TIME_LIMITS))
        raise ExportError(f"time limit {value}: Kahoot allows {allowed} seconds", option="time_limit")
    return seconds


def export_kahoot(
    library: Library,
    questions: Sequence[Question],
    output: str | Path,
    time_limit: int | str = DEFAULT_TIME_LIMIT,
) -> ExportReport:
    """Write the questions that fit Kahoot's quiz template to an .xlsx file, atomically.

    Every other question is in the report's `skipped`, with the reason; every answer left out to fit
    is named in its `notes`.
    """
    from sciatica_quiz.selection import default_name

    seconds = _time_limit(time_limit)
    if str(output) != STDOUT and check_target(output).suffix.lower() != ".xlsx":
        raise ExportError(
            f"{output}: a Kahoot spreadsheet's name must end in .xlsx, or Kahoot will not import it",
            option="output",
            value="review.xlsx",
        )
    if not questions:
        raise ExportError("no questions to export")
    rows: list[KahootQuestion] = []
    skipped: list[tuple[str, str]] = []
    notes: list[str] = []
    # Paused: many small objects and no cycles (see sciatica_quiz.speed).
    with collector_paused():
        for q in questions:
            row = kahoot_question(q)
            if isinstance(row, str):
                skipped.append((q.uid, row))
                continue
            rows.append(row)
            if row.left_out:
                notes.append(_left_out_note(row, len(row.answers) + len(row.left_out)))
    if not rows:
        raise ExportError(
            f"none of the {plural(len(questions), 'selected question')} fits Kahoot's quiz template "
            f"(multiple choice, multiple answer or true/false; question ≤ {MAX_QUESTION} characters, "
            f"answers ≤ {MAX_ANSWER}); first: {skipped[0][0]}: {skipped[0][1]}"
        )
    several = sum(len(r.correct) > 1 for r in rows)
    if several:
        notes.append(
            f"{plural(several, 'question')} with several right answers: in a Kahoot quiz question each "
            "player picks one answer, and any right one scores (so 'select all that apply' becomes "
            "'pick one that applies')"
        )
    name = default_name(library, questions)
    newest = max((q.revised for q in questions if q.revised), default=DEFAULT_REVISED)
    about = f"{name}: {plural(len(rows), 'question')} exported by sciatica-quiz; {len(skipped)} could not be."
    with collector_paused(), atomic_path(output) as tmp:
        write_workbook(tmp, rows, seconds, about, datetime(newest.year, newest.month, newest.day))
    what = f"{plural(len(rows), 'question')}, {seconds} s each"
    return ExportReport(((str(output), what),), skipped=tuple(skipped), notes=tuple(notes))


def write_workbook(
    path: Path, rows: Sequence[KahootQuestion], seconds: int, about: str, when: datetime
) -> None:
    """Write Kahoot's template with these rows, with fixed dates so the same rows give the same bytes.

    The sheet is streamed (openpyxl's write-only mode): a cell that needs a style or must stay text
    is made on its own, every other value goes in as it is.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook(write_only=True)
    wb.properties.creator = "sciatica-quiz"
    wb.properties.created = wb.properties.modified = when
    ws = wb.create_sheet("Sheet1")
    for letter, width in zip("ABCDEFGH", (5, 60, 30, 30, 30, 30, 16, 16), strict=True):
        ws.column_dimensions[letter].width = width
    bold = Font(bold=True)

    def styled(value: str, font: Any = None) -> Any:
        cell = WriteOnlyCell(ws, value=value)
        if value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
            cell.quotePrefix = True
        if font is not None:
            cell.font = font
        return cell

    def text(value: str) -> Any:
        return styled(value) if value.startswith(FORMULA_STARTS) else value

    ws.append([])
    for n, line in enumerate(INTRO):
        ws.append([None, styled(about if line is None else line, bold if n == 0 else None)])
    ws.append([])
    ws.append([None, *(styled(h, bold) for h in HEADER)])
    blanks = [None] * MAX_ANSWERS
    for number, row in enumerate(rows, 1):
        answers = [text(a) for a in row.answers] + blanks[len(row.answers) :]
        correct = row.correct[0] if len(row.correct) == 1 else ",".join(map(str, row.correct))
        ws.append([number, text(row.text), *answers, seconds, correct])
    with _FixedDateZip(path, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()


class _FixedDateZip(zipfile.ZipFile):
    """A zip file whose members all carry the same date, as openpyxl's writer adds them."""

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=ZIP_DATE)
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
            zinfo_or_arcname.external_attr = 0o644 << 16
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        with open(filename, "rb") as f:
            self.writestr(str(arcname or filename), f.read())


EXPORTER = Exporter(
    name="kahoot",
    summary="Kahoot's quiz spreadsheet (.xlsx) of the choice questions that fit.",
    help="""Export Kahoot's quiz spreadsheet (.xlsx) for a class review game.

    Multiple-choice, multiple-answer and true/false questions that fit Kahoot's limits: the
    question (with its case) at most 120 characters, at most four answers of at most 75. A question
    with more answers keeps its right ones and wrong ones up to four (each left out is named).
    Every other question is listed as skipped, with the reason. In Kahoot, create a kahoot, then
    Add question > Import spreadsheet.

    \b
    Example:
      sciatica-quiz export kahoot -o review.xlsx --topic assessment --time-limit 30
    """,
    extensions=(".xlsx",),
    write=export_kahoot,
    options=(
        Option(
            "time-limit",
            "Seconds to answer each question.",
            "choice",
            choices=tuple(map(str, TIME_LIMITS)),
            default=str(DEFAULT_TIME_LIMIT),
            show_default=True,
        ),
    ),
    binary=True,
)

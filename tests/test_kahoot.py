"""Kahoot spreadsheet export, reopened with openpyxl and checked against the bank and Kahoot's limits.

The layout is Kahoot's quiz template: instructions in column B of rows 2 to 6, the header on row 8,
one question per row from row 9 (number, question, four answers, time limit, correct answers).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, SAMPLE, make_question, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from exporters.common import prompt_for_card
from exporters.kahoot import (
    HEADER,
    MAX_ANSWER,
    MAX_QUESTION,
    TIME_LIMITS,
    export_kahoot,
    kahoot_question,
    length,
)
from sciatica_quiz.errors import ExportError
from sciatica_quiz.loader import load_library
from sciatica_quiz.model import Choice, Library, MultipleAnswer, MultipleChoice, Question, TrueFalse

HOSTILE = FIXTURES / "good" / "hostile.yaml"
EMPTY = Library(banks=())
FIRST_ROW = 9


def sheet_rows(path: Path) -> tuple[Any, list[tuple[Any, ...]]]:
    """Return the sheet and its question rows (columns A to H from row 9), as openpyxl reads them."""
    ws = load_workbook(path).active
    rows = [tuple(c.value for c in row) for row in ws.iter_rows(min_row=FIRST_ROW, max_col=8)]
    return ws, [r for r in rows if any(v is not None for v in r)]


def correct_numbers(cell: Any) -> list[int]:
    return [int(n) for n in str(cell).split(",")]


def check_rows(
    path: Path, questions: list[Question], skipped: tuple[tuple[str, str], ...], seconds: int
) -> None:
    """Check every row against its question: text, answers, correct numbers and Kahoot's limits."""
    ws, rows = sheet_rows(path)
    assert [ws.cell(8, c).value for c in range(2, 9)] == list(HEADER)
    assert ws["B2"].value == "Quiz template"
    skipped_ids = [uid for uid, _ in skipped]
    exported = [q for q in questions if q.uid not in skipped_ids]
    # Every selected question is either in the sheet or skipped, never both, in bank order.
    assert len(exported) + len(skipped_ids) == len(questions)
    assert len(set(skipped_ids)) == len(skipped_ids)
    assert len(rows) == len(exported)
    for number, (row, q) in enumerate(zip(rows, exported, strict=True), 1):
        n, text, *answers, time_limit, correct = row
        answers = [a for a in answers if a is not None]
        assert (n, time_limit) == (number, seconds)
        assert text == (f"{q.case} {prompt_for_card(q)}" if q.case else prompt_for_card(q))
        assert length(text) <= MAX_QUESTION
        assert 2 <= len(answers) <= 4 and all(length(a) <= MAX_ANSWER for a in answers)
        right = {answers[i - 1] for i in correct_numbers(correct)}
        if isinstance(q, TrueFalse):
            assert answers == ["True", "False"]
            assert right == {q.answer_text()}
        else:
            assert isinstance(q, MultipleChoice | MultipleAnswer)
            assert set(answers) <= set(q.texts)
            assert right == set(q.correct)  # every right answer kept, and only those marked
            assert set(answers) - right  # a wrong answer always remains


def test_builtin_banks_fit_kahoot_or_are_skipped_with_the_reason(tmp_path: Path) -> None:
    library = load_library([], builtin=True)
    out = tmp_path / "review.xlsx"
    report = export_kahoot(library, library.questions, out)
    check_rows(out, list(library.questions), report.skipped, 20)
    by_uid = {q.uid: q for q in library.questions}
    for uid, why in report.skipped:
        q = by_uid[uid]
        row = kahoot_question(q)
        assert row == why  # the reason the report gives is the one the question has
        if q.type.value in ("short_answer", "cloze", "matching"):
            assert why.startswith(q.type.label + ":")
        elif why.startswith(("prompt is", "case and prompt are")):
            size = length(f"{q.case} {prompt_for_card(q)}" if q.case else prompt_for_card(q))
            assert why.endswith(f"{size} characters, Kahoot allows 120") and size > 120
    assert report.files == ((str(out), f"{len(by_uid) - len(report.skipped)} questions, 20 s each"),)
    *left_out, several = report.notes
    for note in left_out:  # each names the question and what it lost
        uid = note.split(":", 1)[0]
        assert uid in by_uid and "left out:" in note
    _, rows = sheet_rows(out)
    count = sum("," in str(r[7]) for r in rows)
    assert several == (
        f"{count} questions with several right answers: in a Kahoot quiz question each player picks one "
        "answer, and any right one scores (so 'select all that apply' becomes 'pick one that applies')"
    )


def test_hostile_bank_stays_literal(tmp_path: Path) -> None:
    library = load_library([HOSTILE], builtin=False)
    out = tmp_path / "review.xlsx"
    report = export_kahoot(library, library.questions, out)
    check_rows(out, list(library.questions), report.skipped, 20)
    _, rows = sheet_rows(out)
    cells = {v for row in rows for v in row if isinstance(v, str)}
    # "True or false:" is left out (the game says so itself); the rest stays exactly as written
    assert "שלום עולם <script>alert('tf')</script> {T} =T ~F #F" in cells
    assert {"a ~ b", "c = d", "g { h } : i \\ j"} <= cells
    with zipfile.ZipFile(out) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<script>" not in sheet


def test_cells_that_look_like_formulas_stay_text(tmp_path: Path) -> None:
    q = make_question(
        "multiple_choice",
        id="formulas",
        prompt='=HYPERLINK("http://x","click")',
        choices=["=SUM(A1:A2)", "+1", "-1", "@cmd"],
        correct=["=SUM(A1:A2)"],
    )
    out = tmp_path / "review.xlsx"
    export_kahoot(EMPTY, [q], out)
    ws = load_workbook(out).active
    values = {}
    for row in ws.iter_rows(min_row=FIRST_ROW, max_row=FIRST_ROW):
        for cell in row:
            if isinstance(cell.value, str):
                values[cell.value] = cell
    assert set(values) == {'=HYPERLINK("http://x","click")', "=SUM(A1:A2)", "+1", "-1", "@cmd"}
    for cell in values.values():
        assert cell.data_type == "s" and cell.quotePrefix  # a string, kept one when edited
    with zipfile.ZipFile(out) as zf:
        assert b"<f>" not in zf.read("xl/worksheets/sheet1.xml")


def test_more_than_four_choices_keep_the_right_ones_and_name_the_rest(tmp_path: Path) -> None:
    choices = ["Right", "W1", "W2", "W3", "W4", "W5"]
    mc = make_question("multiple_choice", id="six", choices=choices, correct=["Right"])
    ma = make_question("multiple_answer", id="ma", choices=choices, correct=["Right", "W1"])
    crowded = make_question("multiple_answer", id="crowded", choices=choices, correct=choices[:4])
    out = tmp_path / "review.xlsx"
    report = export_kahoot(EMPTY, [mc, ma, crowded], out)
    check_rows(out, [mc, ma, crowded], report.skipped, 20)
    assert report.skipped == (
        (
            "t/crowded",
            "4 right answers among 6 choices: Kahoot takes 4 answers, so no wrong one would be left",
        ),
    )
    assert len(report.notes) == 3 and report.notes[2].startswith("1 question with several right answers")
    assert report.notes[0].startswith(
        "t/six: Kahoot takes 4 answers of at most 75 characters, so 4 of its 6 choices are kept (left out: "
    )
    _, rows = sheet_rows(out)
    left_out = {a for a in choices if a not in rows[0][2:6]}
    assert len(left_out) == 2 and all(repr(a) in report.notes[0] for a in left_out)
    # The same ones every time.
    again = export_kahoot(EMPTY, [mc, ma, crowded], tmp_path / "again.xlsx")
    assert again.notes == report.notes


def test_overlong_text_is_skipped_or_left_out(tmp_path: Path) -> None:
    long_prompt = make_question("true_false", id="long", prompt="x" * 164)
    with_case = make_question("true_false", id="case", prompt="Short?", case="y" * 120)
    long_right = make_question("multiple_choice", id="right", choices=["r" * 76, "w"], correct=["r" * 76])
    long_wrong = make_question("multiple_choice", id="wrong", choices=["r", "w" * 80, "v"], correct=["r"])
    all_long = make_question("multiple_choice", id="alllong", choices=["r", "w" * 80], correct=["r"])
    emoji = make_question("true_false", id="emoji", prompt="🙂" * 61)  # 122 UTF-16 units
    questions = [long_prompt, with_case, long_right, long_wrong, all_long, emoji]
    out = tmp_path / "review.xlsx"
    report = export_kahoot(EMPTY, questions, out)
    assert dict(report.skipped) == {
        "t/long": "prompt is 164 characters, Kahoot allows 120",
        "t/case": "case and prompt are 127 characters, Kahoot allows 120",
        "t/right": "the right answer 'rrrrrrrrrrrrrrrrrrrrrrrrrrrrr…' is 76 characters, Kahoot allows 75",
        "t/alllong": "every wrong answer is over 75 characters, Kahoot allows 75",
        "t/emoji": "prompt is 122 characters, Kahoot allows 120",
    }
    check_rows(out, questions, report.skipped, 20)
    (note,) = report.notes
    assert note.startswith("t/wrong: ") and repr("w" * 80) in note


def test_other_kinds_are_skipped_with_their_reason() -> None:
    assert kahoot_question(make_question("matching", pairs=[("a", "b"), ("c", "d")])) == (
        "matching: Kahoot's quiz import has no matching"
    )
    assert kahoot_question(make_question("short_answer", accepted=("x",))).startswith("short answer:")  # type: ignore[union-attr]
    assert kahoot_question(make_question("cloze", text="A {{c1::b}}.")).startswith("cloze:")  # type: ignore[union-attr]


def test_choice_order_and_time_limit(tmp_path: Path) -> None:
    ordered = MultipleChoice(
        bank="t", id="levels", topic="anatomy", prompt="Which level?", explanation="E.",
        choices=(Choice("L1"), Choice("L2", True), Choice("L3"), Choice("L4")), shuffle=False,
    )  # fmt: skip
    out = tmp_path / "review.xlsx"
    export_kahoot(EMPTY, [ordered], out, time_limit=90)
    _, rows = sheet_rows(out)
    assert rows == [(1, "Which level?", "L1", "L2", "L3", "L4", 90, 2)]
    for bad in (25, "soon"):
        with pytest.raises(ExportError, match="Kahoot allows 5, 10, 20, 30, 60, 90, 120, 240 seconds"):
            export_kahoot(EMPTY, [ordered], out, time_limit=bad)
    assert TIME_LIMITS == (5, 10, 20, 30, 60, 90, 120, 240)


def test_several_right_answers_are_comma_separated(tmp_path: Path) -> None:
    q = make_question("multiple_answer", id="two", choices=["A", "B", "C"], correct=["A", "C"], shuffle=False)
    out = tmp_path / "review.xlsx"
    export_kahoot(EMPTY, [q], out)
    _, rows = sheet_rows(out)
    assert rows[0][7] == "1,3"


def test_exports_are_byte_identical(tmp_path: Path) -> None:
    library = load_library([SAMPLE, HOSTILE], builtin=False)
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    export_kahoot(library, library.questions, a)
    export_kahoot(library, library.questions, b)
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        newest = max(q.revised for q in library.questions if q.revised)
        core = zf.read("docProps/core.xml").decode()
        assert (
            core.count(f">{newest.isoformat()}T00:00:00Z<") == 2
        )  # created and modified: the newest revision


def test_refusals_are_one_clear_error(tmp_path: Path) -> None:
    library = load_library([SAMPLE], builtin=False)
    with pytest.raises(ExportError, match=r"name must end in \.xlsx"):
        export_kahoot(library, library.questions, tmp_path / "review.csv")
    matching = [q for q in library.questions if q.type.value in ("matching", "cloze")]
    with pytest.raises(ExportError, match="none of the 2 selected questions fits Kahoot's quiz template"):
        export_kahoot(library, matching, tmp_path / "review.xlsx")
    assert not list(tmp_path.iterdir())


def test_cli_export_lists_what_it_skipped(tmp_path: Path) -> None:
    out = tmp_path / "review.xlsx"
    args = ["export", "kahoot", "-o", str(out), "--no-builtin", "--bank", str(HOSTILE), "--bank", str(SAMPLE)]
    result = run([*args, "--time-limit", "30"], catch=False)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote {out}: 5 questions, 30 s each\n"
    assert result.stderr.splitlines() == [
        "Skipped 7 questions this format cannot hold:",
        "  hostile/mc-script: case and prompt are 165 characters, Kahoot allows 120",
        "  hostile/sa-braces: short answer: Kahoot's spreadsheet import makes choice questions only",
        "  hostile/match-hostile: matching: Kahoot's quiz import has no matching",
        "  hostile/cloze-hostile: cloze: Kahoot's spreadsheet import makes choice questions only",
        "  sample/fibular-name: short answer: Kahoot's spreadsheet import makes choice questions only",
        "  sample/foramen: cloze: Kahoot's spreadsheet import makes choice questions only",
        "  sample/compartments: matching: Kahoot's quiz import has no matching",
        "Note: 2 questions with several right answers: in a Kahoot quiz question each player picks one answer, "
        "and any right one scores (so 'select all that apply' becomes 'pick one that applies')",
    ]
    _, rows = sheet_rows(out)
    assert [r[6] for r in rows] == [30] * 5
    bad = run([*args, "--time-limit", "25"])
    assert bad.exit_code == 2 and "'25' is not one of '5', '10', '20'" in bad.stderr
    wrong = run(
        ["export", "kahoot", "-o", str(tmp_path / "review.xls"), "--no-builtin", "--bank", str(SAMPLE)]
    )
    assert wrong.exit_code == 1
    assert (
        wrong.stderr
        == f"Error: {tmp_path / 'review.xls'}: a Kahoot spreadsheet's name must end in .xlsx, or Kahoot will not import it (-o review.xlsx)\n"
    )


TEXT = st.text(
    st.one_of(
        st.sampled_from("=+-@<>&\"'{}#$*_\\%~`|[]()!^:;/.,?\n"),
        st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn")),
    ),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() == s and s)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(TEXT, min_size=2, max_size=6, unique=True), TEXT, st.none() | TEXT, st.data())
def test_any_text_stays_literal_and_within_limits(
    tmp_path: Path, choices: list[str], prompt: str, case: str | None, data: st.DataObject
) -> None:
    correct = data.draw(
        st.lists(st.sampled_from(choices), min_size=1, max_size=len(choices) - 1, unique=True)
    )
    questions = [
        make_question("multiple_answer", id="ma", prompt=prompt, case=case, choices=choices, correct=correct),
        make_question(
            "multiple_choice", id="mc", prompt=prompt, case=case, choices=choices, correct=correct[:1]
        ),
        make_question("true_false", id="tf", prompt=prompt, case=case, truth=len(prompt) % 2 == 0),
    ]
    out = tmp_path / "review.xlsx"
    try:
        report = export_kahoot(EMPTY, questions, out)
    except ExportError as exc:  # nothing fits: only when every question has a reason
        assert "none of the 3 selected questions fits" in str(exc)
        assert all(isinstance(kahoot_question(q), str) for q in questions)
        return
    check_rows(out, questions, report.skipped, 20)
    with zipfile.ZipFile(out) as zf:
        assert b"<f>" not in zf.read("xl/worksheets/sheet1.xml")

"""The quiz: sessions driven through CliRunner with scripted input, seeds, modes, history."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Collection
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, SAMPLE, run

from sciatica_quiz.cli import main
from sciatica_quiz.grading import LETTERS, Layout, correct_input
from sciatica_quiz.loader import load_library
from sciatica_quiz.model import Matching, MultipleAnswer, MultipleChoice, Question, TrueFalse
from sciatica_quiz.session import AnswerGraded, Mode, Outcome, QuizSession, ScriptedUI, SessionSummarised
from sciatica_quiz.store import STORE_NAME, Store

LIBRARY = load_library([SAMPLE], builtin=False)
BANK = ["--no-builtin", "--bank", str(SAMPLE)]
HEADING = re.compile(r"^Question (\d+) of (\d+) · .+ · (\S+)$", re.MULTILINE)

SECOND_BANK = """\
id: extra
title: A second topic
topic: symptoms
sources:
  - id: extra-source
    title: Another book
    publisher: Test Press
questions:
  - id: below-knee
    type: true_false
    prompt: Radicular leg pain often spreads below the knee.
    answer: true
    explanation: Pain below the knee suggests a nerve root.
    sources: [extra-source]
  - id: cough
    type: true_false
    prompt: Coughing never changes sciatic pain.
    answer: false
    explanation: Coughing and sneezing often make it worse.
    sources: [extra-source]
"""


def wrong_input(q: Question, layout: Layout) -> list[str]:
    """Return valid input that answers the question wrongly."""
    match q:
        case MultipleChoice() | MultipleAnswer():
            return [next(LETTERS[i] for i, c in enumerate(layout.choices) if c not in q.correct)]
        case TrueFalse():
            return ["f" if q.answer else "t"]
        case Matching():
            right = correct_input(q, layout)[0].split()
            shifted = [p[-1] for p in right[1:] + right[:1]]  # every item gets another item's letter
            return [" ".join(f"{i}{ch}" for i, ch in enumerate(shifted, 1))]
    return ["xyzzy"] * len(correct_input(q, layout))


def script(seed: int, wrong: Collection[str] = (), count: int = 6) -> tuple[QuizSession, str]:
    """Return the session a seed gives and input answering it (wrongly for ids in `wrong`)."""
    session = QuizSession.create(LIBRARY.questions, count=count, seed=seed)
    lines: list[str] = []
    for item in session.items:
        q = item.question
        lines += wrong_input(q, item.layout) if q.id in wrong else correct_input(q, item.layout)
    return session, "\n".join(lines) + "\n"


def asked(output: str) -> list[str]:
    """Return the uids of the questions asked, in order."""
    return [m.group(3) for m in HEADING.finditer(output)]


def test_a_perfect_quiz() -> None:
    session, answers = script(seed=1)
    result = run(["quiz", *BANK, "--seed", "1"], input=answers, catch=False)
    assert result.exit_code == 0
    assert "Score: 6/6 (100%)" in result.stdout
    assert "Missed" not in result.stdout
    assert asked(result.stdout) == [i.question.uid for i in session.items]
    assert result.stdout.count("Correct.") == 6


def test_same_seed_and_answers_give_the_same_session_and_output() -> None:
    _, answers = script(seed=42, wrong={"roots", "foramen"})
    first = run(["quiz", *BANK, "--seed", "42"], input=answers, catch=False)
    second = run(["quiz", *BANK, "--seed", "42"], input=answers, catch=False)
    assert first.stdout == second.stdout
    assert "Score: 4/6 (67%)" in first.stdout
    other = run(["quiz", *BANK, "--seed", "43"], input=answers, catch=False)
    assert asked(other.stdout) != asked(first.stdout)


def test_choices_are_shuffled_and_lettered() -> None:
    orders = set()
    for seed in range(8):
        session = QuizSession.create(LIBRARY.questions, count=6, seed=seed)
        item = next(i for i in session.items if i.question.id == "roots")
        orders.add(item.layout.choices)
    assert len(orders) > 1
    result = run(["quiz", *BANK, "--seed", "3", "--count", "1", "--type", "multiple_choice"], input="q\n")
    assert re.search(
        r"^  a\) .+\n  b\) .+\n  c\) .+\n  d\) .+\nAnswer \(a-d\): q$", result.stdout, re.MULTILINE
    )


def test_practice_mode_shows_verdict_answer_explanation_and_source() -> None:
    session, answers = script(seed=5, wrong={"roots"})
    result = run(["quiz", *BANK, "--seed", "5"], input=answers, catch=False)
    item = next(i for i in session.items if i.question.id == "roots")
    letter = LETTERS[item.layout.choices.index("L4–S3")]
    block = result.stdout.split("sample/roots", 1)[1]
    assert f"Answer (a-d): a\nNot quite (you chose a).\nAnswer: {letter}) L4–S3\n" in block
    assert "Why: The sciatic nerve forms from the ventral rami of L4 to S3." in block
    assert "Source: Doe J. A sample textbook. 2024." in block
    assert "Missed:\n  sample/roots  Which ventral rami form the sciatic nerve?" in result.stdout


def test_exam_mode_gives_no_feedback_until_the_end() -> None:
    _, answers = script(seed=5, wrong={"largest"})
    result = run(["quiz", *BANK, "--seed", "5", "--mode", "exam"], input=answers, catch=False)
    during, after = result.stdout.split("Review of the questions you missed")
    assert "Correct." not in during and "Not quite." not in during and "Why:" not in during
    assert "sample/largest" in after and "Answer: True" in after and "Why: It is the widest" in after
    assert "Score: 5/6 (83%)" in after
    assert "exam mode" in during


def test_help_skip_and_quit() -> None:
    session, _ = script(seed=2)
    first = session.items[0]
    answers = ["?", *correct_input(first.question, first.layout), "s", "q"]
    result = run(["quiz", *BANK, "--seed", "2"], input="\n".join(answers) + "\n", catch=False)
    assert result.exit_code == 0
    assert "Commands: ? help, s skip this question, q quit" in result.stdout
    assert "Skipped." in result.stdout
    second = session.items[1].question
    assert "Stopped after 2 of 6 questions.\nScore: 1/2 (50%)" in result.stdout
    assert f"{second.uid}" in result.stdout.split("Missed:")[1]
    assert "(skipped)" in result.stdout.split("Missed:")[1]


def test_invalid_input_gets_a_hint_and_the_question_again() -> None:
    result = run(["quiz", *BANK, "--seed", "1", "--type", "true_false"], input="maybe\nt\n", catch=False)
    assert (
        "True or false (t/f): maybe\nType t for true or f for false.\nTrue or false (t/f): t\nCorrect."
        in result.stdout
    )
    assert "Score: 1/1 (100%)" in result.stdout


def test_end_of_input_ends_cleanly_with_a_summary() -> None:
    session, answers = script(seed=9)
    two = "\n".join(
        answers.splitlines()[: len(correct_input(session.items[0].question, session.items[0].layout))]
    )
    result = run(["quiz", *BANK, "--seed", "9"], input=two + "\n", catch=False)
    assert result.exit_code == 0
    assert "Stopped after 1 of 6 questions.\nScore: 1/1 (100%)" in result.stdout
    assert "Traceback" not in result.output
    nothing = run(["quiz", *BANK, "--seed", "9"], input="", catch=False)
    assert (
        nothing.exit_code == 0
        and "No questions answered." in nothing.stdout
        and "Score" not in nothing.stdout
    )


def test_cloze_asks_each_numbered_blank() -> None:
    result = run(
        ["quiz", *BANK, "--type", "cloze", "--seed", "1"],
        input="greater sciatic foramen\npiriformus\n",
        catch=False,
    )
    assert "through the [1] _____, usually below the [2] _____ (muscle)." in result.stdout
    assert "Blank 1: greater sciatic foramen\nBlank 2 (muscle): piriformus\n" in result.stdout
    assert "Correct (mind the spelling: piriformis)." in result.stdout


def test_matching_shows_numbered_items_and_lettered_answers() -> None:
    session = QuizSession.create([q for q in LIBRARY.questions if q.id == "compartments"], seed=4)
    item = session.items[0]
    typed = wrong_input(item.question, item.layout)[0]
    result = run(["quiz", *BANK, "--type", "matching", "--seed", "4"], input=typed + "\n", catch=False)
    assert (
        "  1. Tibial nerve\n  2. Superficial fibular nerve\n  3. Deep fibular nerve\n  with\n  a) "
        in result.stdout
    )
    assert f"Answer: {correct_input(item.question, item.layout)[0]}" in result.stdout
    assert result.stdout.count("(you matched ") == 3


def test_summary_breaks_the_score_down_by_topic(tmp_path: Path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text(SECOND_BANK, encoding="utf-8")
    library = load_library([SAMPLE, extra], builtin=False)
    session = QuizSession.create(library.questions, count=8, seed=11, sources=library.sources)
    lines = []
    for item in session.items:
        q = item.question
        lines += wrong_input(q, item.layout) if q.id == "cough" else correct_input(q, item.layout)
    result = run(
        ["quiz", *BANK, "--bank", str(extra), "--seed", "11", "--count", "8"], input="\n".join(lines) + "\n"
    )
    assert "Score: 7/8 (88%)\nBy topic:\n  Anatomy   6/6  100%\n  Symptoms  1/2   50%\n" in result.stdout
    assert "Source: Test Press. Another book." in result.stdout


def test_every_session_is_saved_and_retry_missed_asks_the_misses(home: Path) -> None:
    _, answers = script(seed=7, wrong={"roots", "compartments"})
    first = run(["quiz", *BANK, "--seed", "7"], input=answers, catch=False)
    assert "sciatica-quiz quiz --retry-missed" in first.stdout
    with Store.open(home) as store:
        assert store.last_quiz_missed() == [
            uid for uid in asked(first.stdout) if uid in ("sample/roots", "sample/compartments")
        ]
        assert len(store.sessions(10)) == 1
    retry = QuizSession.create(
        [q for q in LIBRARY.questions if q.id in ("roots", "compartments")], count=2, seed=8
    )
    retry_answers = [line for i in retry.items for line in correct_input(i.question, i.layout)]
    second = run(
        ["quiz", *BANK, "--retry-missed", "--seed", "8"], input="\n".join(retry_answers) + "\n", catch=False
    )
    assert sorted(asked(second.stdout)) == ["sample/compartments", "sample/roots"]
    assert "Score: 2/2 (100%)" in second.stdout
    third = run(["quiz", *BANK, "--retry-missed"], input="")
    assert third.exit_code == 1
    assert third.stderr == "Error: your last quiz had no missed questions; nothing to retry\n"


def test_retry_missed_without_history_is_a_clear_error() -> None:
    result = run(["quiz", *BANK, "--retry-missed"], input="")
    assert result.exit_code == 1
    assert (
        result.stderr == "Error: there is no quiz in your history yet; take one with 'sciatica-quiz quiz'\n"
    )


def test_history_rows_are_committed_per_answer(home: Path) -> None:
    _, answers = script(seed=3, wrong={"largest"})
    run(["quiz", *BANK, "--seed", "3"], input=answers, catch=False)
    with sqlite3.connect(home / STORE_NAME) as db:
        outcomes = dict(db.execute("SELECT question, outcome FROM answers").fetchall())
        assert outcomes["largest"] == "wrong" and list(outcomes.values()).count("correct") == 5
        assert db.execute("SELECT kind, mode, seed, planned FROM sessions").fetchall() == [
            ("quiz", "practice", 3, 6)
        ]


def test_data_dir_option_beats_the_environment(tmp_path: Path, home: Path) -> None:
    chosen = tmp_path / "elsewhere"
    run(["quiz", *BANK, "--data-dir", str(chosen)], input="q\n", catch=False)
    assert (chosen / STORE_NAME).is_file()
    assert not (home / STORE_NAME).exists()


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["quiz", *BANK, "--seed", "1", "--count", "1"]
    coloured = CliRunner().invoke(main, args, input="q\n", color=True)
    assert "\x1b[" in coloured.stdout
    plain = CliRunner().invoke(main, args, input="q\n")
    assert "\x1b[" not in plain.stdout
    monkeypatch.setenv("NO_COLOR", "1")
    no_color = CliRunner().invoke(main, args, input="q\n", color=True)
    assert "\x1b[" not in no_color.stdout
    assert no_color.stdout == plain.stdout


def test_count_larger_than_the_pool_asks_everything() -> None:
    result = run(["quiz", *BANK, "--count", "50", "--seed", "1"], input="", catch=False)
    assert "Quiz: 6 questions, practice mode, seed 1." in result.stdout


def test_a_session_runs_as_a_library_object_without_a_terminal() -> None:
    session = QuizSession.create(LIBRARY.questions, count=3, seed=12, mode=Mode.EXAM, sources=LIBRARY.sources)
    answers = [line for i in session.items for line in correct_input(i.question, i.layout)]
    ui = ScriptedUI(answers)
    summary = session.run(ui)
    assert summary.score == (3, 3)
    assert [r.outcome for r in summary.results] == [Outcome.CORRECT] * 3
    assert [e.feedback for e in ui.of(AnswerGraded)] == [False] * 3  # an exam shows no feedback
    assert ui.of(SessionSummarised) == [SessionSummarised(summary)]
    assert ScriptedUI(answers).events == []  # nothing happens until run


def test_quiz_help_has_an_example() -> None:
    for name in ("quiz", "study", "progress"):
        result = run([name, "--help"], catch=False)
        assert result.exit_code == 0
        assert f"sciatica-quiz {name}" in result.stdout.split("Example:")[1]


def test_markup_and_control_characters_in_banks_show_literally(tmp_path: Path) -> None:
    markup = REPO / "tests" / "fixtures" / "good" / "markup.yaml"
    args = ["quiz", "--no-builtin", "--bank", str(markup), "--type", "multiple_choice", "--count", "1"]
    shown = run(args, input="s\n", catch=False).stdout
    assert "Client says: <script>alert('x')</script> & \"quotes\" {{ not jinja }}" in shown
    assert "Is 5 < 6 & 7 > 3? Check #hash $x$ *star* _under_ \\back 50% ~tilde = [x](y) @ref" in shown
    assert ") <b>bold</b> & &amp;" in shown
    hostile = tmp_path / "esc.yaml"
    hostile.write_text(
        SECOND_BANK.replace(
            "Radicular leg pain often spreads below the knee.", '"Bell \\a, \\e]0;pwned\\a, \\e[2J"'
        ),
        encoding="utf-8",
    )
    # The loader refuses control characters outright...
    result = run(["quiz", "--no-builtin", "--bank", str(hostile), "--seed", "1"], input="t\nt\n")
    assert result.exit_code == 1
    assert "contains a control character (U+0007); remove it" in result.stderr
    assert "\x1b" not in result.output and "\x07" not in result.output
    # ...and the terminal adapter would still show any that reached it as harmless symbols.
    from sciatica_quiz.cli.practice import printable

    assert printable("Bell \a, \x1b]0;pwned\a, \x1b[2J") == "Bell ␇, ␛]0;pwned␇, ␛[2J"


def test_terminal_wrapping_keeps_line_breaks_and_hangs_under_the_text() -> None:
    from sciatica_quiz.cli.practice import TerminalUI

    ui = TerminalUI()
    ui.tty = True
    lines = ui._wrap("# Not a heading\n- not a list")
    assert lines == ["# Not a heading", "- not a list"]
    long = "  b) " + "word " * 40
    wrapped = ui._wrap(long.strip("\n"))
    assert len(wrapped) > 1 and all(line.startswith("     ") for line in wrapped[1:])

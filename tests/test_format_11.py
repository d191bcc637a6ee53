"""Bank format 1.1 and fair grading (issue 13): per-choice feedback, cloze alternatives, any order,
choices kept in order, the grading rules as shared test vectors, and "I was right"."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, run

from sciatica_quiz.grading import Layout, check, match_blanks, match_text
from sciatica_quiz.loader import load_library
from sciatica_quiz.model import Cloze, MultipleAnswer, MultipleChoice, ShortAnswer
from sciatica_quiz.session import QuizSession
from sciatica_quiz.store import STORE_NAME, Store

V11 = FIXTURES / "good" / "format-1-1.yaml"
V11_ARGS = ["--no-builtin", "--bank", str(V11)]
VECTORS = json.loads((FIXTURES / "grading-vectors.json").read_text(encoding="utf-8"))
LIBRARY = load_library([V11], builtin=False)
BY_ID = {q.id: q for q in LIBRARY.questions}


# -- the rules as data ----------------------------------------------------------------------------


@pytest.mark.parametrize("case", VECTORS["match_text"], ids=lambda c: f"{c['typed']!r}~{c['accepted'][0]!r}")
def test_grading_vectors(case: dict[str, object]) -> None:
    assert match_text(str(case["typed"]), list(case["accepted"])) == (case["ok"], case["meant"])  # type: ignore[arg-type]


@pytest.mark.parametrize("case", VECTORS["cloze"], ids=lambda c: str(c["why"] or c["typed"]))
def test_cloze_vectors(case: dict[str, list[object]]) -> None:
    parts, _ = match_blanks(case["typed"], case["accepted"], case["any_order"])  # type: ignore[arg-type]
    assert list(parts) == case["parts"]


def test_the_rules_file_is_the_one_the_grader_reads() -> None:
    rules = json.loads((REPO / "sciatica_quiz" / "grading_rules.json").read_text(encoding="utf-8"))
    assert rules["spellings"]["words"]["disk"] == "disc" and "left" in rules["critical"]["words"]
    assert len(VECTORS["match_text"]) >= 50


# -- format 1.1 in the loader -----------------------------------------------------------------------


def test_choices_carry_why_and_correct() -> None:
    q = BY_ID["cord-end"]
    assert isinstance(q, MultipleChoice)
    assert q.correct == ("L1–L2",) and not q.shuffle
    assert q.why("L4–L5") == "By this level the canal holds only nerve roots."
    ma = BY_ID["two-divisions"]
    assert isinstance(ma, MultipleAnswer) and ma.correct == ("Tibial nerve", "Common fibular nerve")


def test_cloze_accept_and_any_order() -> None:
    q = BY_ID["ligaments"]
    assert isinstance(q, Cloze)
    assert q.blanks[2].accepted == ("seated", "sitting", "in sitting")
    layout = Layout.natural(q)
    assert check(q, layout, ["sacrospinous", "sacrotuberous", "sitting"]).correct
    assert not check(q, layout, ["sacrospinous", "sacrospinous", "sitting"]).correct


def test_format_10_banks_load_unchanged() -> None:
    sample = load_library([FIXTURES / "good" / "sample.yaml"], builtin=False)
    roots = next(q for q in sample.questions if q.id == "roots")
    assert isinstance(roots, MultipleChoice) and roots.shuffle and roots.why("L4–S3") is None


def test_ordinal_choices_stay_in_order_in_the_quiz_anki_and_handouts(tmp_path: Path) -> None:
    for seed in range(5):
        item = next(
            i
            for i in QuizSession.create(LIBRARY.questions, count=3, seed=seed).items
            if i.question.id == "cord-end"
        )
        assert item.layout.choices == ("T10–T11", "L1–L2", "L4–L5")
    sheet = run(
        ["export", "handout", *V11_ARGS, "--kind", "worksheet", "--seed", "9", "-o", "-", "--format", "md"]
    )
    assert sheet.stdout.index("T10–T11") < sheet.stdout.index("L1–L2") < sheet.stdout.index("L4–L5")


# -- per-choice feedback --------------------------------------------------------------------------


def test_practice_feedback_says_why_the_pick_is_wrong_and_why_the_answer_is_right() -> None:
    result = run(
        ["quiz", *V11_ARGS, "--type", "multiple_choice", "-n", "1", "--seed", "1"], input="a\n", catch=False
    )
    assert "Not quite (you chose a)." in result.stdout
    assert "  b) is right: The cord tapers to its end, the conus medullaris, near L1–L2." in result.stdout
    assert "  a) is not: Too high; the cord goes on below the lower thoracic vertebrae." in result.stdout


def test_the_study_guide_shows_each_choices_why_and_the_worksheet_never_does() -> None:
    guide = run(
        ["export", "handout", *V11_ARGS, "--kind", "study-guide", "-o", "-", "--format", "md"], catch=False
    )
    assert "By this level the canal holds only nerve roots." in guide.stdout
    for kind in ("worksheet", "answer-key"):
        out = run(
            ["export", "handout", *V11_ARGS, "--kind", kind, "-o", "-", "--format", "md"], catch=False
        ).stdout
        assert "By this level the canal holds only nerve roots." not in out


# -- "I was right" ----------------------------------------------------------------------------------


def test_a_typed_answer_marked_wrong_can_be_claimed_and_is_recorded(home: Path) -> None:
    args = [*V11_ARGS, "--type", "cloze", "-n", "1", "--seed", "1"]
    result = run(["quiz", *args], input="sacrotuberous\nsacrospinous\nupright\n!right\n", catch=False)
    assert "Not quite." in result.stdout and "Type !right at the next prompt" in result.stdout
    assert "Counted as right." in result.stdout and "Score: 1/1 (100%)" in result.stdout
    report = json.loads(run(["progress", *V11_ARGS, "--json"], catch=False).stdout)
    assert report["overrides"] == {
        "format-1-1/ligaments": {"count": 1, "typed": ["sacrotuberous | sacrospinous | upright"]}
    }
    with sqlite3.connect(home / STORE_NAME) as db:
        assert db.execute("SELECT outcome FROM answers").fetchall() == [("correct",)]


def test_an_ordinary_answer_never_claims(home: Path) -> None:
    args = [*V11_ARGS, "--type", "cloze", "-n", "1", "--seed", "1"]
    result = run(["quiz", *args], input="a\nb\nc\nright\n", catch=False)
    assert "Counted as right." not in result.stdout and "Score: 0/1 (0%)" in result.stdout
    with Store.open(home) as store:
        assert store.overrides() == {}


def test_a_claim_needs_a_typed_answer_marked_wrong() -> None:
    args = [*V11_ARGS, "--type", "multiple_choice", "--type", "cloze", "-n", "2", "--seed", "3"]
    result = run(["quiz", *args], input="!right\nq\n", catch=False)
    assert (
        "!right counts your last typed answer as right when it was marked wrong; there is none."
        in result.stdout
    )
    exam = run(["quiz", *args, "--mode", "exam"], input="!right\nq\n", catch=False)
    assert "An exam is marked at the end" in exam.stdout


def test_a_claim_in_study_reschedules_as_good(home: Path) -> None:
    bank = FIXTURES / "good" / "sample.yaml"
    args = ["study", "--no-builtin", "--bank", str(bank), "--type", "short_answer", "--new", "1"]
    result = run(args, input="tibial nerve\n!right\n", catch=False)
    assert "Counted as right. next review in 10 minutes." in result.stdout
    with Store.open(home) as store:
        (review,) = store.review_log()
        assert review["rating"] == 3 and review["correct"] == 1
        assert store.overrides() == {"sample/fibular-name": ["tibial nerve"]}


def test_claimed_short_answers_are_listed_for_the_instructor(home: Path) -> None:
    q = next(
        q
        for q in load_library([FIXTURES / "good" / "sample.yaml"], builtin=False).questions
        if q.id == "fibular-name"
    )
    assert isinstance(q, ShortAnswer)
    with Store.open(home) as store:
        sid = store.start_session("quiz", planned=1)
        store.record_answer(sid, q, "wrong")
        store.claim_answer(sid, q, "the peroneal one")
        assert store.overrides() == {"sample/fibular-name": ["the peroneal one"]}

"""Grading every question type from typed input: letters, truth words, text, blanks and pairs."""

from __future__ import annotations

import random

import pytest
from conftest import SAMPLE, make_question
from hypothesis import given, settings
from hypothesis import strategies as st

from sciatica_quiz.errors import InvalidAnswer, QuizError
from sciatica_quiz.grading import (
    Grade,
    Layout,
    Response,
    check,
    correct_input,
    edit_distance,
    grade,
    match_text,
    normalise,
    parse_input,
    typo_allowance,
)
from sciatica_quiz.loader import load_library
from sciatica_quiz.model import Question, QuestionType

LIBRARY = load_library([SAMPLE], builtin=False)
SAMPLE_QS = {q.id: q for q in LIBRARY.questions}


def q_of(qtype: QuestionType, **fields: object) -> Question:
    """Build a question of a type with just the fields a test cares about."""
    return make_question(qtype, **fields)


def verdict(q: Question, *entries: str, layout: Layout | None = None) -> bool:
    """Return whether input is graded correct (InvalidAnswer propagates)."""
    return check(q, layout or Layout.natural(q), list(entries)).correct


def hint(q: Question, *entries: str, layout: Layout | None = None) -> str:
    """Return the hint for input that is not an answer; fail if it was graded."""
    with pytest.raises(InvalidAnswer) as exc:
        check(q, layout or Layout.natural(q), list(entries))
    return exc.value.hint


# -- normalising and typos ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("L4–S3", "l4 s3"),  # en dash
        ("L4—S3", "l4 s3"),  # em dash
        ("L4−S3", "l4 s3"),  # minus sign
        ("l4-s3", "l4 s3"),
        ("  Common   FIBULAR  nerve. ", "common fibular nerve"),
        ("The piriformis", "piriformis"),
        ("a", "a"),  # a lone article is an answer, not noise
        ("Lasègue's sign", "lasegue s sign"),
        ("(common) peroneal, nerve!", "common fibular nerve"),  # peroneal is compared as fibular
    ],
)
def test_normalise_folds_case_dashes_punctuation_spacing(typed: str, folded: str) -> None:
    assert normalise(typed) == folded


def test_edit_distance_counts_transpositions_as_one() -> None:
    assert edit_distance("sciatic", "sciatic", 2) == 0
    assert edit_distance("sciatic", "scaitic", 2) == 1  # swapped letters
    assert edit_distance("sciatic", "sciatc", 2) == 1  # missing letter
    assert edit_distance("sciatic", "xxxxxxx", 2) == 3  # capped at limit + 1


def test_typo_allowance_grows_with_length() -> None:
    assert typo_allowance("tibia") == 0
    assert typo_allowance("tibial") == 1
    assert typo_allowance("greater sciatic foramen") == 2
    assert typo_allowance("piriformis m") == 1  # 11 letters: spaces do not count
    assert typo_allowance("sciatic nerve") == 2  # 12 letters


@pytest.mark.parametrize(
    ("typed", "ok", "meant"),
    [
        ("piriformis", True, None),
        ("piriformus", True, "piriformis"),  # one typo in 10 letters
        ("pirifromis", True, "piriformis"),  # one transposition
        ("pyriformus", False, None),  # two typos in 10 letters is too many
        ("tibial", False, None),
    ],
)
def test_typo_tolerance_for_longer_answers(typed: str, ok: bool, meant: str | None) -> None:
    assert match_text(typed, ["piriformis"]) == (ok, meant)


def test_short_answers_get_no_typo_tolerance() -> None:
    assert match_text("L5", ["L4"]) == (False, None)
    assert match_text("ulna", ["tibia"]) == (False, None)
    assert match_text("tibai", ["tibia"]) == (False, None)


def test_a_different_number_is_never_a_typo() -> None:
    assert match_text("70 degrees", ["30 degrees"]) == (False, None)
    assert match_text("L4 to S2", ["L4 to S3"]) == (False, None)
    assert match_text("30 degreez", ["30 degrees"]) == (True, "30 degrees")


def test_twelve_letters_allow_two_typos() -> None:
    assert match_text("greatr sciatc foramen", ["greater sciatic foramen"])[0]
    assert not match_text("gretr sciatc foramen", ["greater sciatic foramen"])[0]


# -- multiple choice and multiple answer --------------------------------------------------------


def test_multiple_choice_letters_in_any_case_and_dress() -> None:
    q = SAMPLE_QS["roots"]  # choices L2–L4, L4–S3, S2–S4, T12–L3; answer b in bank order
    for typed in ("b", "B", " b ", "b)", "(b)", "b."):
        assert verdict(q, typed), typed
    assert not verdict(q, "a")


def test_multiple_choice_letters_follow_the_shown_order() -> None:
    q = SAMPLE_QS["roots"]
    layout = Layout(choices=("T12–L3", "S2–S4", "L2–L4", "L4–S3"))
    assert verdict(q, "d", layout=layout)
    assert not verdict(q, "b", layout=layout)


def test_multiple_choice_accepts_the_choice_typed_out() -> None:
    q = SAMPLE_QS["roots"]
    assert verdict(q, "l4-s3")
    assert not verdict(q, "L2 - L4")


def test_multiple_choice_invalid_input_is_not_a_wrong_answer() -> None:
    q = SAMPLE_QS["roots"]
    assert hint(q, "e") == "There is no choice 'e'. Type a letter from a to d."
    assert hint(q, "a b") == "Pick one letter (a to d)."
    assert hint(q, "") == "Type the letter of your answer (a to d)."
    assert hint(q, "42") == "Type the letter of your answer (a to d)."


@pytest.mark.parametrize("typed", ["a b", "ab", "AB", "b a", "a,b", "a, b", "a;b", "a b b"])
def test_multiple_answer_letter_forms(typed: str) -> None:
    assert verdict(SAMPLE_QS["divisions"], typed)  # Tibial (a) and Common fibular (b)


def test_multiple_answer_needs_exactly_the_right_set() -> None:
    q = SAMPLE_QS["divisions"]
    assert not verdict(q, "a")  # one missing
    assert not verdict(q, "a b c")  # one extra
    assert hint(q, "a x") == "There is no choice 'x'. Type a letter from a to d."


# -- true or false --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "ok"),
    [("t", True), ("T", True), ("true", True), ("True.", True), ("f", False), ("FALSE", False)],
)
def test_true_false_words(typed: str, ok: bool) -> None:
    assert verdict(SAMPLE_QS["largest"], typed) is ok


@pytest.mark.parametrize("typed", ["yes", "", "tf", "maybe"])
def test_true_false_other_input_asks_again(typed: str) -> None:
    assert hint(SAMPLE_QS["largest"], typed) == "Type t for true or f for false."


# -- short answer ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "common fibular nerve",
        "Common Peroneal Nerve",  # a listed variant
        "common peroneal",  # another listed variant
        "the common-fibular nerve.",  # article, dash, full stop
        "COMMON   FIBULAR",
        "comon fibular nerve",  # typo
        "common fibualr nerve",  # transposition
    ],
)
def test_short_answer_variants_and_typos_are_accepted(typed: str) -> None:
    assert verdict(SAMPLE_QS["fibular-name"], typed)


def test_short_answer_reports_the_spelling_meant() -> None:
    g = check(SAMPLE_QS["fibular-name"], Layout(), ["comon fibular nerve"])
    assert g == Grade(True, typos=("common fibular nerve",))


@pytest.mark.parametrize("typed", ["tibial nerve", "fibular", "sciatic nerve"])
def test_short_answer_wrong_answers(typed: str) -> None:
    assert not verdict(SAMPLE_QS["fibular-name"], typed)


def test_short_answer_empty_input_asks_again() -> None:
    assert hint(SAMPLE_QS["fibular-name"], "  ") == "Type your answer (or s to skip)."
    assert hint(SAMPLE_QS["fibular-name"], "--") == "Type your answer (or s to skip)."


def test_short_answer_parenthesised_part_is_optional() -> None:
    q = q_of(QuestionType.SHORT_ANSWER, accepted=("straight leg raise (SLR)",))
    assert verdict(q, "straight leg raise")
    assert verdict(q, "Straight-leg raise (SLR)")
    assert not verdict(q, "slump test")


def test_short_answer_with_dashes_in_the_key() -> None:
    q = q_of(QuestionType.SHORT_ANSWER, accepted=("L4–S3",))
    for typed in ("L4-S3", "l4 s3", "L4—S3", "L4S3", "l4 – s3"):
        assert verdict(q, typed), typed
    assert not verdict(q, "L4-S2")


# -- cloze ----------------------------------------------------------------------------------------


def test_cloze_one_entry_per_deletion() -> None:
    q = SAMPLE_QS["foramen"]
    g = check(q, Layout(), ["Greater sciatic foramen", "piriformis"])
    assert g == Grade(True, (True, True))


def test_cloze_each_deletion_graded_on_its_own() -> None:
    q = SAMPLE_QS["foramen"]
    assert check(q, Layout(), ["lesser sciatic foramen", "piriformis"]) == Grade(False, (False, True))
    assert check(q, Layout(), ["greater sciatic foramen", "gluteus"]) == Grade(False, (True, False))
    assert check(q, Layout(), ["greater sciatic foramen", "piriformus"]) == Grade(
        True, (True, True), ("piriformis",)
    )


def test_cloze_with_three_deletions_in_order() -> None:
    q = q_of(
        QuestionType.CLOZE,
        prompt="",
        text="The sciatic nerve forms from {{c1::L4}} to {{c2::S3}} and splits into the {{c3::tibial}} nerve.",
    )
    assert verdict(q, "L4", "s3", "Tibial")
    assert check(q, Layout(), ["L4", "S2", "tibial"]).parts == (True, False, True)
    assert not verdict(q, "S3", "L4", "tibial")  # blanks are answered in reading order


def test_cloze_needs_every_blank_filled() -> None:
    q = SAMPLE_QS["foramen"]
    assert hint(q, "greater sciatic foramen", " ") == "Type your answer (or s to skip)."
    with pytest.raises(InvalidAnswer):
        parse_input(q, Layout(), ["only one"])


# -- matching -------------------------------------------------------------------------------------

# compartments in bank order: Tibial→Posterior, Superficial fibular→Lateral, Deep fibular→Anterior


@pytest.mark.parametrize(
    "typed",
    ["1a 2b 3c", "1A 2B 3C", "1a,2b,3c", "1-a 2-b 3-c", "1a2b3c", "3c 1a 2b", "abc", "a b c", "1 a 2 b 3 c"],
)
def test_matching_pair_forms(typed: str) -> None:
    assert verdict(SAMPLE_QS["compartments"], typed)


def test_matching_grades_each_pair() -> None:
    q = SAMPLE_QS["compartments"]
    assert check(q, Layout.natural(q), ["1a 2c 3b"]) == Grade(False, (True, False, False))


def test_matching_follows_the_shown_order_of_answers() -> None:
    q = SAMPLE_QS["compartments"]
    layout = Layout(
        lefts=Layout.natural(q).lefts,
        rights=("Anterior compartment", "Posterior compartment", "Lateral compartment"),
    )
    assert verdict(q, "1b 2c 3a", layout=layout)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1a 2b", "Match every item; missing: 3."),
        ("1a 1b 3c", "Item 1 is matched twice; give one letter per item."),
        ("1a 2a 3c", "Letter a is used twice; each answer goes with one item."),
        ("1a 2b 4c", "There is no item 4; the items are 1 to 3."),
        ("1a 2b 3z", "There is no answer 'z'; the answers are a to c."),
        ("ab", "Give a letter for each of the 3 items, e.g. 1b 2c 3a."),
        ("tibial posterior", "Give a letter for each of the 3 items, e.g. 1b 2c 3a."),
        ("1a 2b 3c!!", "Type pairs of number and letter, e.g. 1b 2c 3a."),
    ],
)
def test_matching_invalid_input_gets_a_hint(typed: str, message: str) -> None:
    assert hint(SAMPLE_QS["compartments"], typed) == message


# -- every type together ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_correct_input_is_graded_correct_in_any_shuffled_layout(seed: int) -> None:
    rng = random.Random(seed)
    for q in LIBRARY.questions:
        layout = Layout.shuffled(q, rng)
        assert check(q, layout, correct_input(q, layout)).correct, q.id


def test_a_front_end_can_grade_a_response_without_typed_input() -> None:
    assert grade(
        SAMPLE_QS["divisions"], Response(choices=frozenset({"Tibial nerve", "Common fibular nerve"}))
    ).correct
    assert grade(SAMPLE_QS["largest"], Response(truth=True)).correct
    assert not grade(SAMPLE_QS["largest"], Response(truth=False)).correct


def test_invalid_answer_is_a_quiz_error() -> None:
    # If a caller forgets to catch it, the CLI still prints `Error: ...` rather than a traceback.
    assert issubclass(InvalidAnswer, QuizError)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(sorted(SAMPLE_QS)), st.lists(st.text(max_size=40), min_size=1, max_size=3), st.randoms()
)
def test_any_typed_text_is_graded_or_gets_a_hint(qid: str, entries: list[str], rng: random.Random) -> None:
    q = SAMPLE_QS[qid]
    layout = Layout.shuffled(q, rng)
    try:
        g = check(q, layout, entries)
    except InvalidAnswer as exc:
        assert exc.hint.strip()
    else:
        assert isinstance(g.correct, bool)

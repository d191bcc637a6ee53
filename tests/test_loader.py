"""Library-level tests of the loader and model."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from conftest import SAMPLE

from sciatica_quiz.errors import BankError, SelectionError
from sciatica_quiz.loader import builtin_decks_dir, load_bank, load_library
from sciatica_quiz.model import Choice, Cloze, InvalidModel, MultipleChoice, Pair, QuestionType, Source
from sciatica_quiz.selection import Selection, select

BANK_HEAD = "id: t\ntitle: T\ntopic: anatomy\nquestions:\n"


def write(tmp_path: Path, text: str, name: str = "bank.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sample_bank_loads_every_type() -> None:
    bank = load_bank(SAMPLE)
    assert bank.id == "sample"
    assert {q.type for q in bank.questions} == set(QuestionType)
    by_id = {q.id: q for q in bank.questions}
    assert by_id["roots"].correct == ("L4–S3",)
    assert by_id["divisions"].correct == ("Tibial nerve", "Common fibular nerve")
    assert by_id["divisions"].case
    assert by_id["largest"].answer is True
    assert "common peroneal" in by_id["fibular-name"].accepted
    assert [b.answer for b in by_id["foramen"].blanks] == ["greater sciatic foramen", "piriformis"]
    assert by_id["foramen"].blanks[1].hint == "muscle"
    assert by_id["compartments"].pairs[0] == Pair("Tibial nerve", "Posterior compartment")
    assert by_id["roots"].revised == date(2026, 11, 24)  # inherited from the bank
    assert by_id["roots"].uid == "sample/roots"
    assert by_id["divisions"].difficulty == 2  # the default


def test_models_are_immutable() -> None:
    q = load_bank(SAMPLE).questions[0]
    with pytest.raises(AttributeError):
        q.prompt = "changed"  # type: ignore[misc]


def test_model_validates_at_construction() -> None:
    with pytest.raises(InvalidModel, match="needs an answer"):
        MultipleChoice(
            bank="b", id="q", topic="anatomy", prompt="P?", explanation="E.", sources=("s",),
            choices=(Choice("a"), Choice("b")),
        )  # fmt: skip
    with pytest.raises(InvalidModel, match="takes one answer"):
        MultipleChoice(
            bank="b", id="q", topic="anatomy", prompt="P?", explanation="E.",
            choices=(Choice("a", correct=True), Choice("b", correct=True)),
        )  # fmt: skip
    with pytest.raises(InvalidModel, match="authors"):
        Source(id="x", title="T")


def test_yaml_text_is_kept_as_written(tmp_path: Path) -> None:
    # `yes`/`no`/`1.50` stay text in choices instead of turning into booleans or numbers.
    path = write(
        tmp_path,
        BANK_HEAD
        + """  - id: q
    type: multiple_choice
    prompt: Pick one.
    choices: [yes, no, 1.50]
    answer: 1.50
    explanation: Because.
    sources: [nice-ng59]
""",
    )
    q = load_bank(path).questions[0]
    assert q.texts == ("yes", "no", "1.50")
    assert q.correct == ("1.50",)


def test_all_errors_reported_sorted(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        BANK_HEAD
        + """  - id: b
    type: true_false
    prompt: P
    answer: maybe
    explanation: E
    sources: [nice-ng59]
  - id: a
    type: cloze
    text: no deletion here
    explanation: E
    sources: [nice-ng59]
""",
    )
    with pytest.raises(BankError) as info:
        load_library([path], builtin=False)
    lines = [p.line for p in info.value.problems]
    assert lines == sorted(lines) and len(lines) == 2


def test_duplicate_bank_ids_across_files(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    write(tmp_path, text, "one.yaml")
    write(tmp_path, text, "two.yaml")
    with pytest.raises(BankError, match="bank id 'sample' is already used by"):
        load_library([tmp_path], builtin=False)


def test_alias_bomb_is_fast(tmp_path: Path) -> None:
    levels = ["a0: &a0 [" + ", ".join(["lol"] * 10) + "]"]
    for i in range(1, 12):
        levels.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    path = write(tmp_path, "\n".join(levels) + "\n" + BANK_HEAD + "  - *a11\n")
    start = time.perf_counter()
    with pytest.raises(BankError):
        load_library([path], builtin=False)
    assert time.perf_counter() - start < 2  # 10**12 nodes if anything expanded them


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(BankError, match="no such file or folder"):
        load_library([tmp_path / "nope.yaml"], builtin=False)


def test_selection_filters_and_rejects_unknowns() -> None:
    library = load_library([SAMPLE], builtin=False)
    assert len(select(library, Selection.of(types=["cloze"]))) == 1
    assert len(select(library, Selection.of(tags=["mblex"]))) == 6  # matches mblex::... children
    assert len(select(library, Selection.of(difficulties=[1]))) == 2
    with pytest.raises(SelectionError, match="unknown topic 'anatomi' \\(did you mean 'anatomy'\\?\\)"):
        select(library, Selection.of(topics=["anatomi"]))
    with pytest.raises(SelectionError, match="no question has tag 'nothing'"):
        select(library, Selection.of(tags=["nothing"]))


def test_cloze_text_is_read_once_into_pieces_and_blanks() -> None:
    q = Cloze(
        bank="b", id="q", topic="anatomy", explanation="E.", text="From {{c1::L4::root}} to {{c2::S3}}."
    )
    assert [s if isinstance(s, str) else s.answer for s in q.segments] == ["From ", "L4", " to ", "S3", "."]
    assert [(b.index, b.number, b.hint) for b in q.blanks] == [(1, 1, "root"), (2, 2, None)]
    assert q.stem == "From _____ (root) to _____."
    assert q.answer_text() == "L4; S3"


def test_builtin_banks_load() -> None:
    library = load_library()
    assert builtin_decks_dir().is_dir()
    assert library.banks, "the built-in banks should not be empty"
    for bank in library.banks:
        assert bank.questions


def test_docs_example_validates(tmp_path: Path) -> None:
    import re

    docs = (Path(__file__).parent.parent / "docs" / "bank-format.md").read_text(encoding="utf-8")
    match = re.search(r"## A complete example\n\n```yaml\n(.*?)```", docs, re.S)
    assert match
    bank = load_bank(write(tmp_path, match.group(1)))
    assert {q.type for q in bank.questions} == set(QuestionType)

"""Checks on the built-in banks: coverage, sourcing and writing rules (issue: question banks)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import REPO

from sciatica_quiz.loader import builtin_decks_dir, load_library
from sciatica_quiz.model import (
    BUILTIN_TOPICS,
    MBLEX_AREAS,
    Library,
    MultipleAnswer,
    MultipleChoice,
    Question,
    QuestionType,
)

LIBRARY: Library = load_library()
QUESTIONS = LIBRARY.questions
CHOICE_TYPES = (QuestionType.MULTIPLE_CHOICE, QuestionType.MULTIPLE_ANSWER)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def test_size_and_topics() -> None:
    assert len(QUESTIONS) >= 300
    by_topic = Counter(q.topic for q in QUESTIONS)
    assert set(by_topic) == set(BUILTIN_TOPICS)
    assert min(by_topic.values()) >= 25, by_topic


def test_every_type_used_at_least_ten_times() -> None:
    by_type = Counter(q.type for q in QUESTIONS)
    assert all(by_type[t] >= 10 for t in QuestionType), by_type


def test_difficulty_spread() -> None:
    by_difficulty = Counter(q.difficulty for q in QUESTIONS)
    assert set(by_difficulty) == {1, 2, 3}
    assert by_difficulty[3] >= len(QUESTIONS) // 6  # real clinical reasoning, not a token few
    assert sum(1 for q in QUESTIONS if q.difficulty == 3 and q.case) >= 20


def test_cases_red_flags_and_myths() -> None:
    assert sum(1 for q in QUESTIONS if q.case) >= 20
    assert sum(1 for q in QUESTIONS if "red-flag" in q.tags) >= 15
    assert sum(1 for q in QUESTIONS if "myth" in q.tags) >= 15
    assert all("case" in q.tags for q in QUESTIONS if q.case)


def test_every_article_claim_in_the_decks_readme_is_corrected_by_myth_questions() -> None:
    rows = [line for line in (REPO / "decks" / "README.md").read_text(encoding="utf-8").splitlines()
            if re.match(r"\| \d+ \|", line)]  # fmt: skip
    assert len(rows) >= 30
    by_uid = {q.uid: q for q in QUESTIONS}
    for row in rows:
        ids = re.findall(r"`([a-z-]+/[a-z0-9-]+)`", row.split("|")[3])
        assert ids, row
        for uid in ids:
            assert uid in by_uid, uid
            assert "myth" in by_uid[uid].tags, uid


def test_every_question_has_one_mblex_area() -> None:
    for q in QUESTIONS:
        areas = [t for t in q.tags if t.startswith("mblex::")]
        assert len(areas) == 1 and areas[0] in MBLEX_AREAS, q.uid


def test_explanations_and_sources() -> None:
    for q in QUESTIONS:
        assert len(q.explanation.split()) >= 8, f"{q.uid}: explanation too thin to teach"
        assert q.sources and all(s in LIBRARY.sources for s in q.sources), q.uid


def test_every_source_is_in_the_bibliography_file() -> None:
    data = yaml.safe_load((builtin_decks_dir() / "sources.yaml").read_text(encoding="utf-8"))
    ids = {s["id"] for s in data["sources"]}
    for path in builtin_decks_dir().glob("*.yaml"):
        if path.name != "sources.yaml":
            assert "sources" not in yaml.safe_load(path.read_text(encoding="utf-8")), path.name
    cited = {s for q in QUESTIONS for s in q.sources}
    assert cited <= ids
    assert ids - cited == set(), f"unused bibliography entries: {sorted(ids - cited)}"


def test_bibliography_entries_are_complete() -> None:
    for src in LIBRARY.sources.values():
        assert src.authors or src.publisher, src.id
        assert src.year or "undated" in (src.note or "").lower(), f"{src.id}: give a year or say 'undated'"
        assert "unverified" not in (src.note or "").lower(), f"{src.id}: cite only what was checked"


def test_no_duplicate_prompts() -> None:
    seen: dict[str, str] = {}
    for q in QUESTIONS:
        key = normalise((q.case or "") + " " + q.stem)
        assert key not in seen, f"{q.uid} repeats {seen[key]}"
        seen[key] = q.uid


def choice_questions() -> list[Question]:
    return [q for q in QUESTIONS if q.type in CHOICE_TYPES]


def test_choice_writing_rules() -> None:
    for q in choice_questions():
        for choice in q.texts:
            assert not re.search(r"\b(all|none) of the above\b", choice, re.I), q.uid
        negative = re.match(r"(which|what)\b.*\b(not|except)\b", q.prompt, re.I)
        assert not negative or negative.group(2).isupper(), f"{q.uid}: write a negative stem as NOT"


def test_correct_choice_is_not_usually_the_longest() -> None:
    mc = [q for q in choice_questions() if q.type is QuestionType.MULTIPLE_CHOICE]
    longest = sum(1 for q in mc if max(q.texts, key=len) == q.correct[0])
    assert longest / len(mc) < 0.4, f"the answer is the longest choice in {longest} of {len(mc)}"


def test_short_answers_and_cloze_are_typeable() -> None:
    for q in QUESTIONS:
        if q.type is QuestionType.SHORT_ANSWER:
            assert min(len(a.split()) for a in q.accepted) <= 4, q.uid
        if q.type is QuestionType.CLOZE:
            assert all(len(b.answer.split()) <= 4 for b in q.blanks), q.uid


@pytest.mark.parametrize(
    "path",
    sorted(p for p in (REPO / "decks").glob("*.yaml") if p.name != "sources.yaml"),
    ids=lambda p: p.name,
)
def test_bank_files_validate_alone(path: Path) -> None:
    assert load_library([path], builtin=False) is not None


def test_ordered_choices_keep_their_order() -> None:
    """Choices that are all spinal levels or numbers are listed in order, never shuffled (review: real clients 11)."""
    ordinal = re.compile(r"(?:[CTLS]\d|\d)")
    for q in QUESTIONS:
        if isinstance(q, MultipleChoice | MultipleAnswer) and all(ordinal.match(t) for t in q.texts):
            assert not q.shuffle, q.uid

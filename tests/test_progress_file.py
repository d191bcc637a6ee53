"""Progress files: study history carried between stores (and the study page) without loss or double counting."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import SAMPLE, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sciatica_quiz.loader import load_library
from sciatica_quiz.progressfile import FORMAT, ProgressFileError, dumps, loads
from sciatica_quiz.store import STORE_NAME, Rating, Store

LIBRARY = load_library([SAMPLE], builtin=False)
QUESTIONS = LIBRARY.questions
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


def study(store: Store, answers: list[tuple[int, int, int]]) -> None:
    """Record (question index, minutes after NOON, rating) study answers."""
    for index, minutes, rating in answers:
        store.review(
            QUESTIONS[index], Rating(rating), correct=rating > 1, at=NOON + timedelta(minutes=minutes)
        )


def cards(store: Store) -> dict[str, tuple[object, ...]]:
    return {
        uid: (c.due, c.state, c.reps, c.lapses, c.introduced, c.last_review)
        for uid, c in store.cards().items()
    }


def dump(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return list(db.iterdump())
    finally:
        db.close()


def test_round_trip_rebuilds_the_same_schedule(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a") as a:
        study(a, [(0, 0, 3), (1, 1, 1), (0, 15, 3), (1, 20, 2), (0, 60 * 24 * 3, 4), (2, 5, 3)])
        exported = a.export_progress()
        expected = cards(a)
    text = dumps(exported, NOW)
    with Store.open(tmp_path / "b") as b:
        result = b.import_progress(loads(text.encode(), "p.json", NOW))
        assert (result.added, result.known, result.questions) == (6, 0, 3)
        assert cards(b) == expected
        again = b.import_progress(loads(text.encode(), "p.json", NOW))
        assert (again.added, again.claimed, again.known, again.questions) == (0, 0, 6, 0)
        assert cards(b) == expected
        assert len(b.review_log()) == 6


def test_merging_two_devices_interleaves_by_time_either_way(tmp_path: Path) -> None:
    laptop = [(0, 0, 3), (0, 60 * 24 * 4, 3)]
    phone = [(0, 60 * 24 * 2, 1), (1, 30, 3)]
    one_store = tmp_path / "one"
    with Store.open(one_store) as s:
        study(s, sorted(laptop + phone, key=lambda a: a[1]))
        truth = cards(s)
    results = []
    for first, second in ((laptop, phone), (phone, laptop)):
        with Store.open(tmp_path / f"x{len(results)}") as x, Store.open(tmp_path / f"y{len(results)}") as y:
            study(x, first)
            study(y, second)
            x.import_progress(loads(dumps(y.export_progress(), NOW).encode(), "f", NOW))
            results.append(cards(x))
    assert results[0] == results[1] == truth


def test_a_claim_made_after_an_export_wins(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a") as a:
        sid = a.start_session("study", at=NOON)
        a.review(QUESTIONS[3], Rating.AGAIN, correct=False, session_id=sid, at=NOON)
        before = dumps(a.export_progress(), NOW)
        a.claim_review(QUESTIONS[3], session_id=sid, typed="ankle jerk", at=NOON + timedelta(seconds=9))
        after = dumps(a.export_progress(), NOW)
        expected = cards(a)
    with Store.open(tmp_path / "b") as b:
        b.import_progress(loads(before.encode(), "before", NOW))
        result = b.import_progress(loads(after.encode(), "after", NOW))
        assert (result.added, result.claimed, result.overrides) == (0, 1, 1)
        assert cards(b) == expected
        # and the older file cannot take the claim back
        b.import_progress(loads(before.encode(), "before", NOW))
        assert cards(b) == expected
        assert b.overrides() == {QUESTIONS[3].uid: ["ankle jerk"]}


def test_reviews_of_questions_no_longer_in_the_banks_are_kept(tmp_path: Path) -> None:
    text = dumps(
        loads(
            json.dumps(
                {
                    "format": FORMAT,
                    "version": 1,
                    "reviews": [
                        {
                            "question": "old-bank/gone",
                            "topic": "anatomy",
                            "reviewed": "2026-03-02T12:00:00Z",
                            "rating": 3,
                            "correct": True,
                        },
                    ],
                }
            ).encode(),
            "f",
            NOW,
        ),
        NOW,
    )
    with Store.open(tmp_path / "s") as s:
        s.import_progress(loads(text.encode(), "f", NOW))
        assert "old-bank/gone" in s.cards()
        assert [r.uid for r in s.export_progress().reviews] == ["old-bank/gone"]


def test_cli_round_trip_as_a_student_runs_it(tmp_path: Path, home: Path) -> None:
    with Store.open(home) as s:
        study(s, [(0, 0, 3), (1, 2, 1)])
    out = tmp_path / "mine.json"
    result = run(["progress", "export", "-o", str(out)], catch=False)
    assert result.exit_code == 0
    assert result.stdout == f"Wrote {out}: 2 reviews of 2 questions\n"
    other = tmp_path / "other"
    result = run(["progress", "import", str(out), "--data-dir", str(other)], catch=False)
    assert result.stdout == f"Imported {out}: 2 new reviews of 2 questions\n"
    result = run(["progress", "import", str(out), "--data-dir", str(other)], catch=False)
    assert result.stdout == (
        f"Imported {out}: 0 new reviews of 0 questions; 2 reviews already here, not counted again\n"
    )
    text = run(["progress", "export", "-o", "-", "--data-dir", str(other)], catch=False).stdout
    assert [r["question"] for r in json.loads(text)["reviews"]] == [QUESTIONS[0].uid, QUESTIONS[1].uid]
    # the report still works with the new subcommands beside it
    assert (
        "Answers recorded: 2" in run(["progress", "--no-builtin", "--bank", str(SAMPLE)], catch=False).stdout
    )


GOOD_REVIEW = {
    "question": "anatomy/roots",
    "topic": "anatomy",
    "reviewed": "2026-03-02T12:00:00+00:00",
    "rating": 3,
    "correct": True,
}


def doc(**changes: object) -> bytes:
    review = {**GOOD_REVIEW, **changes}
    return json.dumps({"format": FORMAT, "version": 1, "reviews": [review]}).encode()


BAD_FILES: dict[str, tuple[bytes, str]] = {
    "not json": (b"hello", "not valid JSON at line 1 column 1"),
    "truncated": (doc()[:-30], "the file ends early: was it cut off?"),
    "utf-16": ('{"format": 1}'.encode("utf-16"), "is not UTF-8 text"),
    "a list": (b"[1, 2]", "not a sciatica-quiz progress file"),
    "other format": (b'{"format": "anki"}', "not a sciatica-quiz progress file"),
    "newer version": (
        b'{"format": "sciatica-quiz progress", "version": 2}',
        "newer than this sciatica-quiz reads",
    ),
    "version text": (
        b'{"format": "sciatica-quiz progress", "version": "1"}',
        '"version" must be a whole number',
    ),
    "unknown top key": (b'{"format": "sciatica-quiz progress", "version": 1, "x": 1}', "unexpected key 'x'"),
    "reviews not list": (
        b'{"format": "sciatica-quiz progress", "version": 1, "reviews": {}}',
        '"reviews" must be a list',
    ),
    "deep nesting": (
        b'{"format": "sciatica-quiz progress", "version": 1, "reviews": ' + b"[" * 200_000,
        "nested too deeply",
    ),
    "NaN": (doc().replace(b'"rating": 3', b'"rating": NaN'), "NaN is not a number a progress file holds"),
    "duplicate key": (
        doc().replace(b'"rating": 3', b'"rating": 3, "rating": 4'),
        "key 'rating' appears twice",
    ),
    "rating 5": (doc(rating=5), '"rating" must be 1, 2, 3 or 4, got 5'),
    "rating true": (doc(rating=True), '"rating" must be 1, 2, 3 or 4, got true'),
    "rating float": (doc(rating=3.0), '"rating" must be 1, 2, 3 or 4, got 3.0'),
    "rating huge": (
        doc().replace(b'"rating": 3', b'"rating": 1e999'),
        '"rating" must be 1, 2, 3 or 4, got inf',
    ),
    "wrong but good": (doc(correct=False), "a right answer is rated 2, 3 or 4 and a wrong one 1"),
    "correct text": (doc(correct="yes"), '"correct" must be true or false'),
    "path in id": (doc(question="../../etc/passwd"), '"question" must be a bank/question id'),
    "script in id": (doc(question="a/<script>"), '"question" must be a bank/question id'),
    "topic with spaces": (doc(topic="red flags"), '"topic" must be a topic id'),
    "naive time": (doc(reviewed="2026-03-02T12:00:00"), "must be an ISO 8601 time with its UTC offset"),
    "future": (doc(reviewed="2099-01-01T00:00:00Z"), "is not a time a review can have happened"),
    "past": (doc(reviewed="1999-01-01T00:00:00Z"), "is not a time a review can have happened"),
    "missing key": (
        json.dumps({"format": FORMAT, "version": 1, "reviews": [{"question": "a/b"}]}).encode(),
        "missing 'correct'",
    ),
    "extra key": (doc(sql="DROP TABLE reviews"), "unexpected key 'sql'"),
    "control in typed": (
        json.dumps(
            {
                "format": FORMAT,
                "version": 1,
                "overrides": [
                    {
                        "question": "a/b",
                        "topic": "anatomy",
                        "typed": "x\x1b[2J",
                        "claimed": "2026-03-02T12:00:00Z",
                    }
                ],
            }
        ).encode(),
        '"typed" must be printable text',
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_with_one_line_and_changes_nothing(
    case: str, tmp_path: Path, home: Path
) -> None:
    with Store.open(home) as s:
        study(s, [(0, 0, 3)])
    before = dump(home / STORE_NAME)
    data, message = BAD_FILES[case]
    bad = tmp_path / "bad.json"
    bad.write_bytes(data)
    result = run(["progress", "import", str(bad)])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {bad}: "), result.stderr
    assert message in lines[0]
    assert dump(home / STORE_NAME) == before


def test_an_oversized_file_is_refused_before_it_is_parsed() -> None:
    with pytest.raises(ProgressFileError, match="a progress file is at most 64 MB"):
        loads(b" " * (64 * 2**20 + 1), "big.json")


def test_a_missing_file_is_one_line() -> None:
    result = run(["progress", "import", "no-such-file.json"])
    assert result.exit_code != 0 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error:")


answers = st.lists(
    st.tuples(
        st.integers(0, len(QUESTIONS) - 1), st.integers(0, 60 * 24 * 60), st.sampled_from([1, 2, 3, 4])
    ),
    max_size=12,
    unique_by=lambda a: a[1],
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mine=answers, theirs=answers)
def test_any_two_histories_merge_to_their_union_once(tmp_path: Path, mine: list, theirs: list) -> None:  # type: ignore[type-arg]
    # Each device answers in time order; the two run side by side.
    mine = sorted(mine, key=lambda a: a[1])
    theirs = sorted((a for a in theirs if a[1] not in {m[1] for m in mine}), key=lambda a: a[1])
    case = Path(tempfile.mkdtemp(dir=tmp_path))  # a fresh folder for each example
    with Store.open(case / "truth") as t:
        study(t, sorted(mine + theirs, key=lambda a: a[1]))
        truth = cards(t)
    with Store.open(case / "a") as a, Store.open(case / "b") as b:
        study(a, mine)
        study(b, theirs)
        text = dumps(b.export_progress(), NOW).encode()
        a.import_progress(loads(text, "f", NOW))
        a.import_progress(loads(text, "f", NOW))
        assert cards(a) == truth
        assert len(a.review_log()) == len(mine) + len(theirs)

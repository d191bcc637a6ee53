"""Spaced-repetition study and the progress store: scheduling, restarts, kills, damage, concurrency."""

from __future__ import annotations

import json
import os
import re
import selectors
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Collection
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import fsrs
import pytest
from conftest import REPO, SAMPLE, run
from test_quiz import wrong_input

import sciatica_quiz.store as store_module
from sciatica_quiz.cli import render
from sciatica_quiz.errors import StoreError
from sciatica_quiz.grading import correct_input
from sciatica_quiz.loader import load_library
from sciatica_quiz.model import Library
from sciatica_quiz.session import QuestionShown
from sciatica_quiz.store import STORE_NAME, Rating, Store, from_text
from sciatica_quiz.study import RatingRequest, StudySession, describe_when, progress_report

LIBRARY = load_library([SAMPLE], builtin=False)
BANK = ["--no-builtin", "--bank", str(SAMPLE)]
NOON = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)  # midday, so a local day is the UTC day
TF_PROMPT = "True or false (t/f): "
RATING_PROMPT = "Rating (h/g/e, Enter = good): "
HEADING = re.compile(r"^Question \d+ · (\w+) · .+ · (\S+)$")


class Clock:
    """A clock the test moves by hand; each reading advances it a few seconds, like a student."""

    def __init__(self, now: datetime = NOON, step: timedelta = timedelta(seconds=5)) -> None:
        self.now = now
        self.step = step

    def __call__(self) -> datetime:
        self.now += self.step
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


class Student:
    """A UI that answers right, or wrong for ids in `wrong`, from the events a session emits.

    It reads each question from its QuestionShown event (the layout it was shown in), and keeps
    the terminal's rendering of every event in `lines`, so tests can also check what was shown.
    """

    def __init__(
        self,
        library: Library,
        wrong: Collection[str] = (),
        ratings: list[str] | None = None,
        stop_after: int | None = None,
        stop_with: str | None = None,
    ) -> None:
        self.sources = library.sources
        self.wrong = wrong
        self.ratings = list(ratings or [])
        self.stop_after, self.stop_with = stop_after, stop_with
        self.lines: list[str] = []
        self.events: list[object] = []
        self.asked: list[tuple[str, str]] = []  # (card state, uid) per question shown
        self._pending: list[str] = []

    def emit(self, event: object) -> None:
        self.events.append(event)
        self.lines += [text for text, _ in render.lines(event, self.sources)]
        if isinstance(event, QuestionShown):
            self.asked.append((str(event.card), event.item.question.uid))
            self._item = event.item

    def ask(self, request: object) -> str | None:
        self.lines.append(render.prompt(request))
        if isinstance(request, RatingRequest):
            return self.ratings.pop(0) if self.ratings else "g"
        if not self._pending:
            if self.stop_after is not None and len(self.asked) > self.stop_after:
                return None if self.stop_with is None else self.stop_with
            q, layout = self._item.question, self._item.layout
            self._pending = wrong_input(q, layout) if q.uid in self.wrong else correct_input(q, layout)
        return self._pending.pop(0)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def study(home: Path, clock: Clock, student: Student, questions: Any = None, **kw: Any) -> Student:
    """Run one study session in a freshly opened store, as a new process would."""
    with Store.open(home) as store:
        StudySession(store, questions or LIBRARY.questions, LIBRARY.sources, clock=clock, seed=1, **kw).run(
            student
        )
    return student


def tf_bank(path: Path, n: int) -> Path:
    """Write a bank of n true/false questions whose answer is always true."""
    qs = "".join(
        f"  - id: q{i:02}\n    type: true_false\n    prompt: Statement {i} is true.\n    answer: true\n"
        f"    explanation: It is.\n    sources: [s]\n"
        for i in range(n)
    )
    path.write_text(
        f"id: tf\ntitle: TF\ntopic: anatomy\nsources:\n  - id: s\n    title: T\n    publisher: P\nquestions:\n{qs}",
        encoding="utf-8",
    )
    return path


def check_sound(path: Path) -> dict[str, int]:
    """Assert the store file is sound and every card is its review log replayed; return counts."""
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        reviews = db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
        reps = db.execute("SELECT COALESCE(SUM(reps), 0) FROM cards").fetchone()[0]
        assert reps == reviews  # a card row and its review row are written together or not at all
        scheduler = fsrs.Scheduler(enable_fuzzing=False)
        cards = db.execute("SELECT bank, question, card FROM cards").fetchall()
        for bank, question, stored in cards:
            card = fsrs.Card(card_id=fsrs.Card.from_json(stored).card_id)
            log = db.execute(
                "SELECT rating, reviewed FROM reviews WHERE bank = ? AND question = ? ORDER BY id",
                (bank, question),
            ).fetchall()
            for rating, reviewed in log:
                card, _ = scheduler.review_card(card, fsrs.Rating(rating), from_text(reviewed))
            assert json.loads(card.to_json()) == json.loads(stored), f"{bank}/{question}"
        sessions = db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
    return {"reviews": reviews, "cards": len(cards), "sessions": sessions}


# -- the store -----------------------------------------------------------------------------------


def test_store_is_created_in_wal_mode_with_a_schema_version(home: Path) -> None:
    with Store.open() as store:
        assert store.path == home / STORE_NAME
    with sqlite3.connect(home / STORE_NAME) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert db.execute("SELECT version FROM schema_version").fetchall() == [
            (store_module.schema_version(),)
        ]


def test_default_folder_is_the_platform_user_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv("SCIATICA_QUIZ_HOME")
    assert store_module.default_data_dir() == Path(
        platformdirs.user_data_dir("sciatica-quiz", appauthor=False)
    )
    monkeypatch.setenv("SCIATICA_QUIZ_HOME", "/somewhere/else")
    assert store_module.default_data_dir() == Path("/somewhere/else")


def test_describe_when() -> None:
    assert describe_when(NOON, NOON + timedelta(seconds=50)) == "in 1 minute"
    assert describe_when(NOON, NOON + timedelta(minutes=10)) == "in 10 minutes"
    assert describe_when(NOON, NOON + timedelta(hours=5)) == "in 5 hours"
    assert describe_when(NOON, NOON + timedelta(days=1)) == "tomorrow"
    assert describe_when(NOON, NOON + timedelta(days=9)) == "in 9 days"
    assert describe_when(NOON, NOON + timedelta(days=120)) == "in 4 months"


# -- scheduling ----------------------------------------------------------------------------------


def test_first_session_asks_new_questions_and_repeats_them_before_ending(home: Path) -> None:
    student = study(home, Clock(), Student(LIBRARY), new_per_day=3)
    kinds = [k for k, _ in student.asked]
    assert kinds == ["new"] * 3 + ["learning"] * 3  # each new one comes back once, ten minutes on
    assert "Study: 0 due for review, 3 new today (6 not yet studied)." in student.text
    assert student.text.count("Good: next review in 10 minutes.") == 3
    assert "Score: 6/6 (100%)" in student.text
    with Store.open(home) as store:
        assert len(store.cards()) == 3
        assert len(store.review_log()) == 6


def test_due_reviews_come_first_after_a_restart(home: Path) -> None:
    clock = Clock()
    study(home, clock, Student(LIBRARY), new_per_day=3)
    clock.advance(days=1)
    second = study(home, clock, Student(LIBRARY), new_per_day=3)
    assert [k for k, _ in second.asked][:3] == ["new"] * 3  # nothing due yet: graduated cards wait 2+ days
    first_three = {uid for _, uid in second.asked[:3]}
    clock.advance(days=3)
    third = study(home, clock, Student(LIBRARY), new_per_day=3)
    kinds = [k for k, _ in third.asked]
    assert kinds == ["review"] * 6, third.text  # all six are due; no new questions are left
    assert "Study: 6 due for review, 0 new today (0 not yet studied)." in third.text
    assert first_three <= {uid for _, uid in third.asked}


def test_a_wrong_answer_counts_as_again_and_comes_back_this_session(home: Path) -> None:
    student = study(home, Clock(), Student(LIBRARY, wrong={"sample/roots"}), new_per_day=2)
    assert "Not quite (you chose " in student.text
    assert "Again: next review in 1 minute." in student.text
    assert [uid for _, uid in student.asked].count("sample/roots") >= 2
    with Store.open(home) as store:
        log = store.review_log("sample/roots")
    assert log[0]["rating"] == Rating.AGAIN and log[0]["correct"] == 0


def test_rating_choices_show_when_the_question_comes_back(home: Path) -> None:
    student = study(home, Clock(), Student(LIBRARY, ratings=["e"]), new_per_day=1)
    offer = next(line for line in student.lines if line.startswith("How well did you know it?"))
    m = re.search(r"h\) Hard: in 6 minutes   g\) Good: in 10 minutes   e\) Easy: (in \d+ days)", offer)
    assert m, offer
    assert f"Easy: next review {m.group(1)}." in student.text
    with Store.open(home) as store:
        (card,) = store.cards().values()
    assert card.state == "review"


def test_rating_input_is_checked(home: Path) -> None:
    student = study(home, Clock(), Student(LIBRARY, ratings=["x", "?", "h"]), new_per_day=1, limit=1)
    assert "Type h, g or e (or just press Enter for Good)." in student.text
    assert "h = Hard (got there with effort)" in student.text
    assert "Hard: next review in 6 minutes." in student.text


def test_new_questions_per_day_hold_across_sessions(home: Path) -> None:
    clock = Clock()
    first = study(home, clock, Student(LIBRARY, stop_after=2), new_per_day=4)
    assert [k for k, _ in first.asked] == ["new", "new", "new"]  # stopped at the third
    clock.advance(hours=1)
    second = study(home, clock, Student(LIBRARY), new_per_day=4)
    assert "2 new today" in second.text
    clock.advance(hours=1)
    third = study(home, clock, Student(LIBRARY), new_per_day=4)
    assert "Nothing to study right now: no reviews due and today's 4 new questions are done." in third.text
    assert third.asked == []


def test_limit_skip_and_quit(home: Path) -> None:
    limited = study(home, Clock(), Student(LIBRARY), new_per_day=6, limit=2)
    assert len(limited.asked) == 2
    clock = Clock(NOON + timedelta(days=1))
    skipper = study(home, clock, Student(LIBRARY, stop_after=0, stop_with="s"), new_per_day=6, limit=3)
    assert "Study: 2 due for review, 4 new today" in skipper.text
    assert skipper.text.count("Skipped; it stays due.") == 6  # a skip is not an answer: no limit reached
    with Store.open(home) as store:
        assert len(store.review_log()) == 2  # skips record nothing


def test_quit_at_the_rating_saves_the_answer_as_good(home: Path) -> None:
    student = study(home, Clock(), Student(LIBRARY, ratings=["q"]), new_per_day=3)
    assert len(student.asked) == 1
    assert "Good: next review in 10 minutes." in student.text
    with Store.open(home) as store:
        assert [r["rating"] for r in store.review_log()] == [Rating.GOOD]


def test_a_question_removed_from_the_banks_keeps_its_history_but_is_not_shown(home: Path) -> None:
    clock = Clock()
    study(home, clock, Student(LIBRARY), new_per_day=6)
    remaining = [q for q in LIBRARY.questions if q.id != "roots"]
    clock.advance(days=30)
    later = study(home, clock, Student(LIBRARY), questions=remaining, new_per_day=6)
    assert "sample/roots" not in {uid for _, uid in later.asked}
    assert len(later.asked) == 5
    with Store.open(home) as store:
        assert "sample/roots" in store.cards()
        report = progress_report(store, remaining, clock.now)
    assert report.answers == 12 + 5  # the removed question's answers still count
    assert report.questions == 5


def test_progress_json_and_text(home: Path, tmp_path: Path) -> None:
    bank = tf_bank(tmp_path / "tf.yaml", 5)
    args = ["--no-builtin", "--bank", str(bank)]
    result = run(["study", *args, "--new", "3"], input="t\ng\nf\nt\ne\n", catch=False)
    assert result.exit_code == 0
    assert result.stdout.count("next review") == 3
    data = json.loads(run(["progress", *args, "--json"], catch=False).stdout)
    assert data["answers"] == 3 and data["study_reviews"] == 3 and data["correct"] == 2
    assert data["due"] == 2  # the one missed (1 minute) and the one rated good (10 minutes)
    assert data["new"] == 2 and data["new_today"] == 3
    assert data["by_topic"]["anatomy"]["answers"] == 3
    assert data["by_topic"]["anatomy"]["accuracy"] == pytest.approx(0.667)
    assert data["last_session"]["kind"] == "study"
    text = run(["progress", *args], catch=False).stdout
    assert "Answers recorded: 3 (3 in study, 0 in quizzes), 67% right" in text
    assert "Due for study now: 0   Later today: 2   Tomorrow: 0" in text
    assert "Not yet in spaced repetition: 2 questions (3 started today;" in text
    assert re.search(r"^Anatomy\s+3\s+67%\s+2\s+2$", text, re.MULTILINE)


def test_cli_study_shows_the_session_and_what_comes_up(tmp_path: Path) -> None:
    bank = tf_bank(tmp_path / "tf.yaml", 2)
    result = run(
        ["study", "--no-builtin", "--bank", str(bank), "--new", "2", "--limit", "2"], input="t\n\nt\ng\n"
    )
    assert result.exit_code == 0
    assert "Question 1 · new · Anatomy · true or false · tf/q00" in result.stdout
    assert "Coming up: 2 more today, 0 tomorrow; the next one in 10 minutes." in result.stdout


# -- damage, versions, permissions -----------------------------------------------------------------


def _expect_store_error(home: Path, *fragments: str) -> str:
    result = run(["progress", *BANK])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert all(line.startswith("Error: ") for line in result.stderr.splitlines())
    return result.stderr


def test_a_file_that_is_not_a_database_is_a_clear_error(home: Path) -> None:
    home.mkdir()
    (home / STORE_NAME).write_text("these are my notes, not a database\n" * 200)
    path = home / STORE_NAME
    err = _expect_store_error(home, str(path), "damaged or not a database", f"mv '{path}' '{path}.broken'")
    assert "restore a backup" in err
    assert (home / STORE_NAME).read_text().startswith("these are my notes")  # left untouched
    os.replace(path, f"{path}.broken")  # follow the advice: the next run starts afresh
    assert run(["progress", *BANK], catch=False).exit_code == 0


def test_a_damaged_database_is_a_clear_error(home: Path) -> None:
    clock = Clock()
    study(home, clock, Student(LIBRARY), new_per_day=6)
    path = home / STORE_NAME
    data = bytearray(path.read_bytes())
    assert len(data) >= 4 * 4096
    data[4096 + 100 : 4 * 4096 - 100] = b"\xff" * (3 * 4096 - 200)  # scribble over pages 2-4
    path.write_bytes(bytes(data))
    _expect_store_error(home, str(path), "damaged or not a database")
    with pytest.raises(StoreError):
        Store.open(home)


def test_a_truncated_database_is_a_clear_error(home: Path) -> None:
    study(home, Clock(), Student(LIBRARY), new_per_day=6)
    path = home / STORE_NAME
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    _expect_store_error(home, str(path), "damaged or not a database")


def test_another_programs_database_is_not_touched(home: Path) -> None:
    home.mkdir()
    with sqlite3.connect(home / STORE_NAME) as db:
        db.execute("CREATE TABLE recipes (name TEXT)")
    _expect_store_error(home, "is an SQLite file but not a sciatica-quiz progress store")


def test_a_store_from_a_newer_version_is_refused(home: Path) -> None:
    Store.open(home).close()
    with sqlite3.connect(home / STORE_NAME) as db:
        db.execute("UPDATE schema_version SET version = 99")
    _expect_store_error(home, "was written by a newer sciatica-quiz (schema 99", "Upgrade sciatica-quiz")


def test_migration_keeps_a_backup_and_the_data(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    study(home, Clock(), Student(LIBRARY), new_per_day=2)
    before = check_sound(home / STORE_NAME)
    v1 = store_module.schema_version()
    monkeypatch.setattr(
        store_module, "MIGRATIONS", [*store_module.MIGRATIONS, ("ALTER TABLE sessions ADD COLUMN note TEXT",)]
    )
    with Store.open(home) as store:
        assert len(store.review_log()) == before["reviews"]
    (backup,) = home.glob(f"{STORE_NAME}.v{v1}.*.bak")
    with sqlite3.connect(backup) as db:
        assert db.execute("SELECT version FROM schema_version").fetchone() == (v1,)
        assert db.execute("SELECT COUNT(*) FROM reviews").fetchone() == (before["reviews"],)
    with sqlite3.connect(home / STORE_NAME) as db:
        assert db.execute("SELECT version FROM schema_version").fetchone() == (v1 + 1,)
        assert "note" in [r[1] for r in db.execute("PRAGMA table_info(sessions)")]
    assert check_sound(home / STORE_NAME) == before


def test_a_failed_migration_changes_nothing(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    study(home, Clock(), Student(LIBRARY), new_per_day=2)
    v1 = store_module.schema_version()
    monkeypatch.setattr(
        store_module, "MIGRATIONS", [*store_module.MIGRATIONS, ("ALTER TABLE nowhere ADD COLUMN x",)]
    )
    with pytest.raises(StoreError, match="no such table: nowhere"):
        Store.open(home)
    monkeypatch.undo()
    with sqlite3.connect(home / STORE_NAME) as db:
        assert db.execute("SELECT version FROM schema_version").fetchone() == (v1,)
    assert check_sound(home / STORE_NAME)["reviews"] == 4


def test_data_folder_that_is_a_file(home: Path) -> None:
    home.parent.mkdir(exist_ok=True)
    home.write_text("")
    _expect_store_error(home, f"data folder {home} is a file, not a folder", "--data-dir")


def test_a_read_only_data_folder_is_a_clear_error() -> None:
    # Root ignores permissions, so as root the subprocess first drops the capability to override them.
    base = Path(tempfile.mkdtemp(prefix="sq-ro-"))
    try:
        base.chmod(0o755)
        folder = base / "ro"
        folder.mkdir(mode=0o555)
        folder.chmod(0o555)
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "SCIATICA_QUIZ_HOME": str(folder)}
        command = [sys.executable, "-m", "sciatica_quiz", "study", *BANK]
        if os.geteuid() == 0:
            if not shutil.which("setpriv"):
                pytest.skip("running as root without setpriv to drop the permission override")
            caps = "-dac_override,-dac_read_search"
            command = ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}", *command]
        out = subprocess.run(
            command,
            input="",
            capture_output=True,
            text=True,
            cwd=REPO,
            env=env,
            timeout=60,
        )
        assert out.returncode == 1, out.stderr
        assert out.stderr == (
            f"Error: the data folder {folder} is read-only; "
            "choose a writable folder for the progress store (--data-dir or $SCIATICA_QUIZ_HOME)\n"
        )
        assert not (folder / STORE_NAME).exists()
    finally:
        (base / "ro").chmod(0o755)
        for p in sorted(base.rglob("*"), reverse=True):
            p.rmdir() if p.is_dir() else p.unlink()
        base.rmdir()


# -- concurrency and kills -----------------------------------------------------------------------


def test_two_connections_reviewing_the_same_questions_stay_consistent(home: Path) -> None:
    Store.open(home).close()
    qs = LIBRARY.questions[:3]
    errors: list[BaseException] = []

    def worker(offset: int) -> None:
        try:
            with Store.open(home) as store:
                for i in range(40):
                    rating = Rating((i + offset) % 4 + 1)
                    store.review(qs[i % 3], rating, correct=rating > 1, at=NOON + timedelta(minutes=i))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert check_sound(home / STORE_NAME) == {"reviews": 80, "cards": 3, "sessions": 0}


class Driver:
    """A `python -m sciatica_quiz` process fed through a pipe, read as it writes."""

    def __init__(self, args: list[str], home: Path) -> None:
        env = {**os.environ, "SCIATICA_QUIZ_HOME": str(home), "NO_COLOR": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sciatica_quiz", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=REPO,
            env=env,
        )
        assert self.proc.stdout is not None
        self._sel = selectors.DefaultSelector()
        self._sel.register(self.proc.stdout, selectors.EVENT_READ)
        self.out = b""
        self._pos = 0

    def expect(self, marker: str, timeout: float = 30) -> str:
        """Wait until `marker` appears after what was already consumed; return the text up to it."""
        want = marker.encode()
        deadline = time.monotonic() + timeout
        while (i := self.out.find(want, self._pos)) < 0:
            left = deadline - time.monotonic()
            assert left > 0, f"timed out waiting for {marker!r}; got:\n{self.out.decode()}"
            if self._sel.select(left):
                chunk = os.read(self.proc.stdout.fileno(), 65536)  # type: ignore[union-attr]
                assert chunk, f"process ended before {marker!r}:\n{self.out.decode()}"
                self.out += chunk
        text = self.out[self._pos : i].decode()
        self._pos = i + len(want)
        return text

    def type(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def answer_true_and_rate(self) -> None:
        self.expect(TF_PROMPT)
        self.type("t\n")
        self.expect(RATING_PROMPT)
        self.type("g\n")
        self.expect("next review")

    def finish(self) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        rc = self.proc.wait(timeout=30)
        rest = self.proc.stdout.read() if self.proc.stdout else b""
        self.out += rest
        return rc


def test_sigkill_mid_session_keeps_every_answer_given(home: Path, tmp_path: Path) -> None:
    bank = tf_bank(tmp_path / "tf.yaml", 12)
    args = ["study", "--no-builtin", "--bank", str(bank), "--new", "12"]
    d = Driver(args, home)
    for _ in range(5):
        d.answer_true_and_rate()
    d.expect(TF_PROMPT)
    d.type("tr")  # the sixth answer is half typed when the process dies
    d.proc.send_signal(signal.SIGKILL)
    assert d.proc.wait(timeout=30) == -signal.SIGKILL
    assert check_sound(home / STORE_NAME) == {"reviews": 5, "cards": 5, "sessions": 1}
    with sqlite3.connect(home / STORE_NAME) as db:
        assert db.execute("SELECT finished FROM sessions").fetchall() == [(None,)]
    result = run([*args, "--limit", "1"], input="t\ng\n", catch=False)
    assert (
        "Study: 0 due for review, 5 coming back within minutes, 7 new today (7 not yet studied)."
        in result.stdout
    )
    assert check_sound(home / STORE_NAME) == {"reviews": 6, "cards": 6, "sessions": 2}


@pytest.mark.parametrize("delay", [0.0, 0.001, 0.003, 0.01])
def test_sigkill_racing_a_commit_leaves_a_sound_store(home: Path, tmp_path: Path, delay: float) -> None:
    bank = tf_bank(tmp_path / "tf.yaml", 6)
    d = Driver(["study", "--no-builtin", "--bank", str(bank), "--new", "6"], home)
    for _ in range(2):
        d.answer_true_and_rate()
    d.expect(TF_PROMPT)
    d.type("t\n")
    d.expect(RATING_PROMPT)
    d.type("e\n")
    time.sleep(delay)
    d.proc.send_signal(signal.SIGKILL)
    d.proc.wait(timeout=30)
    counts = check_sound(home / STORE_NAME)
    assert counts["reviews"] in (2, 3)  # the answer being committed is either all there or not at all


def test_two_study_processes_at_once_stay_consistent(home: Path, tmp_path: Path) -> None:
    bank = tf_bank(tmp_path / "tf.yaml", 8)
    args = ["study", "--no-builtin", "--bank", str(bank), "--new", "8"]
    a, b = Driver(args, home), Driver(args, home)
    for _ in range(6):
        a.answer_true_and_rate()  # while b sits at a question a has just answered
        b.answer_true_and_rate()
    assert a.finish() == 0 and b.finish() == 0
    counts = check_sound(home / STORE_NAME)
    assert counts["reviews"] == 12 and counts["sessions"] == 2
    with sqlite3.connect(home / STORE_NAME) as db:
        per_card = dict(db.execute("SELECT question, reps FROM cards").fetchall())
    assert sum(per_card.values()) == 12
    assert max(per_card.values()) >= 2  # the two sessions really did answer the same question


def test_ctrl_c_ends_with_the_summary_and_status_130(home: Path, tmp_path: Path) -> None:
    bank = tf_bank(tmp_path / "tf.yaml", 4)
    d = Driver(["study", "--no-builtin", "--bank", str(bank)], home)
    d.answer_true_and_rate()
    d.expect(TF_PROMPT)
    d.proc.send_signal(signal.SIGINT)
    assert d.finish() == 130
    assert "Score: 1/1 (100%)" in d.out.decode()
    assert d.proc.stderr is not None and d.proc.stderr.read() == b"\nInterrupted.\n"
    assert check_sound(home / STORE_NAME)["reviews"] == 1


def test_new_questions_alternate_between_banks(tmp_path: Path) -> None:
    from sciatica_quiz.study import interleave

    library = load_library([SAMPLE, tf_bank(tmp_path / "tf.yaml", 3)], builtin=False)
    order = [q.uid for q in interleave(library.questions)]
    assert order[:6] == ["sample/roots", "tf/q00", "sample/divisions", "tf/q01", "sample/largest", "tf/q02"]
    assert order[6:] == ["sample/fibular-name", "sample/foramen", "sample/compartments"]


def test_end_of_input_at_the_rating_saves_the_answer_as_good(tmp_path: Path, home: Path) -> None:
    bank = tf_bank(tmp_path / "tf.yaml", 3)
    result = run(["study", "--no-builtin", "--bank", str(bank)], input="t\n", catch=False)
    assert result.exit_code == 0
    assert "Good: next review in 10 minutes." in result.stdout
    assert check_sound(home / STORE_NAME)["reviews"] == 1

"""The progress store: one SQLite file with quiz history, study reviews and FSRS card state.

Questions are keyed by bank id and question id, so editing a question's text keeps its history
and a question removed from the banks keeps its rows (it is simply never shown again).

Robustness, in the order things can go wrong:
- the file lives in the user data folder (platformdirs), or SCIATICA_QUIZ_HOME, or a folder given;
  a folder that cannot be created or written is a clear StoreError, before anything is asked;
- the journal is WAL and every answer is one `BEGIN IMMEDIATE ... COMMIT` transaction with
  synchronous=FULL, so killing the process loses at most the answer being typed, and two
  sessions at once take turns (a busy timeout) instead of failing or overwriting each other;
- a card is rescheduled from the state stored at the moment of writing, inside the transaction,
  so a review made by another session in the meantime is built on, not overwritten;
- the schema has a version; an older store is copied to a `.bak` file and then migrated in one
  transaction; a newer, foreign or damaged file is a StoreError that names the file and says
  how to recover.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sciatica_quiz import APP_NAME
from sciatica_quiz.errors import StoreError
from sciatica_quiz.model import Question

if TYPE_CHECKING:
    import fsrs

    from sciatica_quiz.progressfile import ProgressFile


ENV_HOME = "SCIATICA_QUIZ_HOME"
STORE_NAME = "progress.sqlite3"
BUSY_TIMEOUT_SECONDS = 30.0

# MIGRATIONS[v] turns a store at schema version v into version v + 1 (version 0 is an empty file).
# Append new steps; never edit a released one.
MIGRATIONS: list[tuple[str, ...]] = [
    (
        "CREATE TABLE schema_version (version INTEGER NOT NULL)",
        "INSERT INTO schema_version VALUES (0)",
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('quiz', 'study')),
            mode TEXT,
            seed INTEGER,
            planned INTEGER NOT NULL DEFAULT 0,
            started TEXT NOT NULL,
            finished TEXT
        )""",
        """CREATE TABLE answers (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions (id),
            bank TEXT NOT NULL,
            question TEXT NOT NULL,
            topic TEXT NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('correct', 'wrong', 'skipped')),
            answered TEXT NOT NULL
        )""",
        "CREATE INDEX answers_session ON answers (session_id)",
        """CREATE TABLE cards (
            bank TEXT NOT NULL,
            question TEXT NOT NULL,
            topic TEXT NOT NULL,
            card TEXT NOT NULL,
            due TEXT NOT NULL,
            introduced TEXT NOT NULL,
            reps INTEGER NOT NULL DEFAULT 0,
            lapses INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (bank, question)
        ) WITHOUT ROWID""",
        "CREATE INDEX cards_due ON cards (due)",
        """CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            session_id INTEGER REFERENCES sessions (id),
            bank TEXT NOT NULL,
            question TEXT NOT NULL,
            topic TEXT NOT NULL,
            rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
            correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
            reviewed TEXT NOT NULL,
            due TEXT NOT NULL
        )""",
        "CREATE INDEX reviews_question ON reviews (bank, question)",
    ),
    # 2: the questions a retry quiz carries over from the last quiz's misses, so that stopping a
    # retry part-way keeps the ones not yet asked on the retry list.
    (
        """CREATE TABLE carried (
            session_id INTEGER NOT NULL REFERENCES sessions (id),
            position INTEGER NOT NULL,
            bank TEXT NOT NULL,
            question TEXT NOT NULL,
            PRIMARY KEY (session_id, position)
        ) WITHOUT ROWID""",
    ),
    # 3: answers the student counted as right after a typed answer was marked wrong ("I was right"),
    # so an instructor can see which keys need more accepted answers.
    (
        """CREATE TABLE overrides (
            id INTEGER PRIMARY KEY,
            session_id INTEGER REFERENCES sessions (id),
            bank TEXT NOT NULL,
            question TEXT NOT NULL,
            topic TEXT NOT NULL,
            typed TEXT NOT NULL,
            claimed TEXT NOT NULL
        )""",
        "CREATE INDEX overrides_question ON overrides (bank, question)",
    ),
]


def schema_version() -> int:
    """Return the schema version this code writes."""
    return len(MIGRATIONS)


class Rating(IntEnum):
    """How well a question was known; the values are FSRS's."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        """Return 'Again', 'Hard', 'Good' or 'Easy'."""
        return self.name.capitalize()


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(timezone.utc)


def to_text(when: datetime) -> str:
    """Return a UTC timestamp of fixed width, so text order is time order."""
    return when.astimezone(timezone.utc).isoformat(timespec="microseconds")


def from_text(text: str) -> datetime:
    """Return the datetime stored by to_text."""
    return datetime.fromisoformat(text).astimezone(timezone.utc)


def default_data_dir() -> Path:
    """Return $SCIATICA_QUIZ_HOME, or the platform's user data folder for sciatica-quiz."""
    home = os.environ.get(ENV_HOME, "").strip()
    if home:
        return Path(home).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def split_uid(uid: str) -> tuple[str, str]:
    """Return (bank, question) from 'bank/question'."""
    bank, _, question = uid.partition("/")
    return bank, question


def _card_id(uid: str) -> int:
    # FSRS wants an integer id per card; derive it from the permanent key, never from a clock.
    return int.from_bytes(hashlib.blake2b(uid.encode(), digest_size=6).digest(), "big")


@dataclass(frozen=True)
class CardState:
    """Where one question stands in spaced repetition."""

    uid: str
    topic: str
    due: datetime
    state: str
    reps: int
    lapses: int
    introduced: datetime
    last_review: datetime | None

    @property
    def learning(self) -> bool:
        """Return whether the card is in (re)learning steps, due again within minutes."""
        return self.state in ("learning", "relearning")


@dataclass(frozen=True)
class ImportResult:
    """What importing a progress file changed: reviews added, reviews now counted right (claimed
    since the last import), reviews already here, questions rescheduled, claims added."""

    added: int
    claimed: int
    known: int
    questions: int
    overrides: int


@dataclass(frozen=True)
class SessionInfo:
    """One recorded session."""

    id: int
    kind: str
    mode: str | None
    seed: int | None
    planned: int
    started: datetime
    finished: datetime | None
    answered: int
    correct: int


def _scheduler() -> fsrs.Scheduler:
    import fsrs

    # No fuzz: the interval shown to the student is the interval they get, and the same answers at
    # the same times always give the same schedule.
    return fsrs.Scheduler(enable_fuzzing=False)


def _card_state(row: sqlite3.Row) -> CardState:
    import fsrs

    card = fsrs.Card.from_json(row["card"])
    return CardState(
        uid=f"{row['bank']}/{row['question']}",
        topic=row["topic"],
        due=from_text(row["due"]),
        state=card.state.name.lower(),
        reps=row["reps"],
        lapses=row["lapses"],
        introduced=from_text(row["introduced"]),
        last_review=card.last_review,
    )


class Store:
    """An open progress store. Use `Store.open()`, ideally in a `with` block."""

    def __init__(self, path: Path, db: sqlite3.Connection) -> None:
        self.path = path
        self._db = db
        self._fsrs: fsrs.Scheduler | None = None

    # -- opening --------------------------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: str | Path | None = None) -> Store:
        """Open (creating or migrating as needed) the store in data_dir or the default folder."""
        folder = Path(data_dir).expanduser() if data_dir else default_data_dir()
        path = folder / STORE_NAME
        _prepare_folder(folder, path)
        try:
            db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        except sqlite3.Error as exc:
            raise _error(path, exc) from None
        store = cls(path, db)
        try:
            db.row_factory = sqlite3.Row
            store._setup_when_free()
        except BaseException as exc:
            db.close()
            if isinstance(exc, sqlite3.Error):
                raise _error(path, exc) from None
            raise
        return store

    def _setup_when_free(self) -> None:
        """Set the store up, waiting while another process does the same.

        Switching a new file to WAL, or migrating it, while a second process opens it at the same
        moment can fail at once with "database is locked" (SQLite does not wait there, to avoid a
        deadlock), so it is tried again until the busy timeout.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
        while True:
            try:
                self._setup()
                return
            except sqlite3.OperationalError as exc:
                busy = any(word in str(exc).lower() for word in ("locked", "busy"))
                if not busy or time.monotonic() > deadline:
                    raise
            except StoreError as exc:
                # A half-created file another process is still setting up looks empty or foreign.
                if time.monotonic() > deadline or "WAL" not in str(exc):
                    raise
            time.sleep(0.02)

    def _setup(self) -> None:
        db = self._db
        mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(f"{self.path}: cannot switch the store to WAL mode (got {mode!r})")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        problems = [r[0] for r in db.execute("PRAGMA quick_check").fetchall()]
        if problems != ["ok"]:
            raise _damaged(self.path, problems[0] if problems else "integrity check failed")
        version = self._version()
        latest = schema_version()
        if version > latest:
            raise StoreError(
                f"{self.path} was written by a newer sciatica-quiz (schema {version}, this one knows "
                f"{latest}).\nUpgrade sciatica-quiz, or use another folder for the progress store.",
                option="data_dir",
            )
        if version < latest:
            self._migrate(version)

    def _version(self) -> int:
        tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "schema_version" in tables:
            row = self._db.execute("SELECT version FROM schema_version").fetchone()
            if row is None:
                raise _damaged(self.path, "the schema_version table is empty")
            return int(row[0])
        if tables:
            raise StoreError(
                f"{self.path} is an SQLite file but not a sciatica-quiz progress store.\n"
                "Move it out of the way, or choose another folder for the progress store.",
                option="data_dir",
            )
        return 0

    def _migrate(self, version: int) -> None:
        if version > 0:
            self.backup(self.path.with_name(f"{self.path.name}.v{version}.{utcnow():%Y%m%d-%H%M%S}.bak"))
        with self._write() as db:
            current = self._version()  # another process may have migrated while we waited
            for step in MIGRATIONS[current:]:
                for statement in step:
                    db.execute(statement)
            db.execute("UPDATE schema_version SET version = ?", (schema_version(),))

    def backup(self, target: Path) -> Path:
        """Copy the whole store, consistently, to target (an SQLite file) and return its path."""
        with contextlib.closing(sqlite3.connect(target)) as copy:
            self._db.backup(copy)
        return target

    def close(self) -> None:
        """Close the store; everything recorded is already committed."""
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """Run a block as one immediate transaction; any failure rolls it back."""
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _error(self.path, exc) from None
        try:
            yield db
            db.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise _error(self.path, exc) from None
            raise

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise _error(self.path, exc) from None

    def integrity(self) -> list[str]:
        """Return SQLite's full integrity check: ['ok'] for a sound file."""
        return [str(r[0]) for r in self._query("PRAGMA integrity_check")]

    # -- sessions and quiz history --------------------------------------------------------------

    def start_session(
        self,
        kind: str,
        *,
        mode: str | None = None,
        seed: int | None = None,
        planned: int = 0,
        at: datetime | None = None,
        carried: Sequence[str] = (),
    ) -> int:
        """Record the start of a quiz or study session and return its id.

        `carried` lists the questions (uids) a retry quiz takes over from the last quiz's misses:
        they stay on the retry list until answered correctly, even if this quiz stops early.
        """
        with self._write() as db:
            cur = db.execute(
                "INSERT INTO sessions (kind, mode, seed, planned, started) VALUES (?, ?, ?, ?, ?)",
                (kind, mode, seed, planned, to_text(at or utcnow())),
            )
            sid = int(cur.lastrowid or 0)
            db.executemany(
                "INSERT INTO carried (session_id, position, bank, question) VALUES (?, ?, ?, ?)",
                [(sid, i, *split_uid(uid)) for i, uid in enumerate(carried)],
            )
            return sid

    def finish_session(self, session_id: int, at: datetime | None = None) -> None:
        """Record that a session ended (a session killed mid-way keeps finished empty)."""
        with self._write() as db:
            db.execute("UPDATE sessions SET finished = ? WHERE id = ?", (to_text(at or utcnow()), session_id))

    def record_answer(
        self, session_id: int, question: Question, outcome: str, at: datetime | None = None
    ) -> None:
        """Record one quiz answer: correct, wrong or skipped."""
        with self._write() as db:
            db.execute(
                "INSERT INTO answers (session_id, bank, question, topic, outcome, answered) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (session_id, question.bank, question.id, question.topic, outcome, to_text(at or utcnow())),
            )

    def claim_answer(
        self, session_id: int, question: Question, typed: str, at: datetime | None = None
    ) -> None:
        """Count the last quiz answer to a question as right ("I was right") and record the claim."""
        with self._write() as db:
            row = db.execute(
                "SELECT id FROM answers WHERE session_id = ? AND bank = ? AND question = ? ORDER BY id DESC LIMIT 1",
                (session_id, question.bank, question.id),
            ).fetchone()
            if row is None:
                raise StoreError(f"no answer to {question.uid} in this session to count as right")
            db.execute("UPDATE answers SET outcome = 'correct' WHERE id = ?", (row["id"],))
            self._record_override(db, session_id, question, typed, at)

    def _record_override(
        self,
        db: sqlite3.Connection,
        session_id: int | None,
        question: Question,
        typed: str,
        at: datetime | None,
    ) -> None:
        db.execute(
            "INSERT INTO overrides (session_id, bank, question, topic, typed, claimed) VALUES (?, ?, ?, ?, ?, ?)",
            (session_id, question.bank, question.id, question.topic, typed, to_text(at or utcnow())),
        )

    def overrides(self) -> dict[str, list[str]]:
        """Return, per question (uid), what students typed and then counted as right, oldest first."""
        out: dict[str, list[str]] = {}
        for r in self._query("SELECT bank, question, typed FROM overrides ORDER BY id"):
            out.setdefault(f"{r['bank']}/{r['question']}", []).append(r["typed"])
        return out

    def last_quiz_missed(self) -> list[str] | None:
        """Return the uids to ask again after the latest quiz; None if no quiz was taken yet.

        These are the questions it got wrong or skipped, then those it carried over from earlier
        misses (see start_session) and did not get right, even if the quiz stopped before them.
        """
        rows = self._query(
            "SELECT MAX(s.id) AS id FROM sessions s WHERE s.kind = 'quiz' AND ("
            " EXISTS (SELECT 1 FROM answers a WHERE a.session_id = s.id) OR"
            " EXISTS (SELECT 1 FROM carried c WHERE c.session_id = s.id))"
        )
        sid = rows[0]["id"]
        if sid is None:
            return None
        answers = self._query(
            "SELECT bank, question, outcome FROM answers WHERE session_id = ? ORDER BY id", (sid,)
        )
        carried = self._query(
            "SELECT bank, question FROM carried WHERE session_id = ? ORDER BY position", (sid,)
        )
        right = {f"{r['bank']}/{r['question']}" for r in answers if r["outcome"] == "correct"}
        missed = [f"{r['bank']}/{r['question']}" for r in answers if r["outcome"] != "correct"]
        missed += [f"{r['bank']}/{r['question']}" for r in carried]
        return [uid for uid in dict.fromkeys(missed) if uid not in right]

    def sessions(self, limit: int = 1) -> list[SessionInfo]:
        """Return the latest sessions, newest first, with their answer counts."""
        rows = self._query(
            """SELECT s.*,
                 CASE s.kind WHEN 'quiz'
                   THEN (SELECT COUNT(*) FROM answers a
                         WHERE a.session_id = s.id AND a.outcome != 'skipped')
                   ELSE (SELECT COUNT(*) FROM reviews r WHERE r.session_id = s.id) END AS answered,
                 CASE s.kind WHEN 'quiz'
                   THEN (SELECT COUNT(*) FROM answers a
                         WHERE a.session_id = s.id AND a.outcome = 'correct')
                   ELSE (SELECT COUNT(*) FROM reviews r
                         WHERE r.session_id = s.id AND r.correct) END AS correct
               FROM sessions s ORDER BY s.id DESC LIMIT ?""",
            (limit,),
        )
        return [
            SessionInfo(
                r["id"],
                r["kind"],
                r["mode"],
                r["seed"],
                r["planned"],
                from_text(r["started"]),
                from_text(r["finished"]) if r["finished"] else None,
                r["answered"],
                r["correct"],
            )
            for r in rows
        ]

    # -- spaced repetition ----------------------------------------------------------------------

    def cards(self, uids: Iterable[str] | None = None) -> dict[str, CardState]:
        """Return the card state of every studied question (or of those among uids)."""
        rows = self._query("SELECT * FROM cards")
        wanted = None if uids is None else set(uids)
        states = (_card_state(r) for r in rows)
        return {s.uid: s for s in states if wanted is None or s.uid in wanted}

    def card(self, uid: str) -> CardState | None:
        """Return one question's card state, as stored right now, or None if never studied."""
        rows = self._query("SELECT * FROM cards WHERE bank = ? AND question = ?", split_uid(uid))
        return _card_state(rows[0]) if rows else None

    def introduced_since(self, since: datetime) -> int:
        """Return how many questions were studied for the first time at or after `since`."""
        return int(self._query("SELECT COUNT(*) FROM cards WHERE introduced >= ?", (to_text(since),))[0][0])

    def _scheduler(self) -> fsrs.Scheduler:
        if self._fsrs is None:
            self._fsrs = _scheduler()
        return self._fsrs

    def _stored_card(self, db: sqlite3.Connection, uid: str) -> tuple[fsrs.Card, sqlite3.Row | None]:
        import fsrs

        row = db.execute("SELECT * FROM cards WHERE bank = ? AND question = ?", split_uid(uid)).fetchone()
        card = fsrs.Card.from_json(row["card"]) if row else fsrs.Card(card_id=_card_id(uid))
        return card, row

    def preview(self, uid: str, at: datetime | None = None) -> dict[Rating, datetime]:
        """Return when the question would next be due after each rating given at `at`."""
        import fsrs

        at = (at or utcnow()).astimezone(timezone.utc)
        try:
            card, _ = self._stored_card(self._db, uid)
        except sqlite3.Error as exc:
            raise _error(self.path, exc) from None
        scheduler = self._scheduler()
        return {r: scheduler.review_card(card, fsrs.Rating(int(r)), at)[0].due for r in Rating}

    def review(
        self,
        question: Question,
        rating: Rating,
        *,
        correct: bool,
        session_id: int | None = None,
        at: datetime | None = None,
    ) -> CardState:
        """Record one study answer and reschedule the question, in one transaction."""
        import fsrs

        at = (at or utcnow()).astimezone(timezone.utc)
        uid = question.uid
        with self._write() as db:
            # Reschedule from the state stored now, not the one read when the question was shown:
            # another session may have reviewed it in between.
            card, row = self._stored_card(db, uid)
            lapsed = rating is Rating.AGAIN and card.state is fsrs.State.Review
            new, _ = self._scheduler().review_card(card, fsrs.Rating(int(rating)), at)
            due, introduced = to_text(new.due), row["introduced"] if row else to_text(at)
            db.execute(
                """INSERT INTO cards (bank, question, topic, card, due, introduced, reps, lapses)
                   VALUES (?, ?, ?, ?, ?, ?, 1, ?)
                   ON CONFLICT (bank, question) DO UPDATE SET
                     topic = excluded.topic, card = excluded.card, due = excluded.due,
                     reps = reps + 1, lapses = lapses + excluded.lapses""",
                (question.bank, question.id, question.topic, new.to_json(), due, introduced, int(lapsed)),
            )
            db.execute(
                "INSERT INTO reviews (session_id, bank, question, topic, rating, correct, reviewed, due) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    question.bank,
                    question.id,
                    question.topic,
                    int(rating),
                    int(correct),
                    to_text(at),
                    due,
                ),
            )
            row = db.execute("SELECT * FROM cards WHERE bank = ? AND question = ?", split_uid(uid)).fetchone()
        return _card_state(row)

    def claim_review(
        self, question: Question, *, session_id: int, typed: str, at: datetime | None = None
    ) -> CardState:
        """Rate the last study answer to a question Good instead of Again ("I was right").

        The card is rebuilt from its review log (in time order, as an import rebuilds it) with that
        answer rated Good at the time it was given, in one transaction, and the claim is recorded.
        """
        uid = question.uid
        with self._write() as db:
            last = db.execute(
                "SELECT * FROM reviews WHERE bank = ? AND question = ? ORDER BY id DESC LIMIT 1",
                split_uid(uid),
            ).fetchone()
            if last is None or last["session_id"] != session_id or last["correct"]:
                raise StoreError(f"no study answer to {uid} marked wrong in this session to count as right")
            db.execute(
                "UPDATE reviews SET rating = ?, correct = 1 WHERE id = ?", (int(Rating.GOOD), last["id"])
            )
            self._replay(db, uid)
            self._record_override(db, session_id, question, typed, at)
            row = db.execute("SELECT * FROM cards WHERE bank = ? AND question = ?", split_uid(uid)).fetchone()
        return _card_state(row)

    def review_log(self, uid: str | None = None) -> list[dict[str, Any]]:
        """Return recorded study answers in the order given (all, or one question's)."""
        sql = "SELECT * FROM reviews"
        params: tuple[str, ...] = ()
        if uid:
            sql += " WHERE bank = ? AND question = ?"
            params = split_uid(uid)
        return [dict(r) for r in self._query(sql + " ORDER BY id", params)]

    # -- moving progress between devices ---------------------------------------------------------

    def export_progress(self) -> ProgressFile:
        """Return every study review and every "I was right" claim, for a progress file."""
        from sciatica_quiz.progressfile import OverrideRecord, ProgressFile, ReviewRecord

        reviews = tuple(
            ReviewRecord(
                f"{r['bank']}/{r['question']}",
                r["topic"],
                from_text(r["reviewed"]),
                r["rating"],
                bool(r["correct"]),
            )
            for r in self._query("SELECT * FROM reviews ORDER BY reviewed, id")
        )
        overrides = tuple(
            OverrideRecord(f"{r['bank']}/{r['question']}", r["topic"], r["typed"], from_text(r["claimed"]))
            for r in self._query("SELECT * FROM overrides ORDER BY claimed, id")
        )
        return ProgressFile(reviews, overrides)

    def import_progress(self, progress: ProgressFile) -> ImportResult:
        """Merge a progress file's reviews and claims into the store, in one transaction.

        A review already here (same question, same time) is not added again; one that arrives
        marked right where the stored copy is wrong was claimed since, and takes its place. Each
        question that gained a review is rescheduled by replaying its whole log in time order.
        """
        from sciatica_quiz.progressfile import unique

        added = claimed = 0
        touched: set[str] = set()
        with self._write() as db:
            for r in unique(progress.reviews):
                bank, question = split_uid(r.uid)
                row = db.execute(
                    "SELECT id, correct FROM reviews WHERE bank = ? AND question = ? AND reviewed = ?",
                    (bank, question, to_text(r.reviewed)),
                ).fetchone()
                if row is None:
                    db.execute(
                        "INSERT INTO reviews (session_id, bank, question, topic, rating, correct, reviewed, due) "
                        "VALUES (NULL, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            bank,
                            question,
                            r.topic,
                            r.rating,
                            int(r.correct),
                            to_text(r.reviewed),
                            to_text(r.reviewed),
                        ),
                    )
                    added += 1
                elif r.correct and not row["correct"]:
                    db.execute(
                        "UPDATE reviews SET rating = ?, correct = 1 WHERE id = ?", (r.rating, row["id"])
                    )
                    claimed += 1
                else:
                    continue
                touched.add(r.uid)
            for uid in sorted(touched):
                self._replay(db, uid)
            overrides = 0
            for o in progress.overrides:
                bank, question = split_uid(o.uid)
                known = db.execute(
                    "SELECT 1 FROM overrides WHERE bank = ? AND question = ? AND typed = ? AND claimed = ?",
                    (bank, question, o.typed, to_text(o.claimed)),
                ).fetchone()
                if known is None:
                    db.execute(
                        "INSERT INTO overrides (session_id, bank, question, topic, typed, claimed) "
                        "VALUES (NULL, ?, ?, ?, ?, ?)",
                        (bank, question, o.topic, o.typed, to_text(o.claimed)),
                    )
                    overrides += 1
        return ImportResult(
            added=added,
            claimed=claimed,
            known=len(progress.reviews) - added - claimed,
            questions=len(touched),
            overrides=overrides,
        )

    def _replay(self, db: sqlite3.Connection, uid: str) -> None:
        """Rebuild a question's card from its whole review log in time order, and each review's due."""
        import fsrs

        bank, question = split_uid(uid)
        log = db.execute(
            "SELECT * FROM reviews WHERE bank = ? AND question = ? ORDER BY reviewed, id", (bank, question)
        ).fetchall()
        scheduler = self._scheduler()
        card = fsrs.Card(card_id=_card_id(uid))
        lapses = 0
        for r in log:
            lapses += r["rating"] == Rating.AGAIN and card.state is fsrs.State.Review
            card, _ = scheduler.review_card(card, fsrs.Rating(r["rating"]), from_text(r["reviewed"]))
            db.execute("UPDATE reviews SET due = ? WHERE id = ?", (to_text(card.due), r["id"]))
        db.execute(
            """INSERT INTO cards (bank, question, topic, card, due, introduced, reps, lapses)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (bank, question) DO UPDATE SET
                 topic = excluded.topic, card = excluded.card, due = excluded.due,
                 introduced = excluded.introduced, reps = excluded.reps, lapses = excluded.lapses""",
            (
                bank,
                question,
                log[-1]["topic"],
                card.to_json(),
                to_text(card.due),
                log[0]["reviewed"],
                len(log),
                lapses,
            ),
        )

    # -- totals for `progress` ------------------------------------------------------------------

    def answer_totals(self) -> dict[str, dict[str, int]]:
        """Return {topic: {'quiz', 'quiz_correct', 'study', 'study_correct'}} over all history."""
        totals: dict[str, dict[str, int]] = {}
        for r in self._query(
            "SELECT topic, COUNT(*) AS n, SUM(outcome = 'correct') AS ok FROM answers "
            "WHERE outcome != 'skipped' GROUP BY topic"
        ):
            t = totals.setdefault(r["topic"], {"quiz": 0, "quiz_correct": 0, "study": 0, "study_correct": 0})
            t["quiz"], t["quiz_correct"] = r["n"], r["ok"] or 0
        for r in self._query("SELECT topic, COUNT(*) AS n, SUM(correct) AS ok FROM reviews GROUP BY topic"):
            t = totals.setdefault(r["topic"], {"quiz": 0, "quiz_correct": 0, "study": 0, "study_correct": 0})
            t["study"], t["study_correct"] = r["n"], r["ok"] or 0
        return totals


# -- folders and errors -------------------------------------------------------------------------


def _prepare_folder(folder: Path, path: Path) -> None:
    how = "choose a writable folder for the progress store"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise StoreError(f"data folder {folder} is a file, not a folder; {how}", option="data_dir") from None
    except OSError as exc:
        raise StoreError(
            f"cannot create the data folder {folder}: {exc.strerror}; {how}", option="data_dir"
        ) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(f"the data folder {folder} is read-only; {how}", option="data_dir")
    if path.exists() and not path.is_file():
        raise StoreError(f"{path} is not a file; move it away or {how}", option="data_dir")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise StoreError(
            f"{path} is read-only or unreadable; fix its permissions or {how}", option="data_dir"
        )


def _damaged(path: Path, why: str) -> StoreError:
    return StoreError(
        f"the progress store {path} is damaged or not a database ({why}).\n"
        f"To recover: restore a backup ({path.name}.*.bak beside it) if there is one, or move the "
        f"file aside to start afresh: mv '{path}' '{path}.broken'"
    )


def _error(path: Path, exc: sqlite3.Error) -> StoreError:
    """Return a StoreError that says what went wrong with the file and what to do."""
    msg = str(exc)
    low = msg.lower()
    if "readonly" in low or "read-only" in low or "unable to open" in low:
        return StoreError(
            f"cannot write the progress store {path} ({msg}); choose a writable folder for it",
            option="data_dir",
        )
    if "locked" in low or "busy" in low:
        return StoreError(
            f"the progress store {path} stayed busy for {BUSY_TIMEOUT_SECONDS:.0f} s (another session "
            "is writing to it); try again"
        )
    if any(word in low for word in ("not a database", "malformed", "corrupt")):
        return _damaged(path, msg)
    return StoreError(f"the progress store {path} failed: {msg}")

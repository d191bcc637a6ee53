"""Spaced-repetition study with FSRS, and the progress report drawn from the same store.

A study session asks the questions that are due first, then new ones up to a daily limit, then
(when nothing else is left) questions coming back within the next few minutes, as Anki's
"learn ahead" does. A correct answer lets the student rate it Hard, Good or Easy; a wrong one
counts as Again. Each answer is written to the store on its own before the next question.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sciatica_quiz.model import Question, Source, topic_order
from sciatica_quiz.session import (
    UI,
    Action,
    AnswerGraded,
    Claimed,
    ClaimRefused,
    Item,
    QuestionShown,
    Result,
    SessionSummarised,
    Summary,
    Turn,
    ask,
    claim_at_the_end,
    claimable,
    new_seed,
)
from sciatica_quiz.store import CardState, Rating, Store, utcnow

DEFAULT_NEW_PER_DAY = 10
LEARN_AHEAD = timedelta(minutes=20)
RATING_KEYS: dict[str, Rating] = {
    "": Rating.GOOD,
    "h": Rating.HARD,
    "hard": Rating.HARD,
    "g": Rating.GOOD,
    "good": Rating.GOOD,
    "e": Rating.EASY,
    "easy": Rating.EASY,
}


def start_of_day(when: datetime) -> datetime:
    """Return local midnight at the start of the day containing `when` (timezone-aware)."""
    return when.astimezone().replace(hour=0, minute=0, second=0, microsecond=0)


def describe_when(now: datetime, due: datetime) -> str:
    """Return when something is due, relative to now: 'in 10 minutes', 'tomorrow', 'in 4 days'."""
    seconds = (due - now).total_seconds()
    if seconds <= 0:
        return "now"
    if seconds < 3600:
        n = max(1, round(seconds / 60))
        return f"in {n} minute{'s' if n != 1 else ''}"
    if seconds < 86400:
        n = round(seconds / 3600)
        return f"in {n} hour{'s' if n != 1 else ''}"
    days = round(seconds / 86400)
    if days == 1:
        return "tomorrow"
    if days < 60:
        return f"in {days} days"
    return f"in {round(days / 30.44)} months"


def interleave(questions: Sequence[Question]) -> list[Question]:
    """Return questions taking one from each bank in turn, each bank keeping its own order."""
    banks: dict[str, deque[Question]] = {}
    for q in questions:
        banks.setdefault(q.bank, deque()).append(q)
    out: list[Question] = []
    while banks:
        for bank in list(banks):
            out.append(banks[bank].popleft())
            if not banks[bank]:
                del banks[bank]
    return out


# -- events (see sciatica_quiz.session) -----------------------------------------------------------


@dataclass(frozen=True)
class StudyStarted:
    """A study session begins: questions due now, coming back within minutes, new today, never studied."""

    due: int
    soon: int
    new_today: int
    unseen: int


@dataclass(frozen=True)
class ComingUp:
    """What comes back later: how many later today and tomorrow, and when the next one is due."""

    at: datetime
    later_today: int
    tomorrow: int
    next_due: datetime


@dataclass(frozen=True)
class NothingToStudy:
    """Nothing is due and today's new questions are done (or none are left)."""

    new_per_day: int
    unseen: int
    coming_up: ComingUp | None


@dataclass(frozen=True)
class StaysDue:
    """A question was skipped in study: nothing is recorded and it stays due."""

    item: Item


@dataclass(frozen=True)
class RatingOffered:
    """After a correct answer: when the question would come back for each rating, from `at`."""

    at: datetime
    due: Mapping[Rating, datetime]


@dataclass(frozen=True)
class RatingRequest:
    """Ask how well the question was known."""


@dataclass(frozen=True)
class RatingExplained:
    """The student asked what the ratings mean."""


@dataclass(frozen=True)
class RatingRejected:
    """What was typed is not a rating."""


@dataclass(frozen=True)
class Rated:
    """The answer was saved with this rating; the question is due again at `due`."""

    rating: Rating
    at: datetime
    due: datetime


@dataclass(frozen=True)
class LimitReached:
    """The session stopped at its limit of answers while more was left."""

    limit: int


@dataclass
class StudySession:
    """A spaced-repetition session over some questions, recorded in a Store."""

    store: Store
    questions: Sequence[Question]
    sources: Mapping[str, Source] = field(default_factory=dict)
    new_per_day: int = DEFAULT_NEW_PER_DAY
    limit: int | None = None
    seed: int | None = None
    clock: Callable[[], datetime] = utcnow

    def __post_init__(self) -> None:
        self._by_uid = {q.uid: q for q in self.questions}
        self._rng = random.Random(new_seed() if self.seed is None else self.seed)
        self._pending: dict[str, datetime] = {}
        self._new: deque[Question] = deque()
        self._new_left = 0
        self._last: str | None = None
        self._skipped: set[str] = set()  # not asked again in this session
        self._unseen = 0

    # -- planning -------------------------------------------------------------------------------

    def _plan(self, now: datetime) -> tuple[int, int, int, int]:
        """Load what is due (or comes back within minutes) and what is new.

        Return (due now, coming back soon, new today, never studied). Questions in learning steps
        from an earlier session come back in this one, as they would had it gone on.
        """
        known = self.store.cards(self._by_uid)
        self._pending = {uid: c.due for uid, c in known.items() if c.due <= now + LEARN_AHEAD}
        due = sum(1 for d in self._pending.values() if d <= now)
        unseen = [q for q in self.questions if q.uid not in known]
        self._new = deque(interleave(unseen))
        self._unseen = len(unseen)
        started_today = self.store.introduced_since(start_of_day(now))
        self._new_left = min(max(0, self.new_per_day - started_today), len(unseen))
        return due, len(self._pending) - due, self._new_left, len(unseen)

    def _next(self, now: datetime) -> tuple[Question, CardState | None] | None:
        """Return the next question and its current card (None if new), or None when done."""
        # Each candidate is re-read from the store: another session may have studied it meanwhile.
        for due, uid in sorted((d, u) for u, d in self._pending.items() if d <= now):
            fresh = self.store.card(uid)
            if fresh and fresh.due <= now:
                return self._by_uid[uid], fresh
            self._pending[uid] = fresh.due if fresh else due
        while self._new_left > 0 and self._new:
            q = self._new.popleft()
            if self.store.card(q.uid) is None:
                self._new_left -= 1
                return q, None
        # Learn ahead, as Anki does: questions coming back within minutes, but never the one just
        # answered (asking it twice in a row teaches nothing). Cards another session studied
        # meanwhile count too, so two sessions at once do not starve each other.
        ahead = now + LEARN_AHEAD
        for uid, card in self.store.cards(self._by_uid).items():
            if card.due <= ahead and uid not in self._skipped:
                self._pending.setdefault(uid, card.due)
        for _, uid in sorted((d, u) for u, d in self._pending.items() if d <= ahead and u != self._last):
            fresh = self.store.card(uid)
            if fresh and fresh.due <= ahead:
                return self._by_uid[uid], fresh
        return None

    def _anything_left(self, now: datetime) -> bool:
        """Return whether the session would have more to ask (without taking it)."""
        return bool(self._new_left and self._new) or any(
            d <= now + LEARN_AHEAD for d in self._pending.values()
        )

    # -- running --------------------------------------------------------------------------------

    def run(self, ui: UI) -> Summary:
        """Study through `ui` until nothing is left, the limit is reached, or the student stops."""
        start = self.clock()
        due, soon, new_today, unseen = self._plan(start)
        planned = due + soon + new_today
        if not planned:
            ui.emit(NothingToStudy(self.new_per_day, unseen, self._coming_up(start)))
            return Summary((), 0)
        ui.emit(StudyStarted(due, soon, new_today, unseen))
        sid = self.store.start_session("study", seed=self.seed, planned=planned, at=start)
        results: list[Result] = []
        ended = Action.ANSWER
        shown = 0

        def claim() -> None:
            last = results[-1] if results else None
            if last is None or not claimable(last):
                ui.emit(ClaimRefused("nothing"))
                return
            now = self.clock()
            state = self.store.claim_review(last.question, session_id=sid, typed=last.turn.typed, at=now)
            self._pending[last.question.uid] = state.due
            results[-1] = Result(last.item, last.turn.claim())
            ui.emit(Claimed(last.item, at=now, due=state.due))

        while True:
            if self.limit is not None and len(results) >= self.limit:
                if self._anything_left(self.clock()):
                    ui.emit(LimitReached(self.limit))
                break
            picked = self._next(self.clock())
            if picked is None:
                break
            q, card = picked
            state = "new" if card is None else "review" if card.state == "review" else "learning"
            item = Item.of(q, self._rng)
            shown += 1
            turn = ask(ui, item, QuestionShown(item, shown, card=state), claim)
            if turn.action in (Action.QUIT, Action.END):
                ended = turn.action
                break
            if turn.grade is None:
                ui.emit(StaysDue(item))
                self._pending.pop(q.uid, None)
                self._skipped.add(q.uid)
                continue
            ui.emit(AnswerGraded(item, turn, feedback=True))
            rating, stop = self._rate(ui, q, turn)
            now = self.clock()
            saved = self.store.review(q, rating, correct=bool(turn.grade.correct), session_id=sid, at=now)
            self._pending[q.uid] = saved.due
            self._last = q.uid
            results.append(Result(item, turn))
            ui.emit(Rated(rating, now, saved.due))
            if stop is not None:
                ended = stop
                break
        if ended is Action.ANSWER:
            claim_at_the_end(ui, results, claim)
        self.store.finish_session(sid)
        summary = Summary(tuple(results), planned, ended)
        ui.emit(SessionSummarised(summary))
        coming = self._coming_up(self.clock())
        if coming is not None:
            ui.emit(coming)
        return summary

    def _rate(self, ui: UI, q: Question, turn: Turn) -> tuple[Rating, Action | None]:
        """Return the rating (Again when wrong, else the student's choice) and whether to stop."""
        if not (turn.grade and turn.grade.correct):
            return Rating.AGAIN, None
        now = self.clock()
        ui.emit(RatingOffered(now, self.store.preview(q.uid, now)))
        while True:
            raw = ui.ask(RatingRequest())
            if raw is None:
                return Rating.GOOD, Action.END
            word = raw.strip().lower()
            if word == "q":
                return Rating.GOOD, Action.QUIT
            if word in RATING_KEYS:
                return RATING_KEYS[word], None
            ui.emit(RatingExplained() if word == "?" else RatingRejected())

    def _coming_up(self, now: datetime) -> ComingUp | None:
        cards = self.store.cards(self._by_uid)
        tomorrow = start_of_day(now) + timedelta(days=1)
        upcoming = [c.due for c in cards.values() if c.due > now]
        if not upcoming:
            return None
        later_today = sum(1 for c in cards.values() if now < c.due < tomorrow)
        next_day = sum(1 for c in cards.values() if tomorrow <= c.due < tomorrow + timedelta(days=1))
        return ComingUp(now, later_today, next_day, min(upcoming))

    def more_new_allowance(self) -> int | None:
        """Return a daily allowance of new questions that would give more to study today, if any."""
        if not self._unseen:
            return None
        return self.new_per_day + min(self._unseen, DEFAULT_NEW_PER_DAY)


# -- progress ---------------------------------------------------------------------------------------


@dataclass
class TopicProgress:
    """Progress on one topic: questions in spaced repetition, due, new, and answers recorded."""

    questions: int = 0
    studied: int = 0
    new: int = 0
    due_now: int = 0
    due: int = 0
    due_tomorrow: int = 0
    answers: int = 0
    correct: int = 0

    @property
    def accuracy(self) -> float | None:
        """Return the share of answers that were right, to three places (None before any answer)."""
        return round(self.correct / self.answers, 3) if self.answers else None

    def to_json(self) -> dict[str, Any]:
        """Return the figures as JSON-ready data."""
        return {**asdict(self), "accuracy": self.accuracy}


@dataclass(frozen=True)
class LastSession:
    """The latest quiz or study session."""

    kind: str
    mode: str | None
    started: datetime
    finished: datetime | None
    answered: int
    correct: int

    def to_json(self) -> dict[str, Any]:
        """Return the session as JSON-ready data, times in ISO 8601."""
        return {
            "kind": self.kind,
            "mode": self.mode,
            "started": self.started.isoformat(timespec="seconds"),
            "finished": self.finished.isoformat(timespec="seconds") if self.finished else None,
            "answered": self.answered,
            "correct": self.correct,
        }


@dataclass(frozen=True)
class Progress:
    """A student's progress over some questions: answers, accuracy by topic, what is due, what is new."""

    store: str
    quiz_answers: int
    study_reviews: int
    correct: int
    questions: int
    new_today: int
    by_topic: dict[str, TopicProgress]
    last_session: LastSession | None
    # What students typed and then counted as right ("I was right"), per question (uid).
    overrides: dict[str, list[str]] = field(default_factory=dict)

    @property
    def answers(self) -> int:
        """Return the answers recorded, in quizzes and study."""
        return self.quiz_answers + self.study_reviews

    @property
    def accuracy(self) -> float | None:
        """Return the share of answers that were right (None before any answer)."""
        return round(self.correct / self.answers, 3) if self.answers else None

    def total(self, figure: str) -> int:
        """Return one per-topic figure summed over the topics, e.g. total('due')."""
        return sum(int(getattr(t, figure)) for t in self.by_topic.values())

    def to_json(self) -> dict[str, Any]:
        """Return the report as JSON-ready data (the keys are documented in the README)."""
        return {
            "store": self.store,
            "answers": self.answers,
            "quiz_answers": self.quiz_answers,
            "study_reviews": self.study_reviews,
            "correct": self.correct,
            "accuracy": self.accuracy,
            "questions": self.questions,
            "studied": self.total("studied"),
            "due_now": self.total("due_now"),
            "due": self.total("due"),
            "due_tomorrow": self.total("due_tomorrow"),
            "new": self.total("new"),
            "new_today": self.new_today,
            "by_topic": {name: t.to_json() for name, t in self.by_topic.items()},
            "last_session": self.last_session.to_json() if self.last_session else None,
            "overrides": {
                uid: {"count": len(typed), "typed": typed} for uid, typed in self.overrides.items()
            },
        }


def progress_report(store: Store, questions: Sequence[Question], now: datetime | None = None) -> Progress:
    """Return progress over these questions, with every answer ever recorded counted by topic."""
    now = now or utcnow()
    cards = store.cards()
    tomorrow = start_of_day(now) + timedelta(days=1)
    day_after = tomorrow + timedelta(days=1)
    topics: dict[str, TopicProgress] = {}
    for q in questions:
        t = topics.setdefault(q.topic, TopicProgress())
        t.questions += 1
        card = cards.get(q.uid)
        if card is None:
            t.new += 1
            continue
        t.studied += 1
        t.due_now += card.due <= now
        t.due += card.due < tomorrow
        t.due_tomorrow += tomorrow <= card.due < day_after
    # Answers count in full, including those to questions since removed from the banks.
    quiz = study = correct = 0
    for topic, n in store.answer_totals().items():
        t = topics.setdefault(topic, TopicProgress())
        t.answers = n["quiz"] + n["study"]
        t.correct = n["quiz_correct"] + n["study_correct"]
        quiz, study, correct = quiz + n["quiz"], study + n["study"], correct + t.correct
    last = store.sessions(1)
    return Progress(
        store=str(store.path),
        quiz_answers=quiz,
        study_reviews=study,
        correct=correct,
        questions=len(questions),
        new_today=store.introduced_since(start_of_day(now)),
        by_topic={name: topics[name] for name in topic_order(topics)},
        last_session=LastSession(
            last[0].kind, last[0].mode, last[0].started, last[0].finished, last[0].answered, last[0].correct
        )
        if last
        else None,
        overrides=store.overrides(),
    )

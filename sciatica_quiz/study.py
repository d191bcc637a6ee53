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
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sciatica_quiz.model import BUILTIN_TOPICS, Question, Source, topic_title
from sciatica_quiz.session import (
    UI,
    Action,
    Item,
    Line,
    Result,
    Summary,
    Turn,
    ask,
    feedback_lines,
    new_seed,
    percent,
    show_all,
    type_name,
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
RATING_HELP = (
    "You answered correctly; say how it felt. h = Hard (got there with effort), g = Good, "
    "e = Easy (knew it at once). Enter alone means Good. The time shown is when it comes back."
)


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
        return bool(self._new_left and self._new) or any(d <= now + LEARN_AHEAD for d in self._pending.values())

    # -- running --------------------------------------------------------------------------------

    def run(self, ui: UI) -> Summary:
        """Study through `ui` until nothing is left, the limit is reached, or the student stops."""
        start = self.clock()
        due, soon, new_today, unseen = self._plan(start)
        planned = due + soon + new_today
        if not planned:
            show_all(ui, self._nothing_due_lines(start, unseen))
            return Summary((), 0)
        coming = f", {soon} coming back within minutes" if soon else ""
        ui.show(
            f"Study: {due} due for review{coming}, {new_today} new today ({unseen} not yet studied). "
            "Every answer is saved at once. Type ? for help, s to skip, q to stop.",
            "muted",
        )
        sid = self.store.start_session("study", seed=self.seed, planned=planned, at=start)
        results: list[Result] = []
        ended = Action.ANSWER
        shown = 0
        while True:
            if self.limit is not None and len(results) >= self.limit:
                if self._anything_left(self.clock()):
                    ui.show(f"Stopped at the limit of {self.limit} answers; study again to go on.", "muted")
                break
            picked = self._next(self.clock())
            if picked is None:
                break
            q, card = picked
            kind = "new" if card is None else "review" if card.state == "review" else "learning"
            item = Item.of(q, self._rng)
            where = f"{topic_title(q.topic)} · {type_name(q)} · {q.uid}"
            shown += 1
            turn = ask(ui, item, f"Question {shown} · {kind} · {where}")
            if turn.action in (Action.QUIT, Action.END):
                ended = turn.action
                break
            if turn.grade is None:
                ui.show("Skipped; it stays due.", "muted")
                self._pending.pop(q.uid, None)
                self._skipped.add(q.uid)
                continue
            show_all(ui, feedback_lines(item, turn, self.sources))
            rating, stop = self._rate(ui, q, turn)
            now = self.clock()
            state = self.store.review(q, rating, correct=bool(turn.grade.correct), session_id=sid, at=now)
            self._pending[q.uid] = state.due
            self._last = q.uid
            results.append(Result(item, turn))
            ui.show(f"{rating.label}: next review {describe_when(now, state.due)}.", "muted")
            if stop is not None:
                ended = stop
                break
        self.store.finish_session(sid)
        summary = Summary(tuple(results), planned, ended)
        show_all(ui, summary.lines())
        show_all(ui, self._coming_up_lines(self.clock()))
        return summary

    def _rate(self, ui: UI, q: Question, turn: Turn) -> tuple[Rating, Action | None]:
        """Return the rating (Again when wrong, else the student's choice) and whether to stop."""
        if not (turn.grade and turn.grade.correct):
            return Rating.AGAIN, None
        now = self.clock()
        preview = self.store.preview(q.uid, now)
        options = "   ".join(
            f"{r.label[0].lower()}) {r.label}: {describe_when(now, preview[r])}"
            for r in (Rating.HARD, Rating.GOOD, Rating.EASY)
        )
        ui.show("")
        ui.show(f"How well did you know it?   {options}", "plain")
        while True:
            raw = ui.ask("Rating (h/g/e, Enter = good): ")
            if raw is None:
                return Rating.GOOD, Action.END
            word = raw.strip().lower()
            if word == "q":
                return Rating.GOOD, Action.QUIT
            if word in RATING_KEYS:
                return RATING_KEYS[word], None
            ui.show(RATING_HELP if word == "?" else "Type h, g or e (or just press Enter for Good).", "hint")

    def _coming_up_lines(self, now: datetime) -> list[Line]:
        cards = self.store.cards(self._by_uid)
        tomorrow = start_of_day(now) + timedelta(days=1)
        later_today = sum(1 for c in cards.values() if now < c.due < tomorrow)
        next_day = sum(1 for c in cards.values() if tomorrow <= c.due < tomorrow + timedelta(days=1))
        upcoming = [c.due for c in cards.values() if c.due > now]
        lines: list[Line] = []
        if upcoming:
            lines.append(
                (
                    f"Coming up: {later_today} more today, {next_day} tomorrow; "
                    f"the next one {describe_when(now, min(upcoming))}.",
                    "muted",
                )
            )
        return lines

    def _nothing_due_lines(self, now: datetime, unseen: int) -> list[Line]:
        why = "no new questions left" if not unseen else f"today's {self.new_per_day} new questions are done"
        lines: list[Line] = [(f"Nothing to study right now: no reviews due and {why}.", "plain")]
        return lines + self._coming_up_lines(now)

    def more_new_allowance(self) -> int | None:
        """Return a daily allowance of new questions that would give more to study today, if any."""
        if not self._unseen:
            return None
        return self.new_per_day + min(self._unseen, DEFAULT_NEW_PER_DAY)


# -- progress -----------------------------------------------------------------------------------


def _empty_topic() -> dict[str, Any]:
    return {
        "questions": 0, "studied": 0, "new": 0, "due_now": 0, "due": 0, "due_tomorrow": 0,
        "answers": 0, "correct": 0,
    }  # fmt: skip


def progress_report(
    store: Store, questions: Sequence[Question], now: datetime | None = None
) -> dict[str, Any]:
    """Return progress as plain data: answers, accuracy by topic, due counts, new, last session."""
    now = now or utcnow()
    cards = store.cards()
    tomorrow = start_of_day(now) + timedelta(days=1)
    day_after = tomorrow + timedelta(days=1)
    topics: dict[str, dict[str, Any]] = {}
    for q in questions:
        t = topics.setdefault(q.topic, _empty_topic())
        t["questions"] += 1
        card = cards.get(q.uid)
        if card is None:
            t["new"] += 1
            continue
        t["studied"] += 1
        t["due_now"] += card.due <= now
        t["due"] += card.due < tomorrow
        t["due_tomorrow"] += tomorrow <= card.due < day_after
    # Answers count in full, including those to questions since removed from the banks.
    quiz = study = quiz_ok = study_ok = 0
    for topic, n in store.answer_totals().items():
        t = topics.setdefault(topic, _empty_topic())
        t["answers"] = n["quiz"] + n["study"]
        t["correct"] = n["quiz_correct"] + n["study_correct"]
        quiz, study = quiz + n["quiz"], study + n["study"]
        quiz_ok, study_ok = quiz_ok + n["quiz_correct"], study_ok + n["study_correct"]
    for t in topics.values():
        t["accuracy"] = round(t["correct"] / t["answers"], 3) if t["answers"] else None
    order = [t for t in BUILTIN_TOPICS if t in topics] + sorted(set(topics) - set(BUILTIN_TOPICS))
    last = store.sessions(1)
    total = quiz + study
    return {
        "store": str(store.path),
        "answers": total,
        "quiz_answers": quiz,
        "study_reviews": study,
        "correct": quiz_ok + study_ok,
        "accuracy": round((quiz_ok + study_ok) / total, 3) if total else None,
        "questions": len(questions),
        "studied": sum(t["studied"] for t in topics.values()),
        "due_now": sum(t["due_now"] for t in topics.values()),
        "due": sum(t["due"] for t in topics.values()),
        "due_tomorrow": sum(t["due_tomorrow"] for t in topics.values()),
        "new": sum(t["new"] for t in topics.values()),
        "new_today": store.introduced_since(start_of_day(now)),
        "by_topic": {name: topics[name] for name in order},
        "last_session": None
        if not last
        else {
            "kind": last[0].kind,
            "mode": last[0].mode,
            "started": last[0].started.isoformat(timespec="seconds"),
            "finished": last[0].finished.isoformat(timespec="seconds") if last[0].finished else None,
            "answered": last[0].answered,
            "correct": last[0].correct,
        },
    }


def progress_lines(report: Mapping[str, Any]) -> list[str]:
    """Return the progress report as lines of text for the terminal."""
    total, right = report["answers"], report["correct"]
    later = report["due"] - report["due_now"]
    lines = [
        f"Answers recorded: {total} ({report['study_reviews']} in study, {report['quiz_answers']} in quizzes)"
        + (f", {percent(right, total)}% right" if total else ""),
        f"Due for study now: {report['due_now']}   Later today: {later}   Tomorrow: {report['due_tomorrow']}",
        f"Not yet in spaced repetition: {report['new']} questions ({report['new_today']} started today; "
        "quizzes do not schedule reviews, study does)",
    ]
    last = report["last_session"]
    if last:
        when = datetime.fromisoformat(last["started"]).astimezone().strftime("%Y-%m-%d %H:%M")
        kind = f"{last['kind']} ({last['mode']})" if last["mode"] else last["kind"]
        state = "" if last["finished"] else ", not finished"
        lines.append(f"Last session: {kind} on {when}, {last['correct']}/{last['answered']} right{state}")
    topics = report["by_topic"]
    if topics:
        width = max(len(topic_title(t)) for t in topics) + 2
        lines += ["", f"{'Topic':<{width}}{'Answers':>8}{'Right':>7}{'Due':>6}{'New':>6}"]
        for name, t in topics.items():
            acc = f"{percent(t['correct'], t['answers'])}%" if t["answers"] else "-"
            lines.append(f"{topic_title(name):<{width}}{t['answers']:>8}{acc:>7}{t['due']:>6}{t['new']:>6}")
    lines += ["", f"Store: {report['store']}"]
    return lines

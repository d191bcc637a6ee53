"""Quiz sessions as library objects that emit structured events; any front end can render them.

A session decides what to ask, reads and grades the answers, records them and sums up. It talks
to a front end through two calls: `emit(event)` for everything that happens (a question shown, an
answer graded with its verdict, the summary) and `ask(request)` for a line of input. The terminal
renders events as text (sciatica_quiz.cli.render); `ScriptedUI` answers from a list and keeps the
events, for tests and for programs that drive a quiz. Everything a session emits depends only on
the questions, the seed and the answers, so the same seed and answers give the same events.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Protocol, TypeVar

from sciatica_quiz.errors import InvalidAnswer, SelectionError
from sciatica_quiz.grading import Grade, Layout, Response, entries_needed, grade, parse_input, read_text
from sciatica_quiz.model import Cloze, Question, ShortAnswer, Source, topic_order

DEFAULT_COUNT = 10
T = TypeVar("T")


class Mode(str, Enum):
    """Practice gives feedback after each answer; exam waits until the end."""

    PRACTICE = "practice"
    EXAM = "exam"

    def __str__(self) -> str:
        return self.value


class Outcome(str, Enum):
    """What became of one question."""

    CORRECT = "correct"
    WRONG = "wrong"
    SKIPPED = "skipped"

    def __str__(self) -> str:
        return self.value


class Action(Enum):
    """What the student did when asked."""

    ANSWER = "answer"
    SKIP = "skip"
    QUIT = "quit"
    END = "end"


CLAIM_COMMANDS = ("!right", "!r")


@dataclass(frozen=True)
class Item:
    """A question as shown: the question and the order of its choices."""

    question: Question
    layout: Layout

    @classmethod
    def of(cls, q: Question, rng: random.Random | None = None) -> Item:
        """Return an item, shuffled by rng when one is given."""
        return cls(q, Layout.shuffled(q, rng) if rng else Layout.natural(q))


@dataclass(frozen=True)
class Turn:
    """The result of asking one question."""

    action: Action
    grade: Grade | None = None
    response: Response | None = None
    claimed: bool = False  # marked wrong, then counted as right at the student's word

    def claim(self) -> Turn:
        """Return this turn counted as right."""
        assert self.grade is not None
        return dataclasses.replace(self, grade=dataclasses.replace(self.grade, correct=True), claimed=True)

    @property
    def typed(self) -> str:
        """Return what was typed for a typed answer (cloze blanks joined by ' | ')."""
        if self.response is None:
            return ""
        return self.response.text or " | ".join(self.response.blanks)

    @property
    def outcome(self) -> Outcome:
        """Return correct, wrong or skipped (only meaningful for ANSWER and SKIP)."""
        if self.grade is None:
            return Outcome.SKIPPED
        return Outcome.CORRECT if self.grade.correct else Outcome.WRONG


@dataclass(frozen=True)
class Result:
    """One question asked and what became of it."""

    item: Item
    turn: Turn

    @property
    def question(self) -> Question:
        """Return the question."""
        return self.item.question

    @property
    def outcome(self) -> Outcome:
        """Return correct, wrong or skipped."""
        return self.turn.outcome


@dataclass(frozen=True)
class TopicScore:
    """How one topic went in a session."""

    topic: str
    correct: int
    asked: int


@dataclass(frozen=True)
class Summary:
    """What a session added up to: every result, in the order asked."""

    results: tuple[Result, ...]
    planned: int
    ended: Action = Action.ANSWER

    @property
    def score(self) -> tuple[int, int]:
        """Return (correct, asked); skipped questions count as asked and not correct."""
        return sum(r.outcome is Outcome.CORRECT for r in self.results), len(self.results)

    @property
    def stopped_early(self) -> bool:
        """Return whether the student stopped before every planned question was asked."""
        return self.ended in (Action.QUIT, Action.END) and len(self.results) < self.planned

    def by_topic(self) -> list[TopicScore]:
        """Return the score per topic, in teaching order."""
        tally: dict[str, list[int]] = {}
        for r in self.results:
            t = tally.setdefault(r.question.topic, [0, 0])
            t[0] += r.outcome is Outcome.CORRECT
            t[1] += 1
        return [TopicScore(t, *tally[t]) for t in topic_order(tally)]

    def missed(self) -> list[Result]:
        """Return the results not answered correctly, one per question, in the order asked."""
        seen: dict[str, Result] = {}
        right = {r.question.uid for r in self.results if r.outcome is Outcome.CORRECT}
        for r in self.results:
            if r.outcome is not Outcome.CORRECT and r.question.uid not in right:
                seen.setdefault(r.question.uid, r)
        return list(seen.values())


# -- events and requests ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizStarted:
    """A quiz begins."""

    count: int
    mode: Mode
    seed: int


@dataclass(frozen=True)
class QuestionShown:
    """A question is put to the student: `number` in the session, of `total` (quiz) or with the
    state of its spaced-repetition card (study: new, learning or review)."""

    item: Item
    number: int
    total: int | None = None
    card: str | None = None


@dataclass(frozen=True)
class HelpShown:
    """The student asked how to answer this question."""

    item: Item


@dataclass(frozen=True)
class InputRejected:
    """What was typed cannot be an answer (it is not counted); `hint` says what to type."""

    hint: str


@dataclass(frozen=True)
class AnswerGraded:
    """An answer (or a skip, `turn.grade` None) was recorded; `feedback` says whether to show the
    verdict, the answer, the explanation and the sources now (practice and study) or not (exam)."""

    item: Item
    turn: Turn
    feedback: bool


@dataclass(frozen=True)
class ExamReviewed:
    """The end of an exam: each missed question with its answer and explanation."""

    missed: tuple[Result, ...]


@dataclass(frozen=True)
class SessionSummarised:
    """A session ended: its summary."""

    summary: Summary


@dataclass(frozen=True)
class Claimed:
    """The student counted their last typed answer as right ("I was right"); in study, `due` is
    when it now comes back, counted from `at`."""

    item: Item
    at: datetime | None = None
    due: datetime | None = None


@dataclass(frozen=True)
class ClaimRefused:
    """A claim that cannot be taken: `reason` is 'nothing' (no typed answer was just marked wrong)
    or 'exam' (an exam is reviewed at the end, without claims)."""

    reason: str


@dataclass(frozen=True)
class ClaimRequest:
    """After the last question, ask whether its typed answer, marked wrong, was in fact right."""


@dataclass(frozen=True)
class AnswerRequest:
    """Ask for one line of an answer: `entry` counts the lines a question takes (cloze blanks)."""

    item: Item
    entry: int


class UI(Protocol):
    """What a session needs from a front end."""

    def emit(self, event: object) -> None:
        """Take one event (render it, record it, or ignore it)."""

    def ask(self, request: object) -> str | None:
        """Return the line typed for a request, or None when input has ended."""


class ScriptedUI:
    """A UI that answers from a list and keeps every event and request, for tests and programs."""

    def __init__(self, answers: Iterable[str]) -> None:
        self._answers: Iterator[str] = iter(answers)
        self.events: list[object] = []

    def emit(self, event: object) -> None:
        """Record an event."""
        self.events.append(event)

    def ask(self, request: object) -> str | None:
        """Return the next scripted answer (None when there are no more), recording the request."""
        self.events.append(request)
        return next(self._answers, None)

    def of(self, kind: type[T]) -> list[T]:
        """Return the recorded events of one kind."""
        return [e for e in self.events if isinstance(e, kind)]


# -- asking one question ---------------------------------------------------------------------------


def claimable(result: Result | None) -> bool:
    """Return whether a result is a typed answer marked wrong, which the student may claim as right."""
    return (
        result is not None
        and isinstance(result.question, ShortAnswer | Cloze)
        and result.turn.grade is not None
        and not result.turn.grade.correct
        and not result.turn.claimed
    )


def claim_at_the_end(ui: UI, results: Sequence[Result], claim: Callable[[], None]) -> None:
    """When the last answer may be claimed as right, ask once more: it has no next prompt."""
    if (
        results
        and claimable(results[-1])
        and (ui.ask(ClaimRequest()) or "").strip().lower() in CLAIM_COMMANDS
    ):
        claim()


def ask(ui: UI, item: Item, shown: QuestionShown, claim: Callable[[], None] | None = None) -> Turn:
    """Show a question and read an answer, re-asking with a hint until the input can be graded.

    `claim` takes the "I was right" command (see CLAIM_COMMANDS) for the answer before this one.
    """
    q = item.question
    ui.emit(shown)
    needed = entries_needed(q)
    entries: list[str] = []
    response: Response | None = None
    while len(entries) < needed:
        raw = ui.ask(AnswerRequest(item, len(entries)))
        if raw is None:
            return Turn(Action.END)
        command = raw.strip().lower()
        if command == "?":
            ui.emit(HelpShown(item))
            continue
        if command in ("s", "q"):
            return Turn(Action.SKIP if command == "s" else Action.QUIT)
        if command in CLAIM_COMMANDS:
            if claim is None:
                ui.emit(ClaimRefused("nothing"))
            else:
                claim()
            continue
        try:
            if isinstance(q, Cloze):
                read_text(raw)
            else:
                response = parse_input(q, item.layout, [raw])
        except InvalidAnswer as exc:
            ui.emit(InputRejected(exc.hint))
            continue
        entries.append(raw)
    if response is None:
        response = parse_input(q, item.layout, entries)
    return Turn(Action.ANSWER, grade(q, response), response)


# -- the quiz ---------------------------------------------------------------------------------------


class History(Protocol):
    """Where a quiz records its sessions and answers (the progress store, or nothing)."""

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
        """Record the start of a session and return its id; `carried` are earlier misses it retries."""

    def record_answer(
        self, session_id: int, question: Question, outcome: str, at: datetime | None = None
    ) -> None:
        """Record one quiz answer, committed at once."""

    def finish_session(self, session_id: int, at: datetime | None = None) -> None:
        """Record that a session ended normally."""

    def claim_answer(
        self, session_id: int, question: Question, typed: str, at: datetime | None = None
    ) -> None:
        """Count the last answer to a question as right, at the student's word, and record the claim."""


def new_seed() -> int:
    """Return a fresh seed, small enough to type back in with --seed."""
    return random.SystemRandom().randrange(1, 1_000_000)


@dataclass(frozen=True)
class QuizSession:
    """A quiz: which questions, in what order, with what choice order, in which mode."""

    items: tuple[Item, ...]
    seed: int
    mode: Mode = Mode.PRACTICE
    sources: Mapping[str, Source] = field(default_factory=dict)
    # A retry quiz carries the last quiz's misses (uids): they stay on the retry list until
    # answered correctly, even those this quiz does not reach.
    carried: tuple[str, ...] = ()

    @classmethod
    def create(
        cls,
        pool: Sequence[Question],
        *,
        count: int = DEFAULT_COUNT,
        seed: int | None = None,
        mode: Mode | str = Mode.PRACTICE,
        sources: Mapping[str, Source] | None = None,
        carried: Sequence[str] = (),
    ) -> QuizSession:
        """Pick `count` questions from the pool and shuffle them and their choices by the seed."""
        if not pool:
            raise SelectionError("no questions to ask")
        if count < 1:
            raise SelectionError(f"the question count must be at least 1, not {count}")
        seed = new_seed() if seed is None else seed
        rng = random.Random(seed)
        picked = rng.sample(list(pool), min(count, len(pool)))
        items = tuple(Item.of(q, rng) for q in picked)
        return cls(items, seed, Mode(mode), sources if sources is not None else {}, tuple(carried))

    def run(self, ui: UI, history: History | None = None) -> Summary:
        """Ask every question through `ui`, recording each answer in `history`, and sum up."""
        n = len(self.items)
        ui.emit(QuizStarted(n, self.mode, self.seed))
        sid = (
            history.start_session(
                "quiz", mode=str(self.mode), seed=self.seed, planned=n, carried=self.carried
            )
            if history
            else 0
        )
        results: list[Result] = []
        ended = Action.ANSWER

        def claim() -> None:
            if self.mode is Mode.EXAM:
                ui.emit(ClaimRefused("exam"))
                return
            last = results[-1] if results else None
            if last is None or not claimable(last):
                ui.emit(ClaimRefused("nothing"))
                return
            if history:
                history.claim_answer(sid, last.question, last.turn.typed)
            results[-1] = Result(last.item, last.turn.claim())
            ui.emit(Claimed(last.item))

        for i, item in enumerate(self.items, 1):
            turn = ask(ui, item, QuestionShown(item, i, total=n), claim)
            if turn.action in (Action.QUIT, Action.END):
                ended = turn.action
                break
            results.append(Result(item, turn))
            if history:
                history.record_answer(sid, item.question, str(turn.outcome))
            ui.emit(AnswerGraded(item, turn, feedback=self.mode is Mode.PRACTICE))
        if ended is Action.ANSWER and self.mode is Mode.PRACTICE:
            claim_at_the_end(ui, results, claim)
        summary = Summary(tuple(results), n, ended)
        if history:
            history.finish_session(sid)
        if self.mode is Mode.EXAM and summary.missed():
            ui.emit(ExamReviewed(tuple(summary.missed())))
        ui.emit(SessionSummarised(summary))
        return summary


def retry_pool(missed: Sequence[str] | None, pool: Sequence[Question]) -> tuple[Question, ...]:
    """Return the questions missed last time (uids) that are still in the pool."""
    if missed is None:
        raise SelectionError("there is no quiz in your history yet; take one with 'sciatica-quiz quiz'")
    if not missed:
        raise SelectionError("your last quiz had no missed questions; nothing to retry")
    wanted = set(missed)
    chosen = tuple(q for q in pool if q.uid in wanted)
    if not chosen:
        raise SelectionError("the questions missed last time are no longer in the selected banks")
    return chosen

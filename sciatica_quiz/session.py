"""Quiz sessions as library objects, driven through a two-method UI so any front end can run them.

A session decides what to ask, reads and grades the answers, records them and sums up; the UI
only shows lines of text (each with a style name) and reads lines of input. The terminal adapter
lives in the CLI; `ScriptedUI` answers from a list, for tests and for programs that drive a quiz.
Everything a session shows depends only on the questions, the seed and the answers, so the same
seed and the same answers give the same transcript.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Literal, Protocol

from sciatica_quiz.errors import InvalidAnswer, SelectionError
from sciatica_quiz.grading import (
    LETTERS,
    Grade,
    Layout,
    Response,
    correct_input,
    grade,
    normalise,
    pairs_example,
    parse_input,
    read_text,
)
from sciatica_quiz.model import (
    BUILTIN_TOPICS,
    CLOZE,
    Question,
    QuestionType,
    Source,
    topic_title,
)

Style = Literal["plain", "title", "case", "question", "choice", "good", "bad", "hint", "muted", "score"]
Line = tuple[str, Style]
DEFAULT_COUNT = 10
TYPE_NAMES = {QuestionType.TRUE_FALSE: "true or false"}
COMMANDS_HELP = "Commands: ? help, s skip this question, q quit (a summary follows)."


class UI(Protocol):
    """What a session needs from a front end: show a line, read a line."""

    def show(self, text: str = "", style: Style = "plain") -> None:
        """Show one line (it may be long; the front end wraps it)."""

    def ask(self, prompt: str) -> str | None:
        """Show a prompt and return the line typed, or None when input has ended."""


class ScriptedUI:
    """A UI that answers from a list and keeps a transcript of everything shown and typed."""

    def __init__(self, answers: Iterable[str]) -> None:
        self._answers: Iterator[str] = iter(answers)
        self.lines: list[Line] = []

    def show(self, text: str = "", style: Style = "plain") -> None:
        """Record a line."""
        self.lines.append((text, style))

    def ask(self, prompt: str) -> str | None:
        """Return the next scripted answer (None when there are no more), recording both."""
        answer = next(self._answers, None)
        self.lines.append((prompt + ("" if answer is None else answer), "question"))
        return answer

    @property
    def transcript(self) -> str:
        """Return everything shown and typed, as plain text."""
        return "\n".join(text for text, _ in self.lines)


def show_all(ui: UI, lines: Iterable[Line]) -> None:
    """Show several styled lines."""
    for text, style in lines:
        ui.show(text, style)


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

    @property
    def outcome(self) -> Outcome:
        """Return correct, wrong or skipped (only meaningful for ANSWER and SKIP)."""
        if self.grade is None:
            return Outcome.SKIPPED
        return Outcome.CORRECT if self.grade.correct else Outcome.WRONG


# -- showing a question -------------------------------------------------------------------------


def _numbered_cloze(text: str) -> str:
    """Return cloze text with each blank numbered in reading order: '[1] _____ (hint)'."""
    counter = iter(range(1, 1000))

    def repl(m: re.Match[str]) -> str:
        hint = (m.group(3) or "").strip()
        return f"[{next(counter)}] _____" + (f" ({hint})" if hint else "")

    return CLOZE.sub(repl, text)


def type_name(q: Question) -> str:
    """Return the question type as shown in headings: 'multiple choice', 'true or false'."""
    return TYPE_NAMES.get(q.type, q.type.label)


def question_lines(item: Item, heading: str) -> list[Line]:
    """Return the lines that show a question: heading, case, stem, then choices or items."""
    q, layout = item.question, item.layout
    lines: list[Line] = [("", "plain"), (heading, "title")]
    if q.case:
        lines.append((f"Case: {q.case}", "case"))
    if q.type is QuestionType.CLOZE:
        lines.append((q.prompt or "Fill in the blanks.", "question" if q.prompt else "muted"))
        lines.append((_numbered_cloze(q.text), "question"))
    else:
        lines.append((q.prompt, "question"))
    if q.type in (QuestionType.MULTIPLE_CHOICE, QuestionType.MULTIPLE_ANSWER):
        lines += [(f"  {LETTERS[i]}) {c}", "choice") for i, c in enumerate(layout.choices)]
    elif q.type is QuestionType.MATCHING:
        lines += [(f"  {i}. {left}", "choice") for i, left in enumerate(layout.lefts, 1)]
        lines.append(("  with", "muted"))
        lines += [(f"  {LETTERS[i]}) {right}", "choice") for i, right in enumerate(layout.rights)]
    return lines


def input_prompts(item: Item) -> list[str]:
    """Return the prompt for each line of input the question takes."""
    q, layout = item.question, item.layout
    t = q.type
    if t is QuestionType.MULTIPLE_CHOICE:
        return [f"Answer (a-{LETTERS[len(layout.choices) - 1]}): "]
    if t is QuestionType.MULTIPLE_ANSWER:
        return ["Answer (all letters that apply, e.g. a c): "]
    if t is QuestionType.TRUE_FALSE:
        return ["True or false (t/f): "]
    if t is QuestionType.SHORT_ANSWER:
        return ["Answer: "]
    if t is QuestionType.CLOZE:
        return [f"Blank {i}{f' ({d.hint})' if d.hint else ''}: " for i, d in enumerate(q.deletions, 1)]
    return [f"Pairs (e.g. {pairs_example(layout)}): "]


HOW_TO_ANSWER: dict[QuestionType, str] = {
    QuestionType.MULTIPLE_CHOICE: "Type the letter of the one best answer, e.g. b.",
    QuestionType.MULTIPLE_ANSWER: "Type the letters of every answer that applies, e.g. a c or ac.",
    QuestionType.TRUE_FALSE: "Type t (or true) or f (or false).",
    QuestionType.SHORT_ANSWER: (
        "Type a word or short phrase. Case, spacing, dashes and punctuation do not matter, "
        "and a small typo in a longer answer is forgiven."
    ),
    QuestionType.CLOZE: "Type the missing words for each numbered blank, one blank at a time.",
    QuestionType.MATCHING: (
        "Give each numbered item the letter it goes with, e.g. 1b 2a 3c (or just the letters in order: bac)."
    ),
}


def help_lines(q: Question) -> list[Line]:
    """Return the help shown for `?`."""
    return [(HOW_TO_ANSWER[q.type], "hint"), (COMMANDS_HELP, "hint")]


def ask(ui: UI, item: Item, heading: str) -> Turn:
    """Show a question and read an answer, re-asking with a hint until the input can be graded."""
    q = item.question
    show_all(ui, question_lines(item, heading))
    prompts = input_prompts(item)
    entries: list[str] = []
    response: Response | None = None
    while len(entries) < len(prompts):
        raw = ui.ask(prompts[len(entries)])
        if raw is None:
            return Turn(Action.END)
        command = raw.strip().lower()
        if command == "?":
            show_all(ui, help_lines(q))
            continue
        if command in ("s", "q"):
            return Turn(Action.SKIP if command == "s" else Action.QUIT)
        try:
            if q.type is QuestionType.CLOZE:
                read_text(raw)
            else:
                response = parse_input(q, item.layout, [raw])
        except InvalidAnswer as exc:
            ui.show(exc.hint, "hint")
            continue
        entries.append(raw)
    if response is None:
        response = parse_input(q, item.layout, entries)
    return Turn(Action.ANSWER, grade(q, response), response)


# -- feedback -----------------------------------------------------------------------------------


def answer_lines(item: Item, turn: Turn) -> list[Line]:
    """Return the correct answer, marking which parts of the student's answer were right."""
    q, layout = item.question, item.layout
    t = q.type
    given = turn.response
    if t in (QuestionType.MULTIPLE_CHOICE, QuestionType.MULTIPLE_ANSWER):
        keys = [f"{LETTERS[i]}) {c}" for i, c in enumerate(layout.choices) if c in q.correct]
        if t is QuestionType.MULTIPLE_CHOICE:
            return [(f"Answer: {keys[0]}", "plain")]
        # Several answers: mark what was missed and what was picked wrongly, to show partial knowledge.
        picked = given.choices if given else frozenset()
        lines: list[Line] = [("Answer:", "plain")]
        for i, c in enumerate(layout.choices):
            if c in q.correct:
                missed = given is not None and c not in picked
                lines.append(
                    (
                        f"  {LETTERS[i]}) {c}{'   (you missed this)' if missed else ''}",
                        "bad" if missed else "plain",
                    )
                )
            elif c in picked:
                lines.append((f"  {LETTERS[i]}) {c}   (not part of the answer)", "bad"))
        return lines
    if t is QuestionType.TRUE_FALSE:
        return [(f"Answer: {q.answer_text()}", "plain")]
    if t is QuestionType.SHORT_ANSWER:
        # Variants that differ only in case, dashes or an article are not worth listing.
        seen = {normalise(q.accepted[0])}
        others: list[str] = []
        for a in q.accepted[1:]:
            if normalise(a) not in seen:
                seen.add(normalise(a))
                others.append(a)
        others = others[:3]
        also = f" (also accepted: {'; '.join(others)})" if others else ""
        return [(f"Answer: {q.accepted[0]}{also}", "plain")]
    parts = turn.grade.parts if turn.grade else ()
    if t is QuestionType.CLOZE:
        lines = [("Answers:", "plain")]
        for i, d in enumerate(q.deletions):
            mark = ""
            if given and i < len(parts) and not parts[i]:
                mark = f"   (you wrote: {given.blanks[i].strip()})"
            lines.append((f"  {i + 1}. {d.answer}{mark}", "plain" if not mark else "bad"))
        return lines
    key = dict(q.pairs)
    chosen = dict(given.pairs) if given else {}
    lines = [(f"Answer: {correct_input(q, layout)[0]}", "plain")]
    for i, left in enumerate(layout.lefts, 1):
        right = key[left]
        mark = ""
        if left in chosen and chosen[left] != right:
            mark = f"   (you matched {LETTERS[layout.rights.index(chosen[left])]})"
        letter = LETTERS[layout.rights.index(right)]
        lines.append((f"  {i}. {left} → {letter}) {right}{mark}", "bad" if mark else "plain"))
    return lines


def _what_was_given(item: Item, given: Response | None) -> str:
    """Return ' (you chose b)' or ' (you wrote: ...)' for one-part answers; other types mark parts."""
    q = item.question
    if given is None:
        return ""
    if q.type is QuestionType.MULTIPLE_CHOICE:
        return "".join(
            f" (you chose {LETTERS[i]})" for i, c in enumerate(item.layout.choices) if c in given.choices
        )
    if q.type is QuestionType.SHORT_ANSWER:
        return f" (you wrote: {given.text})"
    return ""


def feedback_lines(item: Item, turn: Turn, sources: Mapping[str, Source]) -> list[Line]:
    """Return the verdict, the correct answer, the explanation and the sources."""
    q = item.question
    if turn.grade is None:
        lines: list[Line] = [("Skipped.", "muted")]
    elif turn.grade.correct:
        spelled = "; ".join(turn.grade.typos)
        lines = [(f"Correct (mind the spelling: {spelled})." if spelled else "Correct.", "good")]
    else:
        lines = [(f"Not quite{_what_was_given(item, turn.response)}.", "bad")]
    lines += answer_lines(item, turn)
    lines.append((f"Why: {q.explanation}", "plain"))
    for sid in q.sources:
        lines.append((f"Source: {sources[sid].citation() if sid in sources else sid}", "muted"))
    return lines


# -- results and summary ------------------------------------------------------------------------


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


def percent(x: int, n: int) -> int:
    """Return x/n as a whole percentage, halves rounded up (0 when n is 0)."""
    return (200 * x + n) // (2 * n) if n else 0


def _short(text: str, width: int = 70) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


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

    def by_topic(self) -> list[tuple[str, int, int]]:
        """Return (topic, correct, asked) per topic, built-in topics first."""
        tally: dict[str, list[int]] = {}
        for r in self.results:
            t = tally.setdefault(r.question.topic, [0, 0])
            t[0] += r.outcome is Outcome.CORRECT
            t[1] += 1
        order = [t for t in BUILTIN_TOPICS if t in tally] + sorted(set(tally) - set(BUILTIN_TOPICS))
        return [(t, tally[t][0], tally[t][1]) for t in order]

    def missed(self) -> list[Result]:
        """Return the results not answered correctly, one per question, in the order asked."""
        seen: dict[str, Result] = {}
        right = {r.question.uid for r in self.results if r.outcome is Outcome.CORRECT}
        for r in self.results:
            if r.outcome is not Outcome.CORRECT and r.question.uid not in right:
                seen.setdefault(r.question.uid, r)
        return list(seen.values())

    def lines(self) -> list[Line]:
        """Return the summary: stop note, score line, per-topic breakdown, missed questions."""
        x, n = self.score
        lines: list[Line] = [("", "plain")]
        if self.ended in (Action.QUIT, Action.END) and n < self.planned:
            lines.append((f"Stopped after {n} of {self.planned} questions.", "muted"))
        if not n:
            return [*lines, ("No questions answered.", "muted")]
        lines.append((f"Score: {x}/{n} ({percent(x, n)}%)", "score"))
        topics = self.by_topic()
        if topics:
            width = max(len(topic_title(t)) for t, _, _ in topics)
            lines.append(("By topic:", "plain"))
            for t, tx, tn in topics:
                lines.append((f"  {topic_title(t):<{width}}  {tx}/{tn}  {percent(tx, tn):>3}%", "plain"))
        missed = self.missed()
        if missed:
            width = max(len(r.question.uid) for r in missed)
            lines.append(("Missed:", "plain"))
            for r in missed:
                note = " (skipped)" if r.outcome is Outcome.SKIPPED else ""
                stem = _short(r.question.stem, max(40, 94 - width - len(note)))  # fits 100 columns
                lines.append((f"  {r.question.uid:<{width}}  {stem}{note}", "bad"))
        return lines


# -- the quiz -----------------------------------------------------------------------------------


class History(Protocol):
    """Where a quiz records its sessions and answers (the progress store, or nothing)."""

    def start_session(
        self,
        kind: str,
        *,
        mode: str | None = None,
        seed: int | None = None,
        planned: int = 0,
        carried: Sequence[str] = (),
    ) -> int:
        """Record the start of a session and return its id; `carried` are earlier misses it retries."""

    def record_answer(self, session_id: int, question: Question, outcome: str) -> None:
        """Record one quiz answer, committed at once."""

    def finish_session(self, session_id: int) -> None:
        """Record that a session ended normally."""


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
        ui.show(
            f"Quiz: {n} question{'s' if n != 1 else ''}, {self.mode} mode, seed {self.seed}. "
            "Type ? for help, s to skip, q to quit.",
            "muted",
        )
        sid = (
            history.start_session("quiz", mode=str(self.mode), seed=self.seed, planned=n, carried=self.carried)
            if history
            else 0
        )
        results: list[Result] = []
        ended = Action.ANSWER
        for i, item in enumerate(self.items, 1):
            q = item.question
            turn = ask(ui, item, f"Question {i} of {n} · {topic_title(q.topic)} · {type_name(q)} · {q.uid}")
            if turn.action in (Action.QUIT, Action.END):
                ended = turn.action
                break
            results.append(Result(item, turn))
            if history:
                history.record_answer(sid, q, str(turn.outcome))
            if self.mode is Mode.PRACTICE:
                show_all(ui, feedback_lines(item, turn, self.sources))
            elif turn.grade is None:
                ui.show("Skipped.", "muted")
        summary = Summary(tuple(results), n, ended)
        if history:
            history.finish_session(sid)
        if self.mode is Mode.EXAM:
            show_all(ui, exam_review_lines(summary, self.sources))
        show_all(ui, summary.lines())
        return summary


def exam_review_lines(summary: Summary, sources: Mapping[str, Source]) -> list[Line]:
    """Return the end-of-exam review: each missed question with its answer and explanation."""
    missed = summary.missed()
    if not missed:
        return []
    lines: list[Line] = [("", "plain"), ("Review of the questions you missed", "title")]
    for r in missed:
        q = r.question
        # The question as it was asked: its case, numbered blanks and lettered choices.
        lines += question_lines(r.item, f"{q.uid} · {topic_title(q.topic)}")
        lines += feedback_lines(r.item, r.turn, sources)
    return lines


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

"""The terminal's words for quiz and study sessions: each event and request rendered as lines of text.

Sessions (sciatica_quiz.session, sciatica_quiz.study) emit events and ask for input by request;
this module alone decides what the student reads: headings, choices, prompts, verdicts, answers,
explanations, sources and summaries. Every line carries a style name the terminal turns into
colour, or not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from sciatica_quiz.grading import normalise, pairs_example
from sciatica_quiz.model import (
    LETTERS,
    Blank,
    Cloze,
    Matching,
    MultipleAnswer,
    MultipleChoice,
    Question,
    QuestionType,
    ShortAnswer,
    Source,
    TrueFalse,
    assert_never,
    topic_title,
)
from sciatica_quiz.session import (
    AnswerGraded,
    AnswerRequest,
    Claimed,
    ClaimRefused,
    ClaimRequest,
    ExamReviewed,
    HelpShown,
    InputRejected,
    Item,
    Outcome,
    QuestionShown,
    QuizStarted,
    Result,
    SessionSummarised,
    Summary,
    Turn,
    claimable,
)
from sciatica_quiz.store import Rating
from sciatica_quiz.study import (
    ComingUp,
    LimitReached,
    NothingToStudy,
    Progress,
    Rated,
    RatingExplained,
    RatingOffered,
    RatingRejected,
    RatingRequest,
    StaysDue,
    StudyStarted,
    describe_when,
)
from sciatica_quiz.text import percent

Style = Literal["plain", "title", "case", "question", "choice", "good", "bad", "hint", "muted", "score"]
Line = tuple[str, Style]
TYPE_NAMES = {QuestionType.TRUE_FALSE: "true or false"}
COMMANDS_HELP = (
    "Commands: ? help, s skip this question, q quit (a summary follows), "
    "!right count your last typed answer as right when it was marked wrong."
)
CLAIM_HINT = "Sure your answer means the same? Type !right at the next prompt to count it as right."
CLAIM_PROMPT = "Press Enter to finish (or type !right to count your last answer as right): "
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
RATING_PROMPT = "Rating (h/g/e, Enter = good): "
RATING_HELP = (
    "You answered correctly; say how it felt. h = Hard (got there with effort), g = Good, "
    "e = Easy (knew it at once). Enter alone means Good. The time shown is when it comes back."
)


def lines(event: object, sources: Mapping[str, Source]) -> list[Line]:
    """Return what the terminal shows for one event."""
    match event:
        case QuizStarted(count=n, mode=mode, seed=seed):
            return [(f"Quiz: {n} question{'s' if n != 1 else ''}, {mode} mode, seed {seed}. "
                     "Type ? for help, s to skip, q to quit.", "muted")]  # fmt: skip
        case StudyStarted(due=due, soon=soon, new_today=new_today, unseen=unseen):
            coming = f", {soon} coming back within minutes" if soon else ""
            return [(f"Study: {due} due for review{coming}, {new_today} new today ({unseen} not yet studied). "
                     "Every answer is saved at once. Type ? for help, s to skip, q to stop.", "muted")]  # fmt: skip
        case QuestionShown():
            return question_lines(event.item, heading(event))
        case HelpShown(item=item):
            return [(HOW_TO_ANSWER[item.question.type], "hint"), (COMMANDS_HELP, "hint")]
        case InputRejected(hint=hint):
            return [(hint, "hint")]
        case AnswerGraded(item=item, turn=turn, feedback=feedback):
            if feedback:
                claim: list[Line] = [(CLAIM_HINT, "muted")] if claimable(Result(item, turn)) else []
                return feedback_lines(item, turn, sources) + claim
            return [("Skipped.", "muted")] if turn.grade is None else []
        case Claimed(at=at, due=due):
            when = f" next review {describe_when(at, due)}." if at and due else ""
            return [(f"Counted as right.{when}", "good")]
        case ClaimRefused(reason=reason):
            if reason == "exam":
                return [
                    ("An exam is marked at the end; answers cannot be counted as right during it.", "hint")
                ]
            return [
                (
                    "!right counts your last typed answer as right when it was marked wrong; there is none.",
                    "hint",
                )
            ]
        case ExamReviewed(missed=missed):
            out: list[Line] = [("", "plain"), ("Review of the questions you missed", "title")]
            for r in missed:
                q = r.question
                # The question as it was asked: its case, numbered blanks and lettered choices.
                out += question_lines(r.item, f"{q.uid} · {topic_title(q.topic)}")
                out += feedback_lines(r.item, r.turn, sources)
            return out
        case SessionSummarised(summary=summary):
            return summary_lines(summary)
        case StaysDue():
            return [("Skipped; it stays due.", "muted")]
        case RatingOffered(at=at, due=due):
            options = "   ".join(
                f"{r.label[0].lower()}) {r.label}: {describe_when(at, due[r])}"
                for r in (Rating.HARD, Rating.GOOD, Rating.EASY)
            )
            return [("", "plain"), (f"How well did you know it?   {options}", "plain")]
        case RatingExplained():
            return [(RATING_HELP, "hint")]
        case RatingRejected():
            return [("Type h, g or e (or just press Enter for Good).", "hint")]
        case Rated(rating=rating, at=at, due=due):
            return [(f"{rating.label}: next review {describe_when(at, due)}.", "muted")]
        case LimitReached(limit=limit):
            return [(f"Stopped at the limit of {limit} answers; study again to go on.", "muted")]
        case NothingToStudy(new_per_day=per_day, unseen=unseen, coming_up=coming):
            why = "no new questions left" if not unseen else f"today's {per_day} new questions are done"
            out = [(f"Nothing to study right now: no reviews due and {why}.", "plain")]
            return out + (lines(coming, sources) if coming else [])
        case ComingUp(at=at, later_today=later, tomorrow=tomorrow, next_due=next_due):
            return [(f"Coming up: {later} more today, {tomorrow} tomorrow; "
                     f"the next one {describe_when(at, next_due)}.", "muted")]  # fmt: skip
    raise TypeError(f"no rendering for {event!r}")


def prompt(request: object) -> str:
    """Return the prompt for one request for input."""
    match request:
        case AnswerRequest(item=item, entry=entry):
            return answer_prompt(item, entry)
        case RatingRequest():
            return RATING_PROMPT
        case ClaimRequest():
            return CLAIM_PROMPT
    raise TypeError(f"no prompt for {request!r}")


# -- questions ---------------------------------------------------------------------------------------


def type_name(q: Question) -> str:
    """Return the question type as shown in headings: 'multiple choice', 'true or false'."""
    return TYPE_NAMES.get(q.type, q.type.label)


def heading(shown: QuestionShown) -> str:
    """Return a question's heading: 'Question 3 of 10 · Anatomy · cloze · anatomy/roots'."""
    q = shown.item.question
    where = f"{topic_title(q.topic)} · {type_name(q)} · {q.uid}"
    if shown.total is not None:
        return f"Question {shown.number} of {shown.total} · {where}"
    return f"Question {shown.number} · {shown.card} · {where}"


def numbered_cloze(q: Cloze) -> str:
    """Return cloze text with each blank numbered in reading order: '[1] _____ (hint)'."""
    return "".join(
        s if isinstance(s, str) else f"[{s.index}] _____" + (f" ({s.hint})" if s.hint else "")
        for s in q.segments
    )


def question_lines(item: Item, title: str) -> list[Line]:
    """Return the lines that show a question: heading, case, stem, then choices or items."""
    q, layout = item.question, item.layout
    out: list[Line] = [("", "plain"), (title, "title")]
    if q.case:
        out.append((f"Case: {q.case}", "case"))
    if isinstance(q, Cloze):
        out.append((q.prompt or "Fill in the blanks.", "question" if q.prompt else "muted"))
        out.append((numbered_cloze(q), "question"))
    else:
        out.append((q.prompt, "question"))
    match q:
        case MultipleChoice() | MultipleAnswer():
            out += [(f"  {LETTERS[i]}) {c}", "choice") for i, c in enumerate(layout.choices)]
        case Matching():
            out += [(f"  {i}. {left}", "choice") for i, left in enumerate(layout.lefts, 1)]
            out.append(("  with", "muted"))
            out += [(f"  {LETTERS[i]}) {right}", "choice") for i, right in enumerate(layout.rights)]
        case TrueFalse() | ShortAnswer() | Cloze():
            pass
        case _:
            assert_never(q)
    return out


def answer_prompt(item: Item, entry: int) -> str:
    """Return the prompt for one line of input to a question."""
    q, layout = item.question, item.layout
    match q:
        case MultipleChoice():
            return f"Answer (a-{LETTERS[len(layout.choices) - 1]}): "
        case MultipleAnswer():
            return "Answer (all letters that apply, e.g. a c): "
        case TrueFalse():
            return "True or false (t/f): "
        case ShortAnswer():
            return "Answer: "
        case Cloze():
            blank: Blank = q.blanks[entry]
            return f"Blank {entry + 1}{f' ({blank.hint})' if blank.hint else ''}: "
        case Matching():
            return f"Pairs (e.g. {pairs_example(layout)}): "
        case _:
            assert_never(q)


# -- feedback ----------------------------------------------------------------------------------------


def answer_lines(item: Item, turn: Turn) -> list[Line]:
    """Return the correct answer, marking which parts of the student's answer were right."""
    q, layout = item.question, item.layout
    given = turn.response
    match q:
        case MultipleChoice():
            letters = {c: LETTERS[i] for i, c in enumerate(layout.choices)}
            right = q.correct[0]
            out: list[Line] = [(f"Answer: {letters[right]}) {right}", "plain")]
            # What the bank says about the right choice, and about the one picked if it was wrong.
            if q.why(right):
                out.append((f"  {letters[right]}) is right: {q.why(right)}", "plain"))
            for c in sorted(given.choices if given else (), key=layout.choices.index):
                if c != right and q.why(c):
                    out.append((f"  {letters[c]}) is not: {q.why(c)}", "bad"))
            return out
        case MultipleAnswer():
            # Several answers: mark what was missed and what was picked wrongly, to show partial knowledge.
            picked = given.choices if given else frozenset()
            out = [("Answer:", "plain")]
            for i, c in enumerate(layout.choices):
                if c in q.correct:
                    missed = given is not None and c not in picked
                    note = "   (you missed this)" if missed else ""
                    out.append((f"  {LETTERS[i]}) {c}{note}", "bad" if missed else "plain"))
                elif c in picked:
                    out.append((f"  {LETTERS[i]}) {c}   (not part of the answer)", "bad"))
                else:
                    continue
                if q.why(c):
                    out.append((f"     {q.why(c)}", "muted"))
            return out
        case TrueFalse():
            return [(f"Answer: {q.answer_text()}", "plain")]
        case ShortAnswer():
            # Variants that differ only in case, dashes or an article are not worth listing.
            seen = {normalise(q.accepted[0])}
            others: list[str] = []
            for a in q.accepted[1:]:
                if normalise(a) not in seen:
                    seen.add(normalise(a))
                    others.append(a)
            also = f" (also accepted: {'; '.join(others[:3])})" if others else ""
            return [(f"Answer: {q.accepted[0]}{also}", "plain")]
        case Cloze():
            parts = turn.grade.parts if turn.grade else ()
            out = [("Answers:", "plain")]
            for i, b in enumerate(q.blanks):
                mark = ""
                if given and i < len(parts) and not parts[i]:
                    mark = f"   (you wrote: {given.blanks[i].strip()})"
                out.append((f"  {i + 1}. {b.answer}{mark}", "plain" if not mark else "bad"))
            return out
        case Matching():
            from sciatica_quiz.grading import correct_input

            key = dict(zip(q.lefts, q.rights, strict=True))
            chosen = dict(given.pairs) if given else {}
            out = [(f"Answer: {correct_input(q, layout)[0]}", "plain")]
            for i, left in enumerate(layout.lefts, 1):
                right = key[left]
                mark = ""
                if left in chosen and chosen[left] != right:
                    mark = f"   (you matched {LETTERS[layout.rights.index(chosen[left])]})"
                letter = LETTERS[layout.rights.index(right)]
                out.append((f"  {i}. {left} → {letter}) {right}{mark}", "bad" if mark else "plain"))
            return out
        case _:
            assert_never(q)


def _what_was_given(item: Item, turn: Turn) -> str:
    """Return ' (you chose b)' or ' (you wrote: ...)' for one-part answers; other types mark parts."""
    q, given = item.question, turn.response
    if given is None:
        return ""
    if isinstance(q, MultipleChoice):
        return "".join(
            f" (you chose {LETTERS[i]})" for i, c in enumerate(item.layout.choices) if c in given.choices
        )
    if isinstance(q, ShortAnswer):
        return f" (you wrote: {given.text})"
    return ""


def feedback_lines(item: Item, turn: Turn, sources: Mapping[str, Source]) -> list[Line]:
    """Return the verdict, the correct answer, the explanation and the sources."""
    q = item.question
    if turn.grade is None:
        out: list[Line] = [("Skipped.", "muted")]
    elif turn.grade.correct:
        spelled = "; ".join(turn.grade.typos)
        out = [(f"Correct (mind the spelling: {spelled})." if spelled else "Correct.", "good")]
    else:
        out = [(f"Not quite{_what_was_given(item, turn)}.", "bad")]
    out += answer_lines(item, turn)
    out.append((f"Why: {q.explanation}", "plain"))
    for sid in q.sources:
        out.append((f"Source: {sources[sid].citation() if sid in sources else sid}", "muted"))
    return out


# -- summaries ---------------------------------------------------------------------------------------


def short(text: str, width: int = 70) -> str:
    """Return text on one line, cut to `width` characters with an ellipsis."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


def summary_lines(summary: Summary) -> list[Line]:
    """Return the summary: stop note, score line, per-topic breakdown, missed questions."""
    x, n = summary.score
    out: list[Line] = [("", "plain")]
    if summary.stopped_early:
        out.append((f"Stopped after {n} of {summary.planned} questions.", "muted"))
    if not n:
        return [*out, ("No questions answered.", "muted")]
    out.append((f"Score: {x}/{n} ({percent(x, n)}%)", "score"))
    topics = summary.by_topic()
    if topics:
        width = max(len(topic_title(t.topic)) for t in topics)
        out.append(("By topic:", "plain"))
        for t in topics:
            out.append(
                (
                    f"  {topic_title(t.topic):<{width}}  {t.correct}/{t.asked}  {percent(t.correct, t.asked):>3}%",
                    "plain",
                )
            )
    missed = summary.missed()
    if missed:
        width = max(len(r.question.uid) for r in missed)
        out.append(("Missed:", "plain"))
        for r in missed:
            note = " (skipped)" if r.outcome is Outcome.SKIPPED else ""
            stem = short(r.question.stem, max(40, 94 - width - len(note)))  # fits 100 columns
            out.append((f"  {r.question.uid:<{width}}  {stem}{note}", "bad"))
    return out


def progress_lines(report: Progress) -> list[str]:
    """Return the progress report as lines of text for the terminal."""
    total, right = report.answers, report.correct
    later = report.total("due") - report.total("due_now")
    out = [
        f"Answers recorded: {total} ({report.study_reviews} in study, {report.quiz_answers} in quizzes)"
        + (f", {percent(right, total)}% right" if total else ""),
        f"Due for study now: {report.total('due_now')}   Later today: {later}   Tomorrow: {report.total('due_tomorrow')}",
        f"Not yet in spaced repetition: {report.total('new')} questions ({report.new_today} started today; "
        "quizzes do not schedule reviews, study does)",
    ]
    last = report.last_session
    if last:
        when = last.started.astimezone().strftime("%Y-%m-%d %H:%M")
        kind = f"{last.kind} ({last.mode})" if last.mode else last.kind
        state = "" if last.finished else ", not finished"
        out.append(f"Last session: {kind} on {when}, {last.correct}/{last.answered} right{state}")
    if report.by_topic:
        width = max(len(topic_title(t)) for t in report.by_topic) + 2
        out += ["", f"{'Topic':<{width}}{'Answers':>8}{'Right':>7}{'Due':>6}{'New':>6}"]
        for name, t in report.by_topic.items():
            acc = f"{percent(t.correct, t.answers)}%" if t.answers else "-"
            out.append(f"{topic_title(name):<{width}}{t.answers:>8}{acc:>7}{t.due:>6}{t.new:>6}")
    if report.overrides:
        n = sum(len(typed) for typed in report.overrides.values())
        out += [
            "",
            f"Answers you counted as right (!right): {n}, on {len(report.overrides)} questions (see --json)",
        ]
    out += ["", f"Store: {report.store}"]
    return out

"""Filter a library's questions by topic, tag, type and difficulty."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from sciatica_quiz.errors import SelectionError
from sciatica_quiz.model import Library, Question, QuestionType


@dataclass(frozen=True)
class Selection:
    """Which questions to use; an empty field means 'any'. Tags match their `::` children too."""

    topics: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    types: frozenset[QuestionType] = frozenset()
    difficulties: frozenset[int] = frozenset()

    @classmethod
    def of(
        cls,
        topics: Iterable[str] = (),
        tags: Iterable[str] = (),
        types: Iterable[str | QuestionType] = (),
        difficulties: Iterable[int] = (),
    ) -> Selection:
        """Build a selection from plain values, e.g. Selection.of(topics=['anatomy'])."""
        return cls(
            frozenset(topics),
            frozenset(tags),
            frozenset(QuestionType(t) for t in types),
            frozenset(difficulties),
        )

    def matches(self, q: Question) -> bool:
        """Return whether one question passes every filter."""
        return (
            (not self.topics or q.topic in self.topics)
            and (not self.types or q.type in self.types)
            and (not self.difficulties or q.difficulty in self.difficulties)
            and (not self.tags or any(_tag_matches(t, q.tags) for t in self.tags))
        )


def _tag_matches(wanted: str, tags: tuple[str, ...]) -> bool:
    return any(t == wanted or t.startswith(wanted + "::") for t in tags)


def select(library: Library, selection: Selection = Selection()) -> tuple[Question, ...]:
    """Return the questions that match, in bank order; unknown topics or tags are errors."""
    questions = library.questions
    topics = set(library.topics)
    for topic in sorted(selection.topics - topics):
        raise SelectionError(
            f"unknown topic '{topic}'{_hint(topic, topics)}; topics: {', '.join(library.topics)}"
        )
    all_tags = {t for q in questions for t in q.tags}
    for tag in sorted(selection.tags):
        if not any(_tag_matches(tag, (t,)) for t in all_tags):
            raise SelectionError(
                f"no question has tag '{tag}'{_hint(tag, all_tags)}; see 'sciatica-quiz stats' for tags"
            )
    chosen = tuple(q for q in questions if selection.matches(q))
    if not chosen:
        raise SelectionError("no questions match the selection; loosen --topic/--tag/--type/--difficulty")
    return chosen


def _hint(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""

"""Filter a library's questions by topic, tag, type and difficulty."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sciatica_quiz.errors import SelectionError
from sciatica_quiz.model import Library, Question, QuestionType, did_you_mean

BUILTIN_NAME = "Sciatica"


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


def topic_key(name: str) -> str:
    """Return a topic name as compared: any case, '-' or '_' ('Special-Populations' = 'special_populations')."""
    return name.strip().casefold().replace("-", "_")


def resolve_topics(library: Library, names: Iterable[str]) -> frozenset[str]:
    """Return the library's topics named (in any case, with '-' or '_'); unknown names are errors."""
    by_key = {topic_key(t): t for t in library.topics}
    out = set()
    for name in sorted(names):
        topic = by_key.get(topic_key(name))
        if topic is None:
            raise SelectionError(
                f"unknown topic '{name}'{did_you_mean(topic_key(name), by_key)}; topics: {', '.join(library.topics)}"
            )
        out.add(topic)
    return frozenset(out)


def select(library: Library, selection: Selection = Selection()) -> tuple[Question, ...]:
    """Return the questions that match, in bank order; unknown topics or tags are errors."""
    questions = library.questions
    selection = dataclasses.replace(selection, topics=resolve_topics(library, selection.topics))
    all_tags = {t for q in questions for t in q.tags}
    for tag in sorted(selection.tags):
        if not any(_tag_matches(tag, (t,)) for t in all_tags):
            raise SelectionError(
                f"no question has tag '{tag}'{did_you_mean(tag, all_tags)}; see 'sciatica-quiz stats' for tags"
            )
    chosen = tuple(q for q in questions if selection.matches(q))
    if not chosen:
        raise SelectionError(
            "no questions match the selection; ask for fewer topics, tags, types or difficulties"
        )
    return chosen


def default_name(library: Library, questions: Sequence[Question]) -> str:
    """Return what to call material made from these questions when nobody gave it a name.

    The built-in banks are "Sciatica"; an instructor's banks are called by their own titles.
    """
    names: dict[str, None] = {}
    for bank in library.banks:
        if any(q.bank == bank.id for q in questions):
            names[BUILTIN_NAME if bank.builtin else bank.title] = None
    if not names:
        return BUILTIN_NAME
    titles = list(names)
    joined = ", ".join(titles)
    return joined if len(titles) <= 2 and len(joined) <= 60 else f"{titles[0]} and {len(titles) - 1} more"

"""Coverage figures for a set of questions, as an instructor would want to see them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sciatica_quiz.model import Library, Question, QuestionType, topic_order
from sciatica_quiz.text import plural

FLAG_TAGS = ("red-flag", "myth", "referral")
DIFFICULTIES = (1, 2, 3)


@dataclass(frozen=True)
class TopicStats:
    """Coverage of one topic."""

    questions: int
    cases: int
    flags: dict[str, int]
    difficulty: dict[int, int]

    def to_json(self) -> dict[str, Any]:
        """Return the figures as JSON-ready data."""
        return {
            "questions": self.questions,
            "cases": self.cases,
            **self.flags,
            "difficulty": {str(d): n for d, n in self.difficulty.items()},
        }


@dataclass(frozen=True)
class Stats:
    """Coverage of some questions: by topic, type, difficulty, tag and source."""

    questions: int
    banks: int
    cases: int
    by_type: dict[str, int]
    by_difficulty: dict[int, int]
    by_tag: dict[str, int]
    by_source: dict[str, int]
    topics: dict[str, TopicStats]
    unused_sources: list[str]

    def to_json(self) -> dict[str, Any]:
        """Return the figures as JSON-ready data (`stats --json`)."""
        return {
            "questions": self.questions,
            "banks": self.banks,
            "cases": self.cases,
            "by_topic": {t: s.questions for t, s in self.topics.items()},
            "by_type": self.by_type,
            "by_difficulty": {str(d): n for d, n in self.by_difficulty.items()},
            "by_tag": self.by_tag,
            "by_source": self.by_source,
            "topics": {t: s.to_json() for t, s in self.topics.items()},
            "unused_sources": self.unused_sources,
        }

    def lines(self) -> list[str]:
        """Return the coverage tables as lines of plain text."""
        out = [
            f"{plural(self.questions, 'question')} in {plural(self.banks, 'bank')}, {self.cases} with a clinical case",
            "",
        ]
        head = f"{'topic':<22}{'questions':>10}{'cases':>7}{'red-flag':>10}{'myth':>6}{'diff 1/2/3':>12}"
        out += [head, "-" * len(head)]
        for topic, row in self.topics.items():
            diff = "/".join(str(row.difficulty[d]) for d in DIFFICULTIES)
            out.append(
                f"{topic:<22}{row.questions:>10}{row.cases:>7}{row.flags['red-flag']:>10}{row.flags['myth']:>6}{diff:>12}"
            )
        out += ["", "by type:"]
        out += [f"  {name.replace('_', ' '):<18}{n:>6}" for name, n in self.by_type.items()]
        out += ["", "by difficulty:"]
        labels = {1: "1 recall", 2: "2 understanding", 3: "3 clinical reasoning"}
        out += [f"  {labels[d]:<22}{n:>6}" for d, n in self.by_difficulty.items()]
        mblex = {t: n for t, n in self.by_tag.items() if t.startswith("mblex::")}
        if mblex:
            out += ["", "by MBLEx content area:"]
            out += [f"  {t.removeprefix('mblex::'):<34}{n:>6}" for t, n in mblex.items()]
        other = {t: n for t, n in self.by_tag.items() if not t.startswith("mblex::")}
        if other:
            out += ["", "other tags:"]
            out += [f"  {t:<34}{n:>6}" for t, n in other.items()]
        out += ["", f"sources cited: {len(self.by_source)}"]
        out += [f"  {s:<40}{n:>6}" for s, n in self.by_source.items()]
        if self.unused_sources:
            n = len(self.unused_sources)
            out.append(f"bibliography entries these questions do not cite: {n} (see --json)")
        return out


def compute_stats(library: Library, questions: Sequence[Question]) -> Stats:
    """Return totals by bank, topic, type, difficulty, tag and source."""
    by_source: Counter[str] = Counter(s for q in questions for s in q.sources)
    by_tag: Counter[str] = Counter(t for q in questions for t in q.tags)
    by_type = Counter(q.type.value for q in questions)
    topics: dict[str, TopicStats] = {}
    for topic in topic_order(q.topic for q in questions):
        qs = [q for q in questions if q.topic == topic]
        topics[topic] = TopicStats(
            questions=len(qs),
            cases=sum(1 for q in qs if q.case),
            flags={flag: sum(1 for q in qs if flag in q.tags) for flag in FLAG_TAGS},
            difficulty={d: sum(1 for q in qs if q.difficulty == d) for d in DIFFICULTIES},
        )
    return Stats(
        questions=len(questions),
        banks=len({q.bank for q in questions}),
        cases=sum(1 for q in questions if q.case),
        by_type={t.value: by_type.get(t.value, 0) for t in QuestionType},
        by_difficulty={d: sum(1 for q in questions if q.difficulty == d) for d in DIFFICULTIES},
        by_tag=dict(sorted(by_tag.items(), key=lambda kv: (-kv[1], kv[0]))),
        by_source=dict(sorted(by_source.items(), key=lambda kv: (-kv[1], kv[0]))),
        topics=topics,
        unused_sources=sorted(set(library.sources) - set(by_source)),
    )

"""Coverage figures for a set of questions, as an instructor would want to see them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sciatica_quiz.model import Library, Question, QuestionType

FLAG_TAGS = ("red-flag", "myth", "referral")


def compute_stats(library: Library, questions: Sequence[Question]) -> dict[str, Any]:
    """Return totals by bank, topic, type, difficulty, tag and source (JSON-ready)."""
    by_topic: Counter[str] = Counter(q.topic for q in questions)
    topic_order = [t for t in library.topics if t in by_topic]
    by_type = Counter(q.type.value for q in questions)
    by_source: Counter[str] = Counter(s for q in questions for s in q.sources)
    by_tag: Counter[str] = Counter(t for q in questions for t in q.tags)
    per_topic = {
        t: {
            "questions": by_topic[t],
            "cases": sum(1 for q in questions if q.topic == t and q.case),
            **{flag: sum(1 for q in questions if q.topic == t and flag in q.tags) for flag in FLAG_TAGS},
            "difficulty": {
                str(d): sum(1 for q in questions if q.topic == t and q.difficulty == d) for d in (1, 2, 3)
            },
        }
        for t in topic_order
    }
    return {
        "questions": len(questions),
        "banks": len({q.bank for q in questions}),
        "cases": sum(1 for q in questions if q.case),
        "by_topic": {t: by_topic[t] for t in topic_order},
        "by_type": {t.value: by_type.get(t.value, 0) for t in QuestionType},
        "by_difficulty": {str(d): sum(1 for q in questions if q.difficulty == d) for d in (1, 2, 3)},
        "by_tag": dict(sorted(by_tag.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_source": dict(sorted(by_source.items(), key=lambda kv: (-kv[1], kv[0]))),
        "topics": per_topic,
        "unused_sources": sorted(set(library.sources) - set(by_source)),
    }


def plural(n: int, word: str) -> str:
    """Return '1 bank' or '2 banks'."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def format_stats(stats: dict[str, Any]) -> str:
    """Return the coverage tables as plain text."""
    lines = [
        f"{plural(stats['questions'], 'question')} in {plural(stats['banks'], 'bank')}, "
        f"{stats['cases']} with a clinical case",
        "",
    ]
    head = f"{'topic':<22}{'questions':>10}{'cases':>7}{'red-flag':>10}{'myth':>6}{'diff 1/2/3':>12}"
    lines += [head, "-" * len(head)]
    for topic, row in stats["topics"].items():
        diff = "/".join(str(row["difficulty"][d]) for d in ("1", "2", "3"))
        lines.append(
            f"{topic:<22}{row['questions']:>10}{row['cases']:>7}{row['red-flag']:>10}{row['myth']:>6}{diff:>12}"
        )
    lines += ["", "by type:"]
    lines += [f"  {name.replace('_', ' '):<18}{n:>6}" for name, n in stats["by_type"].items()]
    lines += ["", "by difficulty:"]
    labels = {"1": "1 recall", "2": "2 understanding", "3": "3 clinical reasoning"}
    lines += [f"  {labels[d]:<22}{n:>6}" for d, n in stats["by_difficulty"].items()]
    mblex = {t: n for t, n in stats["by_tag"].items() if t.startswith("mblex::")}
    if mblex:
        lines += ["", "by MBLEx content area:"]
        lines += [f"  {t.removeprefix('mblex::'):<34}{n:>6}" for t, n in mblex.items()]
    other = {t: n for t, n in stats["by_tag"].items() if not t.startswith("mblex::")}
    if other:
        lines += ["", "other tags:"]
        lines += [f"  {t:<34}{n:>6}" for t, n in other.items()]
    lines += ["", f"sources cited: {len(stats['by_source'])}"]
    lines += [f"  {s:<40}{n:>6}" for s, n in stats["by_source"].items()]
    if stats["unused_sources"]:
        n = len(stats["unused_sources"])
        lines.append(f"bibliography entries these questions do not cite: {n} (see --json)")
    return "\n".join(lines)

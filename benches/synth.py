"""Generate synthetic banks of every question type, for benchmarks.

Usage: python benches/synth.py N OUT.yaml
"""

from __future__ import annotations

import sys
from pathlib import Path

TOPICS = ("anatomy", "symptoms", "causes", "assessment", "management", "special_populations", "evidence")


def question_yaml(i: int) -> str:
    """Return one question in bank YAML; the type cycles through all six."""
    kind = i % 6
    head = f"  - id: q{i}\n"
    common = (
        f"    explanation: Synthetic explanation number {i}, long enough to look like a real one.\n"
        "    sources: [synthetic-source]\n"
        f"    difficulty: {i % 3 + 1}\n"
        f"    tags: [mblex::anatomy-physiology, synthetic, group-{i % 10}]\n"
    )
    if kind == 0:
        body = (
            "    type: multiple_choice\n"
            f"    prompt: Synthetic multiple-choice question {i} about the sciatic nerve?\n"
            f"    choices: [Alpha {i}, Bravo {i}, Charlie {i}, Delta {i}]\n"
            f"    answer: Bravo {i}\n"
        )
    elif kind == 1:
        body = (
            "    type: multiple_answer\n"
            f"    case: A synthetic client story number {i}, with a few sentences of detail.\n"
            f"    prompt: Synthetic select-all question {i}. Select all that apply.\n"
            f"    choices: [Alpha {i}, Bravo {i}, Charlie {i}, Delta {i}]\n"
            f"    answer: [Alpha {i}, Delta {i}]\n"
        )
    elif kind == 2:
        body = f"    type: true_false\n    prompt: Synthetic statement {i} is true.\n    answer: true\n"
    elif kind == 3:
        body = (
            "    type: short_answer\n"
            f"    prompt: Name synthetic thing {i}.\n"
            f"    answer: [thing {i}, the thing {i}]\n"
        )
    elif kind == 4:
        body = (
            "    type: cloze\n"
            f'    text: "Synthetic sentence {i} has {{{{c1::a key term}}}} and {{{{c2::another::hint}}}}."\n'
        )
    else:
        body = (
            "    type: matching\n"
            f"    prompt: Match synthetic items {i}.\n"
            "    answer:\n"
            f"      Left one {i}: Right one {i}\n"
            f"      Left two {i}: Right two {i}\n"
            f"      Left three {i}: Right three {i}\n"
        )
    return head + body + common


def bank_yaml(n: int, bank_id: str = "synthetic", topic: str = "anatomy") -> str:
    """Return a whole bank of n questions with its own source."""
    parts = [
        f"id: {bank_id}\ntitle: Synthetic bank of {n} questions\ntopic: {topic}\n"
        "sources:\n  - id: synthetic-source\n    title: Synthetic source\n    authors: Bench B\n    year: 2026\n"
        "questions:\n"
    ]
    parts.extend(question_yaml(i) for i in range(n))
    return "".join(parts)


def write_bank(n: int, path: Path) -> Path:
    """Write a synthetic bank of n questions to path."""
    path.write_text(bank_yaml(n), encoding="utf-8")
    return path


if __name__ == "__main__":
    write_bank(int(sys.argv[1]), Path(sys.argv[2]))

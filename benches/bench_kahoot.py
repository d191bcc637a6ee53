"""Benchmark: `export kahoot` of a synthetic 10,000-question bank against a bare openpyxl script.

The bare script writes the same rows with openpyxl as a quick script would: a new workbook, one
`ws.append` per question that fits (the same test of kinds and lengths, bank order of answers, at
most four), `wb.save`. Each round times both in fresh processes that load the bank from a warm
cache first and time only the export; the ratio is the median of each round's ours / bare (lower
is better; the aim is ≤ 1.0×). The rounds are benches/bench_canvas.py's.

Usage: python benches/bench_kahoot.py [N] [RUNS]
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_canvas import paired_bench  # noqa: E402

from sciatica_quiz.model import Library, MultipleAnswer, MultipleChoice, TrueFalse  # noqa: E402


def bare(library: Library, out: Path) -> None:
    """Write the questions that fit Kahoot's template with plain openpyxl calls."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Question", "Answer 1", "Answer 2", "Answer 3", "Answer 4", "Time limit", "Correct answer(s)"])
    for q in library.questions:
        if isinstance(q, TrueFalse):
            answers, right = ["True", "False"], [1 if q.answer else 2]
        elif isinstance(q, MultipleChoice | MultipleAnswer) and len(q.choices) <= 4:
            answers = [c.text for c in q.choices]
            right = [n for n, c in enumerate(q.choices, 1) if c.correct]
        else:
            continue
        text = f"{q.case} {q.prompt}" if q.case else q.prompt
        if len(text) > 120 or any(len(a) > 75 for a in answers):
            continue
        ws.append([text, *answers, *[None] * (4 - len(answers)), 20, ",".join(map(str, right))])
    wb.save(out)


def ours(library: Library, out: Path) -> None:
    from exporters.kahoot import export_kahoot

    export_kahoot(library, library.questions, out)


def main() -> None:
    paired_bench(
        __file__,
        {"ours": ours, "bare": bare},
        "exporters.kahoot",
        "export kahoot",
        "bare openpyxl script",
        ".xlsx",
    )


if __name__ == "__main__":
    main()

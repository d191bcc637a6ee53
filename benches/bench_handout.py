"""Benchmark: the study guide of all built-in banks, and of a synthetic 10,000-question bank.

For each bank set it prints the seconds to load, to build the handout model, and to render and
write each format, plus the whole `sciatica-quiz export handout` command run in a fresh process
(Python start-up included), which is what a teacher waits for. Target: under 2 s for the
built-in banks' PDF study guide.

Usage: python benches/bench_handout.py [N]      (N synthetic questions, default 10000; 0 skips)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synth import write_bank

from exporters.handout import HandoutKind, build_handout, write_handouts
from sciatica_quiz.errors import QuizError
from sciatica_quiz.loader import load_library

T = TypeVar("T")
TARGET = 2.0


def timed(f: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = f()
    return result, time.perf_counter() - start


def bench(name: str, paths: list[Path], builtin: bool, out: Path) -> None:
    """Print load, build and per-format render times, then the whole command in a new process."""
    try:
        library, load = timed(lambda: load_library(paths, builtin=builtin))
    except QuizError as exc:
        print(f"{name}: banks do not load, skipped ({str(exc).splitlines()[0]})")
        return
    questions = library.questions
    guide, build = timed(lambda: build_handout(library, questions, HandoutKind.STUDY_GUIDE))
    print(f"{name}: {len(questions)} questions, {len(guide.references)} sources")
    print(f"  load banks         {load:7.3f} s")
    print(f"  build model        {build:7.3f} s")
    for fmt in ("pdf", "html", "md"):
        target = out / f"{name}.{fmt}"
        _, took = timed(lambda: write_handouts([(target, guide)], fmt))  # noqa: B023 - called at once
        size = target.stat().st_size / 1e6
        print(f"  render {fmt:<4}        {took:7.3f} s   {size:6.2f} MB")
    args = ["export", "handout", "--kind", "study-guide", "-o", str(out / f"{name}-cli.pdf")]
    if not builtin:
        args.append("--no-builtin")
    for p in paths:
        args += ["--bank", str(p)]
    command = [sys.executable, "-m", "sciatica_quiz", *args]
    _, whole = timed(lambda: subprocess.run(command, check=True, capture_output=True))
    verdict = (
        "" if not builtin else ("  (target < 2 s: met)" if whole < TARGET else "  (target < 2 s: MISSED)")
    )
    print(f"  whole command, PDF {whole:7.3f} s{verdict}")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        bench("built-in", [], True, out)
        if n:
            bank = write_bank(n, out / "synthetic.yaml")
            bench(f"synthetic-{n}", [bank], False, out)


if __name__ == "__main__":
    main()

"""Benchmark: `export anki` of a synthetic 10,000-question bank against bare genanki scripts.

Baselines, measured side by side in the same run:
  * bare genanki, same notes: genanki.Package.write_to_file with our note types and fields;
  * bare genanki, two-field notes: one front/back note per question (the issue-8 baseline).
Prints median seconds over several runs and the ratio ours / baseline (lower is better).

Usage: python benches/bench_anki.py [N] [RUNS]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synth import write_bank

from exporters.anki import (
    DEFAULT_DECK,
    build_models,
    citations_html,
    deck_id,
    export_anki,
    guid,
    note_fields,
    note_tags,
)
from sciatica_quiz.loader import load_library
from sciatica_quiz.model import Library


def bare_same_notes(library: Library, out: Path) -> None:
    import genanki

    models = build_models()
    citations = citations_html(library)
    decks: dict[str, genanki.Deck] = {}
    for q in library.questions:
        name = f"{DEFAULT_DECK}::{q.topic}"
        deck = decks.setdefault(q.topic, genanki.Deck(deck_id(name), name))
        deck.add_note(
            genanki.Note(
                model=models[q.type], fields=note_fields(q, citations), tags=note_tags(q), guid=guid(q)
            )
        )
    genanki.Package(list(decks.values())).write_to_file(str(out), timestamp=1_700_000_000)


def bare_two_field(library: Library, out: Path) -> None:
    import genanki

    model = genanki.Model(
        1607392399,
        "bench basic",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}],
    )
    deck = genanki.Deck(deck_id("bench"), "bench")
    for q in library.questions:
        deck.add_note(genanki.Note(model=model, fields=[q.stem, q.answer_text()], guid=guid(q)))
    genanki.Package(deck).write_to_file(str(out), timestamp=1_700_000_000)


def ours(library: Library, out: Path) -> None:
    export_anki(library, library.questions, out)


def median_time(fn: Callable[[Library, Path], None], library: Library, out: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(library, out)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with tempfile.TemporaryDirectory() as work:
        bank = write_bank(n, Path(work) / "synthetic.yaml")
        library = load_library([bank], builtin=False)
        out = Path(work) / "out.apkg"
        results = {}
        # Interleave-friendly: each contender gets the same number of runs in this one process.
        for name, fn in (("ours", ours), ("bare genanki, same notes", bare_same_notes),
                         ("bare genanki, 2-field notes", bare_two_field)):  # fmt: skip
            results[name] = median_time(fn, library, out, runs)
    print(f"export anki, {n:,} questions, median of {runs} runs")
    print(f"{'contender':<30}{'seconds':>10}{'ours / it':>12}")
    for name, secs in results.items():
        print(f"{name:<30}{secs:>10.3f}{results['ours'] / secs:>11.2f}x")


if __name__ == "__main__":
    main()

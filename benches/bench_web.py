"""How fast the offline study page becomes usable, for a 10,000-question bank, in headless Chromium.

The target (issue: offline study page) is an absolute one: the start screen up and answering taps
within 2 s of opening the file. As a baseline, the same run opens a bare page that holds the same
JSON and only parses it (the least any page holding these questions must do); the ratio shows what
the study page adds on top. Medians of fresh browser pages, each opening the file from disk.

Usage: python benches/bench_web.py [--questions N] [--runs N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from synth import write_bank  # noqa: E402

from exporters.web import build_page  # noqa: E402
from sciatica_quiz.loader import load_library  # noqa: E402

READY = "performance.getEntriesByName('sciatica-ready')[0].startTime"
BARE = """<!doctype html><meta charset="utf-8"><title>bare</title>
<script type="application/json" id="bank">{data}</script>
<script>JSON.parse(document.getElementById("bank").textContent); performance.mark("sciatica-ready");</script>"""


def time_to_ready(browser: object, path: Path, runs: int) -> float:
    """Median milliseconds from navigation start to the page's ready mark."""
    times = []
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function("() => performance.getEntriesByName('sciatica-ready').length > 0")
        times.append(page.evaluate(READY))
        context.close()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        library = load_library([write_bank(args.questions, folder / "synthetic.yaml")], builtin=False)
        page = folder / "study.html"
        page.write_text(build_page(library, library.questions, "Synthetic"), encoding="utf-8")
        text = page.read_text(encoding="utf-8")
        data = text.split('<script type="application/json" id="bank">', 1)[1].split("</script>", 1)[0]
        bare = folder / "bare.html"
        bare.write_text(BARE.format(data=data), encoding="utf-8")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"))
            ours = time_to_ready(browser, page, args.runs)
            base = time_to_ready(browser, bare, args.runs)
            browser.close()
        size = page.stat().st_size / 2**20
    print("| what | baseline | baseline | ours | ratio | target | met? |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| study page, {args.questions:,} questions ({size:.1f} MB): open to ready | bare page parsing the same JSON "
        f"| {base / 1000:.3f} s | {ours / 1000:.3f} s | {ours / base:.2f}× | < 2 s | {'yes' if ours < 2000 else 'no'} |"
    )


if __name__ == "__main__":
    main()

"""Run every benchmark of issue 8 and print one table: ours against a baseline measured in the same run.

Each row times our command and its baseline alternately, in fresh processes, and reports medians:
machines are shared and noisy, so the ratio matters, not the seconds. Synthetic banks of 10,000
and 100,000 questions (every type) come from benches/synth.py; nothing touches the user's own
progress store or bank cache (both live in a temporary folder).

Python bytecode is compiled once before timing (into the temporary folder), as an installed
wheel has it; otherwise every run would recompile our modules but not click's.

Usage: python benches/run.py [--quick] [--runs N] [--only ROW ...] [--markdown]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from synth import write_bank  # noqa: E402

ROWS = ("help", "validate", "cache", "anki", "handout", "startup", "memory", "growth")
# The first prompt ends with ': ' and no newline; every other line of output ends with one.
PROMPT = re.compile(rb"Question 1\b.*: \Z", re.DOTALL)


@dataclass
class Row:
    """One line of the table: medians, and ours / baseline (lower is better) against a limit.

    With paired runs the ratio is the median of each round's ratio, which a burst of load on a
    shared machine disturbs less than a ratio of medians. Without a baseline, `limit` bounds
    `ours` itself.
    """

    what: str
    baseline: str
    base: float | None
    ours: float
    unit: str
    target: str
    limit: float
    paired: float | None = None

    @property
    def ratio(self) -> float | None:
        if self.paired is not None:
            return self.paired
        return self.ours / self.base if self.base else None

    @property
    def met(self) -> bool:
        value = self.ratio if self.base else self.ours
        return value is not None and value <= self.limit


def paired_row(
    what: str, baseline: str, base: list[float], ours: list[float], target: str, limit: float
) -> Row:
    """Return a row from paired runs: medians of each, and the median of the per-round ratios."""
    ratios = [o / b for b, o in zip(base, ours, strict=True)]
    return Row(what, baseline, statistics.median(base), statistics.median(ours), "s", target, limit,
               statistics.median(ratios))  # fmt: skip


# -- the machine and the child processes ---------------------------------------------------


def machine() -> str:
    """Return the CPU model, core count, OS and Python version, and the load when we started."""
    cpu = platform.processor() or platform.machine()
    with_cpuinfo = Path("/proc/cpuinfo")
    if with_cpuinfo.is_file():
        for line in with_cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = ""
    if hasattr(os, "getloadavg"):
        load = f", load average {os.getloadavg()[0]:.2f} at start"
    return (
        f"{cpu}, {os.cpu_count()} cores; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}{load}"
    )


def child_env(work: Path, cache: Path | str) -> dict[str, str]:
    """Return the environment for timed children: private home, cache and bytecode folders."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        PYTHONPYCACHEPREFIX=str(work / "pycache"),
        SCIATICA_QUIZ_HOME=str(work / "home"),
        SCIATICA_QUIZ_CACHE=str(cache),
        NO_COLOR="1",
        PYTHONUNBUFFERED="1",
    )
    return env


def cli() -> list[str]:
    """Return the command that starts sciatica-quiz: the console script when installed beside us."""
    script = Path(sys.executable).with_name("sciatica-quiz")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "sciatica_quiz"]


def wall(cmd: Sequence[str], env: dict[str, str]) -> float:
    """Return the wall time of one run of a command, which must succeed."""
    start = time.perf_counter()
    subprocess.run(
        cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True
    )
    return time.perf_counter() - start


def first_prompt(cmd: Sequence[str], env: dict[str, str]) -> float:
    """Return the seconds until a quiz or study session shows its first prompt; then answer q."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stdin is not None
    seen = b""
    while not PROMPT.search(seen):
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            _, err = proc.communicate()
            raise RuntimeError(f"{cmd} ended before its first prompt: {err.decode()}")
        seen += chunk
    took = time.perf_counter() - start
    proc.communicate(b"q\n")
    if proc.returncode:
        raise RuntimeError(f"{cmd} failed with status {proc.returncode}")
    return took


def child(args: list[str], env: dict[str, str]) -> dict[str, float]:
    """Run this script in child mode and return the figures it prints as JSON."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], env=env, capture_output=True, text=True, check=False
    )
    if out.returncode:
        raise RuntimeError(f"child {args} failed:\n{out.stderr}")
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def alternate(runs: int, *contenders: Callable[[], float]) -> list[list[float]]:
    """Run contenders in turn, `runs` rounds, after one untimed warm-up each; return their times."""
    for c in contenders:
        c()
    times: list[list[float]] = [[] for _ in contenders]
    for _ in range(runs):
        for i, c in enumerate(contenders):
            times[i].append(c())
    return times


def rss_mb(kb: float) -> float:
    """Return ru_maxrss in MB (Linux reports KiB, macOS bytes)."""
    return kb / (1024 * 1024) if sys.platform == "darwin" else kb / 1024


# -- child mode: one export in a fresh process ---------------------------------------------


def run_child(argv: list[str]) -> None:
    """Load a bank (from the warm cache), then time one export; print seconds and peak memory.

    On Linux the peak is reset after loading (clear_refs), so `rss` is the peak during the export
    itself, the loaded library included; elsewhere it is the whole process's peak.
    """
    kind, who, bank, out = argv
    from sciatica_quiz.loader import load_library

    library = load_library([bank], builtin=False)
    rss_load = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Our modules are imported before the clock starts; genanki, inside both exports, after.
    from bench_anki import bare_two_field, ours

    export = {"ours": ours, "bare": bare_two_field}[who]
    if kind != "anki":
        raise SystemExit(f"unknown child {kind} {who}")
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    start = time.perf_counter()
    export(library, Path(out))
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "rss_load": rss_load, "rss": rss}))


# -- the rows --------------------------------------------------------------------------------


class Bench:
    """Holds the temporary folder, the banks and the figures shared between rows."""

    def __init__(self, work: Path, runs: int) -> None:
        self.work = work
        self.runs = runs
        self.fast_runs = runs * 3
        self.cli = cli()
        self.off = child_env(work, "off")
        self.banks = {n: write_bank(n, work / f"synthetic-{n}.yaml") for n in (10_000, 100_000)}
        self.caches = {n: work / f"cache-{n}" for n in self.banks}
        self.warm = {n: child_env(work, self.caches[n]) for n in self.banks}
        self.builtin_cache = child_env(work, work / "cache-builtin")
        self.figures: dict[str, float] = {}

    def fresh_cache(self, n: int) -> dict[str, str]:
        """Empty the cache of bank n and return the environment that uses it: a first, cold run."""
        shutil.rmtree(self.caches[n], ignore_errors=True)
        return self.warm[n]

    def help(self) -> list[Row]:
        click_t, help_t = alternate(
            self.fast_runs,
            lambda: wall([sys.executable, "-c", "import click"], self.off),
            lambda: wall([*self.cli, "--help"], self.off),
        )
        return [
            paired_row("`sciatica-quiz --help`", "`python -c 'import click'`", click_t, help_t, "≤ 1.5×", 1.5)
        ]

    def cold_validate(self, n: int) -> float:
        return wall([*self.cli, "validate", str(self.banks[n])], self.fresh_cache(n))

    def validate(self) -> list[Row]:
        bank = str(self.banks[10_000])
        code = "import sys, yaml; yaml.load(open(sys.argv[1], 'rb'), Loader=yaml.CSafeLoader)"
        yaml_t, ours_t = alternate(
            self.runs,
            lambda: wall([sys.executable, "-c", code, bank], self.off),
            lambda: self.cold_validate(10_000),
        )
        self.figures["validate-10k"] = statistics.median(ours_t)
        return [
            paired_row(
                "`validate` 10k (first run)", "bare `yaml.load` (CSafeLoader)", yaml_t, ours_t, "≤ 1.5×", 1.5
            )
        ]

    def cache(self) -> list[Row]:
        rows = []
        bank = str(self.banks[10_000])
        for name, args in (
            ("validate", ["validate", bank]),
            ("list", ["list", "--no-builtin", "--bank", bank]),
        ):
            cold_t, warm_t = alternate(
                self.runs,
                lambda a=args: wall([*self.cli, *a], self.fresh_cache(10_000)),
                lambda a=args: wall([*self.cli, *a], self.warm[10_000]),
            )
            rows.append(paired_row(f"repeated `{name}` 10k (cache warm)", "the first (cold) run", cold_t, warm_t,
                                   "≤ 0.2× (≥ 5× faster)", 0.2))  # fmt: skip
        return rows

    def anki_child(self, who: str, n: int) -> dict[str, float]:
        return child(["anki", who, str(self.banks[n]), str(self.work / f"{who}-{n}.apkg")], self.warm[n])

    def anki(self) -> list[Row]:
        self.ensure_cache(10_000)
        bare_t, ours_t = alternate(
            self.runs * 2,  # each run is short and the ratio is close to the limit
            lambda: self.anki_child("bare", 10_000)["seconds"],
            lambda: self.anki_child("ours", 10_000)["seconds"],
        )
        self.figures["anki-10k"] = statistics.median(ours_t)
        return [
            paired_row(
                "`export anki` 10k", "bare genanki, 2-field notes", bare_t, ours_t, "≤ 1.2× (aim < 1.0×)", 1.2
            )
        ]

    def ensure_cache(self, n: int) -> None:
        if not self.caches[n].is_dir():
            wall([*self.cli, "validate", str(self.banks[n])], self.warm[n])

    def handout(self) -> list[Row]:
        self.ensure_cache(10_000)
        out = self.work / "guide.pdf"
        args = [
            "export",
            "handout",
            "--kind",
            "study-guide",
            "--no-builtin",
            "--bank",
            str(self.banks[10_000]),
        ]
        times = [
            wall([*self.cli, *args, "-o", str(out)], self.warm[10_000]) for _ in range(max(1, self.runs - 2))
        ]
        took = statistics.median(times)
        return [Row("`export handout --format pdf` study guide 10k", "–", None, took, "s", "< 10 s", 10)]

    def startup(self) -> list[Row]:
        env = self.builtin_cache
        help_t, quiz_t, study_t = alternate(
            self.fast_runs,
            lambda: wall([*self.cli, "--help"], env),
            lambda: first_prompt([*self.cli, "quiz"], env),
            lambda: first_prompt([*self.cli, "study"], env),
        )
        return [
            paired_row("`quiz` to first prompt, built-in banks", "`--help`", help_t, quiz_t, "≤ 2×", 2),
            paired_row("`study` to first prompt, built-in banks", "`--help`", help_t, study_t, "≤ 2×", 2),
        ]

    def memory(self) -> list[Row]:
        # The first 100k validate also fills this bank's cache, which the export children read.
        self.figures["validate-100k"] = self.cold_validate(100_000)
        bare = self.anki_child("bare", 100_000)
        ours = self.anki_child("ours", 100_000)
        self.figures["anki-100k"] = ours["seconds"]
        b, o = rss_mb(bare["rss"]), rss_mb(ours["rss"])
        return [
            Row(
                "peak memory during `export anki` 100k",
                "bare genanki, 2-field notes",
                b,
                o,
                "MB",
                "≤ 1.5×",
                1.5,
            )
        ]

    def growth(self) -> list[Row]:
        f = self.figures
        if "validate-100k" not in f:
            self.memory()
        if "validate-10k" not in f:
            f["validate-10k"] = statistics.median([self.cold_validate(10_000) for _ in range(self.runs)])
        if "anki-10k" not in f:
            self.anki()
        rows = []
        for name, key in (("validate", "validate"), ("export anki", "anki")):
            small, big = f[f"{key}-10k"], f[f"{key}-100k"]
            rows.append(Row(f"growth 10k → 100k, `{name}`", "10k", small, big, "s", "≤ 11×", 11))
        return rows


# -- the table -------------------------------------------------------------------------------


def cells(row: Row) -> list[str]:
    fmt = "{:.0f}" if row.unit == "MB" else "{:.3f}"
    base = "–" if row.base is None else fmt.format(row.base) + f" {row.unit}"
    ratio = "–" if row.ratio is None else f"{row.ratio:.2f}×"
    met = "yes" if row.met else "NO"
    return [row.what, row.baseline, base, fmt.format(row.ours) + f" {row.unit}", ratio, row.target, met]


HEAD = ["what", "baseline", "baseline", "ours", "ratio", "target", "met?"]


def print_table(rows: list[Row], markdown: bool) -> None:
    table = [HEAD, *(cells(r) for r in rows)]
    if markdown:
        print("| " + " | ".join(HEAD) + " |")
        print("|" + "---|" * len(HEAD))
        for line in table[1:]:
            print("| " + " | ".join(line) + " |")
        return
    widths = [max(len(line[i]) for line in table) for i in range(len(HEAD))]
    for n, line in enumerate(table):
        print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        run_child(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer runs: a rough table in about a minute or two"
    )
    parser.add_argument("--runs", type=int, help="runs per row for the 10k rows (default 5, quick 2)")
    parser.add_argument("--only", nargs="+", choices=ROWS, help="run only these rows")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    opts = parser.parse_args()
    runs = opts.runs or (2 if opts.quick else 5)
    start = time.perf_counter()
    print(f"Machine: {machine()}", flush=True)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="sciatica-bench-") as tmp:
        bench = Bench(Path(tmp), runs)
        for name in opts.only or ROWS:
            print(f"  running {name} …", file=sys.stderr, flush=True)
            rows += getattr(bench, name)()
    print(
        f"Medians of {runs} runs ({runs * 3} for --help and start-up, {runs * 2} for export anki); 100k rows: one run."
    )
    print()
    print_table(rows, opts.markdown)
    print(f"\nTotal benchmark time {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()

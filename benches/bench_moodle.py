"""Benchmark: `export moodle` of a synthetic 10,000-question bank against a bare lxml script.

The baseline builds the same document with lxml (etree.SubElement, CDATA sections), its texts made
by the same helpers as ours (question text, cloze gaps, feedback, grades, names, tags), and writes
it with ElementTree.write; the two files must hold the same elements, attributes and texts. Ours
writes the XML as strings, streaming and atomically.

Each round times both, alternately, in fresh processes: a child loads the bank (from a warm bank
cache) and imports lxml and our modules before the clock starts, then times the export alone.
Prints the medians, and ours / baseline as the median of each round's ratio (as benches/run.py
does; lower is better). benches/bench_gift.py uses the same rounds.

Usage: python benches/bench_moodle.py [N] [RUNS] [--markdown]
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from run import alternate, child_env, machine, paired_row, print_table  # noqa: E402
from synth import write_bank  # noqa: E402

from exporters import moodle  # noqa: E402
from exporters.common import question_tags  # noqa: E402
from exporters.moodle import (  # noqa: E402
    PARENT_DESCRIPTION,
    answer_percents,
    by_topic,
    category_paths,
    choice_name,
    citations_html,
    cloze_html,
    default_category,
    feedback_html,
    idnumber,
    question_html,
    question_name,
    text_html,
    topic_descriptions,
    wildcard_safe,
)
from sciatica_quiz.model import (  # noqa: E402
    Cloze,
    Library,
    Matching,
    MultipleAnswer,
    MultipleChoice,
    Question,
    ShortAnswer,
    TrueFalse,
)


def ours(library: Library, out: Path) -> None:
    moodle.write(library, library.questions, out)


def bare_lxml(library: Library, out: Path) -> None:
    """Write the same Moodle XML document with lxml."""
    from lxml import etree

    sub = etree.SubElement

    def text(parent: Any, tag: str, value: str, fmt: str | None = "html", cdata: bool = True) -> None:
        el = sub(parent, tag, format=fmt) if fmt else sub(parent, tag)
        sub(el, "text").text = etree.CDATA(value) if cdata and value else value

    def answer(parent: Any, fraction: str, value: str, feedback: str = "", html: bool = True) -> None:
        el = sub(parent, "answer", fraction=fraction, format="html" if html else "moodle_auto_format")
        sub(el, "text").text = etree.CDATA(value) if html else value
        text(el, "feedback", feedback)

    def combined(parent: Any) -> None:
        for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
            text(parent, tag, "")

    def question(q: Question) -> None:
        kind = {MultipleChoice: "multichoice", MultipleAnswer: "multichoice", TrueFalse: "truefalse",
                ShortAnswer: "shortanswer", Matching: "matching", Cloze: "cloze"}[type(q)]  # fmt: skip
        el = sub(quiz, "question", type=kind)
        text(el, "name", question_name(q), fmt=None, cdata=False)
        text(el, "questiontext", cloze_html(q) if isinstance(q, Cloze) else question_html(q))
        text(el, "generalfeedback", feedback_html(q, citations))
        if not isinstance(q, Cloze):
            sub(el, "defaultgrade").text = "1"
        sub(el, "penalty").text = "1" if isinstance(q, TrueFalse) else "0.3333333"
        sub(el, "hidden").text = "0"
        sub(el, "idnumber").text = idnumber(q)
        if isinstance(q, MultipleChoice | MultipleAnswer):
            sub(el, "single").text = "true" if isinstance(q, MultipleChoice) else "false"
            sub(el, "shuffleanswers").text = "true" if q.shuffle else "false"
            sub(el, "answernumbering").text = "abc"
            sub(el, "showstandardinstruction").text = "1"
            combined(el)
            if isinstance(q, MultipleAnswer):
                sub(el, "shownumcorrect")
                percents = answer_percents(q)[0]
            else:
                percents = ["100" if c.correct else "0" for c in q.choices]
            for p, c in zip(percents, q.choices, strict=True):
                answer(el, p, text_html(c.text), text_html(c.why) if c.why else "")
        elif isinstance(q, TrueFalse):
            answer(el, "100" if q.answer else "0", "true", html=False)
            answer(el, "0" if q.answer else "100", "false", html=False)
        elif isinstance(q, ShortAnswer):
            sub(el, "usecase").text = "0"
            for a in q.accepted:
                answer(el, "100", wildcard_safe(a), html=False)
        elif isinstance(q, Matching):
            sub(el, "shuffleanswers").text = "true"
            combined(el)
            sub(el, "shownumcorrect")
            for pair in q.pairs:
                s = sub(el, "subquestion", format="html")
                sub(s, "text").text = etree.CDATA(text_html(pair.left))
                sub(sub(s, "answer"), "text").text = choice_name(pair.right)
        tags = sub(el, "tags")
        for t in question_tags(q.topic, q.difficulty, q.tags):
            sub(sub(tags, "tag"), "text").text = t

    def category(path: str, info: str) -> None:
        el = sub(quiz, "question", type="category")
        text(el, "category", path, fmt=None, cdata=False)
        text(el, "info", text_html(info))

    groups = by_topic(library.questions)
    root_path, paths = category_paths(default_category(library, library.questions), groups)
    descriptions = topic_descriptions(library, groups)
    citations = citations_html(library)
    quiz = etree.Element("quiz")
    category(root_path, PARENT_DESCRIPTION)
    for topic, group in groups.items():
        category(paths[topic], descriptions.get(topic, ""))
        for q in group:
            question(q)
    etree.ElementTree(quiz).write(str(out), encoding="UTF-8", xml_declaration=True, pretty_print=True)


def same_document(a: Path, b: Path) -> bool:
    """Return whether two XML files hold the same elements, attributes and texts (layout aside)."""
    from lxml import etree

    def walk(path: Path) -> list[tuple[str, tuple[tuple[str, str], ...], str]]:
        return [
            (el.tag, tuple(sorted(el.attrib.items())), (el.text or "").strip())
            for el in etree.parse(str(path)).iter()
            if isinstance(el.tag, str)
        ]

    return walk(a) == walk(b)


# -- paired rounds in fresh processes (shared with bench_gift.py) ----------------------------------

Export = Callable[[Library, Path], None]


def run_child(contenders: dict[str, Export], argv: list[str]) -> None:
    """Load the bank, import what the contender uses, then time its export; print the seconds."""
    who, bank, out = argv
    from lxml import etree  # noqa: F401 - imported before the clock, as ours is

    from sciatica_quiz.loader import load_library

    library = load_library([Path(bank)], builtin=False)
    start = time.perf_counter()
    contenders[who](library, Path(out))
    print(json.dumps({"seconds": time.perf_counter() - start}))


def paired(
    script: Path, n: int, runs: int, check: Callable[[Path, Path], bool], suffix: str
) -> tuple[list[float], list[float]]:
    """Time `bare` and `ours` of `script` in alternating fresh processes; return their times."""
    with tempfile.TemporaryDirectory(prefix="sciatica-bench-") as tmp:
        work = Path(tmp)
        bank = write_bank(n, work / "synthetic.yaml")
        env = child_env(work, work / "cache")
        outs = {who: work / f"{who}{suffix}" for who in ("bare", "ours")}

        def child(who: str) -> Callable[[], float]:
            def go() -> float:
                cmd = [sys.executable, str(script), "--child", who, str(bank), str(outs[who])]
                done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
                if done.returncode:
                    raise RuntimeError(f"child {who} failed:\n{done.stderr}")
                seconds: float = json.loads(done.stdout.strip().splitlines()[-1])["seconds"]
                return seconds

            return go

        bare_t, ours_t = alternate(runs, child("bare"), child("ours"))
        if not check(outs["bare"], outs["ours"]):
            raise SystemExit("the two exports differ: the baseline does not write the same file")
    return bare_t, ours_t


def report(
    what: str, baseline: str, bare_t: list[float], ours_t: list[float], runs: int, markdown: bool
) -> None:
    row = paired_row(what, baseline, bare_t, ours_t, "≤ 1.0×", 1.0)
    ratio_of_medians = statistics.median(ours_t) / statistics.median(bare_t)
    print(f"Machine: {machine()}")
    print(
        f"Medians of {runs} paired runs; ratio of medians {ratio_of_medians:.2f}×, median of per-round ratios below."
    )
    print()
    print_table([row], markdown)


def main(script: Path, contenders: dict[str, Export], what: str, baseline: str, suffix: str,
         check: Callable[[Path, Path], bool]) -> None:  # fmt: skip
    if sys.argv[1:2] == ["--child"]:
        run_child(contenders, sys.argv[2:])
        return
    args = [a for a in sys.argv[1:] if a != "--markdown"]
    n = int(args[0]) if args else 10_000
    runs = int(args[1]) if len(args) > 1 else 9
    bare_t, ours_t = paired(script, n, runs, check, suffix)
    report(what.format(n=f"{n // 1000}k" if n % 1000 == 0 else f"{n:,}"), baseline, bare_t, ours_t, runs,
           "--markdown" in sys.argv)  # fmt: skip


if __name__ == "__main__":
    main(Path(__file__), {"ours": ours, "bare": bare_lxml}, "`export moodle` {n}", "bare lxml, same document",
         ".xml", same_document)  # fmt: skip

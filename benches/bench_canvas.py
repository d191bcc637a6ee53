"""Benchmark: `export canvas` of a synthetic 10,000-question bank against a bare script.

The bare script writes the same quiz (the same items, scoring and feedback, choices in the same
order, one group per topic) with plain string writes and zipfile, as a quick script would: counters
for identifiers, html.escape for the text, one zip entry at the same (default) compression level. Each round times both in fresh processes
that load the bank from a warm cache first and time only the export; the ratio is the median of
each round's ours / bare (lower is better; the aim is ≤ 1.0×). text2qti, the reference writer,
is timed too on the four kinds it writes (it also renders Markdown, so it is no like-for-like
baseline; the row is for scale).

Usage: python benches/bench_canvas.py [N] [RUNS]
"""

from __future__ import annotations

import html
import json
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from run import Row, alternate, child_env, cli, machine, paired_row, print_table, wall  # noqa: E402
from synth import write_bank  # noqa: E402

from exporters.common import derangement, stable_order  # noqa: E402
from sciatica_quiz.model import (  # noqa: E402
    Cloze,
    Library,
    Matching,
    MultipleAnswer,
    MultipleChoice,
    Question,
    ShortAnswer,
    TrueFalse,
    topic_order,
)


def bare(library: Library, out: Path) -> None:
    """Write the same quiz with plain string writes: the same items, fields, scoring and feedback, the
    choices in the same order (the shared helpers decide it), counters for identifiers and
    html.escape for the text, as a quick script would."""
    esc = html.escape
    ids = iter(range(10000, 10**9))

    def mat(*texts: str | None) -> str:
        body = "".join(f"<p>{esc(t, False).replace(chr(10), '<br/>')}</p>" for t in texts if t)
        return f'<mattext texttype="text/html">{esc(body, False)}</mattext>'

    cites = {}
    for sid, s in library.sources.items():
        link = f' <a href="{esc(s.url)}">{esc(s.url, False)}</a>' if s.url else ""
        cites[sid] = f"<li>{esc(s.short_citation(), False)}{link}</li>"
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2">'
        '<assessment ident="quiz" title="Sciatica"><qtimetadata><qtimetadatafield><fieldlabel>cc_maxattempts'
        '</fieldlabel><fieldentry>1</fieldentry></qtimetadatafield></qtimetadata><section ident="root_section">'
    ]
    by_topic: dict[str, list[Question]] = {}
    for q in library.questions:
        by_topic.setdefault(q.topic, []).append(q)
    for topic in topic_order(by_topic):
        members = by_topic[topic]
        parts.append(
            f'<section ident="g{next(ids)}" title="{esc(topic)}"><selection_ordering><selection>'
            f"<selection_number>{len(members)}</selection_number><selection_extension>"
            "<points_per_item>1</points_per_item></selection_extension></selection></selection_ordering>"
        )
        for q in members:
            stem = mat(q.case, q.prompt)
            conditions, feedback, answer_ids, responses = "", "", [], ""
            if isinstance(q, MultipleChoice | MultipleAnswer | TrueFalse):
                if isinstance(q, TrueFalse):
                    choices = [("True", q.answer, None), ("False", not q.answer, None)]
                else:
                    by_text = {c.text: c for c in q.choices}
                    order = stable_order(list(by_text), "choices:" + q.uid) if q.shuffle else list(by_text)
                    choices = [(t, by_text[t].correct, by_text[t].why) for t in order]
                answer_ids = [str(next(ids)) for _ in choices]
                card = "Multiple" if isinstance(q, MultipleAnswer) else "Single"
                responses = (
                    f'<response_lid ident="response1" rcardinality="{card}"><render_choice>'
                    + "".join(
                        f'<response_label ident="{i}"><material>{mat(t)}</material></response_label>'
                        for i, (t, _, _) in zip(answer_ids, choices, strict=True)
                    )
                    + "</render_choice></response_lid>"
                )
                terms = ""
                for i, (_, right, why) in zip(answer_ids, choices, strict=True):
                    if why:
                        conditions += (f'<respcondition continue="Yes"><conditionvar><varequal respident="response1">{i}</varequal></conditionvar>'
                                       f'<displayfeedback feedbacktype="Response" linkrefid="{i}_fb"/></respcondition>')  # fmt: skip
                        feedback += f'<itemfeedback ident="{i}_fb"><flow_mat><material>{mat(why)}</material></flow_mat></itemfeedback>'
                    if isinstance(q, MultipleAnswer):
                        var = f'<varequal respident="response1">{i}</varequal>'
                        terms += var if right else f"<not>{var}</not>"
                    elif right:
                        terms = f'<varequal respident="response1">{i}</varequal>'
                if isinstance(q, MultipleAnswer):
                    terms = f"<and>{terms}</and>"
                conditions += f'<respcondition continue="No"><conditionvar>{terms}</conditionvar><setvar action="Set" varname="SCORE">100</setvar></respcondition>'
            elif isinstance(q, ShortAnswer):
                responses = '<response_str ident="response1" rcardinality="Single"><render_fib><response_label ident="answer1" rshuffle="No"/></render_fib></response_str>'
                answers = "".join(
                    f'<varequal respident="response1">{esc(a, False)}</varequal>' for a in q.accepted
                )
                conditions = f'<respcondition continue="No"><conditionvar>{answers}</conditionvar><setvar action="Set" varname="SCORE">100</setvar></respcondition>'
            elif isinstance(q, Matching):
                rights = {r: str(next(ids)) for r in derangement(q.rights, "pairs:" + q.uid)}
                options = "".join(
                    f'<response_label ident="{i}"><material><mattext>{esc(r, False)}</mattext></material></response_label>'
                    for r, i in rights.items()
                )
                share = f"{100 / len(q.pairs):.2f}"
                for p in q.pairs:
                    i = str(next(ids))
                    answer_ids.append(i)
                    responses += f'<response_lid ident="response_{i}"><material>{mat(p.left)}</material><render_choice>{options}</render_choice></response_lid>'
                    conditions += f'<respcondition><conditionvar><varequal respident="response_{i}">{rights[p.right]}</varequal></conditionvar><setvar varname="SCORE" action="Add">{share}</setvar></respcondition>'
            elif isinstance(q, Cloze):
                text = "".join(
                    esc(s, False)
                    if isinstance(s, str)
                    else f"[blank{s.index}]" + (f" ({esc(s.hint, False)})" if s.hint else "")
                    for s in q.segments
                )
                stem = stem.replace("</mattext>", esc(f"<p>{text}</p>", False) + "</mattext>")
                share = f"{100 / len(q.blanks):.2f}"
                for b in q.blanks:
                    labels = [(str(next(ids)), a) for a in b.accepted]
                    answer_ids += [i for i, _ in labels]
                    responses += (f'<response_lid ident="response_blank{b.index}"><material><mattext>blank{b.index}</mattext></material><render_choice>'
                                  + "".join(f'<response_label ident="{i}"><material><mattext texttype="text/plain">{esc(a, False)}</mattext></material></response_label>' for i, a in labels)
                                  + "</render_choice></response_lid>")  # fmt: skip
                    conditions += f'<respcondition><conditionvar><varequal respident="response_blank{b.index}">{labels[0][0]}</varequal></conditionvar><setvar varname="SCORE" action="Add">{share}</setvar></respcondition>'
            ident = f"i{next(ids)}"
            sources = "".join(cites[s] for s in q.sources)
            general = esc(f"<p>{esc(q.explanation, False)}</p><p>Sources:</p><ul>{sources}</ul>", False)
            parts.append(
                f'<item ident="{ident}" title="{esc(q.uid)}"><itemmetadata><qtimetadata>'
                f"<qtimetadatafield><fieldlabel>question_type</fieldlabel><fieldentry>{q.type}</fieldentry></qtimetadatafield>"
                "<qtimetadatafield><fieldlabel>points_possible</fieldlabel><fieldentry>1</fieldentry></qtimetadatafield>"
                f"<qtimetadatafield><fieldlabel>original_answer_ids</fieldlabel><fieldentry>{','.join(answer_ids)}</fieldentry></qtimetadatafield>"
                f"<qtimetadatafield><fieldlabel>assessment_question_identifierref</fieldlabel><fieldentry>{ident}_ref</fieldentry></qtimetadatafield>"
                f"</qtimetadata></itemmetadata><presentation><material>{stem}</material>{responses}</presentation>"
                '<resprocessing><outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/></outcomes>'
                '<respcondition continue="Yes"><conditionvar><other/></conditionvar><displayfeedback feedbacktype="Response" linkrefid="general_fb"/></respcondition>'
                f'{conditions}</resprocessing><itemfeedback ident="general_fb"><flow_mat><material><mattext texttype="text/html">{general}</mattext></material></flow_mat></itemfeedback>{feedback}</item>\n'
            )  # fmt: skip
        parts.append("</section>\n")
    parts.append("</section></assessment></questestinterop>\n")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("imsmanifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest identifier="m"/>')
        zf.writestr(
            "quiz/assessment_meta.xml", '<?xml version="1.0" encoding="UTF-8"?><quiz identifier="quiz"/>'
        )
        zf.writestr("quiz/quiz.xml", "".join(parts))


def ours(library: Library, out: Path) -> None:
    from exporters.canvas import export_canvas

    export_canvas(library, library.questions, out)


def text2qti_reference(library: Library, out: Path) -> None:
    """text2qti on the same multiple-choice, multiple-answer, true/false and short-answer questions
    (it renders Markdown as well, so it is timed for scale, not as the baseline)."""
    from text2qti.config import Config
    from text2qti.qti import QTI
    from text2qti.quiz import Quiz

    lines = ["Quiz title: Sciatica", ""]
    for n, q in enumerate(library.questions, 1):
        if isinstance(q, MultipleChoice | MultipleAnswer | TrueFalse | ShortAnswer):
            lines += [f"{n}.  {q.prompt}", f"... {q.explanation}"]
            if isinstance(q, MultipleChoice):
                lines += [
                    f"{'*' if c.correct else ''}{'abcdefgh'[i]}) {c.text}" for i, c in enumerate(q.choices)
                ]
            elif isinstance(q, MultipleAnswer):
                lines += [f"[{'*' if c.correct else ' '}] {c.text}" for c in q.choices]
            elif isinstance(q, TrueFalse):
                lines += [f"{'*' if q.answer else ''}a) True", f"{'' if q.answer else '*'}b) False"]
            else:
                lines += [f"*   {a}" for a in q.accepted]
            lines.append("")
    QTI(Quiz("\n".join(lines), config=Config())).save(out)


CONTENDERS = {"ours": ours, "bare": bare, "text2qti, its 4 kinds only": text2qti_reference}
Export = Callable[[Library, Path], None]


def run_child(contenders: dict[str, Export], module: str, argv: list[str]) -> None:
    """Load the bank (from the warm cache), then time one export; print the seconds as JSON."""
    import importlib

    from sciatica_quiz.loader import load_library

    who, bank, out = argv
    library = load_library([bank], builtin=False)
    importlib.import_module(module)  # ours is imported before the clock starts, as the bare script is
    start = time.perf_counter()
    contenders[who](library, Path(out))
    print(json.dumps({"seconds": time.perf_counter() - start}))


def paired_bench(
    script: str, contenders: dict[str, Export], module: str, what: str, baseline: str, suffix: str
) -> None:
    """Run a benchmark script: as a child (`--child WHO BANK OUT`), or as the parent that makes the
    bank, times bare and ours alternately in fresh processes and prints the table row (plus a
    row for any further contender, timed a few times for scale)."""
    if sys.argv[1:2] == ["--child"]:
        run_child(contenders, module, sys.argv[2:5])
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 10_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2].isdigit() else 10
    print(f"Machine: {machine()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="sciatica-bench-") as tmp:
        work = Path(tmp)
        bank = write_bank(n, work / "synthetic.yaml")
        env = child_env(work, work / "cache")
        wall([*cli(), "validate", str(bank)], env)  # fills the cache the children read

        def timed(who: str) -> float:
            command = [sys.executable, script, "--child", who, str(bank), str(work / f"{who}{suffix}")]
            out = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
            seconds: float = json.loads(out.stdout.strip().splitlines()[-1])["seconds"]
            return seconds

        bare_t, ours_t = alternate(runs, lambda: timed("bare"), lambda: timed("ours"))
        rows = [paired_row(f"`{what}` {n // 1000}k", baseline, bare_t, ours_t, "≤ 1.0×", 1.0)]
        for other in (o for o in contenders if o not in ("ours", "bare")):
            times = [timed(other) for _ in range(max(1, runs // 5))]
            rows.append(Row(f"{other} ({n // 1000}k questions in)", "–", None, statistics.median(times), "s",
                            "for scale", float("inf")))  # fmt: skip
    print(f"Medians of {runs} paired runs, each in a fresh process, the bank loaded before the clock starts.")
    print()
    print_table(rows, "--markdown" in sys.argv)


def main() -> None:
    contenders = dict(CONTENDERS)
    try:
        import text2qti  # noqa: F401
    except ImportError:
        del contenders["text2qti, its 4 kinds only"]
    paired_bench(
        __file__, contenders, "exporters.canvas", "export canvas", "bare string writes + zipfile", ".zip"
    )


if __name__ == "__main__":
    main()

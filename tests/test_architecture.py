"""The shape the code promises (issue 12): one format definition, events, a registry of exporters.

- the loader, the JSON Schema and docs/bank-format.md all follow sciatica_quiz.bankformat;
- sessions emit events that tests can read without parsing text, and the terminal's text for a
  few sessions is pinned in golden transcripts;
- `sciatica-quiz export NAME` comes from the exporters registry: a throwaway exporter registered
  here works end to end through the command line.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, SAMPLE, run

from exporters import EXPORTERS
from exporters.common import Exporter, ExportReport, Option, atomic_path
from sciatica_quiz.bankformat import QUESTION_FIELDS, bank_schema, with_tables
from sciatica_quiz.grading import correct_input
from sciatica_quiz.loader import load_library
from sciatica_quiz.model import Library, Question, QuestionType
from sciatica_quiz.session import (
    AnswerGraded,
    AnswerRequest,
    HelpShown,
    InputRejected,
    QuestionShown,
    QuizSession,
    QuizStarted,
    ScriptedUI,
    SessionSummarised,
)

LIBRARY = load_library([SAMPLE], builtin=False)
BANK = ["--no-builtin", "--bank", str(SAMPLE)]
MINIMAL: dict[QuestionType, str] = {
    QuestionType.MULTIPLE_CHOICE: "    prompt: Which?\n    choices: [a, b]\n    answer: a\n",
    QuestionType.MULTIPLE_ANSWER: "    prompt: Which?\n    choices: [a, b]\n    answer: [a]\n",
    QuestionType.TRUE_FALSE: "    prompt: True?\n    answer: true\n",
    QuestionType.SHORT_ANSWER: "    prompt: Name it.\n    answer: sciatic\n",
    QuestionType.CLOZE: "    text: The {{c1::sciatic}} nerve.\n",
    QuestionType.MATCHING: "    prompt: Match.\n    answer:\n      a: x\n      b: y\n",
}


# -- the format, defined once ---------------------------------------------------------------------


def test_docs_tables_are_the_generated_ones() -> None:
    doc = (REPO / "docs" / "bank-format.md").read_text(encoding="utf-8")
    assert doc.count("<!-- table:") == 4
    assert with_tables(doc) == doc, "run: python -m sciatica_quiz.bankformat"


def _bank(tmp_path: Path, qtype: QuestionType, body: str) -> Path:
    path = tmp_path / "b.yaml"
    path.write_text(
        f"id: b\ntitle: B\ntopic: anatomy\nquestions:\n  - id: q\n    type: {qtype.value}\n{body}"
        "    explanation: The reason, at length.\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("qtype", list(QuestionType), ids=str)
def test_the_loader_requires_and_refuses_what_the_format_says(qtype: QuestionType, tmp_path: Path) -> None:
    assert run(["validate", "--no-builtin", str(_bank(tmp_path, qtype, MINIMAL[qtype]))]).exit_code == 0
    for f in QUESTION_FIELDS:
        if f.key in ("id", "type", "explanation"):
            continue
        present = re.search(rf"^    {f.key}:", MINIMAL[qtype], re.MULTILINE)
        if f.required_for(qtype):
            assert present, f.key
            without = re.sub(rf"^    {f.key}:.*\n(      .*\n)*", "", MINIMAL[qtype], flags=re.MULTILINE)
            result = run(["validate", "--no-builtin", str(_bank(tmp_path, qtype, without))])
            assert f"missing '{f.key}'" in result.stderr, (f.key, result.stderr)
        elif not f.allowed_for(qtype):
            extra = MINIMAL[qtype] + f"    {f.key}: something\n"
            result = run(["validate", "--no-builtin", str(_bank(tmp_path, qtype, extra))])
            assert result.exit_code == 1 and f"'{f.key}'" in result.stderr, (f.key, result.stderr)


def test_unknown_keys_are_named_with_the_keys_the_format_allows(tmp_path: Path) -> None:
    result = run(
        [
            "validate",
            "--no-builtin",
            str(_bank(tmp_path, QuestionType.TRUE_FALSE, MINIMAL[QuestionType.TRUE_FALSE] + "    hint: x\n")),
        ]
    )
    allowed = ", ".join(f.key for f in QUESTION_FIELDS)
    assert f"unknown key 'hint'; allowed: {allowed}" in result.stderr


def test_the_schema_has_a_rule_for_every_kind_and_every_key() -> None:
    question = bank_schema()["properties"]["questions"]["items"]
    assert set(question["properties"]) == {f.key for f in QUESTION_FIELDS}
    kinds = {rule["if"]["properties"]["type"]["const"] for rule in question["allOf"]}
    assert kinds == {t.value for t in QuestionType}


# -- sessions emit events -------------------------------------------------------------------------


def test_a_quiz_emits_what_happened_as_events() -> None:
    session = QuizSession.create(LIBRARY.questions, count=3, seed=5)
    first = session.items[0]
    script = ["?", "!!!", *correct_input(first.question, first.layout)]
    for item in session.items[1:]:
        script += ["xyzzy"] * len(correct_input(item.question, item.layout)) if item.question.type.value in (
            "short_answer", "cloze") else ["s"]  # fmt: skip
    ui = ScriptedUI(script)
    summary = session.run(ui)
    started = ui.events[0]
    assert started == QuizStarted(3, session.mode, 5)
    assert [e.number for e in ui.of(QuestionShown)] == [1, 2, 3]
    assert ui.of(HelpShown) == [HelpShown(first)]
    assert len(ui.of(InputRejected)) <= 1  # '!!!' is not an answer to anything but a typed one
    graded = ui.of(AnswerGraded)
    assert graded[0].turn.grade is not None and graded[0].turn.grade.correct
    assert all(e.feedback for e in graded)  # practice mode shows feedback after each
    assert ui.of(SessionSummarised) == [SessionSummarised(summary)]
    assert isinstance(ui.events[2], AnswerRequest) and ui.events[2].item == first


RELATIVE = ["--no-builtin", "--bank", "tests/fixtures/good/sample.yaml"]  # as the transcripts show it
GOLDEN = [
    (
        "quiz-practice.txt",
        ["quiz", *RELATIVE, "-n", "6", "--seed", "3"],
        "a\nb c\nt\ncommon fibular\nL4\nbelow\n1a 2b 3c\n",
    ),
    (
        "quiz-exam.txt",
        ["quiz", *RELATIVE, "-n", "6", "--seed", "4", "--mode", "exam"],
        "?\nzz\ns\nb\nf\nxyz\n\n1c 2a 3b\nq\n",
    ),
]


@pytest.mark.parametrize(("name", "args", "typed"), GOLDEN, ids=[g[0] for g in GOLDEN])
def test_golden_terminal_transcripts(name: str, args: list[str], typed: str) -> None:
    expected = (FIXTURES / "transcripts" / name).read_text(encoding="utf-8")
    result = run([*args], input=typed, catch=False)
    assert result.stdout == expected


def test_the_readme_transcript_is_what_the_tool_prints() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("Example (using the sample bank from the tests):\n\n```text\n", 1)[1].split(
        "```", 1
    )[0]
    first, second, printed = block.split("\n", 2)
    args = shlex.split(first.removeprefix("$ ").removesuffix("\\") + second)[1:]
    result = run(args, input="comon fibular nerve\nc\n", catch=False)  # what the transcript shows typed
    assert result.stdout == printed


# -- exporters come from a registry ---------------------------------------------------------------


def _write_csv(
    library: Library, questions: Sequence[Question], output: str | Path, separator: str = ","
) -> ExportReport:
    with atomic_path(output) as tmp:
        tmp.write_text("\n".join(f"{q.uid}{separator}{q.type}" for q in questions) + "\n", encoding="utf-8")
    return ExportReport(((str(output), f"{len(questions)} rows"),))


DEMO = Exporter(
    name="demo-csv",
    summary="A throwaway exporter for the registry test.",
    help="Write question ids and types, one per line.\n\n\b\nExample:\n  sciatica-quiz export demo-csv -o ids.csv",
    extensions=(".csv",),
    write=_write_csv,
    options=(Option("separator", "What goes between the fields.", default=","),),
)


def test_a_registered_exporter_works_end_to_end(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(EXPORTERS, "demo-csv", DEMO)
    out = tmp_path / "ids.csv"
    listing = run(["export", "--help"], catch=False).stdout
    assert "demo-csv" in listing and "A throwaway exporter for the registry test." in listing
    result = run(
        ["export", "demo-csv", *BANK, "--type", "cloze", "--separator", ";", "-o", str(out)], catch=False
    )
    assert result.stdout == f"Wrote {out}: 1 rows\n"
    assert out.read_text(encoding="utf-8") == "sample/foramen;cloze\n"
    bad = run(["export", "demo-csv", *BANK, "--topic", "nowhere", "-o", str(out)])
    assert bad.exit_code == 1 and bad.stderr.startswith("Error: unknown topic 'nowhere'")


def test_the_readme_module_map_matches_the_code() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("| module | what it does |", 1)[1].split("\n\n", 1)[0]
    named: set[str] = set()
    for cell in re.findall(r"^  \| (.+?) \|", table, re.MULTILINE):
        folder = ""
        for part in re.findall(r"`([^`]+)`", cell):
            if "/" in part.rstrip("/"):
                folder = part.rsplit("/", 1)[0] + "/"
                named.add(part.rstrip("/"))
            else:
                named.add(folder + part)
    modules = {
        str(p.relative_to(REPO)) for pkg in ("sciatica_quiz", "exporters") for p in (REPO / pkg).rglob("*.py")
    }
    modules = {m for m in modules if not m.endswith("__main__.py")}
    folders = {m.rsplit("/", 1)[0] for m in modules if m.count("/") > 1}
    for m in modules:
        assert m in named or m.rsplit("/", 1)[0] in named or m.replace(".py", "") in named, (
            f"README misses {m}"
        )
    for n in named:
        assert (REPO / n).exists() or (REPO / n).with_suffix(".py").exists() or n in folders, (
            f"README names {n}"
        )

"""The validate/list/stats/schema commands, driven as a person would."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from conftest import FIXTURES, REPO, SAMPLE, run

from sciatica_quiz.cli import main

BAD = sorted((FIXTURES / "bad").glob("*.yaml"))


def expected_errors(path: Path) -> list[str]:
    text = path.read_bytes().decode("utf-8", errors="replace")
    return [
        line.replace("# error: ", "Error: ", 1).replace("{path}", str(path.relative_to(Path.cwd())))
        for line in text.splitlines()
        if line.startswith("# error: ")
    ]


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def test_there_are_many_bad_fixtures() -> None:
    assert len(BAD) >= 25


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_bad_bank_gives_exact_error_lines(path: Path) -> None:
    result = run(["validate", str(path.relative_to(REPO))])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == expected_errors(path)
    assert "Traceback" not in result.output


def test_validate_good_fixture() -> None:
    result = run(["validate", str(SAMPLE.relative_to(REPO))], catch=False)
    assert result.exit_code == 0
    assert result.stdout.startswith("OK: 1 bank, 6 questions,")


def test_validate_builtin() -> None:
    result = run(["validate"], catch=False)
    assert result.exit_code == 0, result.output
    assert re.match(r"OK: \d+ banks?, \d+ questions", result.stdout)


def test_list_json_and_table() -> None:
    result = run(["list", "--no-builtin", "--bank", str(SAMPLE), "--json"], catch=False)
    rows = json.loads(result.stdout)
    assert rows == [
        {"id": "sample", "title": "Sample bank with every question type", "topic": "anatomy",
         "questions": 6, "path": str(SAMPLE.relative_to(REPO))}
    ]  # fmt: skip
    table = run(["list", "--no-builtin", "--bank", str(SAMPLE)], catch=False).stdout
    assert "sample" in table and "Sample bank with every question type" in table


def test_stats_json_has_required_keys() -> None:
    result = run(["stats", "--no-builtin", "--bank", str(SAMPLE), "--json"], catch=False)
    data = json.loads(result.stdout)
    assert data["questions"] == 6
    assert data["by_topic"] == {"anatomy": 6}
    assert all(n == 1 for n in data["by_type"].values())
    assert data["by_difficulty"] == {"1": 2, "2": 3, "3": 1}
    assert data["by_source"] == {"sample-source": 6}


def test_stats_table() -> None:
    out = run(["stats", "--no-builtin", "--bank", str(SAMPLE)], catch=False).stdout
    assert "6 questions in 1 bank" in out
    assert "multiple choice" in out and "anatomy-physiology" in out


def test_unknown_topic_is_an_error() -> None:
    result = run(["stats", "--no-builtin", "--bank", str(SAMPLE), "--topic", "anatomi"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: unknown topic 'anatomi' (did you mean 'anatomy'?); topics: anatomy"
    )


def test_no_builtin_needs_a_bank() -> None:
    result = run(["list", "--no-builtin"])
    assert result.exit_code == 2
    assert "--no-builtin needs at least one --bank PATH" in result.stderr


def test_schema_is_json_schema() -> None:
    data = json.loads(run(["schema"], catch=False).stdout)
    assert data["$schema"].startswith("https://json-schema.org/")
    assert set(data["required"]) == {"id", "title", "topic", "questions"}
    committed = json.loads((REPO / "docs" / "bank.schema.json").read_text(encoding="utf-8"))
    assert committed == data, "regenerate docs/bank.schema.json with `sciatica-quiz schema`"


def all_commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = []
    for name, cmd in group.commands.items():
        out.append((prefix + name, cmd))
        if isinstance(cmd, click.Group):
            out += all_commands(cmd, prefix + name + " ")
    return out


@pytest.mark.parametrize("name,cmd", all_commands(main), ids=lambda x: x if isinstance(x, str) else "")
def test_every_command_has_help_with_example(name: str, cmd: click.Command) -> None:
    result = run([*name.split(), "--help"], catch=False)
    assert result.exit_code == 0
    assert cmd.help and "Example:" in cmd.help
    assert "sciatica-quiz" in result.stdout.split("Example:")[1]


def test_version() -> None:
    result = run(["--version"], catch=False)
    assert re.match(r"sciatica-quiz, version \d+\.\d+\.\d+", result.stdout)


@pytest.mark.parametrize("args", [["--help"], ["list"], ["validate"]], ids=" ".join)
def test_help_list_validate_import_nothing_heavy(args: list[str]) -> None:
    heavy = {"genanki", "typst", "fsrs", "jinja2", "anki"}
    if args == ["--help"]:
        heavy |= {"yaml", "sqlite3"}
    code = (
        "import sys\n"
        "from sciatica_quiz.cli import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
        f"mods = {sorted(heavy)!r}\n"
        "heavy = [m for m in mods if m in sys.modules]\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip().splitlines()[-1] == "HEAVY="


def test_python_m_works() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "sciatica_quiz", "--version"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    assert "sciatica-quiz" in out.stdout


def test_choices_spelled_out_for_start_up_match_the_library() -> None:
    """`--help` lists the question types without importing the model; keep them in step."""
    from sciatica_quiz.cli.options import QUESTION_TYPES
    from sciatica_quiz.model import QuestionType

    assert tuple(t.value for t in QuestionType) == QUESTION_TYPES

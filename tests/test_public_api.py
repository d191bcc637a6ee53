"""The public API, used as a program would use it: only names importable from the two packages.

This file imports nothing but `sciatica_quiz` and `exporters` themselves (a test checks that), and
runs the README's Python examples.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
from pathlib import Path

import pytest

import exporters
import sciatica_quiz
from sciatica_quiz import (
    Cloze,
    MultipleChoice,
    QuestionType,
    QuizError,
    QuizSession,
    ScriptedUI,
    Selection,
    compute_stats,
    load_library,
    select,
)

REPO = Path(__file__).parent.parent
SAMPLE = REPO / "tests" / "fixtures" / "good" / "sample.yaml"


@pytest.mark.parametrize("package", [sciatica_quiz, exporters], ids=lambda p: p.__name__)
def test_every_public_name_resolves(package: object) -> None:
    for name in package.__all__:  # type: ignore[attr-defined]
        assert getattr(package, name) is not None, name


def test_this_file_imports_only_the_public_packages() -> None:
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    modules = {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
    modules |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    ours = {m for m in modules if m.split(".")[0] in ("sciatica_quiz", "exporters")}
    assert ours == {"sciatica_quiz", "exporters"}


def test_a_program_can_load_select_run_a_quiz_and_count() -> None:
    library = load_library([SAMPLE], builtin=False)
    cloze = select(library, Selection.of(types=[QuestionType.CLOZE]))
    assert all(isinstance(q, Cloze) for q in cloze)
    session = QuizSession.create(library.questions, count=6, seed=2)
    summary = session.run(ScriptedUI(["s"] * 6))
    assert summary.score == (0, 6)
    assert compute_stats(library, library.questions).to_json()["questions"] == 6
    with pytest.raises(QuizError):
        select(library, Selection.of(topics=["nowhere"]))


def test_the_readme_python_examples_run_with_public_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.DOTALL)
    assert len(blocks) >= 2
    (tmp_path / "my-banks").mkdir()
    shutil.copy(SAMPLE, tmp_path / "my-banks" / "sample.yaml")
    (tmp_path / "my-banks" / "sample.yaml").write_text(
        SAMPLE.read_text(encoding="utf-8")
        .replace("mblex::anatomy-physiology", "mblex::anatomy-physiology, red-flag")
        .replace("topic: anatomy", "topic: assessment"),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SCIATICA_QUIZ_HOME", str(tmp_path / "home"))
    for block in blocks:
        tree = ast.parse(block)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.module in ("sciatica_quiz", "exporters"), node.module
        exec(compile(tree, "README.md", "exec"), {"__name__": "readme"})
    assert os.path.getsize(tmp_path / "anatomy.pdf") > 0
    assert os.path.getsize(tmp_path / "red-flags.apkg") > 0


def test_the_question_kinds_are_a_closed_set() -> None:
    assert {cls.TYPE for cls in (MultipleChoice, Cloze)} <= set(QuestionType)

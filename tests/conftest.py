"""Shared test helpers: paths to fixture banks and a CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sciatica_quiz.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "good" / "sample.yaml"
REPO = Path(__file__).parent.parent
# Banks loaded before any test runs (module constants, module-scoped fixtures) must not fill the
# user's bank cache either; each test then gets a cache folder of its own from `home`.
os.environ["SCIATICA_QUIZ_CACHE"] = "off"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep every test's progress store in its own folder, never the user's; run from the repo."""
    monkeypatch.setenv("SCIATICA_QUIZ_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SCIATICA_QUIZ_CACHE", str(tmp_path.parent / f"{tmp_path.name}-cache"))  # beside tmp_path, which some tests list
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.chdir(REPO)
    return tmp_path / "home"


@pytest.fixture
def cli() -> CliRunner:
    """Return a Click test runner."""
    return CliRunner()


def run(args: list[str], input: str | None = None, catch: bool = True) -> Result:
    """Run the CLI with arguments as a person would type them."""
    return CliRunner().invoke(main, args, input=input, catch_exceptions=catch)

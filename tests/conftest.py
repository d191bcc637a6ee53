"""Shared test helpers: paths to fixture banks and a CLI runner."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from click.testing import CliRunner, Result

from sciatica_quiz.cli import main
from sciatica_quiz.model import (
    QUESTION_CLASSES,
    Blank,
    Choice,
    Cloze,
    Matching,
    MultipleAnswer,
    MultipleChoice,
    Pair,
    Question,
    QuestionType,
    ShortAnswer,
)

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
    monkeypatch.setenv(
        "SCIATICA_QUIZ_CACHE", str(tmp_path.parent / f"{tmp_path.name}-cache")
    )  # beside tmp_path, which some tests list
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


def make_question(qtype: str | QuestionType, **fields: Any) -> Question:
    """Build a question of a kind from plain values: `choices` and `correct` as texts, `pairs` as
    (left, right) tuples, `truth` for a true/false answer; anything missing gets a neutral value."""
    qtype = QuestionType(qtype)
    base: dict[str, Any] = {"bank": "t", "id": "q", "topic": "anatomy", "prompt": "Prompt?",
                            "explanation": "Because.", "sources": ("s",)}  # fmt: skip
    base.update(fields)
    if qtype in (QuestionType.MULTIPLE_CHOICE, QuestionType.MULTIPLE_ANSWER):
        correct = set(base.pop("correct", ()))
        base["choices"] = tuple(Choice(c, correct=c in correct) for c in base.get("choices", ()))
    if qtype is QuestionType.TRUE_FALSE:
        base["answer"] = base.pop("truth", True)
    if qtype is QuestionType.MATCHING:
        base["pairs"] = tuple(Pair(a, b) for a, b in base.get("pairs", ()))
    return QUESTION_CLASSES[qtype](**base)


# What a question holds, read the same way whatever its kind (empty where the kind has none), for
# tests that check every field of every question.
def choice_texts(q: Question) -> tuple[str, ...]:
    return q.texts if isinstance(q, MultipleChoice | MultipleAnswer) else ()


def correct_texts(q: Question) -> tuple[str, ...]:
    return q.correct if isinstance(q, MultipleChoice | MultipleAnswer) else ()


def pair_tuples(q: Question) -> tuple[tuple[str, str], ...]:
    return tuple((p.left, p.right) for p in q.pairs) if isinstance(q, Matching) else ()


def accepted_of(q: Question) -> tuple[str, ...]:
    return q.accepted if isinstance(q, ShortAnswer) else ()


def blanks_of(q: Question) -> tuple[Blank, ...]:
    return q.blanks if isinstance(q, Cloze) else ()


def revealed(q: Cloze) -> str:
    """Return cloze text with every blank filled in."""
    return "".join(s if isinstance(s, str) else s.answer for s in q.segments)


# Set by .ci/run: a browser, Node.js or npm tool the tests need fails them when missing, never skips.
REQUIRE_TOOLS = os.environ.get("SCIATICA_QUIZ_REQUIRE_BROWSER") == "1"


def tool_missing(why: str) -> NoReturn:
    """Skip the test for a missing browser, Node.js or npm tool; fail it instead where CI requires them."""
    if REQUIRE_TOOLS:
        pytest.fail(f"required here (SCIATICA_QUIZ_REQUIRE_BROWSER=1), but {why}", pytrace=False)
    pytest.skip(why)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium (Debian's package, driven by Playwright) for the tests that look at pages.

    Skipped where it is missing, unless SCIATICA_QUIZ_REQUIRE_BROWSER=1 (as .ci/run sets it).
    """
    from cardview import browser_missing, launch_browser

    missing = browser_missing()
    if missing:
        tool_missing(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch_browser(p)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_script() -> str:
    """The source of axe-core from the npm registry (installed by .ci/run into tests/js)."""
    from cardview import AXE

    if not AXE.exists():
        tool_missing("axe-core is not installed: npm ci --prefix tests/js")
    return AXE.read_text(encoding="utf-8")

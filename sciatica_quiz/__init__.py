"""Sciatica study questions for massage-therapy students: banks, quizzes, study, exports.

The public API, importable from here (the names load on first use, so importing the package is
cheap):

- loading: `load_library`, `load_bank`, `Library`, `Bank`, `Source`;
- questions: `Question` (any of `MultipleChoice`, `MultipleAnswer`, `TrueFalse`, `ShortAnswer`,
  `Cloze`, `Matching`), `QuestionType`, `Choice`, `Blank`, `Pair`;
- choosing: `select`, `Selection`;
- grading: `Layout`, `Response`, `Grade`, `grade`, `parse_input`, `match_text`;
- sessions: `QuizSession`, `StudySession`, `ScriptedUI`, `Store`, `progress_report`;
- figures: `compute_stats`;
- errors: `QuizError` and its kinds `BankError`, `SelectionError`, `ExportError`, `StoreError`,
  `InvalidModel`, `InvalidAnswer`.

Exporters (Anki, handouts and the registry) are in the `exporters` package.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
APP_NAME = "sciatica-quiz"

if TYPE_CHECKING:
    from sciatica_quiz.errors import (
        BankError,
        ExportError,
        InvalidAnswer,
        QuizError,
        SelectionError,
        StoreError,
    )
    from sciatica_quiz.grading import Grade, Layout, Response, grade, match_text, parse_input
    from sciatica_quiz.loader import load_bank, load_library
    from sciatica_quiz.model import (
        Bank,
        Blank,
        Choice,
        Cloze,
        InvalidModel,
        Library,
        Matching,
        MultipleAnswer,
        MultipleChoice,
        Pair,
        Question,
        QuestionType,
        ShortAnswer,
        Source,
        TrueFalse,
    )
    from sciatica_quiz.selection import Selection, select
    from sciatica_quiz.session import QuizSession, ScriptedUI
    from sciatica_quiz.stats import compute_stats
    from sciatica_quiz.store import Store
    from sciatica_quiz.study import StudySession, progress_report

_LAZY: dict[str, str] = {
    **dict.fromkeys(("BankError", "ExportError", "InvalidAnswer", "QuizError", "SelectionError", "StoreError"),
                    "sciatica_quiz.errors"),
    **dict.fromkeys(("Grade", "Layout", "Response", "grade", "match_text", "parse_input"), "sciatica_quiz.grading"),
    **dict.fromkeys(("load_bank", "load_library"), "sciatica_quiz.loader"),
    **dict.fromkeys(
        ("Bank", "Blank", "Choice", "Cloze", "InvalidModel", "Library", "Matching", "MultipleAnswer", "MultipleChoice",
         "Pair", "Question", "QuestionType", "ShortAnswer", "Source", "TrueFalse"),
        "sciatica_quiz.model",
    ),
    **dict.fromkeys(("Selection", "select"), "sciatica_quiz.selection"),
    **dict.fromkeys(("QuizSession", "ScriptedUI"), "sciatica_quiz.session"),
    "compute_stats": "sciatica_quiz.stats",
    "Store": "sciatica_quiz.store",
    **dict.fromkeys(("StudySession", "progress_report"), "sciatica_quiz.study"),
}  # fmt: skip
__all__ = [
    "APP_NAME",
    "Bank",
    "BankError",
    "Blank",
    "Choice",
    "Cloze",
    "ExportError",
    "Grade",
    "InvalidAnswer",
    "InvalidModel",
    "Layout",
    "Library",
    "Matching",
    "MultipleAnswer",
    "MultipleChoice",
    "Pair",
    "Question",
    "QuestionType",
    "QuizError",
    "QuizSession",
    "Response",
    "ScriptedUI",
    "Selection",
    "SelectionError",
    "ShortAnswer",
    "Source",
    "Store",
    "StoreError",
    "StudySession",
    "TrueFalse",
    "__version__",
    "compute_stats",
    "grade",
    "load_bank",
    "load_library",
    "match_text",
    "parse_input",
    "progress_report",
    "select",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'sciatica_quiz' has no attribute {name!r}")

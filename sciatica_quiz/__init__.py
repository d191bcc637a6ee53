"""Sciatica study questions for massage-therapy students: banks, quizzes, study, exports."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]

"""The one exception family for everything a user can cause."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import NoReturn

EXIT_INTERRUPTED = 130


def exit_interrupted() -> NoReturn:
    """Print the short Ctrl-C message and exit with status 130, wherever Ctrl-C was pressed."""
    sys.stderr.write("\nInterrupted.\n")
    sys.stderr.flush()
    raise SystemExit(EXIT_INTERRUPTED)


class QuizError(Exception):
    """Base class for errors caused by input, options or files; the CLI prints them as `Error:`.

    The message speaks library terms. `option` names the setting that fixes the problem, as the
    library calls it (`data_dir`, `versions`), with an example `value`; a front end adds its own
    name for it (the command line says `--data-dir`).
    """

    def __init__(self, message: str = "", *, option: str | None = None, value: str | None = None) -> None:
        super().__init__(message)
        self.option = option
        self.value = value

    def lines(self) -> list[str]:
        """Return the message as one or more lines, each printed after `Error: `."""
        return str(self).splitlines() or [type(self).__name__]


@dataclass(frozen=True, order=True)
class Problem:
    """One validation problem at a place in a bank file."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


class BankError(QuizError):
    """One or more problems found while loading banks, sorted by file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class SelectionError(QuizError):
    """A topic, tag or other filter that matches nothing."""


class ExportError(QuizError):
    """An output that cannot be written."""


class StoreError(QuizError):
    """The study-progress store cannot be opened or used."""


class InvalidAnswer(QuizError):
    """Typed input that cannot be read as an answer (not a wrong answer); `hint` says what to type."""

    @property
    def hint(self) -> str:
        """Return the short hint to show before asking again."""
        return str(self)

"""What every exporter shares: how it declares itself to the command line, and small helpers.

An exporter module defines `EXPORTER = Exporter(...)`: its name, what it writes, its options and one
function `write(library, questions, output, **options) -> ExportReport`. The command line builds
`sciatica-quiz export NAME` from that declaration (see exporters.EXPORTERS), so a new output format
is one module plus its tests. Exporters use the model, these helpers and sciatica_quiz.output for
atomic writes; never the loader.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from sciatica_quiz.model import Library, MultipleAnswer, Question, TrueFalse
from sciatica_quiz.output import STDOUT, atomic_path, check_target, open_output, write_failed
from sciatica_quiz.speed import collector_paused

__all__ = [
    "STDOUT",
    "ExportReport",
    "Exporter",
    "Option",
    "Writer",
    "atomic_path",
    "check_target",
    "collector_paused",
    "derangement",
    "open_output",
    "prompt_for_card",
    "question_tags",
    "stable_order",
    "write_failed",
]

OptionType = Literal["text", "int", "seed", "choice", "flag"]


@dataclass(frozen=True)
class Option:
    """One option an exporter takes; the command line offers it as `--name` (see cli/export.py).

    `type` is text (a printable string), int (from `minimum` to `maximum`), seed (any 64-bit
    integer), choice (one of `choices`) or flag. `required` options have no default.
    """

    name: str
    help: str
    type: OptionType = "text"
    choices: tuple[str, ...] = ()
    default: str | int | bool | None = None
    minimum: int | None = None
    maximum: int | None = None
    required: bool = False
    show_default: bool = False

    @property
    def parameter(self) -> str:
        """Return the keyword the exporter's write function takes: 'deck-name' → 'deck_name'."""
        return self.name.replace("-", "_")


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote: each file (or '-') with a short description of its contents.

    `skipped` lists the questions a format cannot hold, as (bank/id, why), and `notes` anything else
    an instructor should know (a question changed to fit the format); the command line prints both
    on stderr. An exporter never drops a question without saying so here.
    """

    files: tuple[tuple[str, str], ...]
    skipped: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()


class Writer(Protocol):
    """An exporter's entry point."""

    def __call__(
        self, library: Library, questions: Sequence[Question], output: str | Path, **options: object
    ) -> ExportReport:
        """Write the questions to `output` ('-' for standard output where allowed)."""


@dataclass(frozen=True)
class Exporter:
    """An output format, as an exporter module declares it.

    `help` is the command's help text (it ends with an example); `binary` outputs are never
    written to a terminal; `progress` exporters take a `progress(n)` callback for big exports.
    """

    name: str
    summary: str
    help: str
    extensions: tuple[str, ...]
    write: Callable[..., ExportReport]
    options: tuple[Option, ...] = ()
    binary: bool = False
    progress: bool = False


def derangement(items: Sequence[str], key: str) -> list[str]:
    """Return items in an order fixed by `key` in which none stays in its place (for two or more).

    A matching column left in place would show the answer: item 1 beside A, 2 beside B. The order
    is `stable_order`'s, with each item that landed in its own place swapped with the next one:
    with distinct items (as matching answers are) that leaves none in place, in one pass.
    """
    order = stable_order(items, key)
    if len(set(items)) < len(items):  # repeated items: no swap rule holds; shuffle until one fits
        import random

        rng = random.Random(key)
        for _ in range(200):
            if all(a != b for a, b in zip(order, items, strict=True)):
                break
            rng.shuffle(order)
        return order
    n = len(order)
    if n > 1:
        for i in range(n):
            if order[i] == items[i]:
                j = (i + 1) % n
                order[i], order[j] = order[j], order[i]
    return order


def question_tags(topic: str, difficulty: int, tags: tuple[str, ...]) -> list[str]:
    """Return the tags every export gives a question: topic, difficulty, then its own (the MBLEx area
    among them), each once. Plain arguments, so exporters can cache per combination."""
    return list(dict.fromkeys((f"topic::{topic}", f"difficulty::{difficulty}", *tags)))


def stable_order(items: Sequence[str], key: str) -> list[str]:
    """Return items in an order fixed by `key` alone, so every export of a question shows the same order."""
    keyed = [(hashlib.blake2b(f"{key}\x1f{item}".encode(), digest_size=8).digest(), item) for item in items]
    keyed.sort()
    return [item for _, item in keyed]


_SAYS_SELECT_ALL = re.compile(r"\s*\(?select all that apply\.?\)?\s*$", re.IGNORECASE)
_SAYS_TRUE_FALSE = re.compile(r"^\s*true or false\s*[:?.,\u2013\u2014-]\s*", re.IGNORECASE)


def prompt_for_card(q: Question) -> str:
    """Return the prompt without an instruction that the line above it already gives.

    Cards and pages label each question with what it wants ("Select all that apply", "True or
    false?"); a prompt that says so again ("… Select all that apply.") would repeat it.
    """
    if isinstance(q, MultipleAnswer):
        return _SAYS_SELECT_ALL.sub("", q.prompt) or q.prompt
    if isinstance(q, TrueFalse) and _SAYS_TRUE_FALSE.match(q.prompt):
        rest = _SAYS_TRUE_FALSE.sub("", q.prompt)
        return rest[:1].upper() + rest[1:] if rest else q.prompt
    return q.prompt

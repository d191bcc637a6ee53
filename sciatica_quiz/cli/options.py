"""Options shared by every command that reads banks, defined once."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from sciatica_quiz.model import Library

F = TypeVar("F", bound=Callable[..., Any])
# The question types, spelled out so that `--help` need not import the model (a test holds them
# equal to QuestionType).
QUESTION_TYPES = ("multiple_choice", "multiple_answer", "true_false", "short_answer", "cloze", "matching")
# Seeds are recorded in the progress store, whose integers are 64-bit.
SEED = click.IntRange(-(2**63), 2**63 - 1)


class Text(click.ParamType):  # type: ignore[type-arg]  # generic only from Click 8.3
    """A name or title typed on the command line: printable text, as every output can hold it."""

    name = "text"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            self.fail("has bytes that are not UTF-8 text; type it again or set a UTF-8 locale", param, ctx)
        if any(ch < " " or "\x7f" <= ch <= "\x9f" for ch in text):
            self.fail("contains a control character", param, ctx)
        return text


TEXT = Text()


@dataclass(frozen=True)
class BankArgs:
    """Which banks to load: the built-in ones (unless --no-builtin) plus --bank paths."""

    paths: tuple[Path, ...] = ()
    builtin: bool = True

    def load(self) -> Library:
        """Load the library (imported here so `--help` stays light)."""
        from sciatica_quiz.loader import load_library

        return load_library(self.paths, builtin=self.builtin)

    def as_args(self) -> list[str]:
        """Return the options that load these banks again, e.g. for a command to suggest."""
        return (["--no-builtin"] if not self.builtin else []) + [
            a for p in self.paths for a in ("--bank", str(p))
        ]


def bank_options(f: F) -> F:
    """Add --bank and --no-builtin, passed to the command as `banks: BankArgs`."""

    @click.option(
        "--bank",
        "bank_paths",
        multiple=True,
        type=click.Path(path_type=Path),
        help="Also load this bank file or folder of banks (repeatable).",
    )
    @click.option("--no-builtin", is_flag=True, help="Leave out the built-in banks.")
    @functools.wraps(f)
    def wrapper(*args: Any, bank_paths: tuple[Path, ...], no_builtin: bool, **kwargs: Any) -> Any:
        if no_builtin and not bank_paths:
            raise click.UsageError("--no-builtin needs at least one --bank PATH")
        return f(*args, banks=BankArgs(bank_paths, not no_builtin), **kwargs)

    return wrapper  # type: ignore[return-value]


def _complete_from_banks(
    ctx: click.Context, values: Callable[[Library], list[str]], incomplete: str
) -> list[str]:
    """Return completions drawn from the banks the command line names so far; none on any error."""
    from sciatica_quiz.errors import QuizError

    params = ctx.params
    banks = BankArgs(tuple(params.get("bank_paths") or ()), not params.get("no_builtin"))
    try:
        library = banks.load()
    except QuizError:
        return []
    return [v for v in values(library) if v.startswith(incomplete)]


def complete_topic(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Complete --topic with the topics of the loaded banks."""
    return _complete_from_banks(ctx, lambda library: list(library.topics), incomplete)


def complete_tag(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Complete --tag with every tag of the loaded banks and the '::' parents of nested tags."""

    def tags(library: Library) -> list[str]:
        found = {t for q in library.questions for t in q.tags}
        parents = {t.rsplit("::", 1)[0] for t in found if "::" in t}
        return sorted(found | parents)

    return _complete_from_banks(ctx, tags, incomplete)


def selection_options(f: F) -> F:
    """Add --bank/--no-builtin and the filters, passed as `banks` and `selection`."""

    @bank_options
    @click.option(
        "--topic",
        "topics",
        multiple=True,
        metavar="TOPIC",
        type=TEXT,
        shell_complete=complete_topic,
        help="Only this topic, in any case, with - or _ (repeatable).",
    )
    @click.option(
        "--tag",
        "tags",
        multiple=True,
        metavar="TAG",
        type=TEXT,
        shell_complete=complete_tag,
        help="Only questions with this tag or its '::' children (repeatable).",
    )
    @click.option(
        "--type",
        "types",
        multiple=True,
        type=click.Choice(QUESTION_TYPES),
        help="Only this question type (repeatable).",
    )
    @click.option(
        "--difficulty",
        "difficulties",
        multiple=True,
        type=click.IntRange(1, 3),
        help="Only this difficulty, 1 recall to 3 clinical reasoning (repeatable).",
    )
    @functools.wraps(f)
    def wrapper(
        *args: Any,
        topics: tuple[str, ...],
        tags: tuple[str, ...],
        types: tuple[str, ...],
        difficulties: tuple[int, ...],
        **kwargs: Any,
    ) -> Any:
        from sciatica_quiz.selection import Selection

        selection = Selection.of(topics, tags, types, difficulties)
        return f(*args, selection=selection, **kwargs)

    return wrapper  # type: ignore[return-value]

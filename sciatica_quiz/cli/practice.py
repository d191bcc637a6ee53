"""Commands a student uses every day: quiz, study, progress; and the terminal adapter they share."""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from sciatica_quiz.cli.banks import echo_json
from sciatica_quiz.cli.options import SEED, BankArgs, selection_options
from sciatica_quiz.errors import exit_interrupted
from sciatica_quiz.text import plural

if TYPE_CHECKING:
    from sciatica_quiz.cli.render import Style
    from sciatica_quiz.model import Source
    from sciatica_quiz.selection import Selection

F = TypeVar("F", bound=Callable[..., Any])
MAX_WIDTH = 100
HANGING = re.compile(r"\s*(?:\S+\s{2,}|[a-z\d]{1,2}[).] |(?:Why|Case|Answer|Source): )")

# C0 controls except tab and newline, DEL and the C1 controls: escape sequences, bells, titles.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
CONTROL_PICTURES = {chr(c): chr(0x2400 + c) for c in range(0x20)} | {"\x7f": "\u2421"}

STYLES: dict[str, dict[str, Any]] = {
    "plain": {},
    "title": {"bold": True, "fg": "cyan"},
    "case": {"italic": True},
    "question": {"bold": True},
    "choice": {},
    "good": {"fg": "green", "bold": True},
    "bad": {"fg": "red"},
    "hint": {"fg": "yellow"},
    "muted": {"dim": True},
    "score": {"bold": True},
}


class TerminalUI:
    """Adapt a session to the terminal: events rendered as styled, wrapped text; input read by line."""

    def __init__(self, sources: Mapping[str, Source] | None = None) -> None:
        # NO_COLOR (https://no-color.org) wins; otherwise Click strips styles when not a terminal.
        self.color: bool | None = False if os.environ.get("NO_COLOR") else None
        self.tty = sys.stdin.isatty() and sys.stdout.isatty()
        self.interrupted = False
        self.sources: Mapping[str, Source] = sources or {}
        if self.tty:
            with contextlib.suppress(ImportError):
                import readline  # noqa: F401  (line editing and history for input())

    def emit(self, event: object) -> None:
        """Show what happened in the session."""
        from sciatica_quiz.cli.render import lines

        for text, style in lines(event, self.sources):
            self.show(text, style)

    def show(self, text: str = "", style: Style = "plain") -> None:
        """Print a line, wrapped to the terminal with a hanging indent for lettered items."""
        for line in self._wrap(printable(text)):
            click.echo(click.style(line, **STYLES.get(style, {})), color=self.color)

    def ask(self, request: object) -> str | None:
        """Read a line; None at end of input or on Ctrl-C (then the session ends with a summary)."""
        from sciatica_quiz.cli.render import prompt

        text = printable(prompt(request))
        try:
            if self.tty:
                return input(text)
            click.echo(text, nl=False)
            line = sys.stdin.readline()
            # Piped input is not echoed by a terminal; echo it so the transcript reads as typed.
            click.echo(line.rstrip("\r\n"))
            return line.rstrip("\r\n") if line else None
        except (EOFError, KeyboardInterrupt) as exc:
            click.echo()  # end the prompt's line: Ctrl-D and Ctrl-C do not
            self.interrupted = isinstance(exc, KeyboardInterrupt)
            return None

    def finish(self) -> None:
        """Exit with status 130 after the summary if the student pressed Ctrl-C."""
        if self.interrupted:
            exit_interrupted()

    def _wrap(self, text: str) -> list[str]:
        if not self.tty:
            return [text]
        return [part for line in text.split("\n") for part in self._wrap_line(line)]

    def _wrap_line(self, text: str) -> list[str]:
        if not text:
            return [text]
        import shutil
        import textwrap

        width = min(shutil.get_terminal_size().columns, MAX_WIDTH) - 1
        # Continuation lines hang under the text: after 'a) ', '1. ', 'Why: ', or a column gap.
        m = HANGING.match(text)
        hanging = " " * len(m.group(0)) if m and len(m.group(0)) < width // 2 else ""
        return textwrap.wrap(text, width, subsequent_indent=hanging, break_on_hyphens=False) or [text]


def printable(text: str) -> str:
    """Return text with terminal control characters made visible, so bank text cannot drive the terminal."""
    return CONTROL.sub(lambda m: CONTROL_PICTURES.get(m.group(), f"\\x{ord(m.group()):02x}"), text)


def data_dir_option(f: F) -> F:
    """Add --data-dir, passed as `data_dir` (None means $SCIATICA_QUIZ_HOME or the default)."""

    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Folder for the progress store (default: $SCIATICA_QUIZ_HOME, else your user data folder).",
    )(f)


@click.command()
@selection_options
@click.option(
    "-n",
    "--count",
    type=click.IntRange(min=1),
    help="How many questions (default 10; all misses with --retry-missed).",
)
@click.option("--seed", type=SEED, help="Shuffle with this seed to repeat a quiz exactly.")
@click.option(
    "--mode",
    type=click.Choice(["practice", "exam"]),
    default="practice",
    show_default=True,
    help="practice: feedback after each answer; exam: feedback at the end.",
)
@click.option(
    "--retry-missed", is_flag=True, help="Ask again the questions missed or skipped in your last quiz."
)
@data_dir_option
def quiz(
    banks: BankArgs,
    selection: Selection,
    count: int | None,
    seed: int | None,
    mode: str,
    retry_missed: bool,
    data_dir: Path | None,
) -> None:
    """Take a quiz in the terminal; every session is saved in your history.

    Answer with a letter (b), several letters (a c), t or f, a word or phrase, one entry per
    blank, or pairs for matching (1b 2a 3c). Type ? for help, s to skip, q to quit. The same
    --seed and the same answers give the same quiz.

    \b
    Example:
      sciatica-quiz quiz --topic anatomy --count 5 --seed 7
    """
    from sciatica_quiz.selection import select
    from sciatica_quiz.session import DEFAULT_COUNT, QuizSession, retry_pool
    from sciatica_quiz.store import Store

    library = banks.load()
    pool = select(library, selection)
    ui = TerminalUI(library.sources)
    with Store.open(data_dir) as store:
        carried: list[str] = []
        if retry_missed:
            carried = store.last_quiz_missed() or []
            pool = retry_pool(store.last_quiz_missed(), pool)
        n = count or (len(pool) if retry_missed else DEFAULT_COUNT)
        session = QuizSession.create(
            pool, count=n, seed=seed, mode=mode, sources=library.sources, carried=carried
        )
        session.run(ui, store)
        left = store.last_quiz_missed()
    if left:
        again = ["sciatica-quiz", "quiz", "--retry-missed", *banks.as_args()]
        if data_dir is not None:
            again += ["--data-dir", str(data_dir)]
        ui.show(f"Ask the missed ones again with: {shlex.join(again)}", "muted")
    ui.finish()


@click.command()
@selection_options
@click.option("--limit", type=click.IntRange(min=1), help="Stop after this many answers.")
@click.option(
    "--new",
    "new_per_day",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="New questions per day.",
)
@click.option("--seed", type=SEED, help="Seed for the choice order (for repeatable runs).")
@data_dir_option
def study(
    banks: BankArgs,
    selection: Selection,
    limit: int | None,
    new_per_day: int,
    seed: int | None,
    data_dir: Path | None,
) -> None:
    """Study with spaced repetition (FSRS): due reviews first, then new questions.

    After a correct answer, rate it h (hard), g (good) or e (easy); a wrong answer counts as
    again. Each answer is saved at once, so you can stop (q, Ctrl-D or Ctrl-C) at any moment.

    \b
    Example:
      sciatica-quiz study --new 5 --topic assessment
    """
    from sciatica_quiz.selection import select
    from sciatica_quiz.store import Store
    from sciatica_quiz.study import StudySession

    library = banks.load()
    questions = select(library, selection)
    ui = TerminalUI(library.sources)
    with Store.open(data_dir) as store:
        session = StudySession(store, questions, library.sources, new_per_day, limit, seed)
        summary = session.run(ui)
    more = session.more_new_allowance()
    if not summary.planned and more:
        again = ["sciatica-quiz", "study", "--new", str(more), *banks.as_args()]
        ui.show(f"To learn more new questions today: {shlex.join(again)}", "muted")
    ui.finish()


@click.group(invoke_without_command=True)
@selection_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON (keys include reviews, due and by_topic).")
@data_dir_option
@click.pass_context
def progress(
    ctx: click.Context, banks: BankArgs, selection: Selection, as_json: bool, data_dir: Path | None
) -> None:
    """Show your progress: answers, accuracy by topic, due today and tomorrow, new, last session.

    `progress export` and `progress import` carry your study history to and from another
    computer or the offline study page (export web).

    \b
    Example:
      sciatica-quiz progress --json
      sciatica-quiz progress export -o my-progress.json
    """
    if ctx.invoked_subcommand is not None:
        return
    from sciatica_quiz.cli.render import progress_lines
    from sciatica_quiz.selection import select
    from sciatica_quiz.store import Store
    from sciatica_quiz.study import progress_report

    library = banks.load()
    with Store.open(data_dir) as store:
        report = progress_report(store, select(library, selection))
    if as_json:
        echo_json(report.to_json())
    else:
        click.echo("\n".join(progress_lines(report)))


@progress.command("export")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(allow_dash=True, path_type=Path),
    help="The progress file to write (replaced atomically); '-' writes to standard output.",
)
@data_dir_option
def progress_export(output: Path, data_dir: Path | None) -> None:
    """Write your study history to a progress file, to import on another computer or in the study page.

    \b
    Example:
      sciatica-quiz progress export -o my-progress.json
    """
    from sciatica_quiz.output import open_output
    from sciatica_quiz.progressfile import dumps
    from sciatica_quiz.store import Store, utcnow

    with Store.open(data_dir) as store:
        progress_file = store.export_progress()
    with open_output(output) as out:
        out.write(dumps(progress_file, utcnow()).encode("utf-8"))
    if str(output) != "-":
        reviews = len(progress_file.reviews)
        questions = len({r.uid for r in progress_file.reviews})
        click.echo(f"Wrote {output}: {plural(reviews, 'review')} of {plural(questions, 'question')}")


@progress.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@data_dir_option
def progress_import(file: Path, data_dir: Path | None) -> None:
    """Merge a progress file (from the study page or another computer) into your study history.

    Reviews already here are not counted twice, so importing the same file again changes
    nothing. A file that cannot be read changes nothing either.

    \b
    Example:
      sciatica-quiz progress import sciatica-progress.json
    """
    from sciatica_quiz.progressfile import ProgressFileError, loads
    from sciatica_quiz.store import Store

    name = "standard input" if str(file) == "-" else str(file)
    try:
        data = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    except OSError as exc:
        raise ProgressFileError(f"{name}: cannot read it ({exc.strerror or exc})") from None
    progress_file = loads(data, name)
    with Store.open(data_dir) as store:
        result = store.import_progress(progress_file)
    parts = [f"{plural(result.added, 'new review')} of {plural(result.questions, 'question')}"]
    if result.claimed:
        parts.append(f"{plural(result.claimed, 'answer')} now counted right")
    if result.known:
        parts.append(f"{plural(result.known, 'review')} already here, not counted again")
    click.echo(f"Imported {name}: " + "; ".join(parts))

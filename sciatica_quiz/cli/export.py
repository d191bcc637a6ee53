"""The `export` group: one subcommand per registered exporter (exporters.EXPORTERS).

Each subcommand is built from the exporter's declaration: the usual selection options, `-o`, and
the exporter's own options. Exporter modules are imported only when their subcommand is used.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sciatica_quiz.cli.options import SEED, TEXT, BankArgs, selection_options
from sciatica_quiz.errors import ExportError
from sciatica_quiz.text import plural

if TYPE_CHECKING:
    from exporters.common import Exporter, Option
    from sciatica_quiz.selection import Selection

PROGRESS_THRESHOLD = 2000


class ExportGroup(click.Group):
    """A group whose subcommands come from the exporter registry."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from exporters import EXPORTERS

        return sorted(EXPORTERS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        from exporters import EXPORTERS, load_exporter

        if cmd_name not in EXPORTERS:
            return None
        return exporter_command(load_exporter(cmd_name))


@click.group(cls=ExportGroup)
def export() -> None:
    """Write questions to files: Anki decks, printable handouts and more.

    \b
    Example:
      sciatica-quiz export anki -o sciatica.apkg
      sciatica-quiz export handout --kind study-guide -o sciatica-guide.pdf
    """


def _click_option(option: Option) -> click.Option:
    """Return the command-line option for one of an exporter's options."""
    kwargs: dict[str, Any] = {
        "help": option.help,
        "show_default": option.show_default,
        "required": option.required,
    }
    match option.type:
        case "text":
            kwargs["type"] = TEXT
        case "int":
            kwargs["type"] = click.IntRange(option.minimum, option.maximum)
        case "seed":
            kwargs["type"] = SEED
        case "choice":
            kwargs["type"] = click.Choice(option.choices)
        case "flag":
            kwargs["is_flag"] = True
    if option.default is not None:
        kwargs["default"] = option.default
    return click.Option([f"--{option.name}", option.parameter], **kwargs)


def exporter_command(exporter: Exporter) -> click.Command:
    """Return the `export NAME` command for an exporter."""

    @selection_options
    def run(banks: BankArgs, selection: Selection, output: Path, **options: Any) -> None:
        from sciatica_quiz.selection import select

        to_stdout = str(output) == "-"
        if to_stdout and exporter.binary and sys.stdout.isatty():
            raise ExportError(
                f"an {exporter.extensions[0]} file is binary and would garble the terminal; give a file name",
                option="output",
                value=f"sciatica{exporter.extensions[0]}",
            )
        library = banks.load()
        questions = select(library, selection)
        if exporter.progress and len(questions) >= PROGRESS_THRESHOLD and sys.stderr.isatty():
            with click.progressbar(length=len(questions), label="Exporting", file=sys.stderr) as bar:
                report = exporter.write(library, questions, output, progress=bar.update, **options)
        else:
            report = exporter.write(library, questions, output, **options)
        for path, what in report.files:
            if path == "-":
                if exporter.binary:
                    click.echo(f"Wrote the package to standard output: {what}", err=True)
            else:
                click.echo(f"Wrote {path}: {what}")
        if report.skipped:
            click.echo(
                f"Skipped {plural(len(report.skipped), 'question')} this format cannot hold:", err=True
            )
            for uid, why in report.skipped:
                click.echo(f"  {uid}: {why}", err=True)
        for note in report.notes:
            click.echo(f"Note: {note}", err=True)

    params: list[click.Parameter] = [
        click.Option(
            ["-o", "--output"],
            required=True,
            type=click.Path(allow_dash=True, path_type=Path),
            help="The file to write (replaced atomically); '-' writes to standard output.",
        ),
        *(_click_option(o) for o in exporter.options),
    ]
    command = click.Command(
        exporter.name,
        callback=run,
        params=params,
        help=inspect.cleandoc(exporter.help),
        short_help=exporter.summary,
    )
    # The selection options were added to `run` by its decorator; Click reads them from there.
    command.params = [*getattr(run, "__click_params__", [])[::-1], *params]
    return command

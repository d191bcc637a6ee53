"""The `export` group: Anki decks and printable handouts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sciatica_quiz.cli.handout import handout
from sciatica_quiz.cli.options import TEXT, BankArgs, selection_options
from sciatica_quiz.errors import ExportError

if TYPE_CHECKING:
    from sciatica_quiz.selection import Selection

PROGRESS_THRESHOLD = 2000


@click.group()
def export() -> None:
    """Write questions to files: Anki decks or printable handouts.

    \b
    Example:
      sciatica-quiz export anki -o sciatica.apkg
      sciatica-quiz export handout --kind study-guide -o sciatica-guide.pdf
    """


@export.command()
@selection_options
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="The .apkg file to write (replaced atomically).",
)
@click.option("--deck-name", type=TEXT, help="Name of the root deck  [default: Sciatica, or your banks' titles]")
def anki(banks: BankArgs, selection: Selection, output: Path, deck_name: str | None) -> None:
    """Export an Anki deck (.apkg): one subdeck per topic, every question type.

    Re-importing a newer export updates notes in place and keeps review history, as long as
    question ids stay the same; bump a question's `revised:` date when you change it.

    \b
    Example:
      sciatica-quiz export anki -o sciatica.apkg --topic assessment --deck-name "Sciatica red flags"
    """
    from exporters.anki import deck_name_problem, default_deck_name, export_anki
    from sciatica_quiz.selection import select
    from sciatica_quiz.stats import plural

    if deck_name is not None and (problem := deck_name_problem(deck_name)):
        raise click.BadParameter(problem, param_hint="--deck-name")
    to_stdout = str(output) == "-"
    if to_stdout and sys.stdout.isatty():
        raise ExportError("an .apkg package is binary and would garble the terminal; give a file name, e.g. -o deck.apkg")
    library = banks.load()
    questions = select(library, selection)
    name = deck_name or default_deck_name(library, questions)
    if len(questions) >= PROGRESS_THRESHOLD and sys.stderr.isatty():
        with click.progressbar(length=len(questions), label="Exporting", file=sys.stderr) as bar:
            report = export_anki(library, questions, output, name, progress=bar.update)
    else:
        report = export_anki(library, questions, output, name)
    where = "the package to standard output" if to_stdout else report.path
    click.echo(
        f"Wrote {where}: {plural(report.notes, 'note')}, {plural(report.cards, 'card')} "
        f"in {plural(len(report.decks) - 1, 'subdeck')} of '{name}'",
        err=to_stdout,
    )


export.add_command(handout)

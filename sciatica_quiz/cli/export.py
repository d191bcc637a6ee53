"""The `export` group: Anki decks and printable handouts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sciatica_quiz.cli.handout import handout
from sciatica_quiz.cli.options import BankArgs, selection_options

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
@click.option("--deck-name", default="Sciatica", show_default=True, help="Name of the root deck.")
def anki(banks: BankArgs, selection: Selection, output: Path, deck_name: str) -> None:
    """Export an Anki deck (.apkg): one subdeck per topic, every question type.

    Re-importing a newer export updates notes in place and keeps review history, as long as
    question ids stay the same; bump a question's `revised:` date when you change it.

    \b
    Example:
      sciatica-quiz export anki -o sciatica.apkg --topic assessment --deck-name "Sciatica red flags"
    """
    from exporters.anki import export_anki
    from sciatica_quiz.selection import select
    from sciatica_quiz.stats import plural

    if "::" in deck_name.strip(":") or not deck_name.strip():
        raise click.BadParameter("give a plain deck name without '::'", param_hint="--deck-name")
    library = banks.load()
    questions = select(library, selection)
    if len(questions) >= PROGRESS_THRESHOLD and sys.stderr.isatty():
        with click.progressbar(length=len(questions), label="Exporting", file=sys.stderr) as bar:
            report = export_anki(library, questions, output, deck_name, progress=bar.update)
    else:
        report = export_anki(library, questions, output, deck_name)
    click.echo(
        f"Wrote {report.path}: {plural(report.notes, 'note')}, {plural(report.cards, 'card')} "
        f"in {plural(len(report.decks) - 1, 'subdeck')} of '{deck_name}'",
        err=str(output) == "-",
    )


export.add_command(handout)

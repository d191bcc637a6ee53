"""The `export handout` command: study guides, worksheets and answer keys to print."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from exporters import DEFAULT_SEED, FORMATS, HANDOUT_KINDS, MAX_VERSIONS, PAPERS
from sciatica_quiz.cli.options import SEED, TEXT, BankArgs, selection_options

if TYPE_CHECKING:
    from sciatica_quiz.selection import Selection


@click.command()
@selection_options
@click.option("--kind", required=True, type=click.Choice(HANDOUT_KINDS), help="Which handout to write.")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(allow_dash=True, path_type=Path),
    help="The file to write (replaced atomically); '-' prints HTML or Markdown.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Output format  [default: from the file suffix]")
@click.option(
    "--seed",
    type=SEED,
    default=DEFAULT_SEED,
    show_default=True,
    help="Shuffles the choices; a worksheet and key with the same seed and selection match.",
)
@click.option(
    "--versions",
    type=click.IntRange(1, MAX_VERSIONS),
    help="Write this many exam versions (A, B, …), each a worksheet with its key.",
)
@click.option("--title", type=TEXT, help="Title printed at the top and in the page header.")
@click.option("--subtitle", type=TEXT, help="Line under the title  [default: topics and question count]")
@click.option("--paper", type=click.Choice(PAPERS), default=PAPERS[0], show_default=True, help="Paper size.")
def handout(
    banks: BankArgs,
    selection: Selection,
    kind: str,
    output: Path,
    fmt: str | None,
    seed: int,
    versions: int | None,
    title: str | None,
    subtitle: str | None,
    paper: str,
) -> None:
    """Write a printable study guide, worksheet or answer key as PDF, HTML or Markdown.

    A study guide lists each question by topic with its answer, explanation and sources. A
    worksheet has numbered questions with lettered choices and space to write, and no answers.
    An answer key gives each answer with a one-line explanation, numbered and lettered exactly
    like the worksheet made with the same --seed and selection; the key prints its seed.

    --versions N writes exam versions with the questions and choices in a different order:
    -o exam.pdf gives exam-A.pdf, exam-A-key.pdf, exam-B.pdf, exam-B-key.pdf and so on.

    \b
    Example:
      sciatica-quiz export handout --kind worksheet --topic anatomy --seed 42 -o anatomy.pdf
      sciatica-quiz export handout --kind answer-key --topic anatomy --seed 42 -o anatomy-key.pdf
    """
    from exporters.handout import infer_format, plan_handouts, write_handouts
    from sciatica_quiz.selection import select
    from sciatica_quiz.stats import plural

    fmt = infer_format(output, fmt)
    library = banks.load()
    questions = select(library, selection)
    options = {"seed": seed, "title": title, "subtitle": subtitle, "paper": paper}
    planned = plan_handouts(library, questions, kind, output, versions, **options)
    write_handouts(planned, fmt)
    for path, doc in planned:
        if str(path) != "-":
            click.echo(f"Wrote {path}: {doc.label}, {plural(len(doc.items), 'question')}")

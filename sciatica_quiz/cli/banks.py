"""Commands that read and describe banks: validate, list, stats, schema."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from sciatica_quiz.cli.options import BankArgs, bank_options, selection_options

if TYPE_CHECKING:
    from sciatica_quiz.selection import Selection


def echo_json(data: object) -> None:
    """Print data as indented JSON."""
    import json

    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Check banks for mistakes and print one `Error:` line per problem.

    With no PATH, checks the built-in banks. A PATH may be a bank file or a folder of banks; a
    file named sources.yaml is read as a bibliography.

    \b
    Example:
      sciatica-quiz validate my-banks/ extra.yaml
    """
    library = BankArgs(paths, builtin=not paths).load()
    from sciatica_quiz.stats import plural

    n = sum(len(b.questions) for b in library.banks)
    click.echo(
        f"OK: {plural(len(library.banks), 'bank')}, {plural(n, 'question')}, "
        f"{plural(len(library.sources), 'source')}"
    )


@click.command("list")
@bank_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_banks(banks: BankArgs, as_json: bool) -> None:
    """List the loaded banks: id, title, topic, question count and file.

    \b
    Example:
      sciatica-quiz list --bank my-banks/
    """
    library = banks.load()
    rows = [
        {"id": b.id, "title": b.title, "topic": b.topic, "questions": len(b.questions), "path": b.path}
        for b in library.banks
    ]
    if as_json:
        echo_json(rows)
        return
    width = max([len(r["id"]) for r in rows] + [2])
    twidth = max([len(r["topic"]) for r in rows] + [5])
    click.echo(f"{'id':<{width}}  {'topic':<{twidth}}  {'questions':>9}  title")
    for r in rows:
        click.echo(f"{r['id']:<{width}}  {r['topic']:<{twidth}}  {r['questions']:>9}  {r['title']}")
        click.echo(f"{'':<{width}}  {'':<{twidth}}  {'':>9}  {r['path']}")


@click.command()
@selection_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
def stats(banks: BankArgs, selection: Selection, as_json: bool) -> None:
    """Show coverage: questions by topic, type, difficulty, MBLEx area, tag and source.

    \b
    Example:
      sciatica-quiz stats --topic assessment --json
    """
    from sciatica_quiz.selection import select
    from sciatica_quiz.stats import compute_stats, format_stats

    library = banks.load()
    figures = compute_stats(library, select(library, selection))
    if as_json:
        echo_json(figures)
    else:
        click.echo(format_stats(figures))


@click.command()
def schema() -> None:
    """Print a JSON Schema of the bank format, for editor completion.

    Save it and point your editor at it with a first line in the bank file such as
    `# yaml-language-server: $schema=bank.schema.json`.

    \b
    Example:
      sciatica-quiz schema > bank.schema.json
    """
    from sciatica_quiz.schema import bank_schema

    echo_json(bank_schema())

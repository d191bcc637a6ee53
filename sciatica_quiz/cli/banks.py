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
@click.option("--no-builtin", is_flag=True, help="Check PATHS on their own, without the built-in banks.")
@click.option(
    "--strict", is_flag=True, help="Also require what the built-in banks promise: a source on every question."
)
def validate(paths: tuple[Path, ...], no_builtin: bool, strict: bool) -> None:
    """Check banks for mistakes and print one `Error:` line per problem.

    With no PATH, checks the built-in banks. A PATH may be a bank file or a folder of banks; a
    file named sources.yaml is read as a bibliography. Your banks are checked together with the
    built-in ones, as every other command loads them (so a clash with a built-in bank id is
    found), unless you add --no-builtin.

    \b
    Example:
      sciatica-quiz validate my-banks/ extra.yaml
      sciatica-quiz validate --strict
    """
    if no_builtin and not paths:
        raise click.UsageError("--no-builtin needs at least one PATH")
    from sciatica_quiz.loader import load_library
    from sciatica_quiz.text import plural

    library = load_library(paths, builtin=not no_builtin, strict=strict)
    mine = [b for b in library.banks if not b.builtin] if paths else list(library.banks)
    n = sum(len(b.questions) for b in mine)
    cited = {s for b in mine for q in b.questions for s in q.sources}
    line = f"OK: {plural(len(mine), 'bank')}, {plural(n, 'question')}, {plural(len(cited), 'source')} cited"
    builtin = len(library.banks) - len(mine)
    if paths and builtin:
        line += f" (checked together with the {plural(builtin, 'built-in bank')})"
    click.echo(line + (" (strict)" if strict else ""))


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
    width = max([len(b.id) for b in library.banks] + [2])
    twidth = max([len(b.topic) for b in library.banks] + [5])
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
    from sciatica_quiz.stats import compute_stats

    library = banks.load()
    figures = compute_stats(library, select(library, selection))
    if as_json:
        echo_json(figures.to_json())
    else:
        click.echo("\n".join(figures.lines()))


@click.command()
@click.option(
    "--sources", "bibliography", is_flag=True, help="The schema of a bibliography file (sources.yaml)."
)
def schema(bibliography: bool) -> None:
    """Print a JSON Schema of the bank format, for editor completion.

    Save it and point your editor at it with a first line in the bank file such as
    `# yaml-language-server: $schema=bank.schema.json`.

    \b
    Example:
      sciatica-quiz schema > bank.schema.json
      sciatica-quiz schema --sources > sources.schema.json
    """
    from sciatica_quiz.bankformat import bank_schema, sources_schema

    echo_json(sources_schema() if bibliography else bank_schema())

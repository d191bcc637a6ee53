"""The `sciatica-quiz` command line: a thin layer over the library.

Every command parses its options, makes one or two library calls and prints the result. Errors a
user can cause are QuizError subclasses; they are caught once, here, and printed as `Error: ...`.
"""

from __future__ import annotations

from typing import Any

import click

from sciatica_quiz import __version__
from sciatica_quiz.__main__ import closed_pipe
from sciatica_quiz.cli.banks import list_banks, schema, stats, validate
from sciatica_quiz.cli.export import export
from sciatica_quiz.cli.practice import progress, quiz, study
from sciatica_quiz.errors import QuizError, exit_interrupted

# How the command line spells the settings library errors name (QuizError.option).
OPTION_FLAGS = {"data_dir": "--data-dir or $SCIATICA_QUIZ_HOME", "output": "-o"}


def flag(option: str) -> str:
    """Return the command-line spelling of a library setting: 'deck_name' → '--deck-name'."""
    return OPTION_FLAGS.get(option, "--" + option.replace("_", "-"))


class UserError(click.ClickException):
    """A QuizError shown to the user: one `Error:` line per problem, exit status 1.

    When the error names the setting that fixes it, the option that sets it is added.
    """

    def __init__(self, error: QuizError) -> None:
        super().__init__(str(error))
        self.error = error

    def show(self, file: Any = None) -> None:
        lines = self.error.lines()
        if self.error.option:
            value = f" {self.error.value}" if self.error.value else ""
            lines[-1] += f" ({flag(self.error.option)}{value})"
        for line in lines:
            click.echo(f"Error: {line}", err=True)


class QuizGroup(click.Group):
    """A group that turns library errors and Ctrl-C into short messages."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QuizError as exc:
            raise UserError(exc) from None
        except KeyboardInterrupt:
            exit_interrupted()
        except BrokenPipeError:
            # The reader went away (e.g. `| head`): stop quietly, as other command-line tools do.
            closed_pipe()


@click.group(cls=QuizGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sciatica-quiz")
def main() -> None:
    """Study sciatica for massage therapy: quizzes, spaced repetition, Anki decks and handouts.

    Built-in banks cover anatomy, symptoms, causes, assessment and red flags, management,
    special populations and the evidence. Add your own banks with --bank.

    \b
    Example:
      sciatica-quiz validate && sciatica-quiz stats
    """


main.add_command(validate)
main.add_command(list_banks)
main.add_command(stats)
main.add_command(schema)
main.add_command(export)
main.add_command(quiz)
main.add_command(study)
main.add_command(progress)

"""Run the command-line interface with ``python -m sciatica_quiz`` (and the console script)."""

from __future__ import annotations

import os
import sys

EXIT_CLOSED_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a program whose reader went away


def run() -> None:
    """Start the CLI; Ctrl-C even while it is still importing ends with a short message, exit 130."""
    try:
        from sciatica_quiz.cli import main
        from sciatica_quiz.cli.streams import configure_streams

        configure_streams()
        main()
    except KeyboardInterrupt:
        from sciatica_quiz.errors import exit_interrupted

        exit_interrupted()
    except SystemExit:
        # Output still buffered is written here; a reader that has gone away (`| head`) ends the
        # program quietly, as it ends other command-line tools.
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            closed_pipe()
        raise


def closed_pipe() -> None:
    """Exit quietly because the reader of standard output went away."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush cannot fail again
    raise SystemExit(EXIT_CLOSED_PIPE)


if __name__ == "__main__":
    run()

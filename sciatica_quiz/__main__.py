"""Run the command-line interface with ``python -m sciatica_quiz`` (and the console script)."""

from __future__ import annotations


def run() -> None:
    """Start the CLI; Ctrl-C even while it is still importing ends with a short message, exit 130."""
    try:
        from sciatica_quiz.cli import main

        main()
    except KeyboardInterrupt:
        from sciatica_quiz.errors import exit_interrupted

        exit_interrupted()


if __name__ == "__main__":
    run()

"""Run the command-line interface with ``python -m sciatica_quiz`` (and the console script)."""

from __future__ import annotations

import sys


def run() -> None:
    """Start the CLI; Ctrl-C even while it is still importing ends with a short message, exit 130."""
    try:
        from sciatica_quiz.cli import main

        main()
    except KeyboardInterrupt:
        sys.stderr.write("\nInterrupted.\n")
        raise SystemExit(130) from None


if __name__ == "__main__":
    run()

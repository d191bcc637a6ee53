"""Run the command-line interface with ``python -m sciatica_quiz``."""

from sciatica_quiz.cli import main

if __name__ == "__main__":
    main()

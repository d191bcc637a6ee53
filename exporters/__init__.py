"""Exporters: one module per output format, each turning model objects into a file.

The choices the command line offers for handouts live here, so that `--help` can list them
without importing an exporter.
"""

FORMATS = ("pdf", "html", "md")
PAPERS = ("letter", "a4")
HANDOUT_KINDS = ("study-guide", "worksheet", "answer-key")
DEFAULT_SEED = 1
MAX_VERSIONS = 26  # one per letter, A to Z

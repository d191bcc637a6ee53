"""Terminal streams that never fail on a character they cannot encode.

A Windows console or redirected output may use an encoding such as cp1252 that lacks symbols the
tool prints ('→', '✓'). Instead of a UnicodeEncodeError, such a character is written as a plain
equivalent ('->', 'v'), or as its letters without accents, or as '?'.
"""

from __future__ import annotations

import codecs
import io
import sys
import unicodedata

ERRORS = "sciatica-quiz-plain"
PLAIN: dict[str, str] = {
    "→": "->", "←": "<-", "↔": "<->", "✓": "v", "✗": "x", "…": "...", "–": "-", "—": "--",
    "−": "-", "·": "-", "•": "*", "‘": "'", "’": "'", "“": '"', "”": '"', "≤": "<=", "≥": ">=",
    "×": "x", "°": " degrees", "±": "+/-", "½": "1/2",
}  # fmt: skip


def plain(error: UnicodeError) -> tuple[str, int]:
    """Return a replacement for characters the output encoding cannot write."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = []
    for ch in error.object[error.start : error.end]:
        replacement = PLAIN.get(ch)
        if replacement is None:
            replacement = "".join(c for c in unicodedata.normalize("NFKD", ch) if c.isascii()) or "?"
        out.append(replacement)
    return "".join(out), error.end


def configure_streams() -> None:
    """Make standard output and error write plain fallbacks, and input read any bytes."""
    codecs.register_error(ERRORS, plain)
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors=ERRORS)
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="replace")

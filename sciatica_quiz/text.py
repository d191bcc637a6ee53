"""Small pieces of wording shared by the command line and the exporters."""

from __future__ import annotations


def plural(n: int, word: str) -> str:
    """Return '1 bank' or '2 banks'."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def percent(x: int, n: int) -> int:
    """Return x/n as a whole percentage, halves rounded up (0 when n is 0)."""
    return (200 * x + n) // (2 * n) if n else 0

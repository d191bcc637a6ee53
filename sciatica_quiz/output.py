"""Write output files atomically: a temporary file beside the target, renamed into place."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from sciatica_quiz.errors import ExportError

STDOUT = "-"


def check_target(path: str | Path) -> Path:
    """Return the target as a Path, or raise ExportError when it cannot be written there."""
    try:
        return _check_target(Path(path))
    except OSError as exc:  # a name too long for the file system, say
        raise ExportError(f"{path}: cannot write there ({exc.strerror or exc})") from None


def _check_target(p: Path) -> Path:
    path = p
    if p.is_dir():
        raise ExportError(f"{path}: is a folder; give a file name inside it")
    parent = p.parent if str(p.parent) else Path(".")
    if parent.exists() and not parent.is_dir():
        raise ExportError(f"{path}: '{parent}' is a file, not a folder")
    if not parent.is_dir():
        raise ExportError(f"{path}: folder '{parent}' does not exist; create it first")
    if not os.access(parent, os.W_OK):
        raise ExportError(f"{path}: folder '{parent}' is not writable")
    return p


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces `path`, on any failure it is removed.

    For '-' the finished file is copied to standard output instead.
    """
    if str(path) == STDOUT:
        with tempfile.TemporaryDirectory() as work:
            tmp = Path(work) / "output"
            with _write_errors(path):
                yield tmp
            # Errors from here on (a closed pipe) are standard output's, which Click handles.
            with open(tmp, "rb") as f:
                shutil.copyfileobj(f, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        return
    target = check_target(path)
    with _write_errors(path):
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent or ".")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with _write_errors(path):
            yield tmp
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
            with open(tmp, "rb") as f:
                os.fsync(f.fileno())
            os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_failed(path: str | Path, reason: str) -> ExportError:
    """Return the error for an output that could not be written, e.g. because the disk is full."""
    if str(path) == STDOUT:
        return ExportError(f"writing the output failed ({reason})")
    return ExportError(f"{path}: writing failed ({reason}); any previous file is unchanged")


@contextlib.contextmanager
def _write_errors(path: str | Path) -> Iterator[None]:
    """Turn a failed write (disk full, file too large, permission) into an ExportError."""
    try:
        yield
    except OSError as exc:
        raise write_failed(path, exc.strerror or str(exc)) from None


@contextlib.contextmanager
def open_output(path: str | Path) -> Iterator[BinaryIO]:
    """Yield a binary stream for `path` ('-' is standard output), written atomically."""
    if str(path) == STDOUT:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        yield f

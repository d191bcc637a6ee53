"""A cache of parsed banks in the user cache folder, so an unchanged bank loads without parsing YAML.

An entry holds the model objects one file gave, pickled, and is written only for a file without
problems. Its key is a hash of the file's bytes, whether the file was read as a bank or a
bibliography, the package version, the cache format, the Python version and the loader's own
code; the key is stored inside the entry too and checked on every read, so an edited bank, a new
release or a changed loader never uses an old entry. A missing, unreadable, corrupt or mismatched
entry is ignored and the file is parsed again.

$SCIATICA_QUIZ_CACHE moves the cache folder; SCIATICA_QUIZ_CACHE=off turns the cache off. Entries
unpickle only what this package wrote into a folder only its user can write to, and the folder is
created private (0700).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sciatica_quiz import APP_NAME, __version__

ENV_CACHE = "SCIATICA_QUIZ_CACHE"

# Bump when the shape of what the loader stores changes.
FORMAT = 1
SUFFIX = ".pickle"
# Old entries (from edited banks) are removed, oldest first, beyond these limits.
MAX_ENTRIES = 64
MAX_BYTES = 512 * 1024 * 1024
# The modules whose code decides what an entry holds: an edited loader or model must not read
# entries an older one wrote, even in an editable install whose version number did not change.
_CODE = ("loader.py", "yamlread.py", "bankformat.py", "model.py", "cache.py")


def cache_dir() -> Path | None:
    """Return the cache folder: $SCIATICA_QUIZ_CACHE, else the user cache folder; None when off."""
    value = os.environ.get(ENV_CACHE, "").strip()
    if value.lower() == "off":
        return None
    if value:
        return Path(value).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def _code_stamp() -> bytes:
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in _CODE:
        with contextlib.suppress(OSError):
            digest.update((here / name).read_bytes())
    return digest.digest()


@dataclass(frozen=True)
class BankCache:
    """The entries in one cache folder, read and written by key."""

    folder: Path
    stamp: bytes

    @classmethod
    def open(cls) -> BankCache | None:
        """Return the configured cache, or None when it is turned off."""
        folder = cache_dir()
        if folder is None:
            return None
        return cls(folder / "banks", _code_stamp())

    def key(self, kind: str, data: bytes) -> str:
        """Return the key of a file's entry: its content, how it is read, and what reads it."""
        head = f"{FORMAT}\0{__version__}\0{sys.version_info[0]}.{sys.version_info[1]}\0{kind}\0"
        digest = hashlib.sha256(head.encode())
        digest.update(self.stamp)
        digest.update(hashlib.sha256(data).digest())
        return digest.hexdigest()

    def path(self, key: str) -> Path:
        """Return the file of the entry with this key."""
        return self.folder / (key[:40] + SUFFIX)

    def get(self, key: str) -> object | None:
        """Return the value stored under key, or None if there is no sound entry for it."""
        path = self.path(key)
        value: object
        try:
            with open(path, "rb") as f:
                stored_key, value = pickle.load(f)
        except Exception:  # missing, unreadable or corrupt: the file is parsed again, whatever went wrong
            return None
        if stored_key != key:
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used entries are the last to be pruned
        return value

    def put(self, key: str, value: object) -> None:
        """Store value under key, atomically; a cache that cannot be written is simply not used."""
        from sciatica_quiz.output import atomic_path  # only writing needs it, not every start-up

        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            with atomic_path(self.path(key)) as tmp:
                tmp.write_bytes(pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL))
            self._prune(keep=self.path(key))
        except Exception:  # a full disk or a read-only home must not stop anyone studying
            pass

    def _prune(self, keep: Path) -> None:
        """Remove the least recently used entries beyond MAX_ENTRIES or MAX_BYTES, and stale temporaries."""
        entries = []
        for path in self.folder.iterdir():
            with contextlib.suppress(OSError):
                st = path.stat()
                if path.suffix == SUFFIX:
                    entries.append((st.st_mtime, st.st_size, path))
                elif path.suffix == ".part" and st.st_mtime < time.time() - 3600:
                    path.unlink()  # left behind by a process that was killed while writing
        entries.sort(reverse=True)
        total = 0
        for count, (_, size, path) in enumerate(entries, start=1):
            total += size
            if path != keep and (count > MAX_ENTRIES or total > MAX_BYTES):
                with contextlib.suppress(OSError):
                    path.unlink()

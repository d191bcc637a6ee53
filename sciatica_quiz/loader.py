"""Load banks into a Library: find the files, read each one once, and check what spans files.

Reading one file is sciatica_quiz.yamlread's work; here the built-in banks and bibliography are
found, folders are listed, each file is read (or taken from the bank cache, sciatica_quiz.cache,
when its bytes are unchanged since it last loaded without problems), and what no single file can
check is checked: bank ids used twice, sources defined twice differently, citations of unknown
sources, and the strict rules.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from sciatica_quiz.cache import BankCache
from sciatica_quiz.errors import BankError, Problem
from sciatica_quiz.model import Bank, Library, MultipleAnswer, MultipleChoice, Source, did_you_mean
from sciatica_quiz.speed import collector_paused

MAX_FILE_BYTES = 64 * 1024 * 1024
BIBLIOGRAPHY_NAMES = ("sources.yaml", "sources.yml")
BANK_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Citation:
    """One source id cited by a question, with the line it is written on."""

    question: str
    line: int
    source: str


@dataclass
class FileRead:
    """What one file gave: the bank (None when it has problems, or for a bibliography), its sources,
    the line of each top-level key, the source ids it defines (even broken ones) with their lines,
    and every citation its questions make (even broken questions'). This is what the cache stores.
    """

    bank: Bank | None
    lines: dict[str, int]
    sources: list[Source]
    citations: list[Citation] = field(default_factory=list)
    declared: dict[str, int] = field(default_factory=dict)


def builtin_decks_dir() -> Path:
    """Return the folder of built-in banks: inside an installed wheel or a source checkout."""
    pkg = Path(__file__).resolve().parent
    for candidate in (pkg / "_decks", pkg.parent / "decks"):
        if candidate.is_dir():
            return candidate
    raise BankError([Problem(str(pkg), 0, "the built-in banks are missing from this installation")])


def display_path(path: Path) -> str:
    """Return a path as the user would write it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read_file(
    path: Path, shown: str, problems: list[Problem], cache: BankCache | None, builtin: bool
) -> FileRead | None:
    """Read one bank or bibliography file: from the cache when its bytes are unchanged, else parse it.

    Only a file without problems is cached, so every problem is found and reported as before.
    """
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(Problem(shown, 0, f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}"))
            return None
        data = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(shown, 0, f"cannot read file: {exc.strerror or exc}"))
        return None
    bibliography = _is_bibliography(path)
    key = cache.key("bibliography" if bibliography else "bank", data) if cache else ""
    cached = cache.get(key) if cache else None
    if isinstance(cached, FileRead):
        if cached.bank is not None:  # shown relative to today's folder; built-in or not by where it is
            cached.bank = dataclasses.replace(cached.bank, path=shown, builtin=builtin)
        return cached
    from sciatica_quiz import yamlread  # only when a file has to be parsed: see the module's docstring

    r = yamlread.FileReader(shown)
    read = yamlread.parse_file(r, data, bibliography, builtin)
    problems.extend(r.all_problems())
    if cache and read is not None and not r.problems and (bibliography or read.bank is not None):
        cache.put(key, read)
    return read


def _is_bibliography(path: Path) -> bool:
    return path.name.lower() in BIBLIOGRAPHY_NAMES


def _is_bank_file(path: Path) -> bool:
    return path.suffix.lower() in BANK_SUFFIXES and path.is_file()


def expand_paths(paths: Iterable[Path | str], problems: list[Problem]) -> list[Path]:
    """Return the YAML files named by paths (folders give their .yaml / .yml files, sorted).

    A file named on its own is read whatever its name; a folder without any bank file, or a path
    that is not a file or a folder, is a problem.
    """
    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        try:
            if p.is_dir():
                found = sorted(f for f in p.iterdir() if _is_bank_file(f))
                if not any(not _is_bibliography(f) for f in found):
                    problems.append(Problem(str(raw), 0, "folder has no bank files (.yaml or .yml)"))
                files.extend(found)
            elif p.is_file():
                files.append(p)
            elif p.exists():
                problems.append(Problem(str(raw), 0, "is not a regular file or a folder"))
            else:
                problems.append(Problem(str(raw), 0, "no such file or folder"))
        except OSError as exc:  # a name too long, a folder that may not be listed, ...
            problems.append(Problem(str(raw), 0, f"cannot be read: {exc.strerror or exc}"))
    unique: dict[Path, Path] = {}
    for f in files:
        unique.setdefault(f.resolve(), f)
    return list(unique.values())


def load_library(paths: Sequence[Path | str] = (), *, builtin: bool = True, strict: bool = False) -> Library:
    """Load banks and bibliographies (built-in ones first, then `paths`) into a Library.

    The built-in bibliography is always loaded, so any bank may cite its sources; `builtin=False`
    leaves out only the built-in banks. `strict` also requires what the built-in banks promise:
    a source on every question.

    Files whose bytes have not changed since they last loaded without problems come from the
    bank cache (see sciatica_quiz.cache); the result and every error are the same either way.

    Raises BankError listing every problem found, sorted by file and line.
    """
    with collector_paused():
        return _load_library(paths, builtin, strict)


def _load_library(paths: Sequence[Path | str], builtin: bool, strict: bool) -> Library:
    problems: list[Problem] = []
    builtin_dir = builtin_decks_dir()
    roots: list[Path | str] = [builtin_dir] if builtin else list(builtin_bibliography())
    files = expand_paths(roots, problems)
    extra = expand_paths(paths, problems)
    if paths and not problems and not any(not _is_bibliography(f) for f in extra):
        problems.append(Problem(", ".join(str(p) for p in paths), 0, "no bank file among these paths"))
    files += extra
    cache = BankCache.open()
    bibliography: dict[str, Source] = {}
    where: dict[str, str] = {}
    reads: list[tuple[str, FileRead]] = []
    declared: set[str] = set()
    builtin_root = builtin_dir.resolve()
    for path in sorted(files, key=lambda f: not _is_bibliography(f)):
        shown = display_path(path)
        read = _read_file(path, shown, problems, cache, path.resolve().parent == builtin_root)
        if read is None:
            continue
        declared |= set(read.declared)
        for src in read.sources:
            _add_source(bibliography, where, src, (shown, read.declared.get(src.id, 0)), problems)
        if not _is_bibliography(path):
            reads.append((shown, read))
    bank_paths: dict[str, str] = {}
    for shown, read in reads:
        bank = read.bank
        if bank is not None and bank.id in bank_paths:
            line = read.lines.get("id", 1)
            problems.append(
                Problem(shown, line, f"bank id '{bank.id}' is already used by {bank_paths[bank.id]}")
            )
        elif bank is not None:
            bank_paths[bank.id] = shown
        problems.extend(_unknown_sources(shown, read.citations, bibliography, declared))
        if strict and bank is not None:
            problems.extend(_strict_problems(shown, bank))
    if problems:
        raise BankError(problems)
    banks = tuple(read.bank for _, read in reads if read.bank is not None)
    return Library(banks=banks, sources=MappingProxyType(bibliography))


def _strict_problems(path: str, bank: Bank) -> Iterator[Problem]:
    """Report what strict checking asks beyond the format: a source on every question, and a `why`
    on every wrong choice (what the built-in banks promise)."""
    for q in bank.questions:
        if not q.sources:
            yield Problem(
                path, q.line, f"question '{q.id}': has no sources; strict checking needs at least one"
            )
        if isinstance(q, MultipleChoice | MultipleAnswer):
            for c in q.choices:
                if not c.correct and not c.why:
                    message = (
                        f"question '{q.id}': wrong choice {c.text!r} has no 'why'; strict checking needs one"
                    )
                    yield Problem(path, q.line, message)


def _unknown_sources(
    path: str, citations: list[Citation], bibliography: dict[str, Source], declared: set[str]
) -> Iterator[Problem]:
    """Report citations of ids no file defines (a broken definition is reported where it stands)."""
    for c in citations:
        if c.source not in bibliography and c.source not in declared:
            hint = did_you_mean(c.source, bibliography)
            yield Problem(path, c.line, f"question '{c.question}': unknown source '{c.source}'{hint}")


def _add_source(
    bibliography: dict[str, Source],
    where: dict[str, str],
    src: Source,
    place: tuple[str, int],
    problems: list[Problem],
) -> None:
    path, line = place
    old = bibliography.get(src.id)
    if old is not None and old != src:
        problems.append(
            Problem(path, line, f"source '{src.id}' is already defined differently in {where[src.id]}")
        )
        return
    bibliography[src.id] = src
    where.setdefault(src.id, f"{path}:{line}" if line else path)


def builtin_bibliography() -> list[Path]:
    """Return the built-in bibliography file(s)."""
    return [p for p in (builtin_decks_dir() / n for n in BIBLIOGRAPHY_NAMES) if p.is_file()]


def load_bank(path: Path | str) -> Bank:
    """Load one bank file on its own; it may cite its own sources and the built-in bibliography."""
    library = load_library([path], builtin=False)
    if len(library.banks) != 1:
        raise BankError([Problem(str(path), 0, "expected exactly one bank file")])
    return library.banks[0]

"""Load YAML banks into model objects, checking everything once, with file and line in every error.

The loader walks PyYAML's node graph (composed by libyaml) instead of constructing Python objects,
so it keeps every line number, catches duplicate keys, never runs YAML tags and never expands
aliases: an "alias bomb" costs nothing because nothing is copied.

A file without problems is kept, parsed, in the bank cache (sciatica_quiz.cache), keyed by its
bytes: loading it again unpickles the model objects instead of parsing YAML.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import gc
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NoReturn

from sciatica_quiz.cache import BankCache
from sciatica_quiz.errors import BankError, Problem
from sciatica_quiz.model import Bank, InvalidModel, Library, Question, QuestionType, Source

if TYPE_CHECKING:
    import yaml

MAX_FILE_BYTES = 64 * 1024 * 1024
# About 1.2 GB of memory at most while composing; a 100,000-question bank is about 2.2 million.
MAX_YAML_ITEMS = 4_000_000
MAX_PROBLEMS_PER_FILE = 100
BIBLIOGRAPHY_NAMES = ("sources.yaml", "sources.yml")
BANK_SUFFIXES = (".yaml", ".yml")

BANK_KEYS = ("id", "title", "topic", "description", "revised", "sources", "questions")
QUESTION_KEYS = (
    "id", "type", "case", "prompt", "choices", "answer", "text",
    "explanation", "sources", "difficulty", "tags", "revised",
)  # fmt: skip
SOURCE_KEYS = ("id", "title", "authors", "publisher", "year", "url", "note")
BIBLIOGRAPHY_KEYS = ("sources",)

_T = "tag:yaml.org,2002:"
_TEXT_TAGS = {_T + "str", _T + "int", _T + "float", _T + "bool"}
_SCALAR_TAGS = _TEXT_TAGS | {_T + "null", _T + "timestamp"}
_CHOICE_TYPES = (QuestionType.MULTIPLE_CHOICE, QuestionType.MULTIPLE_ANSWER)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
# C0 controls except tab and newline, DEL and C1 controls: they could drive a terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BOOL_WORDS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


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


class _Stop(Exception):
    """Abandon the current item; its problem is already recorded."""


def line_of(node: yaml.Node) -> int:
    """Return the 1-based line where a node starts."""
    return int(node.start_mark.line) + 1


@dataclass
class _FileReader:
    """Reads one YAML file and collects its problems, each with a line number."""

    path: str
    problems: list[Problem] = field(default_factory=list)
    prefix: str = ""
    not_shown: int = 0
    # Source ids this file defines, even broken ones: their citations are not reported again.
    declared: set[str] = field(default_factory=set)

    def fail(self, where: yaml.Node | int, message: str) -> NoReturn:
        self.note(where, message)
        raise _Stop

    def note(self, where: yaml.Node | int, message: str) -> None:
        if len(self.problems) >= MAX_PROBLEMS_PER_FILE:
            self.not_shown += 1  # a file of thousands of mistakes needs its first ones fixed first
            return
        line = where if isinstance(where, int) else line_of(where)
        self.problems.append(Problem(self.path, line, self.prefix + message))

    def all_problems(self) -> list[Problem]:
        """Return the problems found, with a note of how many more were not listed."""
        if not self.not_shown:
            return self.problems
        more = f"{self.not_shown:,} more problems not shown; fix the first {MAX_PROBLEMS_PER_FILE} and run again"
        return [*self.problems, Problem(self.path, 0, more)]

    def compose(self, data: bytes) -> yaml.Node | None:
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            self.fail(line, f"file is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8")
        if not text.strip():
            self.fail(1, "file is empty; a bank needs id, title, topic and questions")
        # Memory while composing grows with the number of YAML items, not bytes: a file of tiny
        # items ('[a,a,a,...]') costs ~150x its size. Estimate the items cheaply and refuse early.
        items = 2 * data.count(b"\n") + data.count(b",")
        if items > MAX_YAML_ITEMS:
            self.fail(0, f"file has about {items:,} YAML items; the limit is {MAX_YAML_ITEMS:,} (split it into several banks)")
        try:
            node = yaml.compose(text, Loader=_yaml_loader())
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = int(mark.line) + 1 if mark is not None else 1
            what = exc.problem or exc.context or "invalid YAML"
            if exc.context and exc.context.startswith("expected"):
                what = f"{exc.context.removesuffix(' in the stream')}, {what}"
            lines = text.splitlines()
            if line <= len(lines) and "\t" in lines[line - 1]:
                what += " (a tab: indent with spaces, not tabs)"
            self.fail(line, f"YAML syntax error: {what}")
        except yaml.YAMLError as exc:  # pragma: no cover - unmarked libyaml errors
            self.fail(1, f"YAML error: {exc}")
        except RecursionError:  # pragma: no cover - only without libyaml
            self.fail(1, "YAML is nested too deeply")
        if node is None:
            self.fail(1, "file is empty; a bank needs id, title, topic and questions")
        return node

    # -- node accessors -------------------------------------------------------------------

    def check_tag(self, node: yaml.Node) -> None:
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in _SCALAR_TAGS:
                self.fail(node, f"unsupported YAML tag {node.tag!r}; write plain values")
        elif isinstance(node, yaml.MappingNode):
            if node.tag != _T + "map":
                self.fail(node, f"unsupported YAML tag {node.tag!r}; write a plain mapping")
        elif node.tag != _T + "seq":
            self.fail(node, f"unsupported YAML tag {node.tag!r}; write a plain list")

    def mapping(
        self, node: yaml.Node, what: str, allowed: Sequence[str]
    ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """Return key -> (key node, value node), reporting duplicate and unknown keys."""
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must be a mapping of keys to values")
        self.check_tag(node)
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _TEXT_TAGS:
                if key_node.tag == _T + "merge":
                    self.note(key_node, "merge keys ('<<') are not supported; write keys out")
                else:
                    self.note(key_node, f"{what} has a key that is not plain text")
                continue
            key = str(key_node.value)
            if key in out:
                first = line_of(out[key][0])
                self.note(key_node, f"duplicate key '{key}' (first given on line {first})")
                continue
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.note(key_node, f"unknown key '{key}'{hint}; allowed: {', '.join(allowed)}")
                continue
            out[key] = (key_node, value_node)
        return out

    def text(self, node: yaml.Node, what: str) -> str:
        """Return a scalar's text exactly as written (so `yes` stays 'yes'), stripped."""
        self.check_tag(node)
        if not isinstance(node, yaml.ScalarNode):
            kind = "list" if isinstance(node, yaml.SequenceNode) else "mapping"
            self.fail(node, f"'{what}' must be text, not a {kind}")
        value = str(node.value).strip()
        if node.tag == _T + "null" or not value:
            self.fail(node, f"'{what}' is empty")
        bad = _CONTROL.search(value)
        if bad:
            self.fail(node, f"'{what}' contains a control character (U+{ord(bad.group()):04X}); remove it")
        return value

    def texts(self, node: yaml.Node, what: str, allow_single: bool = False) -> tuple[str, ...]:
        if isinstance(node, yaml.ScalarNode) and allow_single:
            return (self.text(node, what),)
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, f"'{what}' must be a list, e.g. {what}: [a, b]")
        self.check_tag(node)
        return tuple(self.text(item, what) for item in node.value)

    def integer(self, node: yaml.Node, what: str) -> int:
        if not isinstance(node, yaml.ScalarNode) or node.tag != _T + "int":
            self.fail(node, f"'{what}' must be a whole number")
        try:
            return int(str(node.value).replace("_", ""), 0)
        except ValueError:
            self.fail(node, f"'{what}' must be a whole number")

    def day(self, node: yaml.Node, what: str) -> date:
        value = self.text(node, what)
        try:
            if not _ISO_DATE.match(value):
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            self.fail(node, f"'{what}' must be a date like 2026-11-24, not {value!r}")

    def boolean(self, node: yaml.Node, what: str) -> bool:
        if isinstance(node, yaml.ScalarNode) and node.tag in (_T + "bool", _T + "str"):
            word = str(node.value).strip().lower()
            if word in _BOOL_WORDS:
                return _BOOL_WORDS[word]
        self.fail(node, f"'{what}' must be true or false")


# -- banks ---------------------------------------------------------------------------------


def _read_source(r: _FileReader, node: yaml.Node) -> Source | None:
    r.prefix = ""
    try:
        keys = r.mapping(node, "a source", SOURCE_KEYS)
        for need in ("id", "title"):
            if need not in keys:
                r.fail(node, f"source is missing '{need}'")
        sid = r.text(keys["id"][1], "id")
        r.declared.add(sid)
        r.prefix = f"source '{sid}': "
        fields: dict[str, str | int | None] = {}
        for key in ("title", "authors", "publisher", "url", "note"):
            if key in keys:
                fields[key] = r.text(keys[key][1], key)
        if "year" in keys:
            fields["year"] = r.integer(keys["year"][1], "year")
        try:
            return Source(id=sid, **fields)  # type: ignore[arg-type]
        except InvalidModel as exc:
            for key, msg in exc.problems:
                r.note(keys[key][1] if key in keys else node, msg)
            return None
    except _Stop:
        return None
    finally:
        r.prefix = ""


def _read_sources(r: _FileReader, node: yaml.Node) -> list[Source]:
    if not isinstance(node, yaml.SequenceNode):
        r.note(node, "'sources' must be a list of source entries")
        return []
    out: list[Source] = []
    seen: dict[str, int] = {}
    for item in node.value:
        src = _read_source(r, item)
        if src is None:
            continue
        if src.id in seen:
            r.note(item, f"source id '{src.id}' is used twice (first on line {seen[src.id]})")
            continue
        seen[src.id] = line_of(item)
        out.append(src)
    return out


_SHAPE_KEYS: dict[str, tuple[QuestionType, ...]] = {
    "choices": _CHOICE_TYPES,
    "text": (QuestionType.CLOZE,),
}


def _read_question(
    r: _FileReader, node: yaml.Node, index: int, bank_id: str, topic: str, revised: date | None
) -> Question | None:
    r.prefix = f"question {_peek_id(node) or index}: "
    try:
        keys = r.mapping(node, "a question", QUESTION_KEYS)
        if "id" not in keys:
            r.fail(node, "missing 'id'")
        qid = r.text(keys["id"][1], "id")
        r.prefix = f"question '{qid}': "
        if "type" not in keys:
            r.fail(node, "missing 'type' (one of: " + ", ".join(t.value for t in QuestionType) + ")")
        type_text = r.text(keys["type"][1], "type")
        try:
            qtype = QuestionType(type_text)
        except ValueError:
            names = [t.value for t in QuestionType]
            close = difflib.get_close_matches(type_text, names, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            r.fail(keys["type"][1], f"unknown type '{type_text}'{hint}; use one of: {', '.join(names)}")
        required = ["explanation", "sources"]
        if qtype is not QuestionType.CLOZE:
            required += ["prompt", "answer"]
        else:
            required.append("text")
        if qtype in _CHOICE_TYPES:
            required.append("choices")
        missing = [k for k in required if k not in keys]
        if missing:
            r.fail(node, "missing " + ", ".join(f"'{k}'" for k in missing))
        for key, types in _SHAPE_KEYS.items():
            if key in keys and qtype not in types:
                allowed = " and ".join(t.value for t in types)
                r.fail(keys[key][0], f"'{key}' is only for {allowed} questions")
        if qtype is QuestionType.CLOZE and "answer" in keys:
            r.fail(
                keys["answer"][0],
                "cloze answers come from the {{c1::...}} deletions in 'text'; remove 'answer'",
            )

        fields: dict[str, object] = {}
        for key in ("prompt", "explanation", "case", "text"):
            if key in keys:
                fields[key] = r.text(keys[key][1], key)
        fields.setdefault("prompt", "")
        fields["sources"] = r.texts(keys["sources"][1], "sources")
        if "tags" in keys:
            fields["tags"] = r.texts(keys["tags"][1], "tags")
        if "difficulty" in keys:
            fields["difficulty"] = r.integer(keys["difficulty"][1], "difficulty")
        fields["revised"] = r.day(keys["revised"][1], "revised") if "revised" in keys else revised
        if "choices" in keys:
            fields["choices"] = r.texts(keys["choices"][1], "choices")
        if "answer" in keys:
            fields.update(_read_answer(r, qtype, keys["answer"][1]))
        try:
            return Question(
                bank=bank_id,
                id=qid,
                topic=topic,
                type=qtype,
                line=line_of(node),
                **fields,  # type: ignore[arg-type]
            )
        except InvalidModel as exc:
            for key, msg in exc.problems:
                where = keys.get("answer" if key in ("correct", "truth", "accepted", "pairs") else key)
                r.note(where[1] if where else node, msg)
            return None
    except _Stop:
        return None
    finally:
        r.prefix = ""


def _peek_id(node: yaml.Node) -> str | None:
    """Return a question's id as written, for messages about the question before it is read."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if getattr(key, "value", None) == "id" and isinstance(value, yaml.ScalarNode):
                return f"'{value.value}'" if value.value else None
    return None


def _read_answer(r: _FileReader, qtype: QuestionType, node: yaml.Node) -> dict[str, object]:
    if qtype is QuestionType.MULTIPLE_CHOICE:
        if isinstance(node, yaml.SequenceNode):
            r.fail(node, "multiple_choice takes one answer (use multiple_answer for several)")
        return {"correct": (r.text(node, "answer"),)}
    if qtype is QuestionType.MULTIPLE_ANSWER:
        return {"correct": r.texts(node, "answer", allow_single=True)}
    if qtype is QuestionType.TRUE_FALSE:
        return {"truth": r.boolean(node, "answer")}
    if qtype is QuestionType.SHORT_ANSWER:
        return {"accepted": r.texts(node, "answer", allow_single=True)}
    # matching
    if not isinstance(node, yaml.MappingNode):
        r.fail(node, "matching answer must be a mapping of left item: right item")
    r.check_tag(node)
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    for key_node, value_node in node.value:
        left = r.text(key_node, "answer")
        if left in seen:
            r.fail(key_node, f"duplicate key '{left}' in matching answer")
        seen.add(left)
        pairs.append((left, r.text(value_node, "answer")))
    return {"pairs": tuple(pairs)}


@dataclass
class _BankRead:
    """What one file gave: the bank (None when it has problems, or for a bibliography), the parts
    that parsed, and the source ids it defines, even broken ones. This is what the cache stores.
    """

    bank: Bank | None
    lines: dict[str, int]
    sources: list[Source]
    questions: list[Question]
    declared: set[str] = field(default_factory=set)


def _read_bank(r: _FileReader, root: yaml.Node) -> _BankRead:
    try:
        keys = r.mapping(root, "a bank file", BANK_KEYS)
    except _Stop:
        return _BankRead(None, {}, [], [])
    lines = {k: line_of(kn) for k, (kn, _) in keys.items()}
    missing = [k for k in ("id", "title", "topic", "questions") if k not in keys]
    if missing:
        r.note(root, "bank is missing " + ", ".join(f"'{k}'" for k in missing))
    head: dict[str, object] = {}
    for key in ("id", "title", "topic", "description"):
        if key in keys:
            with contextlib.suppress(_Stop):
                head[key] = r.text(keys[key][1], key)
    revised = None
    if "revised" in keys:
        with contextlib.suppress(_Stop):
            revised = r.day(keys["revised"][1], "revised")
    sources = _read_sources(r, keys["sources"][1]) if "sources" in keys else []
    questions: list[Question] = []
    ok = not missing and len(head) >= 3
    if "questions" in keys:
        qnode = keys["questions"][1]
        if not isinstance(qnode, yaml.SequenceNode) or not qnode.value:
            r.note(qnode, "'questions' must be a non-empty list of questions")
            ok = False
        else:
            seen: dict[str, int] = {}
            for i, item in enumerate(qnode.value, start=1):
                q = _read_question(
                    r, item, i, str(head.get("id", "")) or "bank", str(head.get("topic", "")), revised
                )
                if q is None:
                    ok = False
                    continue
                if q.id in seen:
                    r.note(item, f"question '{q.id}': id is used twice (first on line {seen[q.id]})")
                    ok = False
                    continue
                seen[q.id] = q.line
                questions.append(q)
    if not ok or r.problems:
        return _BankRead(None, lines, sources, questions)
    try:
        bank = Bank(
            id=str(head["id"]), title=str(head["title"]), topic=str(head["topic"]),
            questions=tuple(questions), description=head.get("description"),  # type: ignore[arg-type]
            revised=revised, sources=tuple(sources), path=r.path,
        )  # fmt: skip
    except InvalidModel as exc:
        for key, msg in exc.problems:
            r.note(lines.get(key, 1), msg)
        return _BankRead(None, lines, sources, questions)
    return _BankRead(bank, lines, sources, questions)


# -- files and folders ---------------------------------------------------------------------


def _read_file(path: Path, shown: str, problems: list[Problem], cache: BankCache | None) -> _BankRead | None:
    """Read one bank or bibliography file: from the cache when its bytes are unchanged, else parse it.

    Only a file without problems is cached, so every problem is found and reported as before.
    """
    r = _FileReader(shown)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            r.fail(0, f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
        data = path.read_bytes()
    except _Stop:
        problems.extend(r.all_problems())
        return None
    except OSError as exc:
        problems.append(Problem(shown, 0, f"cannot read file: {exc.strerror or exc}"))
        return None
    bibliography = _is_bibliography(path)
    key = cache.key("bibliography" if bibliography else "bank", data) if cache else ""
    cached = cache.get(key) if cache else None
    if isinstance(cached, _BankRead):
        if cached.bank is not None:
            cached.bank = dataclasses.replace(cached.bank, path=shown)  # shown relative to today's folder
        return cached
    read = _parse_file(r, data, bibliography)
    problems.extend(r.all_problems())
    if cache and read is not None and not r.problems and (bibliography or read.bank is not None):
        cache.put(key, read)
    return read


def _parse_file(r: _FileReader, data: bytes, bibliography: bool) -> _BankRead | None:
    _import_yaml()
    try:
        root = r.compose(data)
    except _Stop:
        return None
    assert root is not None
    if bibliography:
        sources: list[Source] = []
        with contextlib.suppress(_Stop):
            keys = r.mapping(root, "a bibliography file", BIBLIOGRAPHY_KEYS)
            if "sources" not in keys:
                r.fail(root, "bibliography file needs a 'sources' list")
            sources = _read_sources(r, keys["sources"][1])
        return _BankRead(None, {}, sources, [], r.declared)
    read = _read_bank(r, root)
    read.declared = r.declared
    return read


def _import_yaml() -> None:
    """Import PyYAML on the first file that needs parsing: when every bank comes from the cache,
    importing it would be a good share of the whole run."""
    global yaml
    import yaml


def _yaml_loader() -> Any:
    """Return libyaml's safe loader, or PyYAML's own when it was built without libyaml."""
    return getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader


def _is_bibliography(path: Path) -> bool:
    return path.name in BIBLIOGRAPHY_NAMES


def expand_paths(paths: Iterable[Path | str], problems: list[Problem]) -> list[Path]:
    """Return the YAML files named by paths (folders give their *.yaml / *.yml files, sorted)."""
    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files.extend(sorted(f for f in p.iterdir() if f.suffix in BANK_SUFFIXES and f.is_file()))
        elif p.is_file():
            files.append(p)
        else:
            problems.append(Problem(str(raw), 0, "no such file or folder"))
    unique: dict[Path, Path] = {}
    for f in files:
        unique.setdefault(f.resolve(), f)
    return list(unique.values())


def load_library(paths: Sequence[Path | str] = (), *, builtin: bool = True) -> Library:
    """Load banks and bibliographies (built-in ones first, then `paths`) into a Library.

    The built-in bibliography is always loaded, so any bank may cite its sources; `builtin=False`
    leaves out only the built-in banks.

    Files whose bytes have not changed since they last loaded without problems come from the
    bank cache (see sciatica_quiz.cache); the result and every error are the same either way.

    Raises BankError listing every problem found, sorted by file and line.
    """
    with collector_paused():
        return _load_library(paths, builtin)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while building many objects that form no cycles.

    Each object made counts towards the next collection, and every full collection walks all
    the objects already made: on a 10,000-question bank that repeated walking cost as much as
    parsing the YAML. Objects are still freed by reference counting meanwhile.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load_library(paths: Sequence[Path | str], builtin: bool) -> Library:
    problems: list[Problem] = []
    roots: list[Path | str] = [builtin_decks_dir()] if builtin else list(builtin_bibliography())
    roots += list(paths)
    files = expand_paths(roots, problems)
    cache = BankCache.open()
    bibliography: dict[str, Source] = {}
    where: dict[str, str] = {}
    reads: list[tuple[str, _BankRead]] = []
    declared: set[str] = set()
    for path in sorted(files, key=lambda f: not _is_bibliography(f)):
        shown = display_path(path)
        read = _read_file(path, shown, problems, cache)
        if read is None:
            continue
        declared |= read.declared
        for src in read.sources:
            _add_source(bibliography, where, src, shown, problems)
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
        problems.extend(_unknown_sources(shown, read.questions, bibliography, declared))
    if problems:
        raise BankError(problems)
    banks = tuple(read.bank for _, read in reads if read.bank is not None)
    return Library(banks=banks, sources=MappingProxyType(bibliography))


def _unknown_sources(
    path: str, questions: list[Question], bibliography: dict[str, Source], declared: set[str]
) -> Iterator[Problem]:
    """Report citations of ids no file defines (a broken definition is reported where it stands)."""
    for q in questions:
        for sid in q.sources:
            if sid not in bibliography and sid not in declared:
                close = difflib.get_close_matches(sid, list(bibliography), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                yield Problem(path, q.line, f"question '{q.id}': unknown source '{sid}'{hint}")


def _add_source(
    bibliography: dict[str, Source], where: dict[str, str], src: Source, path: str, problems: list[Problem]
) -> None:
    old = bibliography.get(src.id)
    if old is not None and old != src:
        problems.append(
            Problem(path, 0, f"source '{src.id}' is already defined differently in {where[src.id]}")
        )
        return
    bibliography[src.id] = src
    where.setdefault(src.id, path)


def builtin_bibliography() -> list[Path]:
    """Return the built-in bibliography file(s)."""
    return [p for p in (builtin_decks_dir() / n for n in BIBLIOGRAPHY_NAMES) if p.is_file()]


def load_bank(path: Path | str) -> Bank:
    """Load one bank file on its own; it may cite its own sources and the built-in bibliography."""
    library = load_library([path], builtin=False)
    if len(library.banks) != 1:
        raise BankError([Problem(str(path), 0, "expected exactly one bank file")])
    return library.banks[0]

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
import functools
import gc
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType, SimpleNamespace
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from sciatica_quiz.cache import BankCache
from sciatica_quiz.errors import BankError, Problem
from sciatica_quiz.model import (
    Bank,
    InvalidModel,
    Library,
    Question,
    QuestionType,
    Source,
    _question_problems,
    did_you_mean,
)

if TYPE_CHECKING:
    import yaml

T = TypeVar("T")
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


_CURLY_QUOTES = "“”‘’„«»"
_VALUE_WITH_COLON = re.compile(r"^\s*(?:-\s+)?[\w-]+:\s+[^'\"\s].*:(?:\s|$)")


def syntax_hint(problem: str, line: str, opened: int) -> str:
    """Return what to fix for one of libyaml's syntax errors, in the words of someone writing a bank.

    `line` is the text of the line the error is reported on; `opened` is the line where the
    construct being read began (an unclosed quote or bracket).
    """
    if "\t" in line:
        return "a tab: indent with spaces, not tabs"
    if any(q in line for q in _CURLY_QUOTES):
        return "curly quotes are not YAML quotes: use straight quotes \" or '"
    if problem.startswith("mapping values are not allowed"):
        if _VALUE_WITH_COLON.match(line):
            return "a value containing ': ' must be quoted, e.g. title: \"Class 3: review\""
        return "this line is indented more than the keys above it; line it up with them"
    if problem.startswith("did not find expected '-' indicator"):
        return "each list item starts with '- ' lined up with the items before it; check this line's indentation"
    if problem.startswith("did not find expected key"):
        if line.lstrip().startswith("- "):
            return "this list item is not lined up with the '- ' items before it"
        return "this line is not lined up with the keys above it; check its indentation"
    if problem.startswith("found unexpected end of stream"):
        return f"a quote opened on line {opened} is never closed"
    if problem.startswith("did not find expected ',' or ']'"):
        return f"a [ list opened on line {opened} is not closed with ]"
    if problem.startswith("did not find expected ',' or '}'"):
        return f"a {{ mapping opened on line {opened} is not closed with }}"
    if problem.startswith("could not find expected ':'"):
        return "a key needs ': ' after it; quote text that runs over several lines"
    if problem.startswith("found character that cannot start any token"):
        return "quote a value that starts with @, ` or %"
    return ""


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
    # Source ids this file defines, even broken ones (their citations are not reported again),
    # with the line of each definition.
    declared: dict[str, int] = field(default_factory=dict)

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
            here = lines[line - 1] if line <= len(lines) else ""
            opened = int(exc.context_mark.line) + 1 if exc.context_mark is not None else line
            hint = syntax_hint(str(exc.problem or ""), here, opened)
            self.fail(line, f"YAML syntax error: {what}" + (f" ({hint})" if hint else ""))
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
        """Return a YAML true or false; 'yes', 'on' or a quoted "true" are refused, as the schema does."""
        if isinstance(node, yaml.ScalarNode) and node.tag == _T + "bool":
            word = str(node.value).strip().lower()
            if word in ("true", "false"):
                return word == "true"
        shown = f" (not {str(node.value).strip()!r})" if isinstance(node, yaml.ScalarNode) and node.value else ""
        self.fail(node, f"'{what}' must be true or false{shown}")

    def count(self) -> int:
        """Return how many problems were found so far, listed or not."""
        return len(self.problems) + self.not_shown


# -- banks ---------------------------------------------------------------------------------


def _read_source(r: _FileReader, node: yaml.Node) -> Source | None:
    r.prefix = ""
    try:
        keys = r.mapping(node, "a source", SOURCE_KEYS)
        for need in ("id", "title"):
            if need not in keys:
                r.fail(node, f"source is missing '{need}'")
        sid = r.text(keys["id"][1], "id")
        r.declared.setdefault(sid, line_of(node))
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
# Model rule names that concern the `answer` key of the YAML.
_ANSWER_FIELDS = ("correct", "truth", "accepted", "pairs")


@dataclass(frozen=True)
class _Citation:
    """One source id cited by a question, with the line it is written on."""

    question: str
    line: int
    source: str


def _read_question(
    r: _FileReader,
    node: yaml.Node,
    index: int,
    bank: tuple[str, str, date | None],
    citations: list[_Citation],
) -> Question | None:
    """Read one question, reporting every problem in it, not only the first.

    A key that is missing or unreadable is reported once; the rules of the question's kind are
    still checked on everything else, so one run lists all that needs fixing.
    """
    bank_id, topic, revised = bank
    r.prefix = f"question {_peek_id(node) or index}: "
    try:
        return _read_question_fields(r, node, bank_id, topic, revised, citations)
    except _Stop:
        return None
    finally:
        r.prefix = ""


def _read_question_fields(
    r: _FileReader,
    node: yaml.Node,
    bank_id: str,
    topic: str,
    revised: date | None,
    citations: list[_Citation],
) -> Question | None:
    keys = r.mapping(node, "a question", QUESTION_KEYS)
    before = r.count()
    failed: set[str] = set()  # keys already reported: the model's rules are not reported again

    def read(key: str, reader: Callable[[yaml.Node], T]) -> T | None:
        try:
            return reader(keys[key][1])
        except _Stop:
            failed.add(key)
            return None

    qid = read("id", lambda n: r.text(n, "id")) if "id" in keys else None
    if qid is not None:
        r.prefix = f"question '{qid}': "
    elif "id" not in keys:
        r.note(node, "missing 'id'")
    qtype = read("type", lambda n: _read_type(r, n)) if "type" in keys else None
    if "type" not in keys:
        r.note(node, "missing 'type' (one of: " + ", ".join(t.value for t in QuestionType) + ")")
    failed.update(k for k in ("id", "type") if k not in keys)

    required = ["explanation"]
    if qtype is QuestionType.CLOZE:
        required.append("text")
    elif qtype is not None:
        required += ["prompt", "answer"]
    if qtype in _CHOICE_TYPES:
        required.append("choices")
    missing = [k for k in required if k not in keys]
    if missing:
        r.note(node, "missing " + ", ".join(f"'{k}'" for k in missing))
        failed.update(missing)
    if qtype is not None:
        for key, types in _SHAPE_KEYS.items():
            if key in keys and qtype not in types:
                allowed = " and ".join(t.value for t in types)
                r.note(keys[key][0], f"'{key}' is only for {allowed} questions")
                failed.add(key)
        if qtype is QuestionType.CLOZE and "answer" in keys:
            r.note(keys["answer"][0], "cloze answers come from the {{c1::...}} deletions in 'text'; remove 'answer'")
            failed.add("answer")

    fields: dict[str, object] = {}
    for key in ("prompt", "explanation", "case", "text"):
        if key in keys and key not in failed:
            fields[key] = read(key, functools.partial(r.text, what=key))
    if "sources" in keys:
        fields["sources"] = read("sources", lambda n: _read_citations(r, n, qid or "", citations))
    if "tags" in keys:
        fields["tags"] = read("tags", lambda n: r.texts(n, "tags"))
    if "difficulty" in keys:
        fields["difficulty"] = read("difficulty", lambda n: r.integer(n, "difficulty"))
    if "revised" in keys:
        fields["revised"] = read("revised", lambda n: r.day(n, "revised"))
    if "choices" in keys and "choices" not in failed:
        fields["choices"] = read("choices", lambda n: r.texts(n, "choices"))
    if "answer" in keys and "answer" not in failed and qtype is not None:
        answer = read("answer", lambda n: _read_answer(r, qtype, n))
        if answer is not None:
            fields.update(answer)
    fields = {k: v for k, v in fields.items() if v is not None}
    fields.setdefault("prompt", "")
    fields.setdefault("revised", revised)

    if r.count() == before and qid is not None and qtype is not None:
        try:
            return Question(bank=bank_id, id=qid, topic=topic, type=qtype, line=line_of(node), **fields)  # type: ignore[arg-type]
        except InvalidModel as exc:
            _note_model_problems(r, node, keys, exc.problems, failed)
            return None
    # Something is already wrong: check the rest against the kind's rules all the same.
    defaults = {f.name: f.default for f in dataclasses.fields(Question) if f.default is not dataclasses.MISSING}
    placeholders = {"bank": bank_id, "id": qid or "x", "topic": topic, "type": qtype or "", "explanation": "x"}
    draft = SimpleNamespace(**{**defaults, **placeholders, **fields})
    if "choices" in failed:
        failed.add("answer")  # 'not one of the choices' would only repeat the problem
    _note_model_problems(r, node, keys, list(_question_problems(draft)), failed)  # type: ignore[arg-type]
    return None


def _note_model_problems(
    r: _FileReader,
    node: yaml.Node,
    keys: dict[str, tuple[yaml.Node, yaml.Node]],
    problems: list[tuple[str, str]],
    failed: set[str],
) -> None:
    for key, msg in problems:
        key = "answer" if key in _ANSWER_FIELDS else key
        if key in failed or (key in ("id", "type") and key not in keys):
            continue
        where = keys.get(key)
        r.note(where[1] if where else node, msg)


def _read_type(r: _FileReader, node: yaml.Node) -> QuestionType:
    type_text = r.text(node, "type")
    try:
        return QuestionType(type_text)
    except ValueError:
        names = [t.value for t in QuestionType]
        r.fail(node, f"unknown type '{type_text}'{did_you_mean(type_text, names)}; use one of: {', '.join(names)}")


def _read_citations(r: _FileReader, node: yaml.Node, qid: str, citations: list[_Citation]) -> tuple[str, ...]:
    """Return a question's source ids, remembering each one's line to check it against the bibliography."""
    ids = r.texts(node, "sources")
    if not ids:
        r.fail(node, "'sources' is empty; list source ids or leave the key out")
    for item, sid in zip(node.value, ids, strict=True):
        citations.append(_Citation(qid, line_of(item), sid))
    return ids


def _peek_id(node: yaml.Node) -> str | None:
    """Return a question's id as written, for messages about the question before it is read."""
    value = _raw_id(node)
    return f"'{value}'" if value else None


def _raw_id(node: yaml.Node) -> str | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if getattr(key, "value", None) == "id" and isinstance(value, yaml.ScalarNode):
                return str(value.value).strip() or None
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
    that parsed, the source ids it defines (even broken ones) with their lines, and every citation
    its questions make (even broken questions'). This is what the cache stores.
    """

    bank: Bank | None
    lines: dict[str, int]
    sources: list[Source]
    citations: list[_Citation] = field(default_factory=list)
    declared: dict[str, int] = field(default_factory=dict)


def _read_bank(r: _FileReader, root: yaml.Node, builtin: bool) -> _BankRead:
    try:
        keys = r.mapping(root, "a bank file", BANK_KEYS)
    except _Stop:
        return _BankRead(None, {}, [])
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
    citations: list[_Citation] = []
    ok = not missing and len(head) >= 3
    if "questions" in keys:
        qnode = keys["questions"][1]
        if not isinstance(qnode, yaml.SequenceNode) or not qnode.value:
            r.note(qnode, "'questions' must be a non-empty list of questions")
            ok = False
        else:
            first_seen: dict[str, int] = {}
            owner = (str(head.get("id", "")) or "bank", str(head.get("topic", "")), revised)
            for i, item in enumerate(qnode.value, start=1):
                # Ids are compared as written, before anything else is read, so a repeated id is
                # reported in the same run as every other problem.
                qid = _raw_id(item)
                if qid is not None and qid in first_seen:
                    r.note(item, f"question '{qid}': id is used twice (first on line {first_seen[qid]})")
                    ok = False
                elif qid is not None:
                    first_seen[qid] = line_of(item)
                q = _read_question(r, item, i, owner, citations)
                if q is None:
                    ok = False
                elif first_seen.get(q.id) == q.line:
                    questions.append(q)
    if not ok or r.problems:
        return _BankRead(None, lines, sources, citations)
    try:
        bank = Bank(
            id=str(head["id"]), title=str(head["title"]), topic=str(head["topic"]),
            questions=tuple(questions), description=head.get("description"),  # type: ignore[arg-type]
            revised=revised, sources=tuple(sources), path=r.path, builtin=builtin,
        )  # fmt: skip
    except InvalidModel as exc:
        for key, msg in exc.problems:
            r.note(lines.get(key, 1), msg)
        return _BankRead(None, lines, sources, citations)
    return _BankRead(bank, lines, sources, citations)


# -- files and folders ---------------------------------------------------------------------


def _read_file(
    path: Path, shown: str, problems: list[Problem], cache: BankCache | None, builtin: bool
) -> _BankRead | None:
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
        if cached.bank is not None:  # shown relative to today's folder; built-in or not by where it is
            cached.bank = dataclasses.replace(cached.bank, path=shown, builtin=builtin)
        return cached
    read = _parse_file(r, data, bibliography, builtin)
    problems.extend(r.all_problems())
    if cache and read is not None and not r.problems and (bibliography or read.bank is not None):
        cache.put(key, read)
    return read


def _parse_file(r: _FileReader, data: bytes, bibliography: bool, builtin: bool) -> _BankRead | None:
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
    read = _read_bank(r, root, builtin)
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
    reads: list[tuple[str, _BankRead]] = []
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
    """Report what strict checking asks beyond the format: a source on every question."""
    for q in bank.questions:
        if not q.sources:
            yield Problem(path, q.line, f"question '{q.id}': has no sources; strict checking needs at least one")


def _unknown_sources(
    path: str, citations: list[_Citation], bibliography: dict[str, Source], declared: set[str]
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

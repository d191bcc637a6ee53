"""Read one YAML bank or bibliography file into model objects, with file and line in every problem.

This walks PyYAML's node graph (composed by libyaml) instead of constructing Python objects, so it
keeps every line number, catches duplicate keys, never runs YAML tags and never expands aliases:
an "alias bomb" costs nothing because nothing is copied. Which keys exist and how each value is
read comes from the format's definition (sciatica_quiz.bankformat).

Imported only when a file has to be parsed: a library loaded from the bank cache never needs YAML.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NoReturn, TypeVar

import yaml

from sciatica_quiz.bankformat import (
    BANK_FIELDS,
    BIBLIOGRAPHY_FIELDS,
    QUESTION_FIELDS,
    SOURCE_FIELDS,
    Field,
)
from sciatica_quiz.errors import Problem
from sciatica_quiz.loader import Citation, FileRead
from sciatica_quiz.model import (
    QUESTION_CLASSES,
    Bank,
    Choice,
    InvalidModel,
    Pair,
    Question,
    QuestionType,
    Source,
    assert_never,
    did_you_mean,
)

T = TypeVar("T")
# About 1.2 GB of memory at most while composing; a 100,000-question bank is about 2.2 million.
MAX_YAML_ITEMS = 4_000_000
MAX_PROBLEMS_PER_FILE = 100

_T = "tag:yaml.org,2002:"
_TEXT_TAGS = {_T + "str", _T + "int", _T + "float", _T + "bool"}
_SCALAR_TAGS = _TEXT_TAGS | {_T + "null", _T + "timestamp"}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
# C0 controls except tab and newline, DEL and C1 controls: they could drive a terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BANK_KEYS = tuple(f.key for f in BANK_FIELDS)
_QUESTION_KEYS = tuple(f.key for f in QUESTION_FIELDS)
_SOURCE_KEYS = tuple(f.key for f in SOURCE_FIELDS)
_BIBLIOGRAPHY_KEYS = tuple(f.key for f in BIBLIOGRAPHY_FIELDS)
_CHOICE_KEYS = ("text", "why", "correct")


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
        return (
            "each list item starts with '- ' lined up with the items before it; check this line's indentation"
        )
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
class FileReader:
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
        line = where if isinstance(where, int) else line_of(where)
        problem = Problem(self.path, line, self.prefix + message)
        if self.problems and problem == self.problems[-1]:
            return  # the same words on the same line (every item of a list, say) say nothing more
        if len(self.problems) >= MAX_PROBLEMS_PER_FILE:
            self.not_shown += 1  # a file of thousands of mistakes needs its first ones fixed first
            return
        self.problems.append(problem)

    def all_problems(self) -> list[Problem]:
        """Return the problems found, with a note of how many more were not listed."""
        if not self.not_shown:
            return self.problems
        more = (
            f"{self.not_shown:,} more problems not shown; fix the first {MAX_PROBLEMS_PER_FILE} and run again"
        )
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
            self.fail(
                0,
                f"file has about {items:,} YAML items; the limit is {MAX_YAML_ITEMS:,} (split it into several banks)",
            )
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
                self.note(
                    key_node,
                    f"unknown key '{key}'{did_you_mean(key, allowed)}; allowed: {', '.join(allowed)}",
                )
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
        shown = (
            f" (not {str(node.value).strip()!r})" if isinstance(node, yaml.ScalarNode) and node.value else ""
        )
        self.fail(node, f"'{what}' must be true or false{shown}")

    def count(self) -> int:
        """Return how many problems were found so far, listed or not."""
        return len(self.problems) + self.not_shown


# -- banks ---------------------------------------------------------------------------------


def _read_source(r: FileReader, node: yaml.Node) -> Source | None:
    r.prefix = ""
    try:
        keys = r.mapping(node, "a source", _SOURCE_KEYS)
        for need in (f.key for f in SOURCE_FIELDS if f.required is True):
            if need not in keys:
                r.fail(node, f"source is missing '{need}'")
        sid = r.text(keys["id"][1], "id")
        r.declared.setdefault(sid, line_of(node))
        r.prefix = f"source '{sid}': "
        fields: dict[str, str | int | None] = {}
        for f in SOURCE_FIELDS[1:]:
            if f.key in keys:
                value = keys[f.key][1]
                fields[f.key] = r.integer(value, f.key) if f.value == "integer" else r.text(value, f.key)
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


def _read_sources(r: FileReader, node: yaml.Node) -> list[Source]:
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


def parse_file(r: FileReader, data: bytes, bibliography: bool, builtin: bool) -> FileRead | None:
    """Read a bank or bibliography file's bytes; every problem goes to `r`."""
    try:
        root = r.compose(data)
    except _Stop:
        return None
    assert root is not None
    if bibliography:
        sources: list[Source] = []
        with contextlib.suppress(_Stop):
            keys = r.mapping(root, "a bibliography file", _BIBLIOGRAPHY_KEYS)
            if "sources" not in keys:
                r.fail(root, "bibliography file needs a 'sources' list")
            sources = _read_sources(r, keys["sources"][1])
        return FileRead(None, {}, sources, [], r.declared)
    read = _read_bank(r, root, builtin)
    read.declared = r.declared
    return read


def _yaml_loader() -> Any:
    """Return libyaml's safe loader, or PyYAML's own when it was built without libyaml."""
    return getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader


def _read_bank(r: FileReader, root: yaml.Node, builtin: bool) -> FileRead:
    try:
        keys = r.mapping(root, "a bank file", _BANK_KEYS)
    except _Stop:
        return FileRead(None, {}, [])
    lines = {k: line_of(kn) for k, (kn, _) in keys.items()}
    missing = [f.key for f in BANK_FIELDS if f.required is True and f.key not in keys]
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
    citations: list[Citation] = []
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
        return FileRead(None, lines, sources, citations)
    try:
        bank = Bank(
            id=str(head["id"]), title=str(head["title"]), topic=str(head["topic"]),
            questions=tuple(questions), description=head.get("description"),  # type: ignore[arg-type]
            revised=revised, sources=tuple(sources), path=r.path, builtin=builtin,
        )  # fmt: skip
    except InvalidModel as exc:
        for key, msg in exc.problems:
            r.note(lines.get(key, 1), msg)
        return FileRead(None, lines, sources, citations)
    return FileRead(bank, lines, sources, citations)


# -- questions ------------------------------------------------------------------------------------


def _read_question(
    r: FileReader,
    node: yaml.Node,
    index: int,
    bank: tuple[str, str, date | None],
    citations: list[Citation],
) -> Question | None:
    """Read one question, reporting every problem in it, not only the first.

    A key that is missing or unreadable is reported once; the rules of the question's kind are
    still checked on everything else, so one run lists all that needs fixing.
    """
    r.prefix = f"question {_peek_id(node) or index}: "
    try:
        return _QuestionReader(r, node, bank, citations).read()
    except _Stop:
        return None
    finally:
        r.prefix = ""


class _QuestionReader:
    """Reads the keys of one question by the format's field definitions."""

    def __init__(
        self, r: FileReader, node: yaml.Node, bank: tuple[str, str, date | None], citations: list[Citation]
    ) -> None:
        self.r, self.node, self.bank, self.citations = r, node, bank, citations
        self.keys = r.mapping(node, "a question", _QUESTION_KEYS)
        self.failed: set[str] = set()  # keys already reported: the model's rules are not reported again
        self.qid: str | None = None
        self.before = 0

    def value(self, key: str, reader: Callable[[yaml.Node], T]) -> T | None:
        """Return a key's value read by `reader`, or None (and the key counted as failed)."""
        try:
            return reader(self.keys[key][1])
        except _Stop:
            self.failed.add(key)
            return None

    def read(self) -> Question | None:
        r, keys = self.r, self.keys
        self.before = r.count()
        if "id" in keys:
            self.qid = self.value("id", functools.partial(r.text, what="id"))
            if self.qid is not None:
                r.prefix = f"question '{self.qid}': "
        else:
            r.note(self.node, "missing 'id'")
        qtype = self.value("type", self.read_type) if "type" in keys else None
        if "type" not in keys:
            r.note(self.node, "missing 'type' (one of: " + ", ".join(t.value for t in QuestionType) + ")")
        self.failed.update(k for k in ("id", "type") if k not in keys)
        self.check_keys(qtype)
        values: dict[str, Any] = {}
        for f in QUESTION_FIELDS:
            if f.key in keys and f.key not in self.failed and f.key not in ("id", "type", "answer"):
                values[f.key] = self.value(f.key, functools.partial(self.read_value, f))
        answer = None
        if "answer" in keys and "answer" not in self.failed and qtype is not None:
            answer = self.value("answer", functools.partial(self.read_answer, qtype))
        values = {k: v for k, v in values.items() if v is not None}
        values.setdefault("revised", self.bank[2])
        if qtype is None:
            return None
        return self.build(qtype, values, answer)

    def check_keys(self, qtype: QuestionType | None) -> None:
        """Report required keys that are missing and keys the question's type does not take."""
        missing = [f.key for f in QUESTION_FIELDS if f.key not in ("id", "type") and f.required_for(qtype)
                   and (qtype is not None or f.required is True) and f.key not in self.keys]  # fmt: skip
        if "answer" in missing and self.choices_marked():
            missing.remove("answer")  # format 1.1: the choices say which are correct
        if missing:
            self.r.note(self.node, "missing " + ", ".join(f"'{k}'" for k in missing))
            self.failed.update(missing)
        if qtype is None:
            return
        for f in QUESTION_FIELDS:
            if f.key in self.keys and not f.allowed_for(qtype):
                self.failed.add(f.key)
                if f.key == "answer" and qtype is QuestionType.CLOZE:
                    self.r.note(
                        self.keys["answer"][0],
                        "cloze answers come from the {{c1::...}} deletions in 'text'; remove 'answer'",
                    )
                else:
                    allowed = " and ".join(t.value for t in f.only or ())
                    self.r.note(self.keys[f.key][0], f"'{f.key}' is only for {allowed} questions")

    def read_type(self, node: yaml.Node) -> QuestionType:
        type_text = self.r.text(node, "type")
        try:
            return QuestionType(type_text)
        except ValueError:
            names = [t.value for t in QuestionType]
            self.r.fail(
                node,
                f"unknown type '{type_text}'{did_you_mean(type_text, names)}; use one of: {', '.join(names)}",
            )

    def read_value(self, f: Field, node: yaml.Node) -> object:
        """Read one key's value the way the format defines it."""
        r = self.r
        match f.value:
            case "text" | "slug":
                return r.text(node, f.key)
            case "texts":
                return r.texts(node, f.key)
            case "choices":
                return self.read_choices(node)
            case "boolean":
                return r.boolean(node, f.key)
            case "accept":
                return self.read_accept(node)
            case "any-order":
                return self.read_any_order(node)
            case "cited-ids":
                return self.read_citations(node)
            case "integer" | "difficulty":
                return r.integer(node, f.key)
            case "date":
                return r.day(node, f.key)
        raise AssertionError(f"no reader for a question's {f.value!r} value")  # pragma: no cover

    def choices_marked(self) -> bool:
        """Return whether any choice is written as a mapping with `correct:` (format 1.1)."""
        node = self.keys["choices"][1] if "choices" in self.keys else None
        return isinstance(node, yaml.SequenceNode) and any(
            isinstance(item, yaml.MappingNode)
            and any(getattr(k, "value", None) == "correct" for k, _ in item.value)
            for item in node.value
        )

    def read_choices(self, node: yaml.Node) -> tuple[Choice, ...]:
        """Return the choices: each a string, or a mapping of text, why and `correct: true` (format 1.1).

        Every choice is read, so the problems of all of them are reported at once.
        """
        r = self.r
        if not isinstance(node, yaml.SequenceNode):
            r.fail(node, "'choices' must be a list, e.g. choices: [a, b]")
        r.check_tag(node)
        out: list[Choice] = []
        broken = False
        for item in node.value:
            try:
                out.append(self.read_choice(item))
            except _Stop:
                broken = True
        if broken:
            raise _Stop
        return tuple(out)

    def read_choice(self, item: yaml.Node) -> Choice:
        r = self.r
        if not isinstance(item, yaml.MappingNode):
            return Choice(r.text(item, "choices"))
        before = r.count()
        keys = r.mapping(item, "a choice", _CHOICE_KEYS)
        text = why = None
        correct = False
        with contextlib.suppress(_Stop):
            if "text" not in keys:
                r.fail(item, "a choice written as a mapping needs 'text'")
            text = r.text(keys["text"][1], "text")
        with contextlib.suppress(_Stop):
            why = r.text(keys["why"][1], "why") if "why" in keys else None
        with contextlib.suppress(_Stop):
            if "correct" in keys and not (correct := r.boolean(keys["correct"][1], "correct")):
                r.fail(
                    keys["correct"][1],
                    "write 'correct: true' on the right choices and leave it out on the others",
                )
        if text is None or r.count() != before:
            raise _Stop
        return Choice(text, correct=correct, why=why)

    def read_accept(self, node: yaml.Node) -> tuple[tuple[int, tuple[str, ...]], ...]:
        """Return `accept:` as (blank number, answers) pairs: `{1: [sitting], 2: perineal}`."""
        r = self.r
        if not isinstance(node, yaml.MappingNode):
            r.fail(node, "'accept' must map blank numbers to answers, e.g. accept: {1: [sitting]}")
        r.check_tag(node)
        out: list[tuple[int, tuple[str, ...]]] = []
        for key_node, value_node in node.value:
            # An entry with a problem is reported and left out; the others are still checked.
            with contextlib.suppress(_Stop):
                number = r.integer(key_node, "accept")
                out.append((number, r.texts(value_node, f"accept {number}", allow_single=True)))
        return tuple(out)

    def read_any_order(self, node: yaml.Node) -> tuple[tuple[int, ...], ...]:
        """Return `any_order:` as groups of blank numbers: `[1, 2]` or `[[1, 2], [3, 4]]`."""
        r = self.r
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            r.fail(node, "'any_order' must list blank numbers, e.g. any_order: [1, 2]")
        r.check_tag(node)
        if all(isinstance(item, yaml.SequenceNode) for item in node.value):
            return tuple(tuple(r.integer(n, "any_order") for n in group.value) for group in node.value)
        return (tuple(r.integer(n, "any_order") for n in node.value),)

    def read_citations(self, node: yaml.Node) -> tuple[str, ...]:
        """Return a question's source ids, remembering each one's line to check it against the bibliography."""
        ids = self.r.texts(node, "sources")
        if not ids:
            self.r.fail(node, "'sources' is empty; list source ids or leave the key out")
        for item, sid in zip(node.value, ids, strict=True):
            self.citations.append(Citation(self.qid or "", line_of(item), sid))
        return ids

    def read_answer(self, qtype: QuestionType, node: yaml.Node) -> object:
        """Read `answer` as the question's type defines it."""
        r = self.r
        match qtype:
            case QuestionType.MULTIPLE_CHOICE:
                if isinstance(node, yaml.SequenceNode):
                    r.fail(node, "multiple_choice takes one answer (use multiple_answer for several)")
                return (r.text(node, "answer"),)
            case QuestionType.MULTIPLE_ANSWER | QuestionType.SHORT_ANSWER:
                return r.texts(node, "answer", allow_single=True)
            case QuestionType.TRUE_FALSE:
                return r.boolean(node, "answer")
            case QuestionType.MATCHING:
                if not isinstance(node, yaml.MappingNode):
                    r.fail(node, "matching answer must be a mapping of left item: right item")
                r.check_tag(node)
                pairs: list[Pair] = []
                seen: set[str] = set()
                for key_node, value_node in node.value:
                    left = r.text(key_node, "answer")
                    if left in seen:
                        r.fail(key_node, f"duplicate key '{left}' in matching answer")
                    seen.add(left)
                    pairs.append(Pair(left, r.text(value_node, "answer")))
                return tuple(pairs)
            case QuestionType.CLOZE:  # pragma: no cover - refused before reading
                raise AssertionError("cloze questions have no answer key")
            case _:
                assert_never(qtype)

    def build(self, qtype: QuestionType, values: dict[str, Any], answer: object) -> Question | None:
        """Make the question of this type, or report what its kind's rules find wrong."""
        bank_id, topic, _ = self.bank
        fields: dict[str, Any] = {
            "bank": bank_id,
            "id": self.qid or "x",
            "topic": topic,
            "line": line_of(self.node),
        }
        fields.update(values)
        fields.setdefault("explanation", "x")  # a missing explanation is reported already
        match qtype:
            case QuestionType.MULTIPLE_CHOICE | QuestionType.MULTIPLE_ANSWER:
                read: tuple[Choice, ...] = fields.pop("choices", ())
                if any(c.correct for c in read):
                    if "answer" in self.keys:
                        self.r.note(self.keys["answer"][0], "the choices are marked 'correct: true' and 'answer' is given "
                                    "too; use one way: remove 'answer'")  # fmt: skip
                        self.failed.add("answer")
                    fields["choices"] = read
                else:
                    texts = tuple(c.text for c in read)
                    correct = answer if isinstance(answer, tuple) else ()
                    self.check_answers_are_choices(texts, correct)
                    seen: set[str] = set()  # a repeated choice is reported as such, not as two answers
                    choices = []
                    for c in read:
                        choices.append(
                            dataclasses.replace(c, correct=c.text in correct and c.text not in seen)
                        )
                        seen.add(c.text)
                    fields["choices"] = tuple(choices)
            case QuestionType.TRUE_FALSE:
                fields["answer"] = answer if isinstance(answer, bool) else False
            case QuestionType.SHORT_ANSWER:
                fields["accepted"] = answer if isinstance(answer, tuple) else ()
            case QuestionType.CLOZE:
                fields.setdefault("text", "")
            case QuestionType.MATCHING:
                fields["pairs"] = answer if isinstance(answer, tuple) else ()
            case _:
                assert_never(qtype)
        cls = QUESTION_CLASSES[qtype]
        if self.r.count() == self.before and self.qid is not None:
            try:
                return cls(**fields)
            except InvalidModel as exc:
                self.note_model_problems(exc.problems)
                return None
        # Something is already wrong: check the rest against the kind's rules all the same, on an
        # unchecked instance (building a real one would stop at the first broken rule).
        defaults = {
            f.name: f.default for f in dataclasses.fields(cls) if f.default is not dataclasses.MISSING
        }
        draft = object.__new__(cls)
        for name, value in {**defaults, **fields}.items():
            object.__setattr__(draft, name, value)
        if "choices" in self.failed:
            self.failed.add("answer")  # 'not one of the choices' would only repeat the problem
        self.note_model_problems(list(draft.problems()))
        return None

    def check_answers_are_choices(self, texts: tuple[str, ...], correct: tuple[str, ...]) -> None:
        """Report answers that are not among the choices, and answers listed twice."""
        if "answer" not in self.keys or "choices" in self.failed or "answer" in self.failed:
            return
        where = self.keys["answer"][1]
        for a in correct:
            if a not in texts:
                self.r.note(where, f"answer {a!r} is not one of the choices")
        if len(set(correct)) != len(correct):
            self.r.note(where, "an answer is listed twice")
        if any(a not in texts for a in correct) or len(set(correct)) != len(correct):
            self.failed.add("answer")

    def note_model_problems(self, problems: list[tuple[str, str]]) -> None:
        for key, msg in problems:
            if key in self.failed or (key in ("id", "type") and key not in self.keys):
                continue
            where = self.keys.get(key)
            self.r.note(where[1] if where else self.node, msg)


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

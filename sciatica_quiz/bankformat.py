"""The bank format, defined once: every key of a bank, a question and a source, and what it holds.

The loader reads files by these definitions (which keys exist, which are required for which kind
of question, how each value is read), `sciatica-quiz schema` writes the JSON Schema from them, and
the key tables in docs/bank-format.md are generated from them (a test keeps the docs equal), so the
three cannot drift. What the answer of each kind of question looks like is in ANSWERS.

Run `python -m sciatica_quiz.bankformat` to rewrite the tables in docs/bank-format.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sciatica_quiz.model import BUILTIN_TOPICS, MAX_CHOICES, MIN_CHOICES, QuestionType

FORMAT_VERSION = "1.0"
ALL_TYPES = tuple(QuestionType)
CHOICE_TYPES = (QuestionType.MULTIPLE_CHOICE, QuestionType.MULTIPLE_ANSWER)
NOT_CLOZE = tuple(t for t in QuestionType if t is not QuestionType.CLOZE)
SLUG_PATTERN = "^[a-z0-9]+(?:[-_][a-z0-9]+)*$"


@dataclass(frozen=True)
class Field:
    """One key of a mapping in a bank file.

    `value` says how the value is read (see READS); `required` is True, False, or the question
    types that need the key; `only` limits the key to some question types; `required_doc` is what
    the docs' "required" column says when the rule is not a plain yes or no.
    """

    key: str
    value: str
    doc: str
    required: bool | tuple[QuestionType, ...] = False
    only: tuple[QuestionType, ...] | None = None
    required_doc: str | None = None

    def required_for(self, qtype: QuestionType | None) -> bool:
        """Return whether a question of this type (or a bank or source, for None) must have the key."""
        if isinstance(self.required, bool):
            return self.required
        return qtype in self.required

    def allowed_for(self, qtype: QuestionType) -> bool:
        """Return whether a question of this type may have the key."""
        return self.only is None or qtype in self.only

    def required_text(self) -> str:
        """Return the docs' "required" column."""
        if self.required_doc:
            return self.required_doc
        if self.required is True:
            return "yes"
        return "no"


# How each kind of value is read; the loader has one reader per entry, the schema one snippet.
READS = (
    "slug", "text", "texts", "cited-ids", "integer", "difficulty", "date", "type",
    "choices", "answer", "source-list", "question-list", "url",
)  # fmt: skip

BANK_FIELDS: tuple[Field, ...] = (
    Field("id", "slug", "lowercase slug (`a-z`, `0-9`, `-` or `_` between them), unique across every bank "
          "loaded together, built-in ones included", required=True),
    Field("title", "text", "shown in `list`, handouts and deck names", required=True),
    Field("topic", "slug", "`" + "`, `".join(BUILTIN_TOPICS) + "`, or your own slug", required=True),
    Field("description", "text", "one or two sentences"),
    Field("revised", "date", "a date (`2026-11-24`); questions without their own `revised` inherit it"),
    Field("sources", "source-list", "bibliography entries for this bank (same shape as `decks/sources.yaml`)"),
    Field("questions", "question-list", "a non-empty list", required=True),
)  # fmt: skip

QUESTION_FIELDS: tuple[Field, ...] = (
    Field("id", "slug", "slug, unique in the bank, **permanent**: study history and Anki notes are keyed by "
          "`bank id/question id`", required=True),
    Field("type", "type", "`" + "`, `".join(t.value for t in QuestionType) + "`", required=True),
    Field("case", "text", "a clinical scenario shown before the prompt"),
    Field("prompt", "text", "the question", required=NOT_CLOZE, required_doc="yes, except cloze"),
    Field("choices", "choices", f"{MIN_CHOICES} to {MAX_CHOICES} distinct choices, each a string or (1.1) a "
          "mapping with `text`, `why` (why this choice is right or wrong) and `correct: true`; shown shuffled",
          required=CHOICE_TYPES, only=CHOICE_TYPES, required_doc="multiple_choice, multiple_answer"),
    Field("shuffle", "boolean", "(1.1) `false` shows the choices in the written order everywhere: for spinal "
          "levels, numbers, durations", only=CHOICE_TYPES),
    Field("answer", "answer", "see the table below", required=NOT_CLOZE, only=NOT_CLOZE,
          required_doc="all but cloze; choice questions may mark `correct: true` on choices instead"),
    Field("text", "text", "Anki cloze syntax: `{{c1::answer}}` or `{{c1::answer::hint}}`; number them `c1`, "
          "`c2` … without gaps (see \"Cloze text\")", required=(QuestionType.CLOZE,),
          only=(QuestionType.CLOZE,), required_doc="cloze only"),
    Field("accept", "accept", "(1.1) other answers a fair teacher accepts, by blank number: "
          "`accept: {1: [sitting], 2: [perineal]}`", only=(QuestionType.CLOZE,)),
    Field("any_order", "any-order", "(1.1) blanks whose answers may come in any order: `any_order: [1, 2]` "
          "(several groups: `[[1, 2], [3, 4]]`)", only=(QuestionType.CLOZE,)),
    Field("explanation", "text", "why the answer is right, and why the most tempting wrong answer is wrong",
          required=True),
    Field("sources", "cited-ids", "a list of source ids, from `decks/sources.yaml` or your own bibliography",
          required_doc="no (`validate --strict`: yes)"),
    Field("difficulty", "difficulty", "1, 2 or 3 (default 2)"),
    Field("tags", "texts", "a list; no spaces; `::` makes a hierarchy (`--tag mblex` matches "
          "`mblex::kinesiology`); a tag under `mblex::` must be one of the seven areas below"),
    Field("revised", "date", "when the question's content last changed"),
)  # fmt: skip

SOURCE_FIELDS: tuple[Field, ...] = (
    Field("id", "slug", "slug, cited by questions; one definition per id", required=True),
    Field("title", "text", "the title of the work", required=True),
    Field("authors", "text", "as `Surname AB, Surname C`", required_doc="`authors` or `publisher`"),
    Field("publisher", "text", "a journal, publisher or organization", required_doc="`authors` or `publisher`"),
    Field("year", "integer", "a whole number; for an undated web page leave it out and say \"undated\" in the note"),
    Field("url", "url", "where a public copy is"),
    Field("note", "text", "anything else: what was checked, page numbers"),
)  # fmt: skip

BIBLIOGRAPHY_FIELDS: tuple[Field, ...] = (Field("sources", "source-list", "the entries", required=True),)


@dataclass(frozen=True)
class AnswerSpec:
    """What the `answer` key of one kind of question holds."""

    doc: str
    schema: dict[str, Any] | None  # None: the kind has no `answer` key


# Text is taken exactly as written, so `choices: [1, 2]` or `[yes, no]` is text too.
_TEXT: dict[str, Any] = {"anyOf": [{"type": "string", "minLength": 1}, {"type": ["number", "boolean"]}]}
_TEXTS: dict[str, Any] = {"type": "array", "items": _TEXT, "minItems": 1}

ANSWERS: dict[QuestionType, AnswerSpec] = {
    QuestionType.MULTIPLE_CHOICE: AnswerSpec("one of the choices, written exactly as in `choices`", _TEXT),
    QuestionType.MULTIPLE_ANSWER: AnswerSpec("a list of choices (one or more)", _TEXTS),
    QuestionType.TRUE_FALSE: AnswerSpec(
        "`true` or `false` (not `yes`/`no`, and not in quotes)", {"type": "boolean"}
    ),
    QuestionType.SHORT_ANSWER: AnswerSpec(
        "a string, or a list of every accepted answer; answers are compared ignoring case, spacing, punctuation "
        "and dash style, with a small typo allowed in longer answers",
        {"anyOf": [_TEXT, _TEXTS]},
    ),
    QuestionType.CLOZE: AnswerSpec("none: the deletions in `text` are the answers", None),
    QuestionType.MATCHING: AnswerSpec(
        "a mapping `left item: right item`, at least 2 pairs, right items all different",
        {"type": "object", "minProperties": 2, "additionalProperties": _TEXT},
    ),
}


# -- JSON Schema ----------------------------------------------------------------------------------


def _value_schema(f: Field) -> dict[str, Any]:
    """Return the JSON Schema of one field's value."""
    described = {"description": _plain(f.doc)}
    match f.value:
        case "slug":
            return {"type": "string", "pattern": SLUG_PATTERN, **described}
        case "text":
            return {**_TEXT, **described}
        case "texts":
            return {"type": "array", "items": {"type": "string", "pattern": r"^\S+$"}, **described}
        case "cited-ids":
            return {"type": "array", "items": {"type": "string"}, "minItems": 1, **described}
        case "integer":
            return {"type": "integer", **described}
        case "difficulty":
            return {"enum": [1, 2, 3], "default": 2, **described}
        case "date":
            return {"type": "string", "format": "date", **described}
        case "type":
            return {"enum": [t.value for t in QuestionType]}
        case "choices":
            choice = {
                "type": "object",
                "required": ["text"],
                "additionalProperties": False,
                "properties": {"text": _TEXT, "why": _TEXT, "correct": {"const": True}},
            }
            return {"type": "array", "items": {"anyOf": [_TEXT, choice]}, "minItems": MIN_CHOICES,
                    "maxItems": MAX_CHOICES, **described}  # fmt: skip
        case "boolean":
            return {"type": "boolean", **described}
        case "accept":
            return {"type": "object", "propertyNames": {"pattern": "^[1-9][0-9]*$"},
                    "additionalProperties": {"anyOf": [_TEXT, _TEXTS]}, **described}  # fmt: skip
        case "any-order":
            numbers = {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 2}
            return {"anyOf": [numbers, {"type": "array", "items": numbers, "minItems": 1}], **described}
        case "answer":
            return {
                "description": "Depends on type: " + "; ".join(_plain(a.doc) for a in ANSWERS.values()) + "."
            }
        case "url":
            return {"type": "string", "format": "uri", **described}
        case "source-list":
            return {
                "type": "array",
                "items": _object_schema(SOURCE_FIELDS, "A bibliography entry questions cite by id."),
            }
        case "question-list":
            return {"type": "array", "items": question_schema(), "minItems": 1}
    raise ValueError(f"no schema for values read as {f.value!r}")


def _plain(doc: str) -> str:
    return doc.replace("`", "").replace("**", "")


def _object_schema(fields: tuple[Field, ...], description: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object"}
    if description:
        schema["description"] = description
    schema["required"] = [f.key for f in fields if f.required is True]
    if fields is SOURCE_FIELDS:
        schema["anyOf"] = [{"required": ["authors"]}, {"required": ["publisher"]}]
    schema["additionalProperties"] = False
    schema["properties"] = {f.key: _value_schema(f) for f in fields}
    return schema


def question_schema() -> dict[str, Any]:
    """Return the JSON Schema of one question, with a rule per question type."""
    schema = _object_schema(QUESTION_FIELDS)
    rules = []
    marked = {"properties": {"choices": {"contains": {"type": "object", "required": ["correct"]}}}}
    for qtype in QuestionType:
        required = [f.key for f in QUESTION_FIELDS if f.required_for(qtype) and f.required is not True]
        then: dict[str, Any] = {
            "required": [k for k in required if not (k == "answer" and qtype in CHOICE_TYPES)]
        }
        if qtype in CHOICE_TYPES:  # the answer, or choices marked correct, but not both
            then["oneOf"] = [
                {"required": ["answer"], "not": marked},
                {"not": {"required": ["answer"]}, **marked},
            ]
        answer = ANSWERS[qtype].schema
        if answer is not None:
            then["properties"] = {"answer": answer}
        banned = [f.key for f in QUESTION_FIELDS if not f.allowed_for(qtype)]
        if banned:
            then["not"] = {"anyOf": [{"required": [k]} for k in banned]}
        rules.append({"if": {"properties": {"type": {"const": qtype.value}}}, "then": then})
    schema["allOf"] = rules
    return schema


def bank_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of a bank file."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://sciatica-quiz.invalid/bank.schema.json",
        "title": "sciatica-quiz question bank",
        **_object_schema(BANK_FIELDS),
    }


def sources_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of a bibliography file (sources.yaml)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://sciatica-quiz.invalid/sources.schema.json",
        "title": "sciatica-quiz bibliography (sources.yaml)",
        **_object_schema(BIBLIOGRAPHY_FIELDS),
    }


# -- the tables in docs/bank-format.md --------------------------------------------------------------


def field_table(fields: tuple[Field, ...]) -> str:
    """Return the Markdown table of some keys: key, required, meaning."""
    rows = ["| key | required | meaning |", "|---|---|---|"]
    rows += [f"| `{f.key}` | {f.required_text()} | {f.doc} |" for f in fields]
    return "\n".join(rows)


def answer_table() -> str:
    """Return the Markdown table of what `answer` holds for each type."""
    rows = ["| type | `answer` |", "|---|---|"]
    rows += [f"| {qtype.value} | {spec.doc} |" for qtype, spec in ANSWERS.items()]
    return "\n".join(rows)


DOC_TABLES: dict[str, Callable[[], str]] = {
    "bank": lambda: field_table(BANK_FIELDS),
    "question": lambda: field_table(QUESTION_FIELDS),
    "answer": answer_table,
    "source": lambda: field_table(SOURCE_FIELDS),
}
_MARKED = re.compile(r"(<!-- table:(\w+) -->\n)(.*?)(<!-- /table -->)", re.DOTALL)


def with_tables(doc: str) -> str:
    """Return the docs text with each marked table replaced by the one generated here."""
    return _MARKED.sub(lambda m: m.group(1) + DOC_TABLES[m.group(2)]() + "\n" + m.group(4), doc)


def main() -> None:
    """Rewrite the generated tables of docs/bank-format.md in place."""
    path = Path(__file__).resolve().parent.parent / "docs" / "bank-format.md"
    path.write_text(with_tables(path.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main()

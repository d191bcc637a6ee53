"""A JSON Schema of the bank format, for editor completion and checking as you type."""

from __future__ import annotations

from typing import Any

from sciatica_quiz.model import BUILTIN_TOPICS, MAX_CHOICES, MIN_CHOICES, QuestionType

_SLUG = "^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
# Text is taken exactly as written, so `choices: [1, 2]` or `[yes, no]` is text too.
_TEXT: dict[str, Any] = {"anyOf": [{"type": "string", "minLength": 1}, {"type": ["number", "boolean"]}]}
_TEXTS: dict[str, Any] = {"type": "array", "items": _TEXT, "minItems": 1}


def _source() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "A bibliography entry questions cite by id.",
        "required": ["id", "title"],
        "anyOf": [{"required": ["authors"]}, {"required": ["publisher"]}],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": _SLUG},
            "title": _TEXT,
            "authors": _TEXT,
            "publisher": _TEXT,
            "year": {"type": "integer"},
            "url": {"type": "string", "format": "uri"},
            "note": _TEXT,
        },
    }


def sources_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of a bibliography file (sources.yaml)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://sciatica-quiz.invalid/sources.schema.json",
        "title": "sciatica-quiz bibliography (sources.yaml)",
        "type": "object",
        "required": ["sources"],
        "additionalProperties": False,
        "properties": {"sources": {"type": "array", "items": _source()}},
    }


def _when(qtype: QuestionType, then: dict[str, Any]) -> dict[str, Any]:
    return {"if": {"properties": {"type": {"const": qtype.value}}}, "then": then}


def bank_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of a bank file."""
    choices = {
        "type": "array",
        "items": _TEXT,
        "minItems": MIN_CHOICES,
        "maxItems": MAX_CHOICES,
        "uniqueItems": True,
    }
    question = {
        "type": "object",
        "required": ["id", "type", "explanation"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": _SLUG, "description": "Permanent id, unique in the bank."},
            "type": {"enum": [t.value for t in QuestionType]},
            "case": {**_TEXT, "description": "Optional scenario shown before the prompt."},
            "prompt": _TEXT,
            "choices": choices,
            "answer": {
                "description": "Depends on type: one choice; a list of choices; true/false; "
                "accepted answers; or a mapping of left to right items."
            },
            "text": {**_TEXT, "description": "Cloze text with {{c1::answer}} deletions."},
            "explanation": _TEXT,
            "sources": {"type": "array", "items": {"type": "string"}, "minItems": 1, "description": "Source ids; optional, required by validate --strict."},
            "difficulty": {"enum": [1, 2, 3], "default": 2},
            "tags": {"type": "array", "items": {"type": "string", "pattern": r"^\S+$"}},
            "revised": {"type": "string", "format": "date"},
        },
        "allOf": [
            _when(QuestionType.MULTIPLE_CHOICE, {"required": ["prompt", "choices", "answer"],
                                                 "properties": {"answer": _TEXT}}),
            _when(QuestionType.MULTIPLE_ANSWER, {"required": ["prompt", "choices", "answer"],
                                                 "properties": {"answer": _TEXTS}}),
            _when(QuestionType.TRUE_FALSE, {"required": ["prompt", "answer"],
                                            "properties": {"answer": {"type": "boolean"}}}),
            _when(QuestionType.SHORT_ANSWER, {"required": ["prompt", "answer"],
                                              "properties": {"answer": {"anyOf": [_TEXT, _TEXTS]}}}),
            _when(QuestionType.CLOZE, {"required": ["text"], "not": {"required": ["answer"]}}),
            _when(QuestionType.MATCHING, {"required": ["prompt", "answer"],
                                          "properties": {"answer": {"type": "object", "minProperties": 2,
                                                                    "additionalProperties": _TEXT}}}),
        ],
    }  # fmt: skip
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://sciatica-quiz.invalid/bank.schema.json",
        "title": "sciatica-quiz question bank",
        "type": "object",
        "required": ["id", "title", "topic", "questions"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": _SLUG},
            "title": _TEXT,
            "topic": {
                "type": "string",
                "pattern": _SLUG,
                "examples": list(BUILTIN_TOPICS),
                "description": "A built-in topic or your own slug.",
            },
            "description": _TEXT,
            "revised": {"type": "string", "format": "date"},
            "sources": {"type": "array", "items": _source()},
            "questions": {"type": "array", "items": question, "minItems": 1},
        },
    }

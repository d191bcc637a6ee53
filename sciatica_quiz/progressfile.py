"""The progress file: study history carried between the CLI's store and the offline study page.

A progress file is JSON that holds the study reviews (question, when, rating, right or wrong) and
the typed answers a student counted as right ("I was right"). Both sides keep their schedule as
the replay of that log through the same FSRS scheduler, so moving the log moves the schedule.

    {"format": "sciatica-quiz progress", "version": 1, "exported": "2026-12-01T09:30:00.000000+00:00",
     "reviews": [{"question": "anatomy/roots", "topic": "anatomy",
                  "reviewed": "2026-11-30T18:02:11.412000+00:00", "rating": 3, "correct": true}],
     "overrides": [{"question": "assessment/ces-where-to-send", "topic": "assessment",
                    "typed": "the ER", "claimed": "2026-11-30T18:05:40.004000+00:00"}]}

A review is known by its question and time, so importing a file twice, or a file that came back
from the other side, adds nothing twice; when the same review arrives marked right where it was
wrong, it was claimed ("I was right") after the first export, and the claim wins. Reading is strict:
anything malformed, truncated, oversized or unexpected is refused with one line, before the store
is touched.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sciatica_quiz.errors import QuizError
from sciatica_quiz.model import SLUG
from sciatica_quiz.store import to_text  # the store's text for a time is the file's

FORMAT = "sciatica-quiz progress"
VERSION = 1
MAX_BYTES = 64 * 1024 * 1024
MAX_TEXT = 1000  # characters in a typed answer
MAX_DEPTH = 8  # a progress file nests four levels; anything deeper is not one
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
CLOCK_SKEW = timedelta(days=1)  # a device clock may run ahead a little; a review a year ahead is wrong
TOP_KEYS = {"format", "version", "exported", "reviews", "overrides", "about"}
REVIEW_KEYS = {"question", "topic", "reviewed", "rating", "correct"}
OVERRIDE_KEYS = {"question", "topic", "typed", "claimed"}


class ProgressFileError(QuizError):
    """A progress file that cannot be read; nothing was changed."""


@dataclass(frozen=True)
class ReviewRecord:
    """One study answer: which question, when, the FSRS rating (1–4) and whether it was right."""

    uid: str
    topic: str
    reviewed: datetime
    rating: int
    correct: bool


@dataclass(frozen=True)
class OverrideRecord:
    """A typed answer marked wrong that the student counted as right."""

    uid: str
    topic: str
    typed: str
    claimed: datetime


@dataclass(frozen=True)
class ProgressFile:
    reviews: tuple[ReviewRecord, ...]
    overrides: tuple[OverrideRecord, ...]


def dumps(progress: ProgressFile, exported: datetime) -> str:
    """Return the file's text: reviews and overrides in time order, one per line, stable keys."""
    reviews = [
        {
            "question": r.uid,
            "topic": r.topic,
            "reviewed": to_text(r.reviewed),
            "rating": r.rating,
            "correct": r.correct,
        }
        for r in sorted(progress.reviews, key=lambda r: (r.reviewed, r.uid))
    ]
    overrides = [
        {"question": o.uid, "topic": o.topic, "typed": o.typed, "claimed": to_text(o.claimed)}
        for o in sorted(progress.overrides, key=lambda o: (o.claimed, o.uid, o.typed))
    ]
    head = json.dumps({"format": FORMAT, "version": VERSION, "exported": to_text(exported)})[1:-1]
    return f"{{{head},\n{_list('reviews', reviews)},\n{_list('overrides', overrides)}\n}}\n"


def _list(key: str, items: list[dict[str, Any]]) -> str:
    if not items:
        return f'"{key}": []'
    return f'"{key}": [\n' + ",\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n]"


def loads(data: bytes, name: str, now: datetime | None = None) -> ProgressFile:
    """Read a progress file's bytes, or raise ProgressFileError naming `name` and what is wrong."""
    if len(data) > MAX_BYTES:
        raise ProgressFileError(
            f"{name}: is {len(data) / 2**20:.0f} MB; a progress file is at most {MAX_BYTES // 2**20} MB"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProgressFileError(
            f"{name}: is not UTF-8 text (byte {exc.start}); is it a progress file?"
        ) from None
    try:
        doc = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        # A string left open runs to the end of the file too: JSON strings cannot span lines.
        ends_early = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
        hint = " (the file ends early: was it cut off?)" if ends_early else ""
        raise ProgressFileError(
            f"{name}: not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}{hint}"
        ) from None
    except RecursionError:
        raise ProgressFileError(f"{name}: nested too deeply to be a progress file") from None
    except ValueError as exc:  # from the hooks
        raise ProgressFileError(f"{name}: {exc}") from None
    return _read(doc, name, now or datetime.now(timezone.utc))


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    for k in keys:
        if keys.count(k) > 1:
            raise ValueError(f"key {k!r} appears twice in one object")
    return dict(pairs)


def _no_constant(word: str) -> None:
    raise ValueError(f"{word} is not a number a progress file holds")


def _read(doc: Any, name: str, now: datetime) -> ProgressFile:
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ProgressFileError(
            f'{name}: not a sciatica-quiz progress file (it needs "format": "{FORMAT}"); '
            "make one with 'sciatica-quiz progress export' or the study page's Export button"
        )
    version = doc.get("version")
    if type(version) is not int or version < 1:
        raise ProgressFileError(f'{name}: "version" must be a whole number, got {version!r}')
    if version > VERSION:
        raise ProgressFileError(
            f"{name}: is progress file version {version}, newer than this sciatica-quiz reads ({VERSION}); "
            "upgrade sciatica-quiz"
        )
    unknown = set(doc) - TOP_KEYS
    if unknown:
        raise ProgressFileError(f"{name}: unexpected key {sorted(unknown)[0]!r} at the top level")
    if "exported" in doc:  # when the other device thought it was: any time, as long as it is one
        _time(doc["exported"], name, '"exported"', None)
    reviews = doc.get("reviews", [])
    overrides = doc.get("overrides", [])
    for key, value in (("reviews", reviews), ("overrides", overrides)):
        if not isinstance(value, list):
            raise ProgressFileError(f'{name}: "{key}" must be a list')
    return ProgressFile(
        tuple(_review(r, f"review {i}", name, now) for i, r in enumerate(reviews, 1)),
        tuple(_override(o, f"override {i}", name, now) for i, o in enumerate(overrides, 1)),
    )


def _fields(item: Any, keys: set[str], where: str, name: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise ProgressFileError(f"{name}: {where}: must be an object with {', '.join(sorted(keys))}")
    missing, extra = keys - set(item), set(item) - keys
    if missing:
        raise ProgressFileError(f"{name}: {where}: missing {sorted(missing)[0]!r}")
    if extra:
        raise ProgressFileError(f"{name}: {where}: unexpected key {sorted(extra)[0]!r}")
    return item


def _review(item: Any, where: str, name: str, now: datetime) -> ReviewRecord:
    fields = _fields(item, REVIEW_KEYS, where, name)
    rating = fields["rating"]
    if type(rating) is not int or not 1 <= rating <= 4:
        raise ProgressFileError(f'{name}: {where}: "rating" must be 1, 2, 3 or 4, got {_show(rating)}')
    correct = fields["correct"]
    if type(correct) is not bool:
        raise ProgressFileError(f'{name}: {where}: "correct" must be true or false, got {_show(correct)}')
    if correct == (rating == 1):
        raise ProgressFileError(
            f"{name}: {where}: a right answer is rated 2, 3 or 4 and a wrong one 1, got {rating} for "
            + ("a right one" if correct else "a wrong one")
        )
    return ReviewRecord(
        _uid(fields["question"], where, name),
        _topic(fields["topic"], where, name),
        _time(fields["reviewed"], name, f'{where}: "reviewed"', now),
        rating,
        correct,
    )


def _override(item: Any, where: str, name: str, now: datetime) -> OverrideRecord:
    fields = _fields(item, OVERRIDE_KEYS, where, name)
    typed = fields["typed"]
    if not isinstance(typed, str) or not typed.strip() or len(typed) > MAX_TEXT or not typed.isprintable():
        raise ProgressFileError(
            f'{name}: {where}: "typed" must be printable text of 1 to {MAX_TEXT} characters'
        )
    return OverrideRecord(
        _uid(fields["question"], where, name),
        _topic(fields["topic"], where, name),
        typed,
        _time(fields["claimed"], name, f'{where}: "claimed"', now),
    )


def _uid(value: Any, where: str, name: str) -> str:
    if isinstance(value, str) and value.count("/") == 1:
        bank, question = value.split("/")
        if len(value) <= 200 and SLUG.match(bank) and SLUG.match(question):
            return value
    raise ProgressFileError(f'{name}: {where}: "question" must be a bank/question id, got {_show(value)}')


def _topic(value: Any, where: str, name: str) -> str:
    if isinstance(value, str) and len(value) <= 100 and SLUG.match(value):
        return value
    raise ProgressFileError(f'{name}: {where}: "topic" must be a topic id, got {_show(value)}')


def _time(value: Any, name: str, where: str, now: datetime | None) -> datetime:
    """Read a time; given `now`, refuse one before 2000 or more than a day ahead of it."""
    if isinstance(value, str) and len(value) <= 40:
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            when = None
        if when is not None and when.tzinfo is not None:
            when = when.astimezone(timezone.utc)
            if now is not None and (when < EARLIEST or when > now + CLOCK_SKEW):
                raise ProgressFileError(f"{name}: {where}: {value} is not a time a review can have happened")
            return when
    raise ProgressFileError(
        f"{name}: {where}: must be an ISO 8601 time with its UTC offset, got {_show(value)}"
    )


def _show(value: Any) -> str:
    text = (
        json.dumps(value, ensure_ascii=True)
        if not isinstance(value, float) or math.isfinite(value)
        else str(value)
    )
    return text if len(text) <= 60 else text[:57] + "..."


def unique(records: Iterable[ReviewRecord]) -> list[ReviewRecord]:
    """Return the reviews once each by (question, time); a review marked right beats the same one wrong."""
    best: dict[tuple[str, datetime], ReviewRecord] = {}
    for r in records:
        key = (r.uid, r.reviewed)
        if key not in best or (r.correct and not best[key].correct):
            best[key] = r
    return list(best.values())

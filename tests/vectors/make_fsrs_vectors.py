"""Write tests/fixtures/fsrs-vectors.json: review sequences as py-fsrs schedules them.

exporters/web/fsrs.js must schedule exactly as the CLI does (`fsrs.Scheduler(enable_fuzzing=False)`,
see sciatica_quiz/store.py); tests/test_web_fsrs.py replays every sequence here through it. Each
sequence starts from a card's JSON (a new card, or a stored card of an unusual shape) and lists its
reviews: the input (rating, time) and py-fsrs's output (the card's JSON, its due time, and when the
card would have been due after each of the four ratings). Hand-written scenarios cover each branch
of the scheduler and the awkward calendar dates; random ones, drawn from a fixed seed, cover the
rest. Running this again writes the same bytes, so a py-fsrs upgrade that schedules differently
shows up as a changed file.

Usage: python tests/vectors/make_fsrs_vectors.py [--check]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import fsrs

SEED = 20261127
OUTPUT = Path(__file__).resolve().parent.parent / "fixtures" / "fsrs-vectors.json"
RANDOM_SEQUENCES = 330
MAX_REVIEWS = 25
UTC = timezone.utc

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
YEAR = timedelta(days=365)

# When the next review happens, given the card as it stands and the time of the last review (or of
# the card's creation).
When = Callable[[fsrs.Card, datetime], datetime]


def after(delta: timedelta) -> When:
    """Return a time `delta` after the last review."""
    return lambda card, last: last + delta


def at_due(delta: timedelta = timedelta(0)) -> When:
    """Return a time `delta` after the card is due (negative: before)."""
    return lambda card, last: card.due + delta


def into_interval(fraction: float) -> When:
    """Return a time `fraction` of the way from the last review to the due time."""
    return lambda card, last: last + (card.due - last) * fraction


def on(when: datetime) -> When:
    """Return a fixed time."""
    return lambda card, last: when


@dataclass
class Sequence:
    """One card's reviews, as recorded in the vectors file."""

    name: str
    start: str
    new: bool = False
    reviews: list[dict[str, Any]] = field(default_factory=list)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> datetime:
    """Return an aware UTC datetime."""
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


def new_card(card_id: int, created: datetime) -> fsrs.Card:
    """Return a new card as the CLI makes one (given a creation time, so the output is fixed)."""
    return fsrs.Card(card_id=card_id, due=created)


def card_json(
    card_id: int,
    state: int,
    step: int | None,
    stability: float | None,
    difficulty: float | None,
    due: str,
    last_review: str | None,
) -> str:
    """Return card JSON as Card.to_json() lays it out, with any values (even odd ones)."""
    return json.dumps(
        {
            "card_id": card_id,
            "state": state,
            "step": step,
            "stability": stability,
            "difficulty": difficulty,
            "due": due,
            "last_review": last_review,
        }
    )


def play(
    scheduler: fsrs.Scheduler, name: str, start: fsrs.Card | str, items: Iterator[tuple[int, When]]
) -> Sequence:
    """Review a card as `items` say, recording each review's input and py-fsrs's output.

    A review that py-fsrs refuses (an exception) is recorded with the exception's name and ends
    the sequence.
    """
    text = start if isinstance(start, str) else start.to_json()
    card = fsrs.Card.from_json(text)
    sequence = Sequence(name, text, new=not isinstance(start, str) and start.last_review is None)
    last = card.last_review or card.due
    for rating, when in items:
        at = when(card, last).astimezone(UTC)  # as the CLI passes it: py-fsrs wants UTC
        review: dict[str, Any] = {"rating": rating, "at": at.isoformat()}
        sequence.reviews.append(review)
        try:
            reviewed, _ = scheduler.review_card(card, fsrs.Rating(rating), at)
        except (AssertionError, IndexError, OverflowError, TypeError, ValueError) as exc:
            review["error"] = type(exc).__name__
            break
        review["due"] = reviewed.due.isoformat()
        review["preview_s"] = [preview_seconds(scheduler, card, r, at) for r in fsrs.Rating]
        review["card"] = reviewed.to_json()
        card, last = reviewed, at
    if not sequence.reviews:
        raise ValueError(f"sequence {name!r} has no reviews")
    return sequence


def preview_seconds(
    scheduler: fsrs.Scheduler, card: fsrs.Card, rating: fsrs.Rating, at: datetime
) -> int | None:
    """Return how many seconds after `at` the card would be due after `rating` (always whole).

    None: the due time would be past the year 9999 (py-fsrs raises OverflowError).
    """
    try:
        delta = scheduler.review_card(card, rating, at)[0].due - at
    except OverflowError:
        return None
    seconds, rest = divmod(delta, timedelta(seconds=1))
    if rest:
        raise ValueError(f"an interval of {delta} is not whole seconds; store microseconds instead")
    return int(seconds)


def steps(*items: tuple[int, When]) -> Iterator[tuple[int, When]]:
    """Return hand-written review steps."""
    return iter(items)


def graduated(then: list[tuple[int, When]]) -> Iterator[tuple[int, When]]:
    """Return steps that take a new card through both learning steps with Good, then `then`."""
    return iter([(3, after(timedelta(0))), (3, at_due()), *then])


def scripted(scheduler: fsrs.Scheduler) -> Iterator[Sequence]:
    """Yield the hand-written scenarios: each branch of review_card and the awkward dates."""
    t0 = utc(2026, 3, 2, 12)
    good, hard, easy, again = 3, 2, 4, 1

    def new(name: str, card_id: int, created: datetime, items: Iterator[tuple[int, When]]) -> Sequence:
        return play(scheduler, name, new_card(card_id, created), items)

    # Learning steps and graduation.
    yield new("new card: Good, Good graduates, then Good on time", 101, t0, graduated([(good, at_due())] * 5))
    yield new("new card: Easy graduates at once", 102, t0, steps(*[(easy, at_due())] * 6))
    yield new("new card: Hard at once", 103, t0, steps((hard, at_due()), (hard, at_due()), (good, at_due())))
    yield new(
        "Again loops in the learning steps",
        104,
        t0,
        steps(
            (again, at_due()),
            (again, at_due()),
            (again, after(30 * MINUTE)),
            (good, at_due()),
            (good, at_due()),
        ),
    )
    yield new(
        "Hard at step 0 (5.5 min) and at step 1 (10 min)",
        105,
        t0,
        steps(
            (hard, at_due()),
            (hard, at_due()),
            (good, at_due()),
            (hard, at_due()),
            (hard, at_due()),
            (good, at_due()),
        ),
    )
    yield new(
        "Easy from step 1",
        106,
        t0,
        steps((good, at_due()), (easy, at_due()), (good, at_due())),
    )
    # Lapses and relearning.
    yield new(
        "lapse, relearn with Good, back to review",
        107,
        t0,
        graduated(
            [(good, at_due()), (again, at_due()), (good, at_due()), (good, at_due()), (good, at_due())]
        ),
    )
    yield new(
        "relearning: Again, Hard (15 min), Hard, Easy",
        108,
        t0,
        graduated(
            [
                (good, at_due()),
                (again, at_due()),
                (again, at_due()),
                (hard, at_due()),
                (hard, at_due()),
                (easy, at_due()),
                (good, at_due()),
            ]
        ),
    )
    yield new(
        "repeated lapses",
        109,
        t0,
        graduated(
            [
                (again, at_due()),
                (good, at_due()),
                (again, at_due(DAY)),
                (good, at_due()),
                (again, at_due(YEAR)),
            ]
        ),
    )
    # Early, on time and late reviews of a card in review.
    yield new(
        "review early the same day (short-term stability)",
        110,
        t0,
        graduated(
            [(good, after(2 * HOUR)), (hard, after(3 * HOUR)), (easy, after(HOUR)), (again, after(HOUR))]
        ),
    )
    yield new(
        "review early: 10 %, 50 % and 90 % of the interval",
        111,
        t0,
        graduated(
            [
                (good, into_interval(0.1)),
                (good, into_interval(0.5)),
                (good, into_interval(0.9)),
                (good, at_due()),
            ]
        ),
    )
    yield new(
        "review late by months",
        112,
        t0,
        graduated(
            [
                (good, at_due(90 * DAY)),
                (hard, at_due(270 * DAY)),
                (good, at_due(45 * DAY)),
                (again, at_due(200 * DAY)),
            ]
        ),
    )
    yield new(
        "review late by years",
        113,
        utc(1990, 6, 15, 8, 30),
        graduated(
            [(good, at_due(2 * YEAR)), (easy, at_due(7 * YEAR)), (again, at_due(12 * YEAR)), (good, at_due())]
        ),
    )
    yield new(
        "Easy, years late, up to the maximum interval",
        114,
        utc(1800, 1, 1),
        steps(
            (easy, at_due()),
            (easy, at_due(10 * YEAR)),
            (easy, at_due(5 * YEAR)),
            (easy, at_due()),
            (good, after(DAY)),
        ),
    )
    yield new(
        "many reviews within minutes",
        115,
        t0,
        steps(
            *[(good, after(MINUTE))] * 3,
            *[(good, after(30 * timedelta(seconds=1)))] * 6,
            (easy, after(MINUTE)),
        ),
    )
    yield new(
        "the clock goes back: reviews before the last one",
        116,
        t0,
        graduated(
            [
                (good, after(-2 * HOUR)),
                (good, after(-3 * DAY)),
                (again, after(-400 * DAY)),
                (good, after(DAY)),
            ]
        ),
    )
    yield new(
        "two reviews at the same instant",
        117,
        t0,
        graduated([(good, after(timedelta(0))), (again, after(timedelta(0))), (good, after(timedelta(0)))]),
    )
    yield new(
        "exactly one day, and one microsecond short of it",
        118,
        t0,
        graduated(
            [
                (good, after(DAY - timedelta(microseconds=1))),
                (good, after(DAY)),
                (hard, after(DAY + timedelta(microseconds=1))),
            ]
        ),
    )
    # Calendar: daylight-saving changes (the port must not use local time), leap days, year ends.
    yield new(
        "US daylight saving starts (2024-03-10 07:00Z)",
        201,
        utc(2024, 3, 10, 6, 55),
        steps(
            (good, at_due()),
            (good, at_due()),
            (good, at_due()),
            (again, on(utc(2024, 3, 10, 6, 59, 59, 999999))),
        ),
    )
    yield new(
        "US daylight saving ends (2024-11-03 06:00Z)",
        202,
        utc(2024, 11, 3, 5, 55),
        steps((hard, at_due()), (good, at_due()), (good, at_due()), (good, at_due())),
    )
    yield new(
        "EU daylight saving starts and ends (2024-03-31 and 2024-10-27, 01:00Z)",
        203,
        utc(2024, 3, 30, 0, 59, 30),
        steps(
            (easy, on(utc(2024, 3, 30, 0, 59, 30))),
            (good, at_due()),
            (good, on(utc(2024, 10, 27, 0, 59, 59))),
            (good, at_due()),
        ),
    )
    yield new(
        "Lord Howe's half-hour daylight saving (2024-04-06 15:00Z)",
        204,
        utc(2024, 4, 6, 14, 55),
        steps((good, at_due()), (again, at_due()), (good, at_due()), (easy, at_due())),
    )
    yield new(
        "leap day 2024",
        205,
        utc(2024, 2, 28, 23, 55),
        steps(
            (good, at_due()),
            (good, at_due()),
            (good, on(utc(2024, 2, 29, 23, 59, 59))),
            (good, at_due()),
            (easy, at_due()),
        ),
    )
    yield new(
        "leap day 2000 (a leap century)",
        206,
        utc(2000, 2, 28, 12),
        steps((easy, at_due()), (good, on(utc(2000, 2, 29, 12))), (good, at_due()), (good, at_due())),
    )
    yield new(
        "no leap day in 2100",
        207,
        utc(2100, 2, 27, 23, 50),
        steps(
            (good, at_due()),
            (good, at_due()),
            (good, on(utc(2100, 2, 28, 12))),
            (good, at_due()),
            (good, at_due()),
        ),
    )
    yield new(
        "year ends, to the microsecond",
        208,
        utc(1999, 12, 31, 23, 50),
        steps(
            (good, at_due()),
            (good, on(utc(1999, 12, 31, 23, 59, 59, 999999))),
            (easy, at_due()),
            (good, on(utc(2000, 12, 31, 23, 59, 59))),
        ),
    )
    yield new(
        "times with microseconds, as the CLI's clock gives them",
        209,
        utc(2026, 5, 4, 9, 15, 2, 123456),
        steps(
            (good, after(timedelta(microseconds=1))),
            (good, at_due(timedelta(microseconds=654321))),
            (hard, at_due(timedelta(days=1, microseconds=999999))),
            (good, at_due(-timedelta(microseconds=1))),
            (again, at_due(timedelta(hours=5, microseconds=7))),
            (good, at_due(timedelta(microseconds=500000))),
        ),
    )
    yield new(
        "before 1970",
        210,
        utc(1969, 12, 31, 23, 55, 0, 250000),
        steps((good, at_due()), (good, at_due()), (good, at_due(100 * DAY)), (again, at_due())),
    )
    yield new(
        "the first year datetime holds",
        212,
        utc(1, 1, 1),
        steps((good, at_due()), (good, at_due()), (easy, at_due())),
    )
    yield new(
        "the last year datetime holds: the due time overflows",
        213,
        utc(9999, 12, 30, 23, 50),
        steps((good, at_due()), (good, at_due()), (good, at_due())),
    )
    pattern = [good, good, good, hard, good, again, good, easy, good, hard, again, again, good, good, easy]
    pattern += [good, hard, hard, good, again, good, good, easy, easy, good]
    gaps = [at_due(), at_due(), at_due(HOUR), at_due(-DAY), into_interval(0.7), at_due(3 * DAY), at_due()]
    yield new(
        "25 reviews of one card",
        211,
        utc(2025, 9, 1, 7),
        steps(*[(rating, gaps[i % len(gaps)]) for i, rating in enumerate(pattern)]),
    )

    # Stored cards of shapes the current scheduler would not make, read from JSON.
    due, last = "2026-03-02T12:00:00+00:00", "2026-03-01T12:00:00+00:00"

    def stored(name: str, text: str, items: Iterator[tuple[int, When]]) -> Sequence:
        return play(scheduler, name, text, items)

    yield stored(
        "learning step 2, past this scheduler's steps: Hard graduates",
        card_json(301, 1, 2, 3.5, 5.0, due, last),
        steps((hard, at_due()), (good, at_due())),
    )
    yield stored(
        "learning step 5: Again goes back to step 0",
        card_json(302, 1, 5, 3.5, 5.0, due, last),
        steps((again, at_due()), (good, at_due())),
    )
    yield stored(
        "learning step 1: Hard stays at 10 minutes",
        card_json(303, 1, 1, 1.2, 6.0, due, last),
        steps((hard, at_due()), (good, at_due())),
    )
    yield stored(
        "learning step -1 (Python's negative index)",
        card_json(304, 1, -1, 1.2, 6.0, due, last),
        steps((hard, at_due()), (good, at_due()), (good, at_due())),
    )
    yield stored(
        "learning step -5: py-fsrs fails", card_json(305, 1, -5, 1.2, 6.0, due, last), steps((hard, at_due()))
    )
    yield stored(
        "relearning step 1, past the steps: Good graduates",
        card_json(306, 3, 1, 2.0, 7.0, due, last),
        steps((good, at_due()), (good, at_due())),
    )
    yield stored(
        "relearning step 3: Again goes back to step 0",
        card_json(307, 3, 3, 2.0, 7.0, due, last),
        steps((again, at_due()), (easy, at_due())),
    )
    yield stored(
        "relearning without a step: py-fsrs fails",
        card_json(308, 3, None, 2.0, 7.0, due, last),
        steps((good, at_due())),
    )
    yield stored(
        "review card never reviewed (no last_review)",
        card_json(309, 2, None, 10.0, 5.0, due, None),
        steps((good, at_due()), (again, at_due())),
    )
    yield stored(
        "review card without stability: py-fsrs fails",
        card_json(310, 2, None, None, 5.0, due, last),
        steps((good, at_due())),
    )
    yield stored(
        "huge stability: capped at 36,500 days",
        card_json(311, 2, None, 50000.0, 3.0, due, last),
        steps((good, at_due()), (hard, at_due()), (again, at_due())),
    )
    yield stored(
        "minimum stability and maximum difficulty",
        card_json(312, 2, None, 0.001, 10.0, due, last),
        steps((hard, at_due()), (again, at_due()), (again, at_due()), (good, at_due())),
    )
    for stability in (2.5, 4.5):
        # Good the same day keeps a stability above about 2.1 as it is, and (s / FACTOR) * FACTOR is
        # s again: the interval is exactly half a day off a whole number, rounded half to even.
        yield stored(
            f"stability {stability}: an interval of exactly {stability} days rounds to even",
            card_json(320 + int(stability), 2, None, stability, 5.0, due, "2026-03-02T10:00:00+00:00"),
            steps((good, at_due()), (good, after(HOUR)), (good, at_due())),
        )
    yield stored(
        "minimum difficulty",
        card_json(313, 2, None, 4.0, 1.0, due, last),
        steps((easy, at_due()), (easy, at_due()), (good, at_due())),
    )
    yield stored(
        "stability 0 reads as none: learning starts afresh",
        card_json(314, 1, 0, 0, 0, due, None),
        steps((good, at_due()), (good, at_due())),
    )
    yield stored(
        "learning card with stability but no difficulty",
        card_json(315, 1, 1, 2.5, None, due, last),
        steps((good, at_due())),
    )
    yield stored(
        "review card with a step (kept by Good)",
        card_json(316, 2, 0, 6.0, 4.0, due, last),
        steps((good, at_due()), (again, at_due())),
    )
    yield stored(
        "dates with Z, +02:00 and milliseconds",
        card_json(317, 2, None, 8.0, 4.5, "2026-03-02T14:00:00.123+02:00", "2026-02-25T12:00:00Z"),
        steps((good, at_due()), (good, at_due())),
    )
    yield stored(
        "dates with a space and a negative offset",
        card_json(318, 2, None, 8.0, 4.5, "2026-03-02 07:00:00-05:00", "2026-02-25 07:00:00.5-05:00"),
        steps((hard, at_due()), (good, at_due())),
    )
    yield stored(
        "the largest card id the store makes (48 bits)",
        card_json(2**48 - 1, 1, 0, None, None, due, None),
        steps((good, at_due()), (good, at_due())),
    )


def random_sequence(scheduler: fsrs.Scheduler, rng: random.Random, index: int) -> Sequence:
    """Return a random card's life: a mix of ratings and of early, on-time and late reviews."""
    profile = rng.choice([(5, 10, 60, 25), (35, 25, 35, 5), (25, 25, 25, 25), (15, 15, 55, 15)])
    length = 1 + min(MAX_REVIEWS - 1, int(rng.expovariate(1 / 8)))
    created = utc(1995, 1, 1) + timedelta(
        microseconds=rng.randrange(int(50 * YEAR / timedelta(microseconds=1)))
    )
    created = jitter(rng, created)

    def when(card: fsrs.Card, last: datetime) -> datetime:
        gap = rng.choices(
            ["minutes", "hours", "due", "near", "early", "late", "very late", "years"],
            weights=[12, 8, 30, 15, 12, 12, 8, 3],
        )[0]
        interval = max(card.due - last, timedelta(0))
        if gap == "minutes":
            at = last + timedelta(seconds=rng.randrange(0, 1801))
        elif gap == "hours":
            at = last + timedelta(seconds=rng.randrange(3600, 23 * 3600))
        elif gap == "due":
            at = card.due
        elif gap == "near":
            at = card.due + timedelta(seconds=rng.randrange(-12 * 3600, 36 * 3600))
        elif gap == "early":
            at = last + interval * rng.uniform(0.05, 0.95)
        elif gap == "late":
            at = card.due + interval * rng.uniform(0.1, 3.0)
        elif gap == "very late":
            at = card.due + timedelta(days=rng.uniform(30, 3 * 365))
        else:
            at = card.due + timedelta(days=rng.uniform(3 * 365, 12 * 365))
        return jitter(rng, at)

    items = [(rng.choices([1, 2, 3, 4], weights=profile)[0], when) for _ in range(length)]
    card = new_card(rng.randrange(1, 2**48), created)
    return play(scheduler, f"random {index}", card, iter(items))


def jitter(rng: random.Random, when: datetime) -> datetime:
    """Return `when` at whole seconds, whole milliseconds or with microseconds, at random."""
    kind = rng.random()
    if kind < 0.3:
        return when.replace(microsecond=0)
    if kind < 0.6:
        return when.replace(microsecond=when.microsecond // 1000 * 1000)
    return when.replace(microsecond=rng.randrange(1_000_000))


def compact(value: Any) -> str:
    """Return JSON without spaces between items."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def build() -> str:
    """Return the vectors file's text."""
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    rng = random.Random(SEED)
    sequences = list(scripted(scheduler))
    sequences += [random_sequence(scheduler, rng, i) for i in range(RANDOM_SEQUENCES)]
    header = {
        "about": "py-fsrs reviews that exporters/web/fsrs.js must reproduce; written by "
        "tests/vectors/make_fsrs_vectors.py, checked by tests/test_web_fsrs.py",
        "seed": SEED,
        "scheduler": scheduler.to_dict(),
    }
    # One review per line: small, and a changed schedule shows as a readable diff.
    lines = ["{" + compact(header)[1:-1] + ',"sequences":[']
    for n, sequence in enumerate(sequences):
        head = {"name": sequence.name, "start": sequence.start, "new": sequence.new}
        lines.append(compact(head)[:-1] + ',"reviews":[')
        lines += [compact(review) + "," for review in sequence.reviews]
        lines[-1] = lines[-1][:-1] + ("]}," if n + 1 < len(sequences) else "]}")
    lines.append("]}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the vectors file, or with --check say whether it is current."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare with the committed file")
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        current = OUTPUT.exists() and OUTPUT.read_text(encoding="utf-8") == text
        print(f"{OUTPUT}: {'current' if current else 'out of date; run without --check'}")
        return 0 if current else 1
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(text.encode()):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

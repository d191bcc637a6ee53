"""Grade a student's typed answers: pure functions from input text to a verdict.

Reading and grading are two steps. `parse_input` turns what was typed into a `Response` (the
choices picked, true or false, the text, one entry per cloze blank, the pairs matched) or raises
`InvalidAnswer` with a hint when the input cannot be an answer at all; `grade` compares a
`Response` with the question's key. A front end that is not a terminal builds a `Response`
directly and calls `grade`.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sciatica_quiz.errors import InvalidAnswer
from sciatica_quiz.model import (
    LETTERS,
    Cloze,
    Matching,
    MultipleAnswer,
    MultipleChoice,
    Question,
    ShortAnswer,
    TrueFalse,
    assert_never,
)

TRUE_WORDS = frozenset({"t", "true"})
FALSE_WORDS = frozenset({"f", "false"})
# Every character that people type, or word processors produce, for a dash or a minus.
DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\ufe58\ufe63\uff0d")
ARTICLES = frozenset({"the", "a", "an"})
# Spellings that are equally right (US and British, anatomical and everyday names): each word is
# compared as its first form. 'disk' is standard US usage; 'anulus' is the official anatomical term.
SPELLINGS: dict[str, str] = {
    "disk": "disc", "disks": "discs", "anulus": "annulus", "peroneal": "fibular",
    "anaesthesia": "anesthesia", "paraesthesia": "paresthesia", "paraesthesiae": "paresthesias",
    "oedema": "edema", "tumour": "tumor", "tumours": "tumors", "centre": "center", "fibre": "fiber",
    "fibres": "fibers", "orthopaedic": "orthopedic", "haemorrhage": "hemorrhage",
    "ischaemia": "ischemia", "foetus": "fetus",
}  # fmt: skip
PARENTHESISED = re.compile(r"\s*\([^()]*\)")
CHOICE_SEPARATORS = re.compile(r"[\s,;/+&.()\[\]]+")
MATCH_PAIR = re.compile(r"(\d+)\s*[-=:.>)]*\s*([a-z])")
MATCH_SEPARATORS = re.compile(r"[\s,;/-]*")


@dataclass(frozen=True)
class Layout:
    """How a question is shown: choices in display order, matching items in display order.

    Letters and numbers the student types refer to these positions, so a layout is part of
    reading an answer. True/false, short answer and cloze questions have an empty layout.
    """

    choices: tuple[str, ...] = ()
    lefts: tuple[str, ...] = ()
    rights: tuple[str, ...] = ()

    @classmethod
    def natural(cls, q: Question) -> Layout:
        """Return the layout in bank order."""
        match q:
            case MultipleChoice() | MultipleAnswer():
                return cls(choices=q.texts)
            case Matching():
                return cls(lefts=q.lefts, rights=q.rights)
            case TrueFalse() | ShortAnswer() | Cloze():
                return cls()
            case _:
                assert_never(q)

    @classmethod
    def shuffled(cls, q: Question, rng: random.Random) -> Layout:
        """Return a layout with choices and matching answers shuffled by `rng`."""
        base = cls.natural(q)
        choices, rights = list(base.choices), list(base.rights)
        rng.shuffle(choices)
        rng.shuffle(rights)
        return cls(tuple(choices), base.lefts, tuple(rights))


@dataclass(frozen=True)
class Response:
    """A student's answer, independent of how it was entered. Fields follow the question type."""

    choices: frozenset[str] = frozenset()
    truth: bool | None = None
    text: str = ""
    blanks: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Grade:
    """The verdict on one response.

    `parts` holds one verdict per cloze blank or per matching item (in layout order); `typos`
    holds, for text answers accepted despite a small typo, the spelling that was meant.
    """

    correct: bool
    parts: tuple[bool, ...] = ()
    typos: tuple[str, ...] = ()


def entries_needed(q: Question) -> int:
    """Return how many lines of input a question takes: one per cloze blank, otherwise one."""
    return len(q.blanks) if isinstance(q, Cloze) else 1


# -- normalising text answers -------------------------------------------------------------------


def normalise(text: str) -> str:
    """Return text folded for comparison: case, accents, dashes, punctuation, spacing, articles."""
    text = unicodedata.normalize("NFKD", text).casefold()
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat == "Mn":
            continue  # combining accents: 'Lasègue' is typed 'Lasegue' just as often
        out.append(" " if ch in DASHES or cat[0] == "P" else ch)
    words = [SPELLINGS.get(w, w) for w in "".join(out).split()]
    if len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(words)


def _compact(text: str) -> str:
    return normalise(text).replace(" ", "")


def edit_distance(a: str, b: str, limit: int) -> int:
    """Return the Damerau-Levenshtein (optimal string alignment) distance, capped at limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


def typo_allowance(answer: str) -> int:
    """Return how many typos an accepted answer tolerates: 0 below 6 letters, 1 from 6, 2 from 12."""
    n = len(_compact(answer))
    return 2 if n >= 12 else 1 if n >= 6 else 0


def _variants(accepted: Iterable[str]) -> list[str]:
    """Return the accepted answers plus each one without its parenthesised parts."""
    out: list[str] = []
    for a in accepted:
        for v in (a, PARENTHESISED.sub("", a)):
            if v.strip() and v not in out:
                out.append(v)
    return out


def match_text(typed: str, accepted: Sequence[str]) -> tuple[bool, str | None]:
    """Return (accepted?, the variant meant when accepted only thanks to a small typo)."""
    given = _compact(typed)
    variants = _variants(accepted)
    if any(given == _compact(v) for v in variants):
        return True, None
    digits = re.findall(r"\d+", normalise(typed))
    for v in variants:
        allowed = typo_allowance(v)
        # A different number is a different answer, never a typo: 'L4' is not 'L5'.
        if (
            allowed
            and re.findall(r"\d+", normalise(v)) == digits
            and edit_distance(given, _compact(v), allowed) <= allowed
        ):
            return True, v
    return False, None


# -- reading typed input ------------------------------------------------------------------------


def letter_range(n: int) -> str:
    """Return 'a to d' for n = 4."""
    return f"a to {LETTERS[n - 1]}" if n > 1 else "a"


def _letters(raw: str) -> list[int] | None:
    """Return the positions named by letters like 'b', 'a c', 'a,c' or 'ac'; None if not letters."""
    cleaned = CHOICE_SEPARATORS.sub("", raw.lower())
    if not cleaned or not cleaned.isascii() or not cleaned.isalpha():
        return None
    return list(dict.fromkeys(LETTERS.index(ch) for ch in cleaned))


def _read_choices(q: MultipleChoice | MultipleAnswer, layout: Layout, raw: str) -> Response:
    n = len(layout.choices)
    single = isinstance(q, MultipleChoice)
    picked = _letters(raw)
    if picked is None or max(picked) >= n:
        # Typing a choice out in full is an answer too, as long as it is exactly one choice.
        typed = _compact(raw)
        same = [i for i, c in enumerate(layout.choices) if typed and _compact(c) == typed]
        if same:
            picked = same[:1]
        elif picked is not None and len(picked) <= 3:
            bad = next(LETTERS[i] for i in picked if i >= n)
            raise InvalidAnswer(f"There is no choice '{bad}'. Type a letter from {letter_range(n)}.")
        else:
            what = "the letter of your answer" if single else "the letters of your answers, e.g. a c"
            raise InvalidAnswer(f"Type {what} ({letter_range(n)}).")
    if single and len(picked) > 1:
        raise InvalidAnswer(f"Pick one letter ({letter_range(n)}).")
    return Response(choices=frozenset(layout.choices[i] for i in picked))


def _read_truth(raw: str) -> Response:
    word = raw.strip().lower().rstrip(".!")
    if word in TRUE_WORDS:
        return Response(truth=True)
    if word in FALSE_WORDS:
        return Response(truth=False)
    raise InvalidAnswer("Type t for true or f for false.")


def read_text(raw: str) -> str:
    """Return a typed text answer, or raise InvalidAnswer when nothing was typed."""
    if not normalise(raw):
        raise InvalidAnswer("Type your answer (or s to skip).")
    return raw.strip()


def pairs_example(layout: Layout) -> str:
    """Return an example of matching input for this layout, e.g. '1b 2c 3a'."""
    m = len(layout.rights)
    return " ".join(f"{i + 1}{LETTERS[(i + 1) % m]}" for i in range(min(len(layout.lefts), 3)))


def _read_pairs(layout: Layout, raw: str) -> Response:
    n, m = len(layout.lefts), len(layout.rights)
    example = pairs_example(layout)
    text = raw.strip().lower()
    if text.isascii() and CHOICE_SEPARATORS.sub("", text).isalpha():
        # Letters alone, in the order of the numbered items: 'bac' means 1b 2a 3c.
        letters = CHOICE_SEPARATORS.sub("", text)
        if len(letters) != n:
            raise InvalidAnswer(f"Give a letter for each of the {n} items, e.g. {example}.")
        found = [(i + 1, ch) for i, ch in enumerate(letters)]
    else:
        found = [(int(num), ch) for num, ch in MATCH_PAIR.findall(text)]
        if not found or MATCH_SEPARATORS.fullmatch(MATCH_PAIR.sub("", text)) is None:
            raise InvalidAnswer(f"Type pairs of number and letter, e.g. {example}.")
    chosen: dict[int, int] = {}
    for num, ch in found:
        if not 1 <= num <= n:
            raise InvalidAnswer(f"There is no item {num}; the items are 1 to {n}.")
        j = LETTERS.index(ch)
        if j >= m:
            raise InvalidAnswer(f"There is no answer '{ch}'; the answers are {letter_range(m)}.")
        if num in chosen:
            raise InvalidAnswer(f"Item {num} is matched twice; give one letter per item.")
        if j in chosen.values():
            raise InvalidAnswer(f"Letter {ch} is used twice; each answer goes with one item.")
        chosen[num] = j
    missing = [str(i) for i in range(1, n + 1) if i not in chosen]
    if missing:
        raise InvalidAnswer(f"Match every item; missing: {', '.join(missing)}.")
    return Response(pairs=tuple((layout.lefts[i - 1], layout.rights[chosen[i]]) for i in range(1, n + 1)))


def parse_input(q: Question, layout: Layout, entries: Sequence[str]) -> Response:
    """Read typed input (one entry, or one per cloze blank) into a Response, or raise InvalidAnswer."""
    if len(entries) != entries_needed(q):
        raise InvalidAnswer(f"Expected {entries_needed(q)} answer(s), got {len(entries)}.")
    match q:
        case MultipleChoice() | MultipleAnswer():
            return _read_choices(q, layout, entries[0])
        case TrueFalse():
            return _read_truth(entries[0])
        case ShortAnswer():
            return Response(text=read_text(entries[0]))
        case Cloze():
            return Response(blanks=tuple(read_text(e) for e in entries))
        case Matching():
            return _read_pairs(layout, entries[0])
        case _:
            assert_never(q)


# -- grading ------------------------------------------------------------------------------------


def grade(q: Question, response: Response) -> Grade:
    """Return the verdict on a response. Multi-part answers are right only when every part is."""
    match q:
        case MultipleChoice() | MultipleAnswer():
            return Grade(response.choices == frozenset(q.correct))
        case TrueFalse():
            return Grade(response.truth is q.answer)
        case ShortAnswer():
            ok, meant = match_text(response.text, q.accepted)
            return Grade(ok, typos=(meant,) if meant else ())
        case Cloze():
            parts: list[bool] = []
            typos: list[str] = []
            for typed, blank in zip(response.blanks, q.blanks, strict=False):
                ok, meant = match_text(typed, [blank.answer])
                parts.append(ok)
                if meant:
                    typos.append(meant)
            complete = len(response.blanks) == len(q.blanks)
            return Grade(complete and all(parts), tuple(parts), tuple(typos))
        case Matching():
            given = dict(response.pairs)
            pair_parts = tuple(given.get(p.left) == p.right for p in q.pairs)
            return Grade(all(pair_parts) and len(given) == len(q.pairs), pair_parts)
        case _:
            assert_never(q)


def check(q: Question, layout: Layout, entries: Sequence[str]) -> Grade:
    """Read and grade typed input in one step; raise InvalidAnswer if it is not an answer."""
    return grade(q, parse_input(q, layout, entries))


def correct_input(q: Question, layout: Layout) -> list[str]:
    """Return input that answers the question correctly in this layout (for feedback and tests)."""
    match q:
        case MultipleChoice() | MultipleAnswer():
            return [" ".join(LETTERS[i] for i, c in enumerate(layout.choices) if c in q.correct)]
        case TrueFalse():
            return ["t" if q.answer else "f"]
        case ShortAnswer():
            return [q.accepted[0]]
        case Cloze():
            return [b.answer for b in q.blanks]
        case Matching():
            key = dict(zip(q.lefts, q.rights, strict=True))
            letters = [LETTERS[layout.rights.index(key[left])] for left in layout.lefts]
            return [" ".join(f"{i}{ch}" for i, ch in enumerate(letters, 1))]
        case _:
            assert_never(q)

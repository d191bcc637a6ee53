"""Grade a student's typed answers: pure functions from input text to a verdict.

Reading and grading are two steps. `parse_input` turns what was typed into a `Response` (the
choices picked, true or false, the text, one entry per cloze blank, the pairs matched) or raises
`InvalidAnswer` with a hint when the input cannot be an answer at all; `grade` compares a
`Response` with the question's key. A front end that is not a terminal builds a `Response`
directly and calls `grade`.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

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
        if isinstance(q, MultipleChoice | MultipleAnswer) and not q.shuffle:
            choices = list(base.choices)  # shuffled all the same, so the seed gives the same quiz
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


# -- comparing text answers ----------------------------------------------------------------------
#
# Typed answers are compared the way a fair teacher marks them. The rules' data (spellings, the
# words that change the meaning, the typo allowance) is in grading_rules.json, which the study
# page's JavaScript grader reads too; tests/fixtures/grading-vectors.json holds both to the same
# verdicts. In order:
#   1. each answer is read in its forms: as written; a parenthetical kept as words, dropped, or
#      standing for the word before it ("common fibular (peroneal) nerve" is also "common peroneal
#      nerve"); a slash between words as either word ("fibular/peroneal");
#   2. each form is normalised: case, accents, dashes and punctuation, spacing; numbers
#      ("10,000" = "10 000" = "10000"; "1 in 10,000" = "1/10,000" = "1:10,000"; "90%" = "90
#      percent"); equally right spellings (disk = disc); singular and plural; a leading article;
#   3. the typed answer is right when one of its forms equals a form of an accepted answer, word
#      for word or with the spaces taken out, or differs from it by small typos in long words;
#   4. but never when it says something the key does not: a number, level, side or negation the
#      accepted answers do not have (hedging such as "L4 (L5)" or "left/right" is not accepted).

RULES: dict[str, Any] = json.loads(
    resources.files("sciatica_quiz").joinpath("grading_rules.json").read_text("utf-8")
)
SPELLINGS: dict[str, str] = RULES["spellings"]["words"]
CRITICAL = frozenset(RULES["critical"]["words"])
CONTRASTS: tuple[tuple[str, str], ...] = tuple((a, b) for a, b in RULES["contrasts"]["pairs"])
TYPOS_ONE, TYPOS_TWO = RULES["typos"]["one"], RULES["typos"]["two"]
_WORD_BEFORE_PARENS = re.compile(r"([^\s()/]+)\s*\(([^()]*)\)")
_SLASHED = re.compile(r"([^\s()/]+)/([^\s()/]+)")
_THOUSANDS = re.compile(r"(?<=\d)[,\u00a0\u202f ](?=\d{3}(?!\d))")
_RATIO = re.compile(r"(\d+)\s*(?:/|:|\bin\b|\bout of\b)\s*(\d+)")
_PERCENT = re.compile(r"(\d)\s*(?:%|\bper ?cent\b)")
_DEGREES = re.compile(r"(\d)\s*(?:°|\bdeg\b|\bdegrees?\b)")


def normalise(text: str) -> str:
    """Return text folded for comparison: case, accents, dashes, punctuation, spacing, numbers,
    equally right spellings, singular and plural, and a leading article."""
    text = unicodedata.normalize("NFKD", text).casefold()
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")  # 'Lasègue' is typed 'Lasegue'
    text = _THOUSANDS.sub("", text)
    text = _RATIO.sub(r"\1 in \2", text)
    text = _PERCENT.sub(r"\1 percent ", text)
    text = _DEGREES.sub(r"\1 degrees ", text)
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        out.append(" " if ch in DASHES or cat[0] in "PS" else ch)
    words = [_singular(SPELLINGS.get(w, w)) for w in "".join(out).split()]
    if len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(words)


def _singular(word: str) -> str:
    """Return a word with a regular English plural ending taken off (applied to both sides alike)."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def forms(text: str) -> list[str]:
    """Return the ways an answer can be read: as written, and with its parenthetical and slash
    alternatives resolved (see the rules above)."""
    found = [text]
    if "(" in text:
        found += [
            text.replace("(", " ").replace(")", " "),
            PARENTHESISED.sub("", text),
            _WORD_BEFORE_PARENS.sub(r"\2", text),
        ]
    for f in list(found):
        if _SLASHED.search(f):
            found += [_SLASHED.sub(r"\1", f), _SLASHED.sub(r"\2", f), _SLASHED.sub(r"\1 \2", f)]
    return list(dict.fromkeys(f for f in found if f.strip()))


def _critical(normalised: str) -> set[str]:
    return {w for w in normalised.split() if w in CRITICAL or any(ch.isdigit() for ch in w)}


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
    """Return how many typos an answer (or one word) tolerates: none below 6 letters, 1 from 6, 2 from 12."""
    n = len(normalise(answer).replace(" ", ""))
    return 2 if n >= TYPOS_TWO else 1 if n >= TYPOS_ONE else 0


def _contrasting(a: str, b: str) -> bool:
    return any(
        (a.startswith(x) and b.startswith(y)) or (a.startswith(y) and b.startswith(x))
        for x, y in CONTRASTS
        if not (a.startswith(x) and b.startswith(x)) and not (a.startswith(y) and b.startswith(y))
    )


def _close(typed: str, key: str) -> bool:
    """Return whether a normalised answer differs from a normalised key only by small typos."""
    typed_words, key_words = typed.split(), key.split()
    if len(typed_words) != len(key_words):
        return False
    total = 0
    for t, k in zip(typed_words, key_words, strict=True):
        if t == k:
            continue
        if k in CRITICAL or t in CRITICAL or _critical(k) or _critical(t) or _contrasting(t, k):
            return False
        allowed = 2 if len(k) >= TYPOS_TWO else 1 if len(k) >= TYPOS_ONE else 0
        distance = edit_distance(t, k, allowed)
        if distance > allowed:
            return False
        total += distance
    return 0 < total <= typo_allowance(key)


def match_text(typed: str, accepted: Sequence[str]) -> tuple[bool, str | None]:
    """Return (accepted?, the accepted answer meant when it was accepted only thanks to typos)."""
    typed_forms = [normalise(f) for f in forms(typed)]
    keys = [(a, normalise(f)) for a in accepted for f in forms(a)]
    # Everything the student wrote that changes the meaning must be in the key (no hedging).
    everything = normalise(typed.replace("(", " ").replace(")", " ").replace("/", " "))
    said = {w for _, k in keys for w in _critical(k)}
    run_together = [k.replace(" ", "") for _, k in keys]  # 'L4S3' says what 'L4–S3' says
    if any(w not in said and not any(w in r for r in run_together) for w in _critical(everything)):
        return False, None
    for t in typed_forms:
        for _, k in keys:
            if t and (t == k or t.replace(" ", "") == k.replace(" ", "")):
                return True, None
    for t in typed_forms:
        for a, k in keys:
            if t and _close(t, k):
                return True, a
    return False, None


def match_blanks(
    typed: Sequence[str], accepted: Sequence[Sequence[str]], any_order: Sequence[Sequence[int]] = ()
) -> tuple[tuple[bool, ...], tuple[str, ...]]:
    """Return a verdict per blank, and the answers meant where typos were forgiven.

    `accepted` holds each blank's accepted answers in reading order; `any_order` groups blank
    positions (0-based) whose answers may come in any order, as "sacrotuberous and sacrospinous".
    """
    parts = [False] * len(accepted)
    meant: dict[int, str] = {}
    grouped = {i for group in any_order for i in group}
    for i, (t, keys) in enumerate(zip(typed, accepted, strict=False)):
        if i not in grouped:
            parts[i], m = match_text(t, keys)
            if m:
                meant[i] = m
    for group in any_order:
        best: tuple[int, list[tuple[int, bool, str | None]]] = (-1, [])
        for order in itertools.permutations(group):
            verdicts = [
                (slot, *match_text(typed[slot], accepted[key]))
                for slot, key in zip(group, order, strict=True)
                if slot < len(typed)
            ]
            score = sum(ok for _, ok, _ in verdicts)
            if score > best[0]:
                best = (score, verdicts)
        for slot, ok, m in best[1]:
            parts[slot] = ok
            if m:
                meant[slot] = m
    return tuple(parts), tuple(meant[i] for i in sorted(meant))


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
            parts, typos = match_blanks(
                response.blanks, [b.accepted for b in q.blanks], q.any_order_positions
            )
            complete = len(response.blanks) == len(q.blanks)
            return Grade(complete and all(parts), parts, typos)
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

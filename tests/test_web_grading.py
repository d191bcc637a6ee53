"""The study page's grader, exporters/web/grading.js, against the CLI's: the same verdicts on everything.

grading.js ports sciatica_quiz/grading.py. tests/vectors/run_grading_vectors.js runs it under
Node.js, one process per test with every case in it, and these tests compare its answers with
Python's: the shared vectors (tests/fixtures/grading-vectors.json); every accepted answer of the
built-in banks, mutated in many ways and checked against its own key and another question's; a
seeded fuzz of arbitrary Unicode; normalise() on every code point; and the Unicode tables grading.js
carries (written by tests/vectors/make_grading_tables.py). These tests need Node.js: where it is
missing they are skipped, unless SCIATICA_QUIZ_REQUIRE_BROWSER=1 (as .ci/run sets it), when they fail.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import random
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from types import ModuleType
from typing import Any

import pytest
from conftest import REPO, tool_missing

from sciatica_quiz import grading
from sciatica_quiz.errors import InvalidAnswer
from sciatica_quiz.grading import (
    Grade,
    Layout,
    Response,
    check,
    edit_distance,
    forms,
    grade,
    match_blanks,
    match_text,
    normalise,
    read_text,
    typo_allowance,
)
from sciatica_quiz.loader import load_library
from sciatica_quiz.model import Cloze, Question, ShortAnswer, TrueFalse

VECTORS = REPO / "tests" / "fixtures" / "grading-vectors.json"
RULES = REPO / "sciatica_quiz" / "grading_rules.json"
GRADING_JS = REPO / "exporters" / "web" / "grading.js"
RUNNER = REPO / "tests" / "vectors" / "run_grading_vectors.js"
GENERATOR = REPO / "tests" / "vectors" / "make_grading_tables.py"
NO_NODE = (
    "Node.js is not installed (no `node` on PATH), so the study page's grader "
    "(exporters/web/grading.js) cannot be checked against the CLI's. Install Node.js 18 or newer."
)
SEED = 20261201
SURROGATES = range(0xD800, 0xE000)

QUESTIONS = load_library().questions
# Every list of accepted answers in the built-in banks: each short answer's, each cloze blank's.
KEYS: list[tuple[str, ...]] = [q.accepted for q in QUESTIONS if isinstance(q, ShortAnswer)] + [
    b.accepted for q in QUESTIONS if isinstance(q, Cloze) for b in q.blanks
]


# -- running grading.js --------------------------------------------------------------------------


def run_node(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the runner under the machine's Node.js; skip (or fail, if required) when there is none."""
    node = shutil.which("node")
    if node is None:
        tool_missing(NO_NODE)
    return subprocess.run(
        [node, str(RUNNER), *args],
        input=stdin,
        capture_output=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )


def checks(**job: Any) -> dict[str, Any]:
    """Return the runner's answers to a job (see run_grading_vectors.js)."""
    done = run_node("checks", str(RULES), stdin=show(job))  # UTF-8, lone surrogates escaped
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def python(fn: Callable[..., Any], *args: Any) -> Any:
    """Return what a grading function gives, as the runner writes it (a hint for InvalidAnswer)."""
    try:
        result = fn(*args)
    except InvalidAnswer as exc:
        return {"hint": exc.hint}
    if isinstance(result, Grade):
        return [result.correct, list(result.parts), list(result.typos)]
    if isinstance(result, tuple) and fn is match_blanks:
        return [list(result[0]), list(result[1])]
    if isinstance(result, tuple):
        return list(result)
    return result


def show(value: Any) -> str:
    """Return a value as JSON that prints anywhere (lone surrogates escaped, other characters as they are)."""
    return re.sub(
        r"[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False)
    )


def differences(label: str, cases: Sequence[Any], got: Sequence[Any], want: Sequence[Any]) -> list[str]:
    """Return the cases where grading.js and Python disagree, described."""
    assert len(got) == len(want) == len(cases), label
    return [
        f"{label}{show(case)}: JS {show(g)}, Python {show(w)}"
        for case, g, w in zip(cases, got, want, strict=True)
        if g != w
    ]


def assert_same(problems: list[str], cases: int) -> None:
    assert not problems, f"{len(problems)} of {cases} cases differ, e.g.:\n" + "\n".join(problems[:15])


def page_question(q: Question) -> dict[str, Any]:
    """Return a question as the study page holds it (exporters/web/__init__.py)."""
    if isinstance(q, TrueFalse):
        return {"type": "true_false", "answer": q.answer}
    if isinstance(q, ShortAnswer):
        return {"type": "short_answer", "accepted": list(q.accepted)}
    assert isinstance(q, Cloze)
    positions = {b.number: i for i, b in enumerate(q.blanks)}
    return {
        "type": "cloze",
        "blanks": [{"answer": b.answer, "accepted": list(b.accepted)} for b in q.blanks],
        "anyOrder": [[positions[n] for n in group if n in positions] for group in q.any_order],
    }


# -- the Unicode tables --------------------------------------------------------------------------


@cache
def generator() -> ModuleType:
    """Return tests/vectors/make_grading_tables.py as a module (tests/ is not a package)."""
    spec = importlib.util.spec_from_file_location("make_grading_tables", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def tables_version() -> str:
    """Return the Unicode version of the tables in grading.js."""
    found = re.search(r'const UNICODE_VERSION = "([^"]+)"', GRADING_JS.read_text(encoding="utf-8"))
    assert found, "grading.js has no UNICODE_VERSION"
    return found.group(1)


SAME_UNICODE = unicodedata.unidata_version == tables_version()
OTHER_UNICODE = (
    f"grading.js carries Unicode {tables_version()}, this Python has {unicodedata.unidata_version}: "
    "the CLI run by this Python and the page differ on the characters that changed between them"
)


@cache
def node_unicode() -> dict[str, Any]:
    """Return the Unicode data grading.js computes with, for every code point."""
    done = run_node("unicode")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


@cache
def python_unicode() -> dict[str, Any]:
    """Return this Python's Unicode data, in the runner's layout."""
    g = generator()
    nfkd = {}
    for cp in range(g.CODE_POINTS):
        decomposed = unicodedata.normalize("NFKD", chr(cp))
        if decomposed != chr(cp):
            nfkd[str(cp)] = decomposed
    return {
        "properties": g.runs(g.properties()),
        "combining": g.runs(g.combining()),
        "nfkd": nfkd,
        "casefold": {str(cp): "".join(map(chr, to)) for cp, to in g.casefolds().items()},
    }


def expand(runs: list[int]) -> list[int]:
    """Return a value per code point from runs (length, value, ...)."""
    out: list[int] = []
    for length, value in zip(runs[::2], runs[1::2], strict=True):
        out += [value] * length
    return out


@cache
def drift() -> frozenset[int]:
    """Return the code points on which grading.js's tables and this Python's Unicode differ."""
    if SAME_UNICODE:
        return frozenset()  # test_tables_are_pythons holds them to that
    js, py = node_unicode(), python_unicode()
    out = set()
    for key in ("properties", "combining"):
        out |= {cp for cp, (a, b) in enumerate(zip(expand(js[key]), expand(py[key]), strict=True)) if a != b}
    for key in ("nfkd", "casefold"):
        out |= {int(cp) for cp in js[key].keys() | py[key].keys() if js[key].get(cp) != py[key].get(cp)}
    return frozenset(out)


def strings(value: Any) -> Iterator[str]:
    """Yield the strings in a value of nested lists and tuples."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


def agreed(*texts: Any) -> bool:
    """Return whether no string in texts has a character on which the tables and this Python differ."""
    return not drift() or not any(ord(ch) in drift() for text in strings(texts) for ch in text)


def test_tables_are_what_python_makes_now() -> None:
    """The generated block in grading.js is the generator's output with this Python's Unicode."""
    if not SAME_UNICODE:
        pytest.skip(OTHER_UNICODE)
    g = generator()
    assert g.embedded(GRADING_JS.read_text(encoding="utf-8")) == g.build(), (
        "the Unicode tables of grading.js are out of date: run `python tests/vectors/make_grading_tables.py`"
    )


def test_tables_are_pythons() -> None:
    """grading.js decodes its tables to this Python's NFKD, casefold, categories and str predicates."""
    if not SAME_UNICODE:
        pytest.skip(OTHER_UNICODE)
    js, py = node_unicode(), python_unicode()
    assert js["properties"] == py["properties"]
    assert js["combining"] == py["combining"]
    for key in ("nfkd", "casefold"):
        wrong = [
            (hex(int(cp)), js[key].get(cp), py[key].get(cp)) for cp in sorted(js[key].keys() ^ py[key].keys())
        ]
        wrong += [
            (hex(int(cp)), js[key][cp], py[key][cp])
            for cp in js[key].keys() & py[key].keys()
            if js[key][cp] != py[key][cp]
        ]
        assert not wrong, f"{key}: {len(wrong)} code points differ, e.g. {wrong[:10]}"
    assert len(py["nfkd"]) > 15000 and len(py["casefold"]) > 1400  # Hangul syllables and all


# -- the shared vectors --------------------------------------------------------------------------


def test_port_passes_every_vector() -> None:
    """Every case of grading-vectors.json, with grading.js loaded as a module and as a page script."""
    done = run_node("vectors", str(VECTORS), str(RULES))
    assert done.stdout, f"the runner failed:\n{done.stderr}"
    result = json.loads(done.stdout)
    vectors = json.loads(VECTORS.read_text(encoding="utf-8"))
    for loaded in ("module", "script"):
        summary = result[loaded]
        assert not summary["failures"], f"grading.js loaded as a {loaded}:\n" + "\n".join(summary["failures"])
        assert (summary["matchText"], summary["cloze"]) == (len(vectors["match_text"]), len(vectors["cloze"]))
    assert done.returncode == 0


def test_cloze_vectors_name_the_same_answers_meant() -> None:
    """The vectors give only the cloze parts; the answers meant are Python's too."""
    cases = [
        [c["typed"], c["accepted"], c["any_order"]] for c in json.loads(VECTORS.read_text("utf-8"))["cloze"]
    ]
    got = checks(matchBlanks=cases)["matchBlanks"]
    assert got == [python(match_blanks, *case) for case in cases]


# -- the built-in banks, mutated -----------------------------------------------------------------

CYRILLIC = str.maketrans("aceopxy", "асеорху")
GREEK = str.maketrans("aiouv", "αιουν")
ACCENTED = str.maketrans("aeiounc", "áéíöüñç")
SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
LEVELS = ["L1", "L2", "L3", "L4", "L5", "S1", "S2", "S3", "S4", "T12", "C7"]
SIDES = [("left", "right"), ("medial", "lateral"), ("anterior", "posterior"), ("flexion", "extension")]


def fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in s)


def math_bold(s: str) -> str:
    out = []
    for c in s:
        if "A" <= c <= "Z":
            out.append(chr(0x1D400 + ord(c) - ord("A")))
        elif "a" <= c <= "z":
            out.append(chr(0x1D41A + ord(c) - ord("a")))
        elif "0" <= c <= "9":
            out.append(chr(0x1D7CE + ord(c) - ord("0")))
        else:
            out.append(c)
    return "".join(out)


def typo(s: str, rng: random.Random) -> str:
    """Return s with one letter changed, added, dropped or swapped with the next."""
    if not s:
        return "x"
    i = rng.randrange(len(s))
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    edit = rng.randrange(4)
    if edit == 0:
        return s[:i] + letter + s[i + 1 :]
    if edit == 1:
        return s[:i] + letter + s[i:]
    if edit == 2 or i + 1 == len(s):
        return s[:i] + s[i + 1 :]
    return s[:i] + s[i + 1] + s[i] + s[i + 2 :]


def other_number(s: str, rng: random.Random) -> str:
    """Return s with a number or a spinal level changed, or digits swapped."""
    levels = re.findall(r"\b[LSTC]\d+\b", s)
    if levels and rng.random() < 0.5:
        level = rng.choice(levels)
        return s.replace(level, rng.choice([x for x in LEVELS if x != level]), 1)
    digits = re.findall(r"\d\d", s)
    if digits and rng.random() < 0.5:
        pair = rng.choice(digits)
        return s.replace(pair, pair[::-1], 1)
    if re.search(r"\d", s):
        return re.sub(r"\d+", lambda m: str(int(m.group()) + rng.choice([1, -1, 10])), s, count=1)
    return f"{s} {rng.choice(LEVELS)}"


def other_side(s: str, rng: random.Random) -> str:
    """Return s with a side, a direction or a negation added or swapped."""
    for a, b in SIDES:
        if re.search(rf"\b{a}\b", s, re.IGNORECASE):
            return re.sub(rf"\b{a}\b", b, s, flags=re.IGNORECASE)
        if re.search(rf"\b{b}\b", s, re.IGNORECASE):
            return re.sub(rf"\b{b}\b", a, s, flags=re.IGNORECASE)
    return rng.choice(["left ", "right ", "bilateral ", "not ", "no ", "non-", "never "]) + s


def number_forms(s: str) -> list[str]:
    """Return s with its numbers, ratios, percentages and degrees written in the other usual ways."""
    return [
        re.sub(r"(\d),(\d{3})", r"\1 \2", s),
        re.sub(r"(\d),(\d{3})", r"\1\2", s),
        re.sub(r"(\d),(\d{3})", "\\1\u202f\\2", s),
        re.sub(r"(\d) in (\d)", r"\1/\2", s),
        re.sub(r"(\d) in (\d)", r"\1:\2", s),
        re.sub(r"(\d) in (\d)", r"\1 out of \2", s),
        re.sub(r"(\d)\s*%", r"\1 per cent", s),
        re.sub(r"(\d) ?percent", r"\1%", s),
        re.sub(r"(\d)\s*degrees?", r"\1°", s),
        re.sub(r"(\d)\s*degrees?", r"\1 deg", s),
    ]


MUTATIONS: dict[str, Callable[[str, random.Random, str], list[str]]] = {
    "case": lambda s, rng, o: [s.upper(), s.lower(), s.title(), s.swapcase()],
    "accents": lambda s, rng, o: [
        s.translate(ACCENTED),
        unicodedata.normalize("NFD", s.translate(ACCENTED)),
        s.replace("e", "e\u0301\u0323", 1),
    ],
    "articles": lambda s, rng, o: ["the " + s, "The " + s, "a " + s, "An " + s, "the the " + s],
    "plural": lambda s, rng, o: [
        s + "s",
        s + "es",
        s[:-1] if s.endswith("s") else s + "S",
        re.sub(r"y\b", "ies", s),
        re.sub(r"ies\b", "y", s),
    ],
    "spacing": lambda s, rng, o: [
        s.replace(" ", "-"),
        s.replace(" ", "\u2013"),
        s.replace(" ", ""),
        s.replace(" ", "  "),
        s.replace("-", " "),
        s.replace("-", "\u2212"),
        s.replace("\u2013", "-"),
        f"  {s}\t\n",
    ],
    "unusual spaces": lambda s, rng, o: [
        s.replace(" ", ch)
        for ch in ("\u00a0", "\u2009", "\u3000", "\u200b", "\ufeff", "\x1c", "\x85", "\u180e")
    ],
    "parentheses": lambda s, rng, o: [
        f"{s} ({o})",
        f"({s})",
        f"{s} ()",
        f"{s} (",
        s.replace(" ", " (", 1) + ")",
        s.replace("(", "").replace(")", ""),
        re.sub(r"\s*\([^()]*\)", "", s),
        f"{s} ((x))",
    ],
    "slashes": lambda s, rng, o: [
        f"{s}/{o}",
        f"{o}/{s}",
        s.replace(" ", "/"),
        f"left/right {s}",
        f"{s} / {o}",
    ],
    "one typo": lambda s, rng, o: [typo(s, rng) for _ in range(3)],
    "two typos": lambda s, rng, o: [typo(typo(s, rng), rng) for _ in range(2)],
    "numbers": lambda s, rng, o: [other_number(s, rng) for _ in range(2)],
    "number forms": lambda s, rng, o: number_forms(s),
    "sides and negations": lambda s, rng, o: [other_side(s, rng), "not " + s, s + " without", "non" + s],
    "look-alikes": lambda s, rng, o: [
        s.translate(CYRILLIC),
        s.translate(GREEK),
        fullwidth(s),
        math_bold(s),
        s.replace("ss", "ß").replace("SS", "ẞ"),
        s.replace("fi", "\ufb01").replace("fl", "\ufb02"),
        s.translate(SUPERSCRIPTS),
        s.translate(ARABIC_INDIC),
        s.replace("1", "\u2460").replace("2", "\u2461"),
    ],
    "turkish": lambda s, rng, o: [
        s.replace("i", "ı"),
        s.replace("i", "İ"),
        s.upper().replace("I", "İ"),
        s.replace("k", "\u212a"),
    ],
    "emoji": lambda s, rng, o: [
        s + " 👍",
        "🦴" + s,
        s + "\u200d",
        s + " 👨\u200d👩\u200d👧",
        s.replace(" ", "🙂", 1),
    ],
    "punctuation": lambda s, rng, o: [s + ".", s + "!", f"“{s}”", s.replace("'", "’"), f"{s}?!", f"'{s}'"],
    "greek sigma": lambda s, rng, o: [s.upper().replace("S", "Σ"), s.replace("s", "ς"), s.replace("s", "σ")],
}
KINDS_PER_ANSWER = 6
# Typed on their own, checked against every key.
LONE = [
    "",
    " ",
    "\t\n",
    "\u3000",
    "\u00a0",
    "\ufeff",
    "\x1c",
    "\u200b",
    "-",
    "()",
    "/",
    "the",
    "a",
    "an",
    "s",
    "t",
]


@cache
def bank_cases() -> list[tuple[str, tuple[str, ...]]]:
    """Return (typed, accepted) pairs: each accepted answer mutated, against its key and another's."""
    rng = random.Random(SEED)
    kinds = sorted(MUTATIONS)
    cases: list[tuple[str, tuple[str, ...]]] = []
    answers = [(key, answer) for key in KEYS for answer in key]
    for n, (key, answer) in enumerate(answers):
        other_key = rng.choice(KEYS)
        other = rng.choice(other_key)
        typed = [answer]
        for j in range(KINDS_PER_ANSWER):  # in turn, so that each kind meets many answers
            typed += MUTATIONS[kinds[(n * KINDS_PER_ANSWER + j) % len(kinds)]](answer, rng, other)
        for t in dict.fromkeys(typed):
            cases += [(t, key), (t, other_key)]
    cases += [(t, key) for t in LONE for key in KEYS]
    # Typos in two alternatives at once: the first typed form close to a key names the answer meant.
    for key in KEYS:
        for a, b in itertools.pairwise(key):
            cases += [(f"{typo(b, rng)} ({typo(a, rng)})", key), (f"{typo(b, rng)}/{typo(a, rng)}", key)]
    return [c for c in cases if agreed(*c)]


OLD_ITALIC = "".join(chr(0x10300 + i) for i in range(26))  # letters outside the BMP: two UTF-16 units each
# (typed, accepted): where a port that slipped back into JavaScript's ways would differ.
HARD: list[tuple[str, list[str]]] = [
    ("\U00010300\U00010301", ["\U00010300\U00010301s"]),  # _singular counts code points, not UTF-16 units
    (OLD_ITALIC[:4] + OLD_ITALIC[6:8], [OLD_ITALIC[:6]]),  # 6 letters allow 1 typo, not 2
    (OLD_ITALIC[:5] + OLD_ITALIC[6], [OLD_ITALIC[:6]]),
    ("\U00010301\U000103004 (\udf004)", ["\U00010301\U000103004"]),  # a lone surrogate is no half of a pair
    ("οδοσ", ["ΟΔΟΣ"]),  # casefold has no final sigma
    ("ΟΔΟΣ", ["οδος"]),
    ("strasse", ["Straße"]),
    ("STRASSE", ["straẞe"]),
    ("İstanbul", ["istanbul"]),  # NFKD then casefold: i and a dot above, which goes with the accents
    ("ıstanbul", ["istanbul"]),  # dotless ı is another letter: one typo
    ("ᾳ", ["αι"]),  # ypogegrammeni casefolds to iota
    ("ᾼ", ["αι"]),
    ("a\U0001d16d\U0001d165", ["a\U0001d165\U0001d16d"]),  # canonical reordering of marks that stay
    ("ﬁbular", ["fibular"]),
    ("Ⅻ", ["xii"]),
    ("L٤", ["L4"]),  # another digit is another number
    ("١٠,٠٠٠", ["١٠٠٠٠"]),  # re's \d is any decimal digit
    ("١/٢", ["١ in ٢"]),
    ("1 in 10,000", ["1:10000"]),
    ("10,00", ["1000"]),
    ("1,0000 piriformus", ["10000 piriformis"]),  # no thousands separator before four digits
    ("30 deg", ["30°"]),
    ("30 DEGREE", ["30 degrees"]),
    ("1,0000", ["10000"]),
    ("30 degreesж", ["30 degrees ж"]),  # re's \b: ж is a word character
    ("30 degreeж", ["30 degree ж"]),
    ("5 percentж", ["5 percent ж"]),
    ("5 perж cent", ["5 per cent"]),
    ("1 inж 2", ["1 in 2"]),
    ("1\u0660in 2", ["1 in 2"]),
    ("sciatic\x1cnerve", ["sciatic nerve"]),  # Python's whitespace: U+001C is, U+FEFF is not
    ("sciatic\x85nerve", ["sciatic nerve"]),
    ("sciatic\ufeffnerve", ["sciatic nerve"]),
    ("sciatic\u180enerve", ["sciatic nerve"]),
    ("ankle\ufeff(Achilles) reflex", ["ankle\ufeff reflex"]),
    ("ankle\x1c(Achilles) reflex", ["ankle reflex"]),
    ("fibular\x85/\x85peroneal", ["fibular"]),
    ("\ufefffibular/peroneal\ufeff", ["\ufeffperoneal"]),
    ("constructor", ["constructor"]),  # spellings are a Map: no inherited "constructor"
    ("__proto__", ["__proto__s"]),
    ("hasOwnProperty", ["hasownproperty"]),
    ("x", []),
    ("x", ["", " ", "()"]),
    ("1" * 3000 + "/2", ["1" * 3000 + " in 2"]),
    ("pyriformus", ["piriformis"]),
    ("piriformus/sciatik nerve", ["sciatic nerve", "piriformis nerve"]),  # the first form close names it
]


def test_hard_cases() -> None:
    """Each case where the port, done the JavaScript way, would differ: done Python's way, it does not."""
    cases = [c for c in HARD if agreed(*c)]
    got = checks(matchText=cases)["matchText"]
    want = [python(match_text, t, a) for t, a in cases]
    assert_same(differences("matchText", cases, got, want), len(cases))
    assert sum(ok for ok, _ in want) >= 15 and sum(not ok for ok, _ in want) >= 15


def test_every_mutated_bank_answer_gets_pythons_verdict() -> None:
    """Thousands of typed answers: grading.js's ok and meant equal match_text's for every one."""
    cases = bank_cases()
    assert len(cases) > 10000
    got = checks(matchText=[[t, list(a)] for t, a in cases])["matchText"]
    want = [python(match_text, t, a) for t, a in cases]
    assert_same(differences("matchText", cases, got, want), len(cases))
    # The mutations reach every outcome: right, right despite typos, wrong.
    assert {(ok, meant is not None) for ok, meant in want} == {(True, False), (True, True), (False, False)}


@cache
def question_cases() -> list[tuple[Question, list[str]]]:
    """Return (question, typed entries) for every typed-answer question of the built-in banks."""
    rng = random.Random(SEED + 1)
    cases: list[tuple[Question, list[str]]] = []
    for q in QUESTIONS:
        if isinstance(q, TrueFalse):
            cases += [
                (q, [t]) for t in ("t", " True. ", "FALSE!", "f.", "yes", "", "T\ufeff", "ｔ", "\x1ct\x85")
            ]
        elif isinstance(q, ShortAnswer):
            for answer in q.accepted:
                kinds = rng.sample(sorted(MUTATIONS), 3)
                cases += [(q, [t]) for kind in kinds for t in MUTATIONS[kind](answer, rng, "x")]
            cases += [(q, []), (q, ["a", "b"]), (q, [" "]), (q, ["--"])]
        elif isinstance(q, Cloze):
            answers = [b.answer for b in q.blanks]
            cases += [(q, answers), (q, answers[::-1]), (q, answers[:-1]), (q, [*answers, "x"])]
            for _ in range(6):
                entries = []
                for b in q.blanks:
                    kind = rng.choice(sorted(MUTATIONS))
                    entries.append(rng.choice(MUTATIONS[kind](rng.choice(b.accepted), rng, "x")))
                cases.append((q, entries))
            cases.append((q, [rng.choice(b.accepted) for b in q.blanks][::-1]))
    return [c for c in cases if agreed(c[1])]


def test_every_question_is_checked_as_the_cli_checks_it() -> None:
    """check(question, entries): the grade (parts, typos) or the hint equal Python's check()."""
    cases = question_cases()
    got = checks(check=[[page_question(q), entries] for q, entries in cases])["check"]
    want = [python(check, q, Layout(), entries) for q, entries in cases]
    labels = [[q.uid, entries] for q, entries in cases]
    assert_same(differences("check", labels, got, want), len(cases))
    assert any(isinstance(w, dict) for w in want) and any(isinstance(w, list) and w[2] for w in want)


def test_grade_takes_responses_as_the_cli_does() -> None:
    """grade(question, response) for a page that reads answers itself: truth, text, blanks."""
    cases: list[tuple[Question, dict[str, Any], Response]] = []
    for q in QUESTIONS:
        if isinstance(q, TrueFalse):
            cases += [(q, {"truth": v}, Response(truth=v)) for v in (True, False, None)]
        elif isinstance(q, ShortAnswer):
            cases.append((q, {"text": q.accepted[-1] + "e"}, Response(text=q.accepted[-1] + "e")))
        elif isinstance(q, Cloze):
            blanks = [b.accepted[-1] for b in q.blanks]
            cases += [(q, {"blanks": blanks}, Response(blanks=tuple(blanks)))]
            cases += [(q, {"blanks": blanks[1:]}, Response(blanks=tuple(blanks[1:])))]
    got = checks(grade=[[page_question(q), r] for q, r, _ in cases])["grade"]
    want = [python(grade, q, response) for q, _, response in cases]
    assert_same(differences("grade", [[q.uid, r] for q, r, _ in cases], got, want), len(cases))


def test_any_order_blanks_and_their_typos() -> None:
    """match_blanks with groups: best order, one answer per blank, typos named in blank order."""
    accepted = [["sacrotuberous"], ["sacrospinous"], ["piriformis"], ["L5"], ["gluteus maximus"]]
    typed_sets = [
        ["sacrospinus", "sacrotuberos", "piriformus", "L5", "gluteus maximus"],
        ["sacrotuberous", "sacrotuberous", "piriformis", "L4", "gluteus maximus"],
        ["piriformis", "sacrospinous", "sacrotuberous", "L5", "gluteus maximus"],
        ["gluteus maximus", "sacrospinous"],
        ["L5", "piriformis", "sacrospinous", "sacrotuberous", "gluteus maximus", "extra"],
        [],
    ]
    groups = [[], [[0, 1]], [[0, 1, 2]], [[0, 1], [2, 3, 4]], [[4, 0]], [[1, 0], [2, 4]], [[0, 0]]]
    cases = [[t, accepted, g] for t in typed_sets for g in groups]
    got = checks(matchBlanks=cases)["matchBlanks"]
    assert_same(differences("matchBlanks", cases, got, [python(match_blanks, *c) for c in cases]), len(cases))


# -- arbitrary Unicode ---------------------------------------------------------------------------

WORDS = [
    "in", "out of", "per cent", "percent", "deg", "degree", "degrees", "the", "a", "an", "not", "left",
    "right", "disk", "disks", "peroneal", "hyper", "hypo", "reflexes", "studies", "classes", "is",
    "constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "sciatic", "nerve", "L4", "S1",
]  # fmt: skip
PUNCTUATION = "-\u2013\u2014\u2010\u2212/()[],.;:!?'\"%°_&+*#@\\"
DIGITS = "0123456789" + "".join(chr(cp) for cp in range(0x110000) if chr(cp).isdecimal() and cp > 0x7F)
OTHER_DIGITS = "".join(chr(cp) for cp in range(0x110000) if chr(cp).isdigit() and not chr(cp).isdecimal())
SPACES = "".join(chr(cp) for cp in range(0x110000) if chr(cp).isspace()) + "\ufeff\u180e\u200b"
MARKS = "".join(chr(cp) for cp in range(0x110000) if unicodedata.combining(chr(cp)))
# Marks that survive folding (not Mn, or casefolded to a letter), and accents of other combining
# classes, so that canonical reordering has something to do.
KEPT_MARKS = "\u0345\u302e\u302f\u1b44\u1734\U0001d165\U0001d16d\U0001d16e\U00016ff0\u0301\u0323\u031b"


def any_character(rng: random.Random, below: int) -> str:
    cp = rng.randrange(below)
    return "?" if cp in SURROGATES else chr(cp)


# Where fuzz characters come from: mostly the kinds the grader treats specially.
CHARACTERS: list[Callable[[random.Random], str]] = [
    lambda rng: rng.choice(DIGITS),  # re's \d: every decimal digit
    lambda rng: rng.choice(OTHER_DIGITS),  # str.isdigit but not \d: ², ①
    lambda rng: rng.choice(SPACES),  # Python's whitespace, and JavaScript's
    lambda rng: rng.choice(MARKS),  # everything with a combining class
    lambda rng: rng.choice(KEPT_MARKS),
    lambda rng: rng.choice(PUNCTUATION),
    lambda rng: chr(rng.randrange(0xAC00, 0xD7A4)),  # Hangul syllables decompose by formula
    lambda rng: chr(rng.randrange(0xDC80, 0xDD00)),  # lone low surrogates, as surrogateescape makes them
    lambda rng: chr(rng.randrange(0x20, 0x250)),  # Latin
    lambda rng: any_character(rng, 0x110000),
    lambda rng: any_character(rng, 0x10000),
    lambda rng: any_character(rng, 0x10000),
]


def random_word(rng: random.Random) -> str:
    """Return a short word of letters, some outside the BMP, with an ending _singular looks at."""
    letters = "".join(rng.choice([OLD_ITALIC, "abcdefghij", "жзий", "ǅǈ"]) for _ in range(3))
    stem = "".join(rng.choice(letters) for _ in range(rng.randrange(1, 5)))
    return stem + rng.choice(["s", "es", "ies", "ss", "us", "is", "xes", "ches", ""])


def random_text(rng: random.Random) -> str:
    """Return a short string of words, digits and arbitrary characters."""
    parts = []
    for _ in range(rng.randrange(9)):
        if rng.random() < 0.15:
            parts.append(random_word(rng))
        elif rng.random() < 0.3:
            parts.append(rng.choice(WORDS))
        else:
            parts.append("".join(rng.choice(CHARACTERS)(rng) for _ in range(rng.randrange(1, 5))))
        parts.append(rng.choice(["", " ", " ", "-", "/", "(", ")", rng.choice(SPACES)]))
    text = "".join(parts)
    return text.upper() if rng.random() < 0.1 else text


@cache
def fuzz() -> list[str]:
    rng = random.Random(SEED + 2)
    return [t for t in (random_text(rng) for _ in range(3000)) if agreed(t)]


def test_fuzz_text_functions() -> None:
    """normalise, forms, read_text, _read_truth, typo_allowance, split and strip on arbitrary text."""
    texts = fuzz()
    names = ("normalise", "forms", "readText", "readTruth", "typoAllowance", "split", "strip")
    got = checks(texts=texts, **dict.fromkeys(names, "texts"))
    problems = differences("normalise", texts, got["normalise"], [normalise(t) for t in texts])
    problems += differences("forms", texts, got["forms"], [forms(t) for t in texts])
    problems += differences("readText", texts, got["readText"], [python(read_text, t) for t in texts])
    truths = [python(lambda t: grading._read_truth(t).truth, t) for t in texts]
    problems += differences("readTruth", texts, got["readTruth"], truths)
    problems += differences("typoAllowance", texts, got["typoAllowance"], [typo_allowance(t) for t in texts])
    problems += differences("split", texts, got["split"], [t.split() for t in texts])
    problems += differences("strip", texts, got["strip"], [t.strip() for t in texts])
    assert_same(problems, 7 * len(texts))


def test_fuzz_match_text() -> None:
    """match_text on arbitrary typed text, against arbitrary keys and the banks' keys."""
    texts = fuzz()
    rng = random.Random(SEED + 3)
    cases = [(t, [rng.choice(texts) for _ in range(rng.randrange(1, 4))]) for t in texts]
    cases += [(t, list(rng.choice(KEYS))) for t in texts[:1000]]
    cases += [(typo(typo(t, rng), rng), [t, rng.choice(texts)]) for t in texts[:1500]]
    # Arbitrary text around a right answer: the typed answer is near a key, so typos are weighed.
    for t in texts[:1500]:
        key = list(rng.choice(KEYS))
        answer = rng.choice(key)
        cases.append((rng.choice([f"{answer} {t}", f"{t} {answer}", typo(answer, rng) + t[:1]]), key))
    got = checks(matchText=cases)["matchText"]
    want = [python(match_text, t, a) for t, a in cases]
    assert_same(differences("matchText", cases, got, want), len(cases))


def test_fuzz_edit_distance() -> None:
    """edit_distance on arbitrary pairs, and on words with typos, at every limit the grader uses."""
    rng = random.Random(SEED + 4)
    texts = fuzz()
    cases = [(rng.choice(texts)[:12], rng.choice(texts)[:12], rng.randrange(4)) for _ in range(1500)]
    for _ in range(1500):
        word = rng.choice(texts)[:14]
        cases.append((word, typo(typo(word, rng), rng), rng.randrange(4)))
    got = checks(editDistance=cases)["editDistance"]
    assert_same(differences("editDistance", cases, got, [edit_distance(*c) for c in cases]), len(cases))


def wide_sample() -> Iterator[str]:
    """Yield every code point but the surrogates: in runs of neighbours, then shuffled and mixed
    with digits, spaces, units and marks that stay; and some lone low surrogates on their own."""
    cps = [cp for cp in range(0x110000) if cp not in SURROGATES]
    for i in range(0, len(cps), 64):
        yield "".join(map(chr, cps[i : i + 64]))
    rng = random.Random(SEED + 5)
    rng.shuffle(cps)
    extras = "0123456789  %°/:" + KEPT_MARKS
    for i in range(0, len(cps), 32):
        chunk = list(map(chr, cps[i : i + 32]))
        for _ in range(8):
            chunk.insert(rng.randrange(len(chunk) + 1), rng.choice(extras))
        yield "".join(chunk)
    yield from (chr(cp) for cp in range(0xDC00, 0xE000, 7))


def test_long_text() -> None:
    """Long input is no problem for the port (Python's patterns are quadratic in it: kept short here)."""
    texts = [
        "a" * 70_000,
        "b " * 70_000,
        "1" * 2000 + " 2",
        "\u0301" * 5000 + "x",
        "x" + "\U0001d16d\U0001d165" * 3000,
    ]
    got = checks(texts=texts, normalise="texts", split="texts")
    assert got["normalise"] == [normalise(t) for t in texts]
    assert got["split"] == [t.split() for t in texts]


def test_normalise_on_every_code_point() -> None:
    """normalise() and the fold under it equal Python's on a sample holding every code point."""
    texts = [t for t in wide_sample() if agreed(t)]
    got = checks(texts=texts, normalise="texts", fold="texts")
    folded = [
        "".join(ch for ch in unicodedata.normalize("NFKD", t).casefold() if unicodedata.category(ch) != "Mn")
        for t in texts
    ]
    problems = differences("fold", texts, got["fold"], folded)
    problems += differences("normalise", texts, got["normalise"], [normalise(t) for t in texts])
    assert_same(problems, 2 * len(texts))


# -- what the port copies from grading.py, and misuse ------------------------------------------


def test_constants_are_grading_pys() -> None:
    """What grading.py hard-codes rather than reads from the rules, grading.js has too."""
    constants = checks(constants=True)["constants"]
    assert set(constants["dashes"]) == grading.DASHES
    assert set(constants["trueWords"]) == grading.TRUE_WORDS
    assert set(constants["falseWords"]) == grading.FALSE_WORDS
    assert constants["unicodeVersion"] == tables_version()
    rules = json.loads(RULES.read_text(encoding="utf-8"))
    assert constants["rulesVersion"] == rules["version"]
    # grading.py has the articles as a constant; grading.js takes them from the rules file.
    assert frozenset(rules["articles"]) == grading.ARTICLES
    hints = constants["hints"]
    assert python(grading._read_truth, "maybe") == {"hint": hints["truth"]}
    assert python(read_text, "") == {"hint": hints["text"]}


def test_only_ascii_letters_can_spell_true_or_false() -> None:
    """Why readTruth lowers only A to Z: no other character lowers to letters of t, true, f, false."""
    words = grading.TRUE_WORDS | grading.FALSE_WORDS
    letters = set("".join(words)) | set(".!")  # _read_truth strips . and ! after lowering
    assert all(set(chr(cp).lower()) - letters for cp in range(0x80, 0x110000))
    assert all(w.isascii() and w.islower() for w in words)


def test_misuse_is_refused() -> None:
    """Arguments Python would refuse with TypeError or IndexError throw in grading.js too."""
    result = checks(misuse=True)["misuse"]
    assert result.pop("frozen") is True
    assert result.pop("invalidAnswerIsError") is True
    for name, outcome in result.items():
        assert "error" in outcome, name
    assert result["otherVersion"]["error"].startswith("RangeError")
    assert result["badPosition"]["error"].startswith("RangeError")


def test_script_can_be_inlined_in_a_page() -> None:
    """Nothing in grading.js ends the <script> element the page inlines it in, or escapes from it."""
    source = GRADING_JS.read_text(encoding="utf-8").lower()
    assert "</script" not in source and "<!--" not in source
    assert "require(" not in source and "import " not in source and "fetch(" not in source

"""GIFT export, parsed by two independent readers and compared with the banks question by question.

1. gift-pegjs (npm, in tests/js), a PEG grammar of GIFT, run under Node.js. Skipped where Node.js or
   the package is missing, unless SCIATICA_QUIZ_REQUIRE_BROWSER=1 (as .ci/run sets it).
2. A Python port of Moodle's own GIFT reader (question/format/gift/format.php: blank-line blocks,
   escaped-character placeholders, type detection, answer splitting, weights and feedback), for what
   Moodle itself would store.

Both must find every question of the bank with its kind, every answer text, right and wrong,
weights, per-answer feedback and general feedback; HTML fields are read with html.parser, which
must meet only the exporter's own tags.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cardview import JS_TOOLS
from conftest import FIXTURES, SAMPLE, accepted_of, blanks_of, make_question, run, tool_missing
from hypothesis import assume, given, settings
from test_fuzz_exporters import SCALE, SETTINGS, banks, load
from test_moodle import check_feedback, expected_tags, moodle_accepts, moodle_matches, read_html, text_of

from exporters import gift
from exporters.moodle import answer_percents
from sciatica_quiz.loader import load_library
from sciatica_quiz.model import (
    Blank,
    Cloze,
    Library,
    Matching,
    MultipleAnswer,
    MultipleChoice,
    Question,
    ShortAnswer,
    TrueFalse,
    topic_order,
    topic_title,
)

HOSTILE = FIXTURES / "good" / "hostile.yaml"
MARKUP = FIXTURES / "good" / "markup.yaml"
GIFT_PEGJS = JS_TOOLS / "gift-pegjs"
PARSE = """
const gift = require(process.argv[1]);
const text = require("fs").readFileSync(process.argv[2], "utf8");
process.stdout.write(JSON.stringify(gift.parse(text)));
"""
Parsed = list[dict[str, Any]]


@pytest.fixture(scope="session")
def gift_pegjs() -> Callable[[Path], Parsed]:
    """Return a function that parses a GIFT file with gift-pegjs under Node.js."""
    node = shutil.which("node")
    missing = "" if node else "Node.js is not installed"
    if node and not (GIFT_PEGJS / "package.json").exists():
        missing = "gift-pegjs is not installed: npm ci --prefix tests/js"
    if missing:
        tool_missing(missing)

    def parse(path: Path) -> Parsed:
        out = subprocess.run(
            [str(node), "-e", PARSE, str(GIFT_PEGJS), str(path)], capture_output=True, text=True, check=False
        )
        assert out.returncode == 0, out.stderr
        result: Parsed = json.loads(out.stdout)
        return result

    return parse


# -- Moodle's GIFT reader, ported ---------------------------------------------------------------------

_PLACEHOLDERS = {"\\:": "&&058;", "\\#": "&&035;", "\\=": "&&061;", "\\{": "&&123;", "\\}": "&&125;",
                 "\\~": "&&126;", "\\n": "&&010"}  # fmt: skip
_WEIGHT = re.compile(r"^%-*([0-9]{1,2})\.?([0-9]*)%")
_ID = re.compile(r"\[id:((?:\\]|[^\][\x00-\x1f\x7f])+)]")
_TAG = re.compile(r"\[tag:((?:\\]|[^\]<>`\x00-\x1f\x7f])+)]")
FORMATS = ("moodle", "html", "plain", "markdown")


def _pre(text: str) -> str:
    text = text.replace("\\\\", "&&092;")
    for escaped, placeholder in _PLACEHOLDERS.items():
        text = text.replace(escaped, placeholder)
    return text.replace("&&092;", "\\")


def _post(text: str) -> str:
    for escaped, placeholder in _PLACEHOLDERS.items():
        text = text.replace(placeholder, "\n" if escaped == "\\n" else escaped[1])
    return text


def _with_format(text: str, default: str = "moodle") -> tuple[str, str]:
    fmt = default
    if text.startswith("["):
        name = text[1 : text.find("]")]
        if name in FORMATS:
            fmt, text = name, text[text.find("]") + 1 :]
    return _post(text).strip(), fmt


def _comment_split(answer: str, fmt: str) -> tuple[str, str]:
    text, _, feedback = answer.partition("#")
    return _with_format(text.strip(), fmt)[0], _with_format(feedback.strip(), fmt)[0]


def moodle_gift(source: str) -> list[dict[str, Any]]:
    """Read GIFT as qformat_gift::readquestions and readquestion do, for the kinds we write."""
    blocks: list[list[str]] = [[]]
    for line in source.splitlines():
        line = line.strip()
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    out = []
    for block in (b for b in blocks if b):
        comments = "".join(line + "\n" for line in block if line.startswith("//"))
        text = "\n".join(" " if line.startswith("//") else line for line in block).strip()
        if not text:
            continue
        text = _pre(text)
        if text.startswith("$CATEGORY:"):
            out.append({"qtype": "category", "category": text[10:].strip()})
            continue
        q: dict[str, Any] = {"name": None, "answers": [], "subquestions": []}
        ids = _ID.search(comments)
        q["idnumber"] = ids.group(1).strip().replace("\\]", "]") if ids else ""
        q["tags"] = [t.strip().replace("\\]", "]") for t in _TAG.findall(comments)]
        if text.startswith("::") and "::" in text[2:]:
            end = text.index("::", 2)
            q["name"], text = _post(text[2:end]), text[end + 2 :].strip()
        start, finish = text.find("{"), text.find("}")
        answertext = text[start + 1 : finish].strip()
        questiontext = text[:start] + ("" if text.endswith("}") else "_____") + text[finish + 1 :]
        general = ""
        if "####" in answertext:
            at = answertext.rindex("####")
            general, answertext = answertext[at + 4 :], answertext[:at].strip()
        q["questiontext"], fmt = _with_format(questiontext)
        q["format"] = fmt
        q["generalfeedback"] = _with_format(general, fmt)[0]
        if "~" in answertext:
            q["qtype"], q["single"] = "multichoice", "=" in answertext
            parts = answertext.replace("=", "~=").split("~")
            for part in (p.strip() for p in parts if p.strip()):
                if part[0] == "=":
                    weight, part = 1.0, part[1:]
                elif _WEIGHT.match(part):
                    weight, part = float(part[1 : part.index("%", 1)]) / 100, part[part.index("%", 1) + 1 :]
                else:
                    weight = 0.0
                q["answers"].append((*_comment_split(part, fmt), weight))
        elif "=" in answertext and "->" in answertext:
            q["qtype"] = "match"
            for part in (p.strip() for p in answertext.split("=") if p.strip()):
                left, _, right = part.partition("->")
                q["subquestions"].append((_with_format(left, fmt)[0], _post(right).strip()))
        elif answertext.split("#")[0].strip() in ("T", "TRUE", "F", "FALSE"):
            q["qtype"] = "truefalse"
            q["correct"] = answertext.split("#")[0].strip() in ("T", "TRUE")
            q["feedback"] = [_with_format(b.strip(), fmt)[0] for b in answertext.split("#", 2)[1:]]
        else:
            q["qtype"] = "shortanswer"
            for part in (p.strip() for p in answertext.split("=") if p.strip()):
                weight = 1.0
                if _WEIGHT.match(part):
                    weight, part = float(part[1 : part.index("%", 1)]) / 100, part[part.index("%", 1) + 1 :]
                q["answers"].append((*_comment_split(part, fmt), weight))
        out.append(q)
    return out


# -- what each GIFT question should hold ---------------------------------------------------------------


def expected_questions(q: Question) -> list[tuple[str, Blank | None]]:
    """Return the GIFT questions a bank question becomes: (id suffix, the cloze blank it asks)."""
    if not isinstance(q, Cloze):
        return [("", None)]
    numbers = sorted({b.number for b in q.blanks})
    return [(f"#c{b.number}" if len(numbers) > 1 else "", b) for b in q.blanks]


def cloze_stem(q: Cloze, blank: Blank) -> str:
    """Return the cloze text as one GIFT question shows it: this blank a gap, the others filled in."""
    return "".join(
        s if isinstance(s, str) else "_____" + (f" ({s.hint})" if s.hint else "") if s is blank else s.answer
        for s in q.segments
    )


def one_line(text: str) -> str:
    return " ".join(text.split())


def check_stem(stem_html: str, q: Question, blank: Blank | None) -> None:
    page = read_html(stem_html)
    assert "".join(page.case) == (q.case or "")
    if blank is None:
        assert page.paragraphs == [q.prompt]
        return
    assert isinstance(q, Cloze)

    # gift-pegjs puts spaces around the gap; Moodle does not.
    def gap(text: str) -> str:
        return re.sub(r"\s*_____\s*", "_____", one_line(text))

    assert [gap(p) for p in page.paragraphs] == [gap(p) for p in (q.prompt, cloze_stem(q, blank)) if p]


def weights(q: MultipleAnswer) -> list[float]:
    return [float(p) for p in answer_percents(q)[0]]


def check_pegjs(p: dict[str, Any], q: Question, blank: Blank | None, library: Library) -> None:
    """One question as gift-pegjs reads it, against the bank."""
    assert p["stem"]["format"] == "html"
    check_stem(p["stem"]["text"], q, blank)
    check_feedback(p["globalFeedback"]["text"], q, library)
    assert p["tags"] == expected_tags(q)
    choices = p.get("choices") or []
    texts = [text_of(c["text"]["text"]) for c in choices]
    feedback = [text_of(c["feedback"]["text"]) if c["feedback"] else None for c in choices]
    match q:
        case MultipleChoice():
            assert p["type"] == "MC"
            assert texts == list(q.texts) and feedback == [c.why for c in q.choices]
            assert [(c["isCorrect"], c["weight"]) for c in choices] == [(c.correct, None) for c in q.choices]
        case MultipleAnswer():
            assert p["type"] == "MC"
            assert texts == list(q.texts) and feedback == [c.why for c in q.choices]
            assert [c["weight"] for c in choices] == weights(q)
            assert not any(c["isCorrect"] for c in choices)
        case TrueFalse():
            assert p["type"] == "TF" and p["isTrue"] is q.answer
            assert p["trueFeedback"] is None and p["falseFeedback"] is None  # the banks have none
        case ShortAnswer() | Cloze():
            assert p["type"] == "Short" and p["hasEmbeddedAnswers"] is isinstance(q, Cloze)
            accepted = q.accepted if isinstance(q, ShortAnswer) else blank.accepted if blank else ()
            assert [c["text"]["text"] for c in choices] == [a.replace("*", "\\*") for a in accepted]
            assert {(c["isCorrect"], c["weight"]) for c in choices} == {(True, 100)}
            assert feedback == [None] * len(accepted)
        case Matching():
            assert p["type"] == "Matching"
            # gift-pegjs leaves its escape placeholders (Moodle's, and &&092; for a backslash) in a
            # pair's right-hand side and joins its spaces; Moodle replaces them, as _post does here.
            pairs = [
                (
                    text_of(m["subquestion"]["text"]),
                    html.unescape(_post(m["subanswer"].replace("&&092;", "\\"))),
                )
                for m in p["matchPairs"]
            ]
            assert pairs == [(pair.left, one_line(pair.right)) for pair in q.pairs]
        case _:
            raise AssertionError(q)


def check_moodle(m: dict[str, Any], q: Question, blank: Blank | None, library: Library) -> None:
    """One question as Moodle's GIFT reader stores it, against the bank."""
    assert m["format"] == "html"
    check_stem(m["questiontext"], q, blank)
    check_feedback(m["generalfeedback"], q, library)
    assert m["tags"] == expected_tags(q)
    answers = m["answers"]
    assert all(moodle_accepts(str(w * 100)) for _, _, w in answers)
    match q:
        case MultipleChoice() | MultipleAnswer():
            assert m["qtype"] == "multichoice" and m["single"] is isinstance(q, MultipleChoice)
            assert [(text_of(t), text_of(f) if f else None) for t, f, _ in answers] == [
                (c.text, c.why) for c in q.choices
            ]
            if isinstance(q, MultipleChoice):
                expected = [float(c.correct) for c in q.choices]
            else:
                expected = [w / 100 for w in weights(q)]
            assert [w for _, _, w in answers] == pytest.approx(expected)
        case TrueFalse():
            assert m["qtype"] == "truefalse" and m["correct"] is q.answer and m["feedback"] == []
        case ShortAnswer() | Cloze():
            assert m["qtype"] == "shortanswer"
            accepted = q.accepted if isinstance(q, ShortAnswer) else blank.accepted if blank else ()
            assert len(answers) == len(accepted)
            for a, (stored, fb, w) in zip(accepted, answers, strict=True):
                assert (fb, w) == ("", 1.0) and moodle_matches(a, stored), (a, stored)
        case Matching():
            assert m["qtype"] == "match"
            assert [(text_of(left), html.unescape(right)) for left, right in m["subquestions"]] == [
                (p.left, p.right) for p in q.pairs
            ]
        case _:
            raise AssertionError(q)


def export(
    library: Library, questions: list[Question] | None, path: Path, **options: Any
) -> gift.ExportReport:
    return gift.write(library, library.questions if questions is None else questions, path, **options)


# -- the tests ----------------------------------------------------------------------------------------


BANKS = ["builtin", "hostile", "markup", "sample"]


def exported(banks: str, out: Path) -> tuple[Library, list[tuple[Question, str, Blank | None]]]:
    """Export a bank set to `out`; return the library and the GIFT questions it should hold."""
    if banks == "builtin":
        library = load_library()
    else:
        library = load_library(
            [{"hostile": HOSTILE, "markup": MARKUP, "sample": SAMPLE}[banks]], builtin=False
        )
    report = export(library, None, out)
    assert report.skipped == ()
    return library, [(q, suffix, blank) for q in library.questions for suffix, blank in expected_questions(q)]


@pytest.mark.parametrize("banks", BANKS)
def test_every_question_reads_back_in_gift_pegjs(
    banks: str, tmp_path: Path, gift_pegjs: Callable[[Path], Parsed]
) -> None:
    library, wanted = exported(banks, tmp_path / "bank.gift")
    parsed = {p["id"]: p for p in gift_pegjs(tmp_path / "bank.gift") if p["type"] != "Category"}
    assert len(parsed) == len(wanted)
    for q, suffix, blank in wanted:
        assert html.unescape(parsed[q.uid + suffix]["title"]).startswith(f"{q.uid}{suffix}: ")
        check_pegjs(parsed[q.uid + suffix], q, blank, library)


@pytest.mark.parametrize("banks", BANKS)
def test_every_question_reads_back_in_moodles_reader(banks: str, tmp_path: Path) -> None:
    library, wanted = exported(banks, tmp_path / "bank.gift")
    read = moodle_gift((tmp_path / "bank.gift").read_text(encoding="utf-8"))
    stored = {m["idnumber"]: m for m in read if m["qtype"] != "category"}
    assert len(stored) == len(wanted)
    for q, suffix, blank in wanted:
        assert html.unescape(stored[q.uid + suffix]["name"]).startswith(f"{q.uid}{suffix}: ")
        check_moodle(stored[q.uid + suffix], q, blank, library)


def test_categories_are_topics_in_teaching_order(
    tmp_path: Path, gift_pegjs: Callable[[Path], Parsed]
) -> None:
    library = load_library()
    out = tmp_path / "all.txt"
    export(library, list(reversed(library.questions)), out, category="Week 1")
    topics = topic_order(q.topic for q in library.questions)
    paths = [f"$course$/top/Week 1/{n:02d} {topic_title(t)}" for n, t in enumerate(topics, 1)]
    assert [p["title"] for p in gift_pegjs(out) if p["type"] == "Category"] == paths
    current, seen = "", set()
    for m in moodle_gift(out.read_text(encoding="utf-8")):
        if m["qtype"] == "category":
            current = m["category"]
        else:
            uid = m["idnumber"].split("#")[0]
            assert current.endswith(
                topic_title(library.questions[[q.uid for q in library.questions].index(uid)].topic)
            )
            seen.add(uid)
    assert seen == {q.uid for q in library.questions}


NASTY = "a\\b \\\\ \\: \\n ~ = # { } : [html] %50% -> &&058; <i>x</i> // c \\( $$"
SPECIAL = [
    make_question("multiple_choice", id="mc", prompt=NASTY + "\nline 2", case=NASTY,
                  choices=("[html]" + NASTY, "%50%" + NASTY, "=x"), correct=("%50%" + NASTY,)),
    make_question("matching", id="m", pairs=(("[plain]" + NASTY, "-> " + NASTY), ("b", "c\\"))),
    make_question("short_answer", id="s", accepted=("x\\", "y*z", "%50%x", "a:b\\:c\nd")),
]  # fmt: skip


def test_special_characters_in_every_field_for_moodle(tmp_path: Path) -> None:
    out = tmp_path / "n.gift"
    report = export(Library(banks=()), SPECIAL, out)
    assert report.skipped == () and report.notes == ()
    read = moodle_gift(out.read_text(encoding="utf-8"))
    stored = {m["idnumber"]: m for m in read if m["qtype"] != "category"}
    for q in SPECIAL:
        check_moodle(stored[q.uid], q, None, Library(banks=()))


def test_special_characters_in_every_field_for_gift_pegjs(
    tmp_path: Path, gift_pegjs: Callable[[Path], Parsed]
) -> None:
    out = tmp_path / "n.gift"
    export(Library(banks=()), SPECIAL, out)
    parsed = {p["id"]: p for p in gift_pegjs(out) if p["type"] != "Category"}
    for q in SPECIAL:
        check_pegjs(parsed[q.uid], q, None, Library(banks=()))


def test_answers_gift_cannot_type_are_left_out_or_skipped(tmp_path: Path) -> None:
    questions = [
        make_question("short_answer", id="arrow", accepted=("a -> b", "a to b")),
        make_question("short_answer", id="only", accepted=("[html]x",)),
        make_question("cloze", id="twice", prompt="", text="{{c1::L4}} and {{c1::L5}} then {{c2::S1}}"),
        make_question(
            "cloze", id="one", prompt="", text="Only {{c1::x}} and {{c2::y}}", accept=((1, ("a->b",)),)
        ),
    ]
    out = tmp_path / "d.gift"
    report = export(Library(banks=()), questions, out)
    assert report.skipped == (
        ("t/only", "no accepted answer can be written in GIFT"),
        (
            "t/twice",
            "blank c1 appears 2 times in the text, and a GIFT question has one gap; the other blanks (c2) "
            "are exported, one GIFT question each",
        ),
    )
    assert report.notes == (
        "GIFT has one gap per question: 1 cloze question with several blanks became 2 GIFT questions, one "
        "per blank number with the other blanks filled in (t/one)",
        "3 accepted answers left out, as GIFT cannot hold them: t/arrow: accepted answer 'a -> b' contains "
        "'->', which GIFT reads as a matching pair, t/only: accepted answer '[html]x' starts with a "
        "text-format name in brackets, which GIFT would drop, t/one#c1: accepted answer 'a->b' contains "
        "'->', which GIFT reads as a matching pair",
    )
    ids = [m["idnumber"] for m in moodle_gift(out.read_text(encoding="utf-8")) if m["qtype"] != "category"]
    assert ids == ["t/arrow", "t/twice#c2", "t/one#c1", "t/one#c2"]


def test_same_banks_give_the_same_bytes_and_notes(tmp_path: Path) -> None:
    library = load_library()
    report = export(library, None, tmp_path / "a.gift")
    export(library, None, tmp_path / "b.gift")
    assert (tmp_path / "a.gift").read_bytes() == (tmp_path / "b.gift").read_bytes()
    fixed = [
        q.uid for q in library.questions if isinstance(q, MultipleChoice | MultipleAnswer) and not q.shuffle
    ]
    split = [
        q.uid for q in library.questions if isinstance(q, Cloze) and len({b.number for b in q.blanks}) > 1
    ]
    assert fixed and split
    assert report.notes[0].startswith(
        f"GIFT cannot keep choices in order: {len(fixed)} questions ({fixed[0]}, "
    )
    assert report.notes[1].startswith(
        f"GIFT has one gap per question: {len(split)} cloze questions with several"
    )
    assert len(report.notes) == 2 and report.skipped == ()


def test_cli_exports_and_reports_the_split_clozes(
    tmp_path: Path, gift_pegjs: Callable[[Path], Parsed]
) -> None:
    out = tmp_path / "h.gift"
    result = run(["export", "gift", "--no-builtin", "--bank", str(HOSTILE), "-o", str(out)], catch=False)
    assert result.exit_code == 0
    assert result.stdout == (
        f"Wrote {out}: 7 GIFT questions from 6 questions in 1 category under "
        "'Hostile <b>bank</b> ~ = # { } : \\ 🙂'\n"
    )
    assert result.stderr == (
        "Note: GIFT has one gap per question: 1 cloze question with several blanks became 2 GIFT "
        "questions, one per blank number with the other blanks filled in (hostile/cloze-hostile)\n"
    )
    assert len(gift_pegjs(out)) == 8  # the category and seven questions


def test_cli_lists_skipped_questions(tmp_path: Path) -> None:
    bank = tmp_path / "b.yaml"
    bank.write_text(
        "id: b\ntitle: B\ntopic: anatomy\nsources: [{id: s, title: S, authors: A}]\nquestions:\n"
        "  - id: twice\n    type: cloze\n    text: '{{c1::L4}} and {{c1::L5}}'\n    explanation: E.\n"
        "    sources: [s]\n    tags: [mblex::anatomy-physiology]\n",
        encoding="utf-8",
    )
    out = tmp_path / "b.txt"
    result = run(["export", "gift", "--no-builtin", "--bank", str(bank), "-o", str(out)], catch=False)
    assert result.exit_code == 0
    assert result.stdout == f"Wrote {out}: 0 GIFT questions from 1 question in 1 category under 'B'\n"
    assert result.stderr == (
        "Skipped 1 question this format cannot hold:\n"
        "  b/twice: blank c1 appears 2 times in the text, and a GIFT question has one gap\n"
    )


def test_cli_refuses_a_wrong_name(tmp_path: Path) -> None:
    result = run(["export", "gift", "-o", str(tmp_path / "bank.xml")])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path / 'bank.xml'}: a GIFT file's name must end in .gift or .txt, "
        "or Moodle will not offer to import it (-o bank.gift)\n"
    )
    assert not list(tmp_path.iterdir())


@settings(max_examples=40 * SCALE, **SETTINGS)
@given(bank=banks())
def test_any_generated_bank_reads_back_in_moodles_reader(tmp_path: Path, bank: dict[str, Any]) -> None:
    library = load(bank, tmp_path)
    typed = [
        a
        for q in library.questions
        for a in accepted_of(q) + tuple(a for b in blanks_of(q) for a in b.accepted)
    ]
    assume(all(gift.typed_problem(a) is None for a in typed))
    out = tmp_path / "fuzz.gift"
    report = export(library, None, out)
    assert report.skipped == ()
    moodle = {
        m["idnumber"]: m for m in moodle_gift(out.read_text(encoding="utf-8")) if m["qtype"] != "category"
    }
    for q in library.questions:
        for suffix, blank in expected_questions(q):
            check_moodle(moodle[q.uid + suffix], q, blank, library)

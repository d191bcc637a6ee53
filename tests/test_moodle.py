"""Moodle XML export, read back with lxml and checked against the banks question by question.

HTML fields are read with html.parser, which must find only the tags the exporter writes, so bank
markup can only ever come back as text. Cloze questions are read with a Python port of Moodle's own
cloze reader (qtype_multianswer_extract_question: the same regular expressions, entity decoding and
unescaping), and short answers with a port of its wildcard matching
(qtype_shortanswer_question::compare_string_with_wildcard), so the tests check what Moodle would
store and accept, not our own strings.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, SAMPLE, make_question, run
from hypothesis import given, settings
from lxml import etree
from test_fuzz_exporters import SCALE, SETTINGS, banks, load

from exporters import moodle
from exporters.moodle import answer_percents, group_answers, split_hundred
from sciatica_quiz.errors import ExportError
from sciatica_quiz.loader import load_library
from sciatica_quiz.model import (
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

# Moodle's grades, from question_bank::ensure_fraction_options_initialised (lib/questionlib.php):
# 1, these, 0 and their negatives; an import matches each grade to within 0.00001.
MOODLE_FRACTIONS = (0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2,
                    0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05)  # fmt: skip
ALLOWED = (1.0, 0.0, -1.0, *MOODLE_FRACTIONS, *(-f for f in MOODLE_FRACTIONS))


def moodle_accepts(percent: str) -> bool:
    """Return whether Moodle's import takes this fraction attribute (match_grade_options, 'error')."""
    return any(abs(float(percent) / 100 - f) < 0.00001 for f in ALLOWED)


def expected_tags(q: Question) -> list[str]:
    """Return the tags a question should carry: topic, difficulty, then its own (its MBLEx area too)."""
    return list(dict.fromkeys([f"topic::{q.topic}", f"difficulty::{q.difficulty}", *q.tags]))


# -- reading HTML back -------------------------------------------------------------------------------

# The only markup the exporters write; anything else would be bank text turned into HTML.
OUR_TAGS = {"p", "div", "br", "span", "ul", "li", "a"}


class Fragment(HTMLParser):
    """Text of an HTML fragment by element: paragraphs, the case box, list items and links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.paragraphs: list[str] = []
        self.case: list[str] = []
        self.items: list[str] = []
        self.links: list[str] = []
        self.text = ""
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "br":
            self._add("\n")
            return
        if tag == "a":
            self.links.append(dict(attrs)["href"] or "")
        if tag == "div" and ("class", "case") in attrs:
            self._open.append("case")
        elif tag == "p" and "case" in self._open:
            self._open.append("case-p")
        elif tag in ("p", "li"):
            (self.paragraphs if tag == "p" else self.items).append("")
            self._open.append(tag)
        elif tag != "span":
            self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("br", "span") and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        self._add(data)

    def _add(self, data: str) -> None:
        self.text += data
        if "case" in self._open:
            self.case.append(data)
        elif self._open[-1:] == ["p"]:
            self.paragraphs[-1] += data
        if "li" in self._open:
            self.items[-1] += data


def read_html(fragment: str) -> Fragment:
    """Return the parsed fragment, after checking it holds no markup but ours."""
    parser = Fragment()
    parser.feed(fragment)
    parser.close()
    assert set(parser.tags) <= OUR_TAGS, f"bank text became markup: {set(parser.tags) - OUR_TAGS}"
    return parser


def text_of(fragment: str) -> str:
    """Return the text an HTML fragment shows."""
    return read_html(fragment).text


def check_question_text(fragment: str, q: Question) -> None:
    """The case, then the prompt, each shown literally."""
    page = read_html(fragment)
    assert "".join(page.case) == (q.case or "")
    assert page.paragraphs == [q.prompt]


def check_feedback(fragment: str, q: Question, library: Library) -> None:
    """The explanation, then each cited source's short citation and link."""
    page = read_html(fragment)
    assert page.paragraphs[0] == q.explanation
    sources = [library.sources[s] for s in q.sources if s in library.sources]
    assert len(page.items) == len(sources)
    for item, src in zip(page.items, sources, strict=True):
        assert item.startswith(src.short_citation())
        if src.url:
            assert item.endswith(src.url)
    assert page.links == [s.url for s in sources if s.url]


# -- Moodle's cloze reader and short-answer matching, ported ----------------------------------------

_ALT = (
    r"(=|%(-?[0-9]+(?:[.,][0-9]*)?)%)?"  # ANSWER_ALTERNATIVE_FRACTION_REGEX
    r"(.+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$))"  # ANSWER_ALTERNATIVE_ANSWER_REGEX
    r"(#(.*?(?<!\\)(?=[~}]|$)))?"  # ANSWER_ALTERNATIVE_FEEDBACK_REGEX
)
_TYPES = (
    "(NUMERICAL|NM)|(MULTICHOICE|MC)|(MULTICHOICE_V|MCV)|(MULTICHOICE_H|MCH)|(SHORTANSWER|SA|MW)|"
    "(SHORTANSWER_C|SAC|MWC)|(MULTICHOICE_S|MCS)|(MULTICHOICE_VS|MCVS)|(MULTICHOICE_HS|MCHS)|"
    "(MULTIRESPONSE|MR)|(MULTIRESPONSE_H|MRH)|(MULTIRESPONSE_S|MRS)|(MULTIRESPONSE_HS|MRHS)"
)
_ANSWER = re.compile(r"\{([0-9]*):(" + _TYPES + "):(" + _ALT + "(~" + _ALT + r")*)\}", re.S)
_ONE_ALT = re.compile("~?" + _ALT, re.S)


def moodle_cloze(text: str) -> tuple[str, list[tuple[str, list[tuple[str, str, str]]]]]:
    """Read question text as qtype_multianswer_extract_question does.

    Return the text with each gap replaced by {#n}, and each gap's type and its (fraction, answer,
    feedback) alternatives as Moodle stores them.
    """
    gaps = []
    while m := _ANSWER.search(text):
        alternatives, remaining = [], m.group(16)
        while a := _ONE_ALT.search(remaining):
            answer = html.unescape(a.group(3)).replace("\\}", "}").replace("\\#", "#")
            alternatives.append((a.group(1) or "", answer, a.group(5) or ""))
            remaining = remaining.split(a.group(0), 1)[1]
        gaps.append((m.group(2), alternatives))
        text = text.replace(m.group(0), f"{{#{len(gaps)}}}", 1)
    return text, gaps


def moodle_matches(response: str, pattern: str) -> bool:
    """Return whether a typed response matches a short answer, as Moodle compares them (usecase 0)."""
    bits = re.split(r"(?<!\\)\*+", pattern)
    regexp = ".*".join(re.escape(bit.replace("\\*", "*")) for bit in bits)
    return re.fullmatch(regexp, response.strip(), re.I | re.S) is not None


# -- exporting and reading ---------------------------------------------------------------------------


def export(library: Library, questions: list[Question] | None, path: Path, **options: Any) -> etree._Element:
    report = moodle.write(library, library.questions if questions is None else questions, path, **options)
    assert report.files == ((str(path), report.files[0][1]),)
    return etree.parse(str(path)).getroot()


def by_idnumber(root: etree._Element) -> dict[str, etree._Element]:
    return {q.findtext("idnumber"): q for q in root.iter("question") if q.get("type") != "category"}


def answers(q: etree._Element) -> Iterator[tuple[str, str, str]]:
    """Yield each answer's fraction, text and feedback text (HTML where the format is html)."""
    for a in q.findall("answer"):
        yield a.get("fraction") or "", a.findtext("text") or "", a.findtext("feedback/text") or ""


def check_question(el: etree._Element, q: Question, library: Library) -> None:
    """One exported question against its bank question: type, text, answers, grades, feedback, tags."""
    assert el.findtext("idnumber") == q.uid
    assert html.unescape(el.findtext("name/text") or "").startswith(f"{q.uid}: ")
    check_feedback(el.findtext("generalfeedback/text") or "", q, library)
    assert [t.text for t in el.findall("tags/tag/text")] == expected_tags(q)
    assert all(moodle_accepts(f) for f, _, _ in answers(el))
    text = el.findtext("questiontext/text") or ""
    match q:
        case MultipleChoice() | MultipleAnswer():
            assert el.get("type") == "multichoice"
            assert el.findtext("single") == ("true" if isinstance(q, MultipleChoice) else "false")
            assert el.findtext("shuffleanswers") == ("true" if q.shuffle else "false")
            check_question_text(text, q)
            got = list(answers(el))
            assert [text_of(t) for _, t, _ in got] == list(q.texts)
            assert [text_of(f) if f else None for _, _, f in got] == [c.why for c in q.choices]
            fractions = [float(f) for f, _, _ in got]
            assert [f > 0 for f in fractions] == [c.correct for c in q.choices]
            if isinstance(q, MultipleChoice):
                assert max(fractions) == 100
            else:  # qtype_multichoice: the right answers' grades, rounded to 2 places, make 100 %
                assert round(sum(f for f in fractions if f > 0) / 100, 2) == 1
                wrong = [f for f in fractions if f < 0]
                assert not wrong or abs(sum(wrong) + 100) < 0.001  # ticking every box scores 0
        case TrueFalse():
            assert el.get("type") == "truefalse"
            check_question_text(text, q)
            assert [(t, f) for f, t, _ in answers(el)] == [
                ("true", "100" if q.answer else "0"),
                ("false", "0" if q.answer else "100"),
            ]
        case ShortAnswer():
            assert el.get("type") == "shortanswer"
            assert el.findtext("usecase") == "0"
            check_question_text(text, q)
            got = list(answers(el))
            assert {f for f, _, _ in got} == {"100"}
            assert len(got) == len(q.accepted)
            for accepted, (_, stored, _) in zip(q.accepted, got, strict=True):
                assert moodle_matches(accepted, stored), (accepted, stored)
                assert not accepted.isascii() or moodle_matches(accepted.upper(), stored)  # usecase 0
                assert not moodle_matches(accepted + "x", stored)
        case Matching():
            assert el.get("type") == "matching"
            check_question_text(text, q)
            pairs = [
                (text_of(s.findtext("text") or ""), html.unescape(s.findtext("answer/text") or ""))
                for s in el.findall("subquestion")
            ]
            assert pairs == [(p.left, p.right) for p in q.pairs]
        case Cloze():
            assert el.get("type") == "cloze"
            assert el.find("defaultgrade") is None
            check_cloze(text, q)
        case _:
            raise AssertionError(q)


def check_cloze(text: str, q: Cloze) -> None:
    """Moodle's reader finds one SHORTANSWER gap per blank, each with every accepted answer."""
    rest, gaps = moodle_cloze(text)
    assert len(gaps) == len(q.blanks)
    accepted = group_answers(q)
    for (kind, alternatives), blank in zip(gaps, q.blanks, strict=True):
        assert kind == "SHORTANSWER"
        assert {fraction for fraction, _, _ in alternatives} == {"="}
        stored = [answer for _, answer, _ in alternatives]
        assert stored == [a.replace("*", "\\*") for a in accepted[blank.number]]
        for a in blank.accepted:
            assert any(moodle_matches(a, s) for s in stored), (a, stored)
    shown = "".join(
        s if isinstance(s, str) else f"{{#{s.index}}}" + (f" ({s.hint})" if s.hint else "")
        for s in q.segments
    )
    page = read_html(rest)
    assert "".join(page.case) == (q.case or "")
    assert page.paragraphs == ([q.prompt] if q.prompt else []) + [shown]


# -- the tests ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("banks", ["builtin", "hostile", "markup", "sample"])
def test_every_question_reads_back_as_the_bank_has_it(banks: str, tmp_path: Path) -> None:
    if banks == "builtin":
        library = load_library()
    else:
        library = load_library(
            [{"hostile": HOSTILE, "markup": MARKUP, "sample": SAMPLE}[banks]], builtin=False
        )
    root = export(library, None, tmp_path / "bank.xml")
    exported = by_idnumber(root)
    assert len(exported) == len(library.questions) == len(root.findall("question")) - 1 - len(library.topics)
    for q in library.questions:
        check_question(exported[q.uid], q, library)
    if banks == "builtin":  # every built-in question names its MBLEx area
        assert all(
            any(t.startswith("mblex::") for t in el.xpath("tags/tag/text/text()")) for el in exported.values()
        )


def test_categories_are_topics_in_teaching_order_under_the_parent(tmp_path: Path) -> None:
    library = load_library()
    questions = list(reversed(library.questions))  # the file groups them by topic whatever the order
    root = export(library, questions, tmp_path / "all.xml")
    paths, current, topic_of = [], "", {}
    for el in root.iter("question"):
        if el.get("type") == "category":
            current = el.findtext("category/text") or ""
            paths.append(current)
        else:
            topic_of[el.findtext("idnumber")] = current
    topics = topic_order(q.topic for q in library.questions)
    assert paths == ["$course$/top/Sciatica"] + [
        f"$course$/top/Sciatica/{n:02d} {topic_title(t)}" for n, t in enumerate(topics, 1)
    ]
    for q in library.questions:
        assert topic_of[q.uid].endswith(topic_title(q.topic))
    anatomy = next(
        el for el in root.iter("question") if (el.findtext("category/text") or "").endswith("Anatomy")
    )
    assert text_of(anatomy.findtext("info/text") or "") == library.bank("anatomy").description


def test_the_parent_category_keeps_its_name_literally(tmp_path: Path) -> None:
    library = load_library([HOSTILE], builtin=False)
    root = export(library, None, tmp_path / "h.xml", category="Week 1/2 <b>a</b> & b")
    first = root.findtext("question/category/text") or ""
    # Moodle splits a path at single slashes and strips tags from names (escaped: they show).
    names = re.split(r"(?<!/)/(?!/)", first)
    assert names[:2] == ["$course$", "top"]
    assert html.unescape(names[2].replace("//", "/")) == "Week 1/2 <b>a</b> & b"
    default = export(library, None, tmp_path / "d.xml")
    assert html.unescape(default.findtext("question/category/text") or "").startswith(
        "$course$/top/Hostile <b>bank<//b> ~ = # { } : \\ 🙂"
    )


def test_grades_split_into_moodles_values() -> None:
    for n in range(1, 21):
        parts = split_hundred(n)
        assert len(parts) == n and all(moodle_accepts(p) for p in parts)
        assert abs(sum(float(p) for p in parts) - 100) < 0.001
        assert len(set(parts)) == (1 if n <= 10 or n == 20 else 2)
    with pytest.raises(ValueError, match="21 parts"):
        split_hundred(21)  # the smallest grade is 5 %; a question has at most 8 choices
    q = make_question("multiple_answer", choices=("a", "b", "c", "d", "e", "f", "g"), correct=("a", "c", "e"))
    assert isinstance(q, MultipleAnswer)
    assert answer_percents(q) == (
        ["33.33333", "-25", "33.33333", "-25", "33.33333", "-25", "-25"],
        True,
    )


def test_every_choice_right_has_no_negative_grades(tmp_path: Path) -> None:
    q = make_question("multiple_answer", choices=("a", "b"), correct=("a", "b"))
    root = export(Library(banks=()), [q], tmp_path / "q.xml")
    assert [f for f, _, _ in answers(by_idnumber(root)["t/q"])] == ["50", "50"]


def test_cloze_special_characters_and_any_order(tmp_path: Path) -> None:
    text = "A {{c1::x}} b}#~ {{c2::y*z}} {{c3::a\\}b\\#c}} {1:SA:=no} {#1} {{c4::end&}}"
    q = make_question(
        "cloze", prompt="", text=text, accept=((1, ("x~1", "x}#")), (2, ("2",))), any_order=((1, 2),)
    )
    assert isinstance(q, Cloze)
    root = export(Library(banks=()), [q], tmp_path / "c.xml")
    check_cloze(by_idnumber(root)["t/q"].findtext("questiontext/text") or "", q)
    assert group_answers(q)[1] == group_answers(q)[2] == ("x", "x~1", "x}#", "y*z", "2")


def test_names_ids_and_tags_moodle_would_change(tmp_path: Path) -> None:
    long_id = "q" + "-x" * 60
    q = make_question(
        "true_false",
        bank="b",
        id=long_id,
        prompt="Line one\nline two " + "word " * 30,
        tags=("mblex::kinesiology", "a<b>", "t" * 60),
    )
    report = moodle.write(Library(banks=()), [q], tmp_path / "t.xml")
    el = by_idnumber(etree.parse(str(tmp_path / "t.xml")).getroot())
    (idnumber,) = el
    assert len(idnumber) == 100 and idnumber.startswith(f"b/{long_id}"[:80])
    name = html.unescape(el[idnumber].findtext("name/text") or "")
    assert "\n" not in name and name.endswith("…") and len(name) < len(q.uid) + 70
    assert report.notes == (
        f"ID numbers of 1 question (b/{long_id}) end in a hash, as Moodle's ID numbers hold 100 characters",
        f"Moodle changes 2 tags: 'a<b>' loses its < > ` characters, '{'t' * 60}' is cut to 50 characters",
    )


def test_text_moodle_could_read_as_markup_or_maths_shows_literally(tmp_path: Path) -> None:
    prompt = "Is \\(x\\) $$y$$ \\[z\\] <b>markup</b> &amp; {{c1::x}}?\nSecond line \x0b end"
    q = make_question("short_answer", prompt=prompt, accepted=("a*b", "x\\*"))
    root = export(Library(banks=()), [q], tmp_path / "m.xml")
    el = by_idnumber(root)["t/q"]
    page = read_html(el.findtext("questiontext/text") or "")
    assert page.paragraphs == [prompt.replace("\x0b", "\ufffd")]
    assert "\\(" not in (el.findtext("questiontext/text") or "")  # MathJax finds no delimiter
    assert [t for _, t, _ in answers(el)] == ["a\\*b", "x\\\\*"]
    assert moodle_matches("a*b", "a\\*b") and not moodle_matches("aXb", "a\\*b")
    assert moodle_matches("x\\*", "x\\\\*") and not moodle_matches("x\\y", "x\\\\*")


def test_same_banks_give_the_same_bytes(tmp_path: Path) -> None:
    library = load_library()
    export(library, None, tmp_path / "a.xml")
    export(library, None, tmp_path / "b.xml")
    assert (tmp_path / "a.xml").read_bytes() == (tmp_path / "b.xml").read_bytes()


def test_a_failed_export_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "bank.xml"
    out.write_text("old", encoding="utf-8")

    def broken(q: Question, citations: dict[str, str]) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(moodle, "question_xml", broken)
    with pytest.raises(ExportError, match="writing failed"):
        moodle.write(
            load_library([SAMPLE], builtin=False), load_library([SAMPLE], builtin=False).questions, out
        )
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["bank.xml"]


def test_cli_exports_and_reports_what_changed(tmp_path: Path) -> None:
    out = tmp_path / "anatomy.xml"
    result = run(["export", "moodle", "--topic", "anatomy", "-o", str(out)], catch=False)
    library = load_library()
    count = sum(q.topic == "anatomy" for q in library.questions)
    assert result.exit_code == 0
    assert result.stdout == f"Wrote {out}: {count} questions in 1 category under 'Sciatica'\n"
    assert result.stderr == (
        "Note: blanks that may be answered in any order, in 1 cloze question "
        "(anatomy/greater-sciatic-foramen-cloze): each gap of such a group accepts every answer of the "
        "group, as Moodle cannot compare one gap with another (the same answer typed in two gaps also "
        "scores)\n"
    )
    assert len(by_idnumber(etree.parse(str(out)).getroot())) == count


def test_cli_category_option_and_hostile_bank(tmp_path: Path) -> None:
    out = tmp_path / "h.xml"
    args = [
        "export",
        "moodle",
        "--no-builtin",
        "--bank",
        str(HOSTILE),
        "--category",
        "Class 2",
        "-o",
        str(out),
    ]
    result = run(args, catch=False)
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout == f"Wrote {out}: 6 questions in 1 category under 'Class 2'\n"
    assert etree.parse(str(out)).getroot().findtext("question/category/text") == "$course$/top/Class 2"


def test_cli_refuses_a_wrong_name_or_empty_category(tmp_path: Path) -> None:
    result = run(["export", "moodle", "-o", str(tmp_path / "bank.gift")])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path / 'bank.gift'}: a Moodle XML file's name must end in .xml, "
        "or Moodle will not offer to import it (-o bank.xml)\n"
    )
    result = run(["export", "moodle", "--category", " ", "-o", str(tmp_path / "bank.xml")])
    assert result.exit_code == 1
    assert result.stderr == "Error: the category name is empty (--category Sciatica)\n"
    assert not list(tmp_path.iterdir())


@settings(max_examples=40 * SCALE, **SETTINGS)
@given(bank=banks())
def test_any_generated_bank_reads_back_as_written(tmp_path: Path, bank: dict[str, Any]) -> None:
    library = load(bank, tmp_path)
    exported = by_idnumber(export(library, None, tmp_path / "fuzz.xml"))
    for q in library.questions:
        check_question(exported[q.uid], q, library)

"""Property-based tests: every valid bank shows its text literally in every output, and grades right.

Hypothesis builds valid banks with one question of each of the six types, whose text mixes
arbitrary printable Unicode with markup characters (`< > & " ' { } # $ * _ \\ % ~ = [ ] | !` and
more). Each bank is written as YAML and loaded; the loaded text must equal what was written. Then
it goes through every output and back: the .apkg is imported into a real Anki collection and its
cards rendered, the PDF is read back with pypdf, the HTML is parsed with html.parser, the Markdown
is rendered with markdown-it-py, and the terminal quiz is run; every field must appear literally.
The grader must accept the correct input for every generated question in any shuffled layout.

Rendering a PDF costs about 0.1-0.5 s and an Anki import a little less, so those properties run
few, small examples; the cheap ones run more.
"""

from __future__ import annotations

import io
import os
import random
import string
import tempfile
import unicodedata
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from anki.collection import Collection
from cardview import import_apkg
from conftest import accepted_of, blanks_of, choice_texts, correct_texts, pair_tuples, revealed, run
from hypothesis import HealthCheck, example, given, reject, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from pypdf import PdfReader

from exporters.anki import export_anki
from exporters.common import prompt_for_card
from exporters.handout import Handout, HandoutKind, build_handout, key_explanation, render
from sciatica_quiz.errors import BankError
from sciatica_quiz.grading import Layout, check, correct_input, normalise
from sciatica_quiz.loader import load_library
from sciatica_quiz.model import (
    Cloze,
    Library,
    Question,
    QuestionType,
    cloze_problems,
    cloze_segments,
    typeable,
)

# Characters that mean something in HTML, Markdown, typst, jinja2, Anki templates, MathJax or YAML.
MARKUP = "<>&\"'{}#$*_\\%~=`|[]()!@^:;/-+.,?"
# FUZZ_SCALE=20 runs twenty times as many examples, for a deeper search before a release.
SCALE = int(os.environ.get("FUZZ_SCALE", "1"))
SETTINGS: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}

# -- strategies ------------------------------------------------------------------------------------

# Any printable character the loader accepts: no control characters (tab and newline are allowed),
# no surrogates, private-use or unassigned code points.
ANY_CHAR = st.one_of(
    st.sampled_from(MARKUP),
    st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn")),
    st.sampled_from(" \n\t"),
)
# The PDF embeds only typst's own fonts; keep to scripts they draw (Latin, Greek, common
# punctuation), so that what pypdf reads back is what was written rather than missing-glyph boxes.
PDF_CHAR = st.one_of(
    st.sampled_from(MARKUP + string.ascii_letters + string.digits + " \n–—‘’“”…•°±×÷"),
    st.characters(min_codepoint=0xA1, max_codepoint=0x17F, blacklist_categories=("Cc", "Cf", "Cn")),
    st.characters(min_codepoint=0x391, max_codepoint=0x3C9, blacklist_categories=["Cn"]),
)


def texts(chars: st.SearchStrategy[str], max_size: int = 24) -> st.SearchStrategy[str]:
    """Return non-empty text as the loader keeps it: stripped of surrounding whitespace."""
    return st.text(chars, min_size=1, max_size=max_size).map(str.strip).filter(bool)


def _deletion_part(chars: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    # '::' separates a hint, '}}' ends a deletion; a part may not end or start where it would merge.
    return texts(chars, 12).filter(
        lambda s: "::" not in s and "{{" not in s and "}}" not in s and s[-1] not in ":}" and s[0] != ":"
    )


def _answer_part(chars: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    # Answers must hold something besides punctuation (the loader refuses the rest).
    return _deletion_part(chars).filter(typeable)


@st.composite
def cloze_texts(draw: st.DrawFn, chars: st.SearchStrategy[str]) -> str:
    """Return cloze text with one to three deletions, some with hints, braces allowed around them."""
    plain = st.text(chars, max_size=12).filter(lambda s: "{{" not in s and "}}" not in s)
    n = draw(st.integers(1, 3))
    parts = [draw(plain)]
    for number in range(1, n + 1):
        answer = draw(_answer_part(chars))
        hint = draw(st.none() | _deletion_part(chars))
        parts.append(f"{{{{c{number}::{answer}{'::' + hint if hint else ''}}}}}")
        parts.append(draw(plain))
    text = "".join(parts).strip()
    # Braces next to a deletion can make '{{' or '}}' outside it, and a hint may contain its answer:
    # the loader refuses both.
    if cloze_problems(text) or sum(not isinstance(s, str) for s in cloze_segments(text)) != n:
        reject()
    return text


@st.composite
def questions(
    draw: st.DrawFn, qtype: QuestionType, index: int, chars: st.SearchStrategy[str]
) -> dict[str, Any]:
    """Return one valid question of a type, as the YAML mapping a bank author would write."""
    text = texts(chars)
    q: dict[str, Any] = {"id": f"q{index}", "type": qtype.value}
    if draw(st.booleans()):
        q["case"] = draw(text)
    if qtype is not QuestionType.CLOZE or draw(st.booleans()):
        q["prompt"] = draw(text)
    if qtype in (QuestionType.MULTIPLE_CHOICE, QuestionType.MULTIPLE_ANSWER):
        choices = draw(st.lists(text, min_size=2, max_size=5, unique=True))
        q["choices"] = choices
        if qtype is QuestionType.MULTIPLE_CHOICE:
            q["answer"] = draw(st.sampled_from(choices))
        else:
            q["answer"] = draw(
                st.lists(st.sampled_from(choices), min_size=1, max_size=len(choices), unique=True)
            )
    elif qtype is QuestionType.TRUE_FALSE:
        q["answer"] = draw(st.booleans())
    elif qtype is QuestionType.SHORT_ANSWER:
        q["answer"] = draw(st.lists(text.filter(typeable), min_size=1, max_size=3))
    elif qtype is QuestionType.CLOZE:
        q["text"] = draw(cloze_texts(chars))
    else:
        lefts = draw(st.lists(text, min_size=2, max_size=4, unique=True))
        rights = draw(st.lists(text, min_size=len(lefts), max_size=len(lefts), unique=True))
        q["answer"] = dict(zip(lefts, rights, strict=True))
    q["explanation"] = draw(text)
    q["sources"] = ["fuzz-source"]
    q["difficulty"] = draw(st.integers(1, 3))
    return q


@st.composite
def banks(draw: st.DrawFn, chars: st.SearchStrategy[str] = ANY_CHAR) -> dict[str, Any]:
    """Return a valid bank with one question of every type, in a drawn order, citing a markup source."""
    kinds = draw(st.permutations(list(QuestionType)))
    return {
        "id": "fuzz",
        "title": draw(texts(chars)),
        "topic": "anatomy",
        "sources": [{"id": "fuzz-source", "title": draw(texts(chars)), "authors": draw(texts(chars))}],
        "questions": [draw(questions(kind, i, chars)) for i, kind in enumerate(kinds)],
    }


def load(bank: dict[str, Any], folder: Path) -> Library:
    """Write the bank as YAML and load it, checking the loader kept every text exactly."""
    path = folder / "fuzz.yaml"
    path.write_text(yaml.safe_dump(bank, allow_unicode=True, sort_keys=False, width=10**6), encoding="utf-8")
    library = load_library([path], builtin=False)
    (loaded,) = library.banks
    assert loaded.title == bank["title"]
    for written, q in zip(bank["questions"], loaded.questions, strict=True):
        assert q.prompt == written.get("prompt", "")
        assert q.case == written.get("case")
        assert q.explanation == written["explanation"]
        assert choice_texts(q) == tuple(written.get("choices", ()))
        if isinstance(q, Cloze):
            assert q.text == written["text"]
        elif q.type is QuestionType.MATCHING:
            assert pair_tuples(q) == tuple(written["answer"].items())
        elif q.type is QuestionType.SHORT_ANSWER:
            assert accepted_of(q) == tuple(written["answer"])
    return library


# -- reading outputs back --------------------------------------------------------------------------


def flat(text: str) -> str:
    """Return text with every run of whitespace made one space, for comparing wrapped text."""
    return " ".join(text.split())


class _Visible(HTMLParser):
    """Collect the text a browser shows: tags that break lines give a space, inline tags nothing."""

    BREAKS = frozenset(
        {"br", "div", "p", "li", "td", "th", "tr", "table", "hr", "h1", "h2", "h3", "ol", "ul"}
    )
    HIDDEN = frozenset({"style", "script", "title", "head"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hidden += tag in self.HIDDEN
        if tag in self.BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in self.HIDDEN
        if tag in self.BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_text(html: str) -> str:
    """Return the visible text of an HTML page or fragment, whitespace flattened."""
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return flat("".join(parser.parts))


def pdf_text(data: bytes) -> str:
    """Return the text of a PDF with all whitespace removed (line breaks fall anywhere)."""
    return "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def cloze_plain(q: Question) -> list[str]:
    """Return the text between a cloze question's deletions (CLOZE has three groups)."""
    return [s for s in q.segments if isinstance(s, str)] if isinstance(q, Cloze) else []


# -- the loader, the grader and the terminal ------------------------------------------------------


@settings(max_examples=60 * SCALE, **SETTINGS)
@given(bank=banks())
def test_generated_banks_load_exactly_as_written(tmp_path: Path, bank: dict[str, Any]) -> None:
    library = load(bank, tmp_path)
    assert {q.type for q in library.questions} == set(QuestionType)


@settings(max_examples=60 * SCALE, **SETTINGS)
@given(bank=banks(), seed=st.integers(0, 2**32 - 1))
def test_correct_input_is_graded_correct_for_any_generated_question(
    tmp_path: Path, bank: dict[str, Any], seed: int
) -> None:
    library = load(bank, tmp_path)
    rng = random.Random(seed)
    for q in library.questions:
        answers = [*accepted_of(q)[:1], *(b.answer for b in blanks_of(q))]
        # An answer with no letter, digit or symbol left after folding cannot be typed: see
        # test_an_answer_of_punctuation_only_can_be_typed below.
        if any(not normalise(a) for a in answers):
            continue
        layout = Layout.shuffled(q, rng)
        assert check(q, layout, correct_input(q, layout)).correct, q


def test_an_answer_of_punctuation_only_is_refused(tmp_path: Path) -> None:
    # Grading compares answers without punctuation, so '&' could never be typed: the loader says so.
    bank = {
        "id": "punct", "title": "T", "topic": "anatomy",
        "sources": [{"id": "fuzz-source", "title": "T", "authors": "A"}],
        "questions": [{"id": "amp", "type": "short_answer", "prompt": "The symbol for 'and'?",
                       "answer": "&", "explanation": "E", "sources": ["fuzz-source"]}],
    }  # fmt: skip
    with pytest.raises(BankError, match="answer '&' has only punctuation"):
        load(bank, tmp_path)


@settings(max_examples=25 * SCALE, **SETTINGS)
@given(bank=banks())
def test_terminal_quiz_shows_every_field_literally(tmp_path: Path, bank: dict[str, Any]) -> None:
    library = load(bank, tmp_path)
    n = len(library.questions)
    result = run(
        ["quiz", "--no-builtin", "--bank", str(tmp_path / "fuzz.yaml"), "--count", str(n), "--seed", "1"],
        input="s\n" * 20,
        catch=False,
    )
    assert result.exit_code == 0, result.output
    shown = flat(result.stdout)
    for q in library.questions:
        strings = [
            flat(s)
            for s in (q.prompt, q.case, *choice_texts(q), *(p for pair in pair_tuples(q) for p in pair))
            if s
        ]
        strings += [flat(p) for p in cloze_plain(q) if flat(p)]
        for s in strings:
            assert s in shown, s


# -- Anki ------------------------------------------------------------------------------------------

# Text that Anki itself would read as a sound, text-to-speech, LaTeX, MathJax or cloze tag.
ANKI_TAGS = "[sound:a.mp3] [anki:tts lang=en_US]hi[/anki:tts] [latex]x^2[/latex] [$]y[/$] \\(z\\) {{c1::no}}"


def markup_bank(text: str, cloze: str = "{{c1::one}} then {{c2::two::hint}}") -> dict[str, Any]:
    """Return a valid bank of every question type with `text` in every field it can go in."""
    # Cloze text allows '{{' only in deletions, and refuses '{c1::', a deletion missing a brace.
    plain = text.replace("{{", "{ {").replace("}}", "} }").replace("{c", "{ c")
    q: list[dict[str, Any]] = [
        {"type": "multiple_choice", "prompt": text, "case": text, "choices": [text, "other"], "answer": text},
        {"type": "multiple_answer", "prompt": text, "choices": [text, "x", "y"], "answer": [text, "y"]},
        {"type": "true_false", "prompt": text, "answer": False},
        {"type": "short_answer", "prompt": text, "answer": [text, f"{text} too"]},
        {"type": "cloze", "prompt": text, "text": f"{plain} {cloze} {plain}"},
        {"type": "matching", "prompt": text, "answer": {text: "right", "left": text}},
    ]
    for i, item in enumerate(q):
        item.update(id=f"q{i}", explanation=text, sources=["fuzz-source"])
    return {
        "id": "fuzz", "title": text, "topic": "anatomy",
        "sources": [{"id": "fuzz-source", "title": text, "authors": text}],
        "questions": q,
    }  # fmt: skip


def nfc(text: str) -> str:
    # Anki stores note text in Unicode NFC (its default "normalize text" setting).
    return unicodedata.normalize("NFC", text)


def anki_strings(q: Question, citation: str) -> tuple[list[str], list[str]]:
    """Return the texts a card's front and back must show, flattened."""
    # The card drops an instruction its label already gives, shows the main typed answer (a few
    # variants at most) and one short line per source.
    front = [
        prompt_for_card(q),
        q.case or "",
        *choice_texts(q),
        *(p for pair in pair_tuples(q) for p in pair),
    ]
    back = [*front, q.explanation, citation, *accepted_of(q)[:1]]
    if isinstance(q, Cloze):
        front += cloze_plain(q)
        back.append(revealed(q))
    if q.type is QuestionType.TRUE_FALSE:
        back.append(q.answer_text())
    return [nfc(flat(s)) for s in front if flat(s)], [nfc(flat(s)) for s in back if flat(s)]


@settings(max_examples=25 * SCALE, **SETTINGS)
@example(bank=markup_bank(ANKI_TAGS))
@given(bank=banks())
def test_anki_cards_show_every_field_literally(bank: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        library = load(bank, folder)
        out = folder / "fuzz.apkg"
        report = export_anki(library, library.questions, out)
        col = Collection(str(folder / "collection.anki2"))
        try:
            import_apkg(col, out)
            cards = sum(len({b.number for b in blanks_of(q)}) or 1 for q in library.questions)
            assert col.note_count() == report.notes == len(library.questions)
            assert col.card_count() == report.cards == cards
            notes = {col.get_note(nid)["Id"]: col.get_note(nid) for nid in col.find_notes("")}
            citation = library.sources["fuzz-source"].short_citation()
            for q in library.questions:
                front_strings, back_strings = anki_strings(q, citation)
                for card in notes[q.uid].cards():
                    question, answer = card.question(), card.answer()
                    assert "<script" not in (question + answer).lower()
                    front, back = nfc(html_text(question)), nfc(html_text(answer))
                    for s in front_strings:
                        assert s in front, (s, front)
                    for s in back_strings:
                        assert s in back, (s, back)
                    if isinstance(q, Cloze):
                        hints = [b.hint for b in blanks_of(q) if b.number == card.ord + 1 and b.hint]
                        for hint in hints:
                            assert nfc(f"[{flat(hint)}]") in front
        finally:
            col.close()


# -- handouts --------------------------------------------------------------------------------------


def handout_strings(q: Question, kind: HandoutKind) -> list[str]:
    """Return the bank text a handout of this kind must show for a question, flattened."""
    if kind is HandoutKind.ANSWER_KEY:
        strings = [key_explanation(q), *accepted_of(q), *correct_texts(q)]
        if isinstance(q, Cloze):
            strings += [b.answer for b in blanks_of(q)]
        return [flat(s) for s in strings if flat(s)]
    strings = [q.prompt, q.case or "", *choice_texts(q), *(p for pair in pair_tuples(q) for p in pair)]
    if kind is HandoutKind.STUDY_GUIDE:
        strings += [q.explanation, *accepted_of(q)]
        if isinstance(q, Cloze):
            strings.append(revealed(q))
    elif isinstance(q, Cloze):
        strings += [*cloze_plain(q), *(b.hint or "" for b in blanks_of(q))]
    return [flat(s) for s in strings if flat(s)]


def handouts(library: Library) -> Iterator[tuple[HandoutKind, Handout]]:
    """Yield each kind of handout, titled with the bank title and the source title under it."""
    title, subtitle = library.banks[0].title, library.sources["fuzz-source"].title
    for kind in HandoutKind:
        yield kind, build_handout(library, library.questions, kind, title=title, subtitle=subtitle)


def check_handout(library: Library, kind: HandoutKind, shown: str) -> None:
    """Check a handout's visible text: the title first, then every field, the bibliography."""
    assert shown.startswith(flat(library.banks[0].title)), shown[:200]
    assert flat(library.sources["fuzz-source"].title) in shown
    for q in library.questions:
        for s in handout_strings(q, kind):
            assert s in shown, (kind, s)
    if kind is HandoutKind.STUDY_GUIDE:
        assert flat(library.sources["fuzz-source"].citation()) in shown


# Markup characters whose visible count must be the same in Markdown as in HTML: a stray one in
# the Markdown is markup that did not work (an unmatched '**', a '\' left from a broken escape).
COUNTED = "*\\#`<>|~"


@settings(max_examples=40 * SCALE, **SETTINGS)
@example(bank=markup_bank(ANKI_TAGS))
@example(bank=markup_bank("a\n\nb *c* (d) **e", cloze="a{{c1::(x)}}b{{c2::y}}{{c3::*z*}}."))
@given(bank=banks())
def test_html_and_markdown_handouts_show_every_field_literally(tmp_path: Path, bank: dict[str, Any]) -> None:
    library = load(bank, tmp_path)
    for kind, h in handouts(library):
        html = render(h, "html").decode("utf-8")
        md = MarkdownIt("commonmark").enable("table").render(render(h, "md").decode("utf-8"))
        assert "<script" not in html.lower() and "<script" not in md.lower()
        shown_html, shown_md = html_text(html), html_text(md)
        check_handout(library, kind, shown_html)
        check_handout(library, kind, shown_md)
        for ch in COUNTED:
            assert shown_md.count(ch) == shown_html.count(ch), (kind, ch, shown_md, shown_html)


def squeeze(text: str) -> str:
    return "".join(text.split())


@settings(max_examples=10 * SCALE, **SETTINGS)
@example(bank=markup_bank("<b>x</b> & {{ y }} #z $w$ *v* _u_ \\t %s ~r = 'q' \"p\""))
@given(bank=banks(PDF_CHAR))
def test_pdf_study_guide_shows_every_field_literally(tmp_path: Path, bank: dict[str, Any]) -> None:
    library = load(bank, tmp_path)
    h = build_handout(library, library.questions, HandoutKind.STUDY_GUIDE, title=library.banks[0].title)
    shown = pdf_text(render(h, "pdf"))
    assert squeeze(library.banks[0].title) in shown
    assert squeeze(library.sources["fuzz-source"].citation()) in shown
    for q in library.questions:
        for s in handout_strings(q, HandoutKind.STUDY_GUIDE):
            assert squeeze(s) in shown, s

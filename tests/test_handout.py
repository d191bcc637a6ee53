"""Handouts: study guides, worksheets and answer keys as PDF, HTML and Markdown.

Generated PDFs are opened with pypdf and their text read back; HTML is parsed for its visible
text; Markdown is rendered by a CommonMark parser where one is installed.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from datetime import date
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import FIXTURES, SAMPLE, blanks_of, choice_texts, make_question, pair_tuples, run, tool_missing
from pypdf import PdfReader

from exporters.handout import (
    LETTERS,
    Handout,
    HandoutItem,
    HandoutKind,
    build_handout,
    css_string,
    exam_versions,
    first_sentence,
    infer_format,
    key_explanation,
    md_escape,
    plan_handouts,
    render,
    version_paths,
    write_handouts,
)
from sciatica_quiz.errors import ExportError
from sciatica_quiz.grading import normalise
from sciatica_quiz.loader import load_library
from sciatica_quiz.model import (
    Bank,
    Cloze,
    Library,
    MultipleAnswer,
    MultipleChoice,
    Question,
    QuestionType,
    ShortAnswer,
    topic_title,
)

MARKUP = FIXTURES / "good" / "markup.yaml"
WHEN = date(2026, 11, 24)
SAMPLE_ARGS = ["--no-builtin", "--bank", str(SAMPLE)]


# -- helpers -------------------------------------------------------------------------------


def flat(text: str) -> str:
    """Return text with every run of whitespace made one space, for comparing wrapped text."""
    return " ".join(text.split())


def pdf_pages(data: bytes) -> list[str]:
    """Return the text of each PDF page, whitespace flattened."""
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def pdf_text(data: bytes) -> str:
    return " ".join(pdf_pages(data))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip += tag in ("style", "script", "title")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("style", "script", "title")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    """Return the text a browser shows for an HTML page, whitespace flattened."""
    parser = _Text()
    parser.feed(html)
    return flat(" ".join(parser.parts))


def md_text(md: str) -> str:
    """Return the text a CommonMark viewer shows for Markdown, whitespace flattened."""
    markdown_it = pytest.importorskip("markdown_it")
    return html_text(markdown_it.MarkdownIt("commonmark").enable("table").render(md))


def md_unescape(md: str) -> str:
    """Undo CommonMark backslash escapes and hard line breaks (a backslash before a newline)."""
    return flat(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", md.replace("\\\n", "\n")))


def visible(fmt: str, data: bytes) -> str:
    if fmt == "pdf":
        return pdf_text(data)
    if fmt == "html":
        return html_text(data.decode())
    return md_text(data.decode())


def bank_strings(q: Question, kind: HandoutKind) -> list[str]:
    """Return the bank text a handout of this kind must show for a question."""
    if kind is HandoutKind.ANSWER_KEY:
        return [key_explanation(q)]
    strings = [q.prompt, *choice_texts(q), *(left for left, _ in pair_tuples(q))]
    strings += [right for _, right in pair_tuples(q)]
    strings += [q.case] if q.case else []
    if kind is HandoutKind.STUDY_GUIDE:
        strings += [q.explanation, *(b.answer for b in blanks_of(q))]
    return [flat(s) for s in strings if s]


@pytest.fixture(scope="module")
def sample() -> Library:
    return load_library([SAMPLE], builtin=False)


@pytest.fixture(scope="module")
def markup() -> Library:
    return load_library([MARKUP], builtin=False)


def handout(library: Library, kind: HandoutKind | str, **options: object) -> Handout:
    return build_handout(library, library.questions, kind, when=WHEN, **options)  # type: ignore[arg-type]


def item_of(h: Handout, qid: str) -> HandoutItem:
    """Return the handout's item for the question with this id."""
    return next(i for i in h.items if i.uid.endswith(f"/{qid}"))


def big_library(sample: Library, copies: int) -> Library:
    """Return the sample bank repeated, each copy's prompts and choices made unique."""
    questions: list[Question] = []
    for i in range(copies):
        for q in sample.questions:
            mark = f"[copy {i}]"
            changes: dict[str, object] = {
                "id": f"{q.id}-{i}",
                "prompt": f"{q.prompt} {mark}" if q.prompt else "",
            }
            if isinstance(q, MultipleChoice | MultipleAnswer):
                changes["choices"] = tuple(dataclasses.replace(c, text=f"{c.text} {mark}") for c in q.choices)
            questions.append(dataclasses.replace(q, **changes))  # type: ignore[arg-type]
    bank = Bank(id="big", title="Big", topic="anatomy", questions=tuple(questions))
    return Library(banks=(bank,), sources=sample.sources)


# -- the document model --------------------------------------------------------------------


def test_worksheet_model_carries_no_answers(sample: Library) -> None:
    data = json.dumps(handout(sample, HandoutKind.WORKSHEET).data())
    for q in sample.questions:
        assert flat(q.explanation) not in data
    assert '"correct": true' not in data
    assert "common peroneal" not in data and "greater sciatic foramen" not in data


def test_worksheet_and_key_share_numbering_and_letters(sample: Library) -> None:
    for seed in (1, 2, 3, 99):
        sheet, key = (
            handout(sample, HandoutKind.WORKSHEET, seed=seed),
            handout(sample, HandoutKind.ANSWER_KEY, seed=seed),
        )
        assert [i.number for i in sheet.items] == [i.number for i in key.items]
        assert [i.uid for i in sheet.items] == [i.uid for i in key.items]
        for s, k in zip(sheet.items, key.items, strict=True):
            assert [(c.letter, c.text) for c in s.choices] == [(c.letter, c.text) for c in k.choices]
            assert [(o.letter, o.text) for o in s.options] == [(o.letter, o.text) for o in k.options]


def test_seed_shuffles_choices_and_is_repeatable(sample: Library) -> None:
    orders = {
        seed: tuple(c.text for c in handout(sample, HandoutKind.WORKSHEET, seed=seed).items[0].choices)
        for seed in range(12)
    }
    assert len(set(orders.values())) > 1
    assert orders[5] == tuple(c.text for c in handout(sample, HandoutKind.WORKSHEET, seed=5).items[0].choices)
    guide = handout(sample, HandoutKind.STUDY_GUIDE, seed=5)
    assert tuple(c.text for c in guide.items[0].choices) == choice_texts(sample.questions[0])


def test_matching_never_puts_an_item_on_the_row_of_its_match(sample: Library, builtin: Library) -> None:
    for seed in range(12):
        for h in (
            handout(sample, HandoutKind.ANSWER_KEY, seed=seed),
            handout(builtin, "answer-key", seed=seed),
        ):
            for item in h.items:
                # Row n holds left-hand item n and right-hand item LETTERS[n - 1].
                assert all(p.letter != LETTERS[p.number - 1] for p in item.pairs), (seed, item.uid)
    sheet, key = exam_versions(sample, sample.questions, 2, seed=3, when=WHEN)[1]
    assert [o.letter for o in item_of(sheet, "compartments").options] == list("ABC")
    assert all(p.letter != LETTERS[p.number - 1] for p in item_of(key, "compartments").pairs)


def test_study_guide_groups_by_topic_and_numbers_sources(sample: Library, markup: Library) -> None:
    both = Library(banks=sample.banks + markup.banks, sources={**sample.sources, **markup.sources})
    guide = handout(both, HandoutKind.STUDY_GUIDE)
    assert [s.title for s in guide.sections] == ["Anatomy", "Assessment"]
    assert [r.number for r in guide.references] == [1, 2]
    assert guide.items[0].sources == (1,) and guide.items[-1].sources == (2,)
    assert guide.references[1].url == "https://example.org/a_b?x=1&y={2}"


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("One. Two.", "One."),
        ("Use e.g. Slump testing. Then more.", "Use e.g. Slump testing."),
        ("It stays literal. Second.", "It stays literal."),
        ('He said "stop." Then left.', 'He said "stop."'),
        ("L4 to S3. L2-L4 form the femoral nerve.", "L4 to S3."),
        ("No full stop", "No full stop"),
        ("Line\nbreaks are  joined. Yes.", "Line breaks are joined."),
    ],
)
def test_first_sentence(text: str, first: str) -> None:
    assert first_sentence(text) == first


def test_versions_differ_and_keys_follow_their_worksheet(sample: Library) -> None:
    versions = exam_versions(sample, sample.questions, 3, seed=4, when=WHEN)
    assert [(s.version, k.version) for s, k in versions] == [("A", "A"), ("B", "B"), ("C", "C")]
    orders = {tuple(i.uid for i in sheet.items) for sheet, _ in versions}
    assert len(orders) > 1
    for sheet, key in versions:
        assert [(i.uid, [c.letter + c.text for c in i.choices]) for i in sheet.items] == [
            (i.uid, [c.letter + c.text for c in i.choices]) for i in key.items
        ]


def test_version_paths() -> None:
    assert version_paths("out/exam.pdf", "B") == (Path("out/exam-B.pdf"), Path("out/exam-B-key.pdf"))


def test_titles_are_not_repeated(sample: Library) -> None:
    for kind in HandoutKind:
        named = handout(sample, kind)  # the default title already says what the handout is
        assert named.title == f"Sample bank with every question type {kind.label.lower()}"
        assert named.running_head == named.title
        assert kind.label.lower() not in named.meta.lower()
        shown = [pdf_pages(render(named, "pdf"))[0], *(visible(f, render(named, f)) for f in ("html", "md"))]
        assert [text.lower().count(kind.label.lower()) for text in shown] == [1, 1, 1], kind
        custom = handout(sample, kind, title="MT 210 quiz")
        assert custom.running_head == f"MT 210 quiz · {kind.label}"
        assert custom.meta == f"{kind.label} · 24 November 2026"
    sheet, key = exam_versions(sample, sample.questions, 2, seed=7, title="Midterm", when=WHEN)[1]
    assert (sheet.running_head, sheet.meta) == (
        "Midterm · Worksheet · Version B",
        "Worksheet · Version B · 24 November 2026",
    )
    assert key.running_head == "Midterm · Answer key · Version B"


@pytest.mark.parametrize(
    ("qtype", "fields", "summary"),
    [
        ("true_false", {"truth": False, "explanation": "False. It forms in the pelvis. More."}, "It forms in the pelvis."),
        ("true_false", {"truth": True, "explanation": "True! Yes, it is. It is the widest nerve."}, "It is the widest nerve."),
        ("true_false", {"truth": False, "explanation": "It is not in the thigh. False."}, "It is not in the thigh."),
        ("true_false", {"truth": False, "explanation": "False."}, "False."),  # nothing more to say
        ("short_answer", {"accepted": ("sciatic nerves",), "explanation": "The sciatic nerve. It is the largest."}, "It is the largest."),
        ("multiple_choice", {"choices": ("L4–S3", "L2–L4"), "correct": ("L4–S3",), "explanation": "L4-S3 is correct. The rami of L4 to S3."}, "The rami of L4 to S3."),
        ("multiple_answer", {"choices": ("Tibial", "Femoral", "Fibular"), "correct": ("Tibial", "Fibular"), "explanation": "Tibial; fibular. Both share a sheath."}, "Both share a sheath."),
        ("cloze", {"text": "The {{c1::tibial}} nerve.", "prompt": "", "explanation": "The tibial nerve. Not the femoral."}, "The tibial nerve."),
    ],
)  # fmt: skip
def test_the_keys_explanation_says_more_than_the_answer(
    qtype: str, fields: dict[str, object], summary: str
) -> None:
    assert key_explanation(make_question(qtype, **fields)) == summary


# -- the worksheet order: no answer next to its question -------------------------------------------
#
# The rule written out again, plainly, to check the exporter by: a question's typed answers and
# the text of its right choices, normalised, must not be shown (as whole words) in the prompt,
# case, choices, matching items or cloze text of a question within three places of it. Terms of
# fewer than 4 letters and digits, and terms shown by more than 8% of the questions (and more than
# two), do not count.


def _giveaways(q: Question) -> list[str]:
    raw: tuple[str, ...] = ()
    if isinstance(q, MultipleChoice | MultipleAnswer):
        raw = q.correct
    elif isinstance(q, ShortAnswer):
        raw = q.accepted
    elif isinstance(q, Cloze):
        raw = tuple(a for b in q.blanks for a in b.accepted)
    return [t for t in map(normalise, raw) if sum(ch.isalnum() for ch in t) >= 4]


def _shown(q: Question) -> list[str]:
    parts = [q.prompt, q.case or "", *choice_texts(q), *(side for pair in pair_tuples(q) for side in pair)]
    if isinstance(q, Cloze):
        parts += [s if isinstance(s, str) else s.hint or "" for s in q.segments]
    return [f" {normalise(p)} " for p in parts if p]


def must_be_apart(questions: Sequence[Question]) -> set[frozenset[str]]:
    """Return the pairs of questions (by uid) that a worksheet must not print within three places."""
    shown = [_shown(q) for q in questions]
    pairs: set[frozenset[str]] = set()
    for q in questions:
        for term in _giveaways(q):
            showing = [
                p for p, parts in zip(questions, shown, strict=True) if any(f" {term} " in s for s in parts)
            ]
            if len(showing) <= max(0.08 * len(questions), 2):
                pairs |= {frozenset((q.uid, p.uid)) for p in showing if p.uid != q.uid}
    return pairs


def close_giveaways(order: Sequence[str], apart: set[frozenset[str]]) -> list[tuple[int, int]]:
    """Return the places (from 1) of the questions, by uid in print order, that give each other's
    answers away within three places."""
    return [
        (n + 1, m + 1)
        for n in range(len(order))
        for m in range(n + 1, min(n + 4, len(order)))
        if frozenset((order[n], order[m])) in apart
    ]


def uids(h: Handout) -> list[str]:
    return [i.uid for i in h.items]


@pytest.fixture(scope="module")
def builtin() -> Library:
    return load_library()


def test_worksheets_print_no_answer_near_its_question(builtin: Library) -> None:
    anatomy = [q for q in builtin.questions if q.topic == "anatomy"]
    for questions in (builtin.questions, anatomy):
        apart = must_be_apart(questions)
        # The banks hold such pairs, and their own order prints some of them close together.
        assert len(apart) > 20 and close_giveaways([q.uid for q in questions], apart)
        orders = set()
        for seed in (1, 2, 3, 42, 2026):
            sheet = build_handout(builtin, questions, HandoutKind.WORKSHEET, seed=seed, when=WHEN)
            key = build_handout(builtin, questions, HandoutKind.ANSWER_KEY, seed=seed, when=WHEN)
            assert close_giveaways(uids(sheet), apart) == [], seed
            assert uids(sheet) == uids(key)
            orders.add(tuple(uids(sheet)))
        assert len(orders) == 5
    apart = must_be_apart(builtin.questions)
    versions = exam_versions(builtin, builtin.questions, 4, seed=7, when=WHEN)
    assert len({tuple(uids(sheet)) for sheet, _ in versions}) == 4
    for sheet, key in versions:
        assert close_giveaways(uids(sheet), apart) == [], sheet.version
        assert [(i.uid, i.choices) for i in sheet.items] == [
            (i.uid, tuple(dataclasses.replace(c, correct=False, why="") for c in i.choices))
            for i in key.items
        ]


def test_a_short_worksheet_keeps_answers_apart_too() -> None:
    answer = make_question("short_answer", id="name", accepted=("piriformis",), prompt="Name the muscle.")
    showing = [make_question("true_false", id=f"s{n}", prompt=f"Piriformis is {n} cm long.") for n in (1, 2)]
    others = [make_question("true_false", id=f"o{n}", prompt=f"Statement {n}.") for n in range(5)]
    questions = [answer, *showing, *others]
    apart = must_be_apart(questions)
    assert apart == {frozenset(("t/name", "t/s1")), frozenset(("t/name", "t/s2"))}
    library = Library(banks=(Bank(id="t", title="T", topic="anatomy", questions=tuple(questions)),))
    for seed in range(20):
        assert close_giveaways(uids(build_handout(library, questions, "worksheet", seed=seed)), apart) == []
    # Where no order can keep them apart, every question is still printed, once.
    crowded = [answer, *showing]
    assert sorted(uids(build_handout(library, crowded, "worksheet"))) == ["t/name", "t/s1", "t/s2"]


def test_the_study_guide_keeps_its_topic_order(builtin: Library) -> None:
    guide = handout(builtin, HandoutKind.STUDY_GUIDE, seed=5)
    in_topic_order = [
        q.uid for s in guide.sections for q in builtin.questions if topic_title(q.topic) == s.title
    ]
    assert uids(guide) == in_topic_order


# -- PDF -----------------------------------------------------------------------------------


def test_study_guide_pdf_shows_questions_answers_and_sources(sample: Library) -> None:
    text = pdf_text(render(handout(sample, HandoutKind.STUDY_GUIDE), "pdf"))
    for q in sample.questions:
        for s in bank_strings(q, HandoutKind.STUDY_GUIDE):
            assert s in text
    assert "Answer: True" in text
    assert "Sources [1] Doe J. A sample textbook. 2024." in text
    assert "Tibial nerve → Posterior compartment" in text


def test_worksheet_pdf_has_the_questions_and_no_answers(sample: Library) -> None:
    text = pdf_text(render(handout(sample, HandoutKind.WORKSHEET), "pdf"))
    for q in sample.questions:
        for s in bank_strings(q, HandoutKind.WORKSHEET):
            assert s in text
        assert flat(q.explanation) not in text
        assert first_sentence(q.explanation) not in text
    for answer in ("greater sciatic foramen", "piriformis", "common peroneal", "Answer", "✓"):
        assert answer not in text
    assert "True False" in text and "Name Date Score" in text


def _letter_of(text: str, choice: str) -> str:
    m = re.search(r"\b([A-H])\. " + re.escape(choice), text)
    assert m, choice
    return m.group(1)


@pytest.mark.parametrize("seed", [1, 42])
def test_key_pdf_letters_match_the_worksheet_pdf(sample: Library, seed: int) -> None:
    model = handout(sample, HandoutKind.ANSWER_KEY, seed=seed)
    sheet = pdf_text(render(handout(sample, HandoutKind.WORKSHEET, seed=seed), "pdf"))
    key = pdf_text(render(model, "pdf"))
    roots, divisions, compartments = (
        item_of(model, q).number for q in ("roots", "divisions", "compartments")
    )
    letter = _letter_of(sheet, "L4–S3")
    assert f"{roots}. {letter} " in key.split("Explanations")[0]  # the grid
    assert f"{roots}. {letter} L4–S3 The sciatic nerve forms from the ventral rami of L4 to S3." in key
    both = sorted(_letter_of(sheet, c) for c in ("Tibial nerve", "Common fibular nerve"))
    assert key.count(f"{divisions}. {', '.join(both)} ") == 2  # in the grid and in the explanations
    pairs = " ".join(
        f"{n}–{_letter_of(sheet, right)}"
        for n, right in enumerate(("Posterior compartment", "Lateral compartment", "Anterior compartment"), 1)
    )
    assert key.count(f"{compartments}. {pairs}") == 2
    assert sheet.endswith(f"Page 1 of 1 seed {seed}") and key.endswith(f"Page 1 of 1 seed {seed}")


def test_pdf_pages_have_header_numbers_and_never_split_a_question(sample: Library) -> None:
    library = big_library(sample, 8)
    for kind in (HandoutKind.WORKSHEET, HandoutKind.STUDY_GUIDE):
        pages = pdf_pages(render(handout(library, kind, title="Unit 3 quiz"), "pdf"))
        assert len(pages) > 2
        for n, page in enumerate(pages, 1):
            assert f"Page {n} of {len(pages)}" in page
            if n > 1:
                assert page.startswith(f"Unit 3 quiz · {kind.label} 24 November 2026")
        for q in library.questions:
            if choice_texts(q):
                holding = [n for n, page in enumerate(pages) if flat(q.prompt) in page]
                assert len(holding) == 1, q.prompt
                for c in choice_texts(q):
                    assert c in pages[holding[0]], (q.prompt, c)


def test_pdf_paper_sizes(sample: Library) -> None:
    for paper, size in (("letter", (612, 792)), ("a4", (595, 842))):
        page = PdfReader(
            io.BytesIO(render(handout(sample, HandoutKind.ANSWER_KEY, paper=paper), "pdf"))
        ).pages[0]
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == size


def test_pdf_is_reproducible(sample: Library) -> None:
    h = handout(sample, HandoutKind.WORKSHEET, seed=3)
    assert render(h, "pdf") == render(h, "pdf")


# -- markup characters stay literal in every format ----------------------------------------


@pytest.mark.parametrize("fmt", ["pdf", "html", "md"])
@pytest.mark.parametrize("kind", list(HandoutKind))
def test_markup_characters_appear_literally(markup: Library, kind: HandoutKind, fmt: str) -> None:
    h = handout(markup, kind, title="Quiz <1> & {{ title }} #*_", subtitle="$sub$ ~ % \\ =")
    shown = visible(fmt, render(h, fmt))
    assert "Quiz <1> & {{ title }} #*_" in shown
    if kind is not HandoutKind.ANSWER_KEY or fmt != "pdf":
        assert "$sub$ ~ % \\ =" in shown
    for q in markup.questions:
        for s in bank_strings(q, kind):
            assert s in shown, s
    if kind is HandoutKind.STUDY_GUIDE:
        assert "answer {with} braces" in shown and "a_b*c" in shown
        assert "O'Brien J & _Smith_ K. Tags <b>bold</b> & *stars* #1. 2025." in shown
        assert "https://example.org/a_b?x=1&y={2}" in shown
    if kind is HandoutKind.ANSWER_KEY:
        assert "(1) answer {with} braces; (2) a_b*c" in shown


def test_html_escapes_markup_and_is_self_contained(markup: Library) -> None:
    html = render(handout(markup, HandoutKind.STUDY_GUIDE), "html").decode()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>bold</b>" not in html
    # Nothing is fetched: links go to the page itself, or out to a source when clicked.
    assert not re.search(r"""src=|<link|@import|url\(""", html)
    for href in re.findall(r'href="([^"]*)"', html):
        assert href.startswith("#") or href == "https://example.org/a_b?x=1&amp;y={2}", href
    assert "@page { size: letter" in html and "break-inside: avoid" in html


def test_page_headers_in_css_cannot_break_out_of_their_string() -> None:
    assert css_string('Quiz <1> & "x" · 42\\') == '"Quiz \\3c 1\\3e  \\26  \\22 x\\22  \\b7  42\\5c "'
    assert not set(css_string("}</style><script>")[1:-1]) & set("\"'<>{};")


def test_markdown_escapes_every_markup_character(markup: Library) -> None:
    md = render_md(markup, HandoutKind.STUDY_GUIDE)
    for q in markup.questions:
        for s in bank_strings(q, HandoutKind.STUDY_GUIDE):
            assert s in md_unescape(md), s
    assert "\\<script\\>" in md and "\\# Not a heading" in md and "1\\. not a numbered list" in md
    assert "\\- not a list" in md and "\\> not a quote" in md


def render_md(library: Library, kind: HandoutKind) -> str:
    return render(handout(library, kind), "md").decode()


def test_md_escape_keeps_line_breaks() -> None:
    assert md_escape("a\nb\n\nc") == "a\\\nb\n\nc"
    assert md_escape("  - item") == "\\- item"


# -- writing files -------------------------------------------------------------------------


def test_failed_render_leaves_no_file_and_keeps_the_old_one(sample: Library, tmp_path: Path) -> None:
    broken = tmp_path / "broken.typ"
    broken.write_text("#let data = json(bytes(sys.inputs.data))\n#data.no-such-field\n")
    out = tmp_path / "sheet.pdf"
    with pytest.raises(ExportError, match="PDF rendering failed"):
        write_handouts([(out, handout(sample, HandoutKind.WORKSHEET))], "pdf", template=broken)
    assert list(tmp_path.iterdir()) == [broken]
    out.write_bytes(b"old")
    with pytest.raises(ExportError):
        write_handouts([(out, handout(sample, HandoutKind.WORKSHEET))], "pdf", template=broken)
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.typ", "sheet.pdf"]


def test_failed_version_writes_none_of_the_set(sample: Library, tmp_path: Path) -> None:
    broken = tmp_path / "broken.html.j2"
    broken.write_text("{{ h.title }}{% if h.kind == 'answer-key' %}{{ h.missing }}{% endif %}")
    planned = plan_handouts(
        sample, sample.questions, HandoutKind.WORKSHEET, tmp_path / "exam.html", 2, when=WHEN
    )
    with pytest.raises(ExportError, match="HTML rendering failed"):
        write_handouts(planned, "html", template=broken)
    assert list(tmp_path.iterdir()) == [broken]


def test_infer_format() -> None:
    assert infer_format("a.PDF", None) == "pdf"
    assert infer_format("a.htm", None) == "html"
    assert infer_format("a.markdown", None) == "md"
    assert infer_format("a.txt", "md") == "md"
    assert infer_format("-", "html") == "html"


# -- the command line ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "start"), [("h.pdf", b"%PDF-"), ("h.html", b"<!DOCTYPE html>"), ("h.md", b"# ")]
)
def test_cli_infers_the_format_from_the_suffix(tmp_path: Path, name: str, start: bytes) -> None:
    out = tmp_path / name
    result = run(["export", "handout", "--kind", "worksheet", "-o", str(out), *SAMPLE_ARGS], catch=False)
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote {out}: Worksheet, 6 questions\n"
    assert out.read_bytes().startswith(start)


def test_cli_writes_markdown_to_stdout() -> None:
    result = run(
        ["export", "handout", "--kind", "answer-key", "-o", "-", "--format", "md", *SAMPLE_ARGS], catch=False
    )
    assert result.exit_code == 0
    assert result.output.startswith(
        "# Sample bank with every question type answer key\n"
    )  # named after the bank
    assert re.search(r"^\*\*\d\\\.\*\* \*\*1–[A-C] 2–[A-C] 3–[A-C]\*\*", result.output, re.MULTILINE)
    assert "Wrote" not in result.output


def test_cli_worksheet_and_key_match_for_the_same_seed(tmp_path: Path) -> None:
    texts = {}
    for kind in ("worksheet", "answer-key"):
        out = tmp_path / f"{kind}.pdf"
        args = [
            "export",
            "handout",
            "--kind",
            kind,
            "--seed",
            "42",
            "--type",
            "multiple_choice",
            "-o",
            str(out),
        ]
        assert run([*args, *SAMPLE_ARGS], catch=False).exit_code == 0
        texts[kind] = pdf_text(out.read_bytes())
    assert f"1. {_letter_of(texts['worksheet'], 'L4–S3')} L4–S3" in texts["answer-key"]
    assert "The sciatic nerve forms" not in texts["worksheet"]


def test_cli_versions_write_a_worksheet_and_key_each(tmp_path: Path) -> None:
    out = tmp_path / "exam.md"
    args = [
        "export",
        "handout",
        "--kind",
        "worksheet",
        "--versions",
        "3",
        "--title",
        "Midterm",
        "-o",
        str(out),
    ]
    result = run([*args, *SAMPLE_ARGS], catch=False)
    assert result.exit_code == 0, result.output
    names = ["exam-A.md", "exam-A-key.md", "exam-B.md", "exam-B-key.md", "exam-C.md", "exam-C-key.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)
    assert (
        result.output.splitlines()[1]
        == f"Wrote {tmp_path / 'exam-A-key.md'}: Answer key · Version A, 6 questions"
    )
    for letter in "ABC":
        sheet = (tmp_path / f"exam-{letter}.md").read_text()
        key = (tmp_path / f"exam-{letter}-key.md").read_text()
        assert sheet.startswith("# Midterm\n") and f"*Worksheet · Version {letter} · " in sheet
        assert f"*Answer key · Version {letter} · " in key


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--kind", "worksheet", "-o", "-"], "Error: writing to standard output needs the HTML or Markdown format (--format html)"),
        (["--kind", "worksheet", "-o", "-", "--format", "pdf"], "Error: a PDF cannot go to standard output; give a file name (-o handout.pdf)"),
        (["--kind", "worksheet", "-o", "x.txt"], "Error: x.txt: cannot tell the format from the file name; name it .pdf, .html or .md, or give the format (--format)"),
        (["--kind", "worksheet", "-o", "x.pdf", "--format", "md"], "Error: x.pdf: the name says pdf but the format asked for is md; rename the file or leave the format out (--format)"),
        (["--kind", "study-guide", "--versions", "2", "-o", "x.pdf"], "Error: versions are worksheets, each with its key; ask for a worksheet (--kind worksheet)"),
        (["--kind", "worksheet", "--versions", "2", "-o", "-", "--format", "md"], "Error: versions are several files; give a file name, not standard output (-o exam.pdf)"),
        (["--kind", "worksheet", "-o", "missing/x.pdf"], "Error: missing/x.pdf: folder 'missing' does not exist; create it first"),
    ],
)  # fmt: skip
def test_cli_errors(args: list[str], error: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(["export", "handout", *args, *SAMPLE_ARGS])
    assert result.exit_code == 1
    assert result.output.splitlines() == [error]
    assert list(tmp_path.iterdir()) == []


def test_cli_bad_selection_keeps_the_old_file(tmp_path: Path) -> None:
    out = tmp_path / "sheet.pdf"
    out.write_bytes(b"old")
    result = run(
        ["export", "handout", "--kind", "worksheet", "--topic", "nope", "-o", str(out), *SAMPLE_ARGS]
    )
    assert result.exit_code == 1 and result.output.startswith("Error: unknown topic 'nope'")
    assert out.read_bytes() == b"old"


def test_cli_help_has_an_example_and_start_up_stays_light() -> None:
    result = run(["export", "handout", "--help"], catch=False)
    assert re.search(r"Example:\n +sciatica-quiz export handout --kind worksheet", result.output)
    assert "exam-A.pdf, exam-A-key.pdf" in result.output
    code = "import sys, sciatica_quiz.cli; print(sorted(m for m in ('typst', 'jinja2') if m in sys.modules))"
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        == "[]\n"
    )


def test_every_question_type_is_covered(sample: Library) -> None:
    assert {q.type for q in sample.questions} == set(QuestionType)


# -- the answer key: a grid first, then a line or two on each question ------------------------------


@pytest.mark.parametrize("fmt", ["pdf", "html", "md"])
def test_the_key_opens_with_an_answer_grid(sample: Library, fmt: str) -> None:
    h = handout(sample, HandoutKind.ANSWER_KEY, seed=3)
    grid = {i.uid.split("/")[1]: i.grid for i in h.items}
    assert grid["largest"] == "T" and grid["fibular-name"] == "common fibular nerve"
    assert grid["foramen"] == "(1)\u00a0greater sciatic foramen; (2)\u00a0piriformis"
    assert re.fullmatch(r"[A-D]", grid["roots"]) and re.fullmatch(r"[A-D], [A-D]", grid["divisions"])
    assert re.fullmatch(r"1–[B-C] 2–[AC] 3–[AB]", grid["compartments"])  # no item on its match's row
    shown = visible(fmt, render(h, fmt))
    assert shown.count("Answer grid") == 1 and shown.count("Explanations") == 1
    part = shown.split("Answer grid")[1].split("Explanations")[0]
    for item in h.items:
        assert f"{item.number}. {flat(item.grid)}" in part, item.grid
    assert "The sciatic nerve forms" not in part and "The sciatic nerve forms" in shown


def test_the_grid_of_every_built_in_question_fits_on_two_or_three_pages(builtin: Library) -> None:
    for paper in ("letter", "a4"):
        pages = pdf_pages(render(handout(builtin, HandoutKind.ANSWER_KEY, seed=42, paper=paper), "pdf"))
        explained = next(n for n, page in enumerate(pages) if "Explanations" in page)
        grid = " ".join(pages[: explained + 1]).split("Explanations")[0]
        assert explained <= 2 and "Answer grid" in pages[0], paper  # the grid ends by page 3
        assert f" {len(builtin.questions)}. " in grid


def test_a_multiple_answer_key_lists_each_right_choice_on_its_own_line(sample: Library) -> None:
    h = handout(sample, HandoutKind.ANSWER_KEY, seed=5)
    item = item_of(h, "divisions")
    right = [c for c in item.choices if c.correct]
    assert item.detail == tuple(f"{c.letter}. {c.text}" for c in right) and len(right) == 2
    pdf_lines = [
        line.strip()
        for page in PdfReader(io.BytesIO(render(h, "pdf"))).pages
        for line in page.extract_text().splitlines()
    ]
    html = render(h, "html").decode()
    md = render(h, "md").decode()
    for c in right:
        assert f"{c.letter}. {c.text}" in pdf_lines
        assert f"<li>{c.letter}. {c.text}</li>" in html
        assert f"\n{c.letter}. {c.text}\\\n" in md
    assert "Tibial nerve; Common fibular nerve" not in pdf_text(render(h, "pdf")) + html + md
    roots = item_of(h, "roots")  # a single right choice stays on the line of its letter
    assert roots.detail == ("L4–S3",) and f"<strong>{roots.mark}</strong> L4–S3" in html


# -- the version code: a printed worksheet finds its key ---------------------------------------------


def test_worksheets_and_keys_print_their_version_code_on_every_page(sample: Library) -> None:
    library = big_library(sample, 4)
    plain = [handout(library, kind, seed=42) for kind in (HandoutKind.WORKSHEET, HandoutKind.ANSWER_KEY)]
    versions = exam_versions(library, library.questions, 2, seed=7, when=WHEN)[1]
    for h, code in [*((p, "seed 42") for p in plain), *((v, "Version B · seed 7") for v in versions)]:
        assert h.code == code
        pages = pdf_pages(render(h, "pdf"))
        assert len(pages) > 1
        for n, page in enumerate(pages, 1):
            assert page.endswith(f"Page {n} of {len(pages)} {code}"), page[-60:]
        html = render(h, "html").decode()
        assert f'<footer class="code">{code}</footer>' in html
        assert f"@bottom-right {{ content: {css_string(code)};" in html
        assert render(h, "md").decode().endswith(f"\n---\n\n*{code}*\n")
    guide = handout(library, HandoutKind.STUDY_GUIDE, seed=42)
    assert guide.code == ""
    for fmt in ("pdf", "html", "md"):
        assert "seed" not in visible(fmt, render(guide, fmt))
    assert "@bottom-right" not in render(guide, "html").decode()


# -- links and the outline of the study guide --------------------------------------------------------


def _unsafe_url(library: Library) -> Library:
    """Return the library with the URL of its sources made one that must never become a link."""
    sources = {k: dataclasses.replace(s, url="javascript:alert(1)") for k, s in library.sources.items()}
    return dataclasses.replace(library, sources=sources)


def test_html_study_guide_links_its_contents_citations_and_sources(sample: Library, markup: Library) -> None:
    both = Library(banks=sample.banks + markup.banks, sources={**sample.sources, **markup.sources})
    html = render(handout(both, HandoutKind.STUDY_GUIDE), "html").decode()
    ids = dict(re.findall(r'<(?:h2|li) id="([^"]+)">(?:<span>)?([^<]*)', html))
    links = [
        (unescape(href), unescape(text))
        for href, text in re.findall(r'<a (?:class="url" )?href="([^"]*)">([^<]*)</a>', html)
    ]
    toc = html.split('<nav class="toc"')[1].split("</nav>")[0]
    assert re.findall(r'href="#([^"]+)">([^<]*)', toc) == [
        ("topic-1", "Anatomy"),
        ("topic-2", "Assessment"),
        ("sources", "Sources"),
    ]
    assert (ids["topic-1"], ids["topic-2"], ids["sources"]) == ("Anatomy", "Assessment", "Sources")
    citations = [(href, text) for href, text in links if href.startswith("#ref-")]
    assert citations == [("#ref-1", "[1]")] * 6 + [("#ref-2", "[2]")] * len(markup.questions)
    assert {"ref-1", "ref-2"} <= ids.keys()
    assert ("https://example.org/a_b?x=1&y={2}", "https://example.org/a_b?x=1&y={2}") in links
    unsafe = render(handout(_unsafe_url(markup), HandoutKind.STUDY_GUIDE), "html").decode()
    assert "javascript:alert(1)" in unsafe and 'href="javascript' not in unsafe


def test_pdf_study_guide_has_an_outline_by_topic_and_clickable_urls(sample: Library, markup: Library) -> None:
    both = Library(banks=sample.banks + markup.banks, sources={**sample.sources, **markup.sources})
    reader = PdfReader(io.BytesIO(render(handout(both, HandoutKind.STUDY_GUIDE), "pdf")))
    assert [o.title for o in reader.outline] == ["Anatomy", "Assessment", "Sources"]
    for entry in reader.outline:
        assert entry.title in reader.pages[reader.get_destination_page_number(entry)].extract_text()
    uris = [a.get_object()["/A"]["/URI"] for page in reader.pages for a in page.get("/Annots", [])]
    assert uris == ["https://example.org/a_b?x=1&y={2}"]
    unsafe = PdfReader(io.BytesIO(render(handout(_unsafe_url(markup), HandoutKind.STUDY_GUIDE), "pdf")))
    assert "javascript:alert(1)" in unsafe.pages[-1].extract_text()
    assert not any(page.get("/Annots") for page in unsafe.pages)


def test_built_in_study_guide_pdf_outline_names_every_topic(builtin_guide: tuple[Handout, bytes]) -> None:
    guide, pdf = builtin_guide
    assert [o.title for o in PdfReader(io.BytesIO(pdf)).outline] == [
        *(s.title for s in guide.sections),
        "Sources",
    ]


# -- the HTML study guide printed from Chromium ------------------------------------------------------


@pytest.fixture(scope="module")
def builtin_guide(builtin: Library) -> tuple[Handout, bytes]:
    guide = handout(builtin, HandoutKind.STUDY_GUIDE)
    return guide, render(guide, "pdf")


def print_from_chromium(html: bytes, folder: Path) -> bytes:
    """Return the page printed to PDF by headless Chromium, as `Ctrl-P, Save as PDF` would."""
    chromium = shutil.which("chromium") or next((p for p in ("/usr/bin/chromium",) if Path(p).exists()), None)
    if chromium is None:
        tool_missing("Chromium is not installed (apt-get install -y chromium)")
    page, out = folder / "page.html", folder / "page.pdf"
    page.write_bytes(html)
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"]
    command += [f"--user-data-dir={folder / 'profile'}", f"--print-to-pdf={out}", page.as_uri()]
    subprocess.run(command, capture_output=True, timeout=300, check=True)
    return out.read_bytes()


def test_html_study_guide_prints_in_about_as_many_pages_as_the_pdf(
    builtin_guide: tuple[Handout, bytes], tmp_path: Path
) -> None:
    guide, pdf = builtin_guide
    pdf_count = len(PdfReader(io.BytesIO(pdf)).pages)
    printed = pdf_pages(print_from_chromium(render(guide, "html"), tmp_path))
    assert len(printed) <= 1.1 * pdf_count, (len(printed), pdf_count)
    # The margin boxes: page numbers on every page, the running head from the second page on.
    assert all(f"Page {n} of {len(printed)}" in page for n, page in enumerate(printed, 1))
    head = f"{guide.running_head} {guide.date_text}"
    assert head not in printed[0] and head in printed[1]


def test_printed_html_worksheet_carries_its_code_on_every_page(sample: Library, tmp_path: Path) -> None:
    library = big_library(sample, 4)
    sheet = exam_versions(library, library.questions, 3, seed=9, when=WHEN)[2][0]
    printed = pdf_pages(print_from_chromium(render(sheet, "html"), tmp_path))
    assert len(printed) > 1
    assert all(
        f"Page {n} of {len(printed)}" in page and "Version C · seed 9" in page
        for n, page in enumerate(printed, 1)
    )

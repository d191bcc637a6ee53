"""Handouts: study guides, worksheets and answer keys as PDF, HTML and Markdown.

Generated PDFs are opened with pypdf and their text read back; HTML is parsed for its visible
text; Markdown is rendered by a CommonMark parser where one is installed.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import subprocess
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from exporters.handout import (
    Handout,
    HandoutKind,
    build_handout,
    exam_versions,
    first_sentence,
    infer_format,
    md_escape,
    plan_handouts,
    render,
    version_paths,
    write_handouts,
)
from sciatica_quiz.errors import ExportError
from sciatica_quiz.loader import load_library
from sciatica_quiz.model import Bank, Library, MultipleAnswer, MultipleChoice, Question, QuestionType
from tests.conftest import FIXTURES, SAMPLE, blanks_of, choice_texts, pair_tuples, run

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
        return [first_sentence(q.explanation)]
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


def test_matching_never_comes_out_in_order(sample: Library) -> None:
    for seed in range(30):
        item = handout(sample, HandoutKind.ANSWER_KEY, seed=seed).items[-1]
        assert [p.letter for p in item.pairs] != ["A", "B", "C"]


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
    sheet = pdf_text(render(handout(sample, HandoutKind.WORKSHEET, seed=seed), "pdf"))
    key = pdf_text(render(handout(sample, HandoutKind.ANSWER_KEY, seed=seed), "pdf"))
    roots = _letter_of(sheet, "L4–S3")
    assert f"1. {roots} L4–S3 The sciatic nerve forms from the ventral rami of L4 to S3. 2." in key
    both = sorted(_letter_of(sheet, c) for c in ("Tibial nerve", "Common fibular nerve"))
    assert f"2. {', '.join(both)} " in key
    pairs = ", ".join(
        f"{n}–{_letter_of(sheet, right)}"
        for n, right in enumerate(("Posterior compartment", "Lateral compartment", "Anterior compartment"), 1)
    )
    assert f"6. {pairs}" in key
    assert f"seed {seed}" in key and f"seed {seed}" not in sheet


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
    assert not re.search(r"""(src|href)=|<link|@import|url\(""", html)
    assert "@page { size: letter" in html and "break-inside: avoid" in html


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
    assert "**6\\.** **1–" in result.output and "Wrote" not in result.output


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

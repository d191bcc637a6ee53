"""Canvas QTI export, checked against text2qti (the reference writer) and read back with lxml.

For the four kinds text2qti writes (multiple choice, multiple answer, true/false, short answer) the
whole package is compared with what text2qti makes of an equivalent question: the zip's members,
the manifest's resources, the quiz settings, and every element and attribute of the assessment,
with identifiers replaced by placeholders (so that references between them must agree too).
text2qti writes no matching or fill-in-multiple-blanks items; those are compared with the
structure Canvas's own QTI export gives them (canvas-lms lib/cc/qti/qti_items.rb: `matching_response_lid`,
`matching_resprocessing`, `multiple_dropdowns_response_lid`, `multiple_dropdowns_resprocessing`).
"""

from __future__ import annotations

import dataclasses
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import lxml.etree as etree
import lxml.html
import pytest
from conftest import FIXTURES, SAMPLE, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from text2qti.config import Config
from text2qti.qti import QTI as Text2qti
from text2qti.quiz import Quiz

from exporters.canvas import blank_variables, cloze_accepted, export_canvas
from sciatica_quiz.errors import ExportError
from sciatica_quiz.loader import load_library
from sciatica_quiz.model import (
    Choice,
    Cloze,
    Library,
    Matching,
    MultipleAnswer,
    MultipleChoice,
    Pair,
    Question,
    ShortAnswer,
    Source,
    TrueFalse,
    topic_order,
    topic_title,
    typeable,
)

HOSTILE = FIXTURES / "good" / "hostile.yaml"
QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CP = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"
META = "{http://canvas.instructure.com/xsd/cccv1p0}"
SOURCE = Source(id="s", title="A source", authors="Doe J", year=2024, url="https://example.org/s?a=1&b=2")
LIBRARY = Library(banks=(), sources={"s": SOURCE})
BASE = {"bank": "t", "topic": "anatomy", "explanation": "General feedback.", "sources": ("s",)}
# Tags that bank text may become in a mattext's HTML: the paragraphs, line breaks and source list
# the exporter writes. Anything else (a <script>, an <img>) would be bank text read as markup.
OUR_TAGS = {"div", "p", "br", "ul", "li", "a"}


# -- reading a package ------------------------------------------------------------------------------


@dataclass
class Package:
    names: list[str]
    manifest: etree._Element
    meta: etree._Element
    assessment: etree._Element
    infos: list[zipfile.ZipInfo] = field(default_factory=list)

    @property
    def items(self) -> list[etree._Element]:
        return list(self.assessment.iter(f"{QTI}item"))


def read_package(path: Path) -> Package:
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        manifest = etree.fromstring(zf.read("imsmanifest.xml"))
        resource = manifest.find(f"{CP}resources/{CP}resource")
        assert resource is not None
        ident = resource.get("identifier")
        meta = etree.fromstring(zf.read(f"{ident}/assessment_meta.xml"))
        assessment = etree.fromstring(zf.read(f"{ident}/{ident}.xml"))
        return Package(names, manifest, meta, assessment, zf.infolist())


def text2qti_package(markdown: str, tmp_path: Path) -> Package:
    """Run text2qti (its Python API, as its command line does) on a text2qti-markdown file."""
    source = tmp_path / "reference.md"
    source.write_text(markdown, encoding="utf-8")
    out = tmp_path / "reference.zip"
    Text2qti(Quiz(source.read_text(encoding="utf-8"), config=Config(), source_name=str(source))).save(out)
    return read_package(out)


def ours(tmp_path: Path, questions: list[Question], library: Library = LIBRARY, **options: object) -> Package:
    out = tmp_path / "ours.zip"
    export_canvas(library, questions, out, **options)  # type: ignore[arg-type]
    return read_package(out)


# -- structure, with identifiers as placeholders ----------------------------------------------------

# Identifiers with a fixed meaning in Canvas's QTI; every other one becomes a placeholder.
FIXED_IDENTS = {"response1", "answer1", "general_fb", "correct_fb", "general_incorrect_fb", "root_section"}
REFERENCE_ATTRS = {"ident", "respident", "linkrefid", "identifier", "identifierref", "href"}
KEPT_TEXT = {"fieldlabel", "setvar", "selection_number", "points_per_item", "schema", "schemaversion"}


def skeleton(root: etree._Element) -> list[tuple[int, str, tuple[tuple[str, str], ...], str | None]]:
    """Return every element as (depth, tag, attributes, text that matters), identifiers replaced by
    placeholders numbered in order of first use; a `_fb` feedback name follows its choice's."""
    names: dict[str, str] = {}

    def name(value: str) -> str:
        if value in FIXED_IDENTS:
            return value
        if value.endswith("_fb") and value[:-3] in names:
            return names[value[:-3]] + "_fb"
        for ident, placeholder in sorted(names.items(), key=lambda kv: -len(kv[0])):
            if ident in value and ident != value and "/" in value:  # a path made of identifiers
                return value.replace(ident, placeholder)
        return names.setdefault(value, f"#{len(names) + 1}")

    out = []
    top = len(list(root.iterancestors()))
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = etree.QName(el).localname
        depth = len(list(el.iterancestors())) - top
        attrs = tuple(
            (etree.QName(k).localname, name(v) if etree.QName(k).localname in REFERENCE_ATTRS else v)
            for k, v in sorted(el.attrib.items())
            if etree.QName(k).localname not in ("title",)
        )
        text = None
        if tag in KEPT_TEXT:
            text = (el.text or "").strip()
        elif tag == "fieldentry" and el.getprevious() is not None:
            label = el.getprevious().text  # type: ignore[union-attr]
            text = el.text if label in ("question_type", "points_possible", "cc_maxattempts") else None
        elif tag == "varequal":
            text = name((el.text or "").strip())
        out.append((depth, tag, attrs, text))
    return out


def resources(package: Package) -> list[tuple[int, str, tuple[tuple[str, str], ...], str | None]]:
    found = package.manifest.find(f"{CP}resources")
    assert found is not None
    return skeleton(found)


def member_shapes(package: Package) -> list[str]:
    folder = package.names[-1].split("/")[0]
    return [n.replace(folder, "QUIZ") for n in package.names]


# -- text2qti's four kinds --------------------------------------------------------------------------


def mc() -> MultipleChoice:
    choices = (Choice("Alpha", False, "Not alpha."), Choice("Bravo", True, "Bravo it is."), Choice("Charlie"))
    return MultipleChoice(**BASE, id="mc", prompt="Which one?", choices=choices, shuffle=False)  # type: ignore[arg-type]


def ma() -> MultipleAnswer:
    choices = (Choice("One", True, "Yes."), Choice("Two", False), Choice("Three", True, "Also yes."))
    return MultipleAnswer(**BASE, id="ma", prompt="Which apply?", choices=choices, shuffle=False)  # type: ignore[arg-type]


def tf() -> TrueFalse:
    return TrueFalse(**BASE, id="tf", prompt="The sky is blue.", answer=False)  # type: ignore[arg-type]


def sa() -> ShortAnswer:
    return ShortAnswer(**BASE, id="sa", prompt="Name it.", accepted=("thing", "the thing"))  # type: ignore[arg-type]


def text2qti_markdown(q: Question) -> str:
    """Return the same question in text2qti's plain-text format, in one question group."""
    lines = ["Points: 2", f"1.  {q.prompt}", "... General feedback."]
    if isinstance(q, MultipleChoice):
        for letter, c in zip("abc", q.choices, strict=False):
            lines.append(f"{'*' if c.correct else ''}{letter}) {c.text}")
            if c.why:
                lines.append(f"... {c.why}")
    elif isinstance(q, MultipleAnswer):
        for c in q.choices:
            lines.append(f"[{'*' if c.correct else ' '}] {c.text}")
            if c.why:
                lines.append(f"... {c.why}")
    elif isinstance(q, TrueFalse):
        lines += [f"{'*' if q.answer else ''}a) True", f"{'' if q.answer else '*'}b) False"]
    elif isinstance(q, ShortAnswer):
        lines += [f"*   {a}" for a in q.accepted]
    head = "Quiz title: Reference\n\nGROUP\npick: 1\npoints per question: 2\n\n"
    return head + "\n".join(lines) + "\n\nEND_GROUP\n"


@pytest.mark.parametrize(
    "make", [mc, ma, tf, sa], ids=["multiple-choice", "multiple-answer", "true-false", "short-answer"]
)
def test_each_text2qti_kind_has_text2qti_structure(make: type, tmp_path: Path) -> None:
    q = make()
    reference = text2qti_package(text2qti_markdown(q), tmp_path)
    package = ours(tmp_path, [q], pick=1, points=2)
    assert member_shapes(package) == member_shapes(reference)
    assert resources(package) == resources(reference)
    assert skeleton(package.assessment) == skeleton(reference.assessment)
    assert [etree.QName(e).localname for e in package.meta.iter()] == [
        etree.QName(e).localname for e in reference.meta.iter()
    ]
    # text2qti counts a grouped question's points twice (as a question and in its group): 4.0 here.
    assert package.meta.findtext(f"{META}points_possible") == "2.0"
    for schema in ("schema", "schemaversion"):
        assert package.manifest.findtext(f"{CP}metadata/{CP}{schema}") == reference.manifest.findtext(
            f"{CP}metadata/{CP}{schema}"
        )


# -- matching and fill in multiple blanks, as Canvas's own export writes them -----------------------

CANVAS_MATCHING = """
<item xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2" ident="Q" title="x">
  <itemmetadata><qtimetadata>
    <qtimetadatafield><fieldlabel>question_type</fieldlabel><fieldentry>matching_question</fieldentry></qtimetadatafield>
    <qtimetadatafield><fieldlabel>points_possible</fieldlabel><fieldentry>1</fieldentry></qtimetadatafield>
    <qtimetadatafield><fieldlabel>original_answer_ids</fieldlabel><fieldentry>1,2</fieldentry></qtimetadatafield>
    <qtimetadatafield><fieldlabel>assessment_question_identifierref</fieldlabel><fieldentry>R</fieldentry></qtimetadatafield>
  </qtimetadata></itemmetadata>
  <presentation>
    <material><mattext texttype="text/html">q</mattext></material>
    <response_lid ident="response_A1">
      <material><mattext texttype="text/html">left 1</mattext></material>
      <render_choice>
        <response_label ident="M2"><material><mattext>right 2</mattext></material></response_label>
        <response_label ident="M1"><material><mattext>right 1</mattext></material></response_label>
      </render_choice>
    </response_lid>
    <response_lid ident="response_A2">
      <material><mattext texttype="text/html">left 2</mattext></material>
      <render_choice>
        <response_label ident="M2"><material><mattext>right 2</mattext></material></response_label>
        <response_label ident="M1"><material><mattext>right 1</mattext></material></response_label>
      </render_choice>
    </response_lid>
  </presentation>
  <resprocessing>
    <outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/></outcomes>
    <respcondition continue="Yes"><conditionvar><other/></conditionvar>
      <displayfeedback feedbacktype="Response" linkrefid="general_fb"/></respcondition>
    <respcondition><conditionvar><varequal respident="response_A1">M1</varequal></conditionvar>
      <setvar varname="SCORE" action="Add">50.00</setvar></respcondition>
    <respcondition><conditionvar><varequal respident="response_A2">M2</varequal></conditionvar>
      <setvar varname="SCORE" action="Add">50.00</setvar></respcondition>
  </resprocessing>
  <itemfeedback ident="general_fb"><flow_mat><material><mattext texttype="text/html">f</mattext></material></flow_mat></itemfeedback>
</item>"""

CANVAS_FILL_IN_MULTIPLE_BLANKS = """
<item xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2" ident="Q" title="x">
  <itemmetadata><qtimetadata>
    <qtimetadatafield><fieldlabel>question_type</fieldlabel><fieldentry>fill_in_multiple_blanks_question</fieldentry></qtimetadatafield>
    <qtimetadatafield><fieldlabel>points_possible</fieldlabel><fieldentry>1</fieldentry></qtimetadatafield>
    <qtimetadatafield><fieldlabel>original_answer_ids</fieldlabel><fieldentry>1,2,3</fieldentry></qtimetadatafield>
    <qtimetadatafield><fieldlabel>assessment_question_identifierref</fieldlabel><fieldentry>R</fieldentry></qtimetadatafield>
  </qtimetadata></itemmetadata>
  <presentation>
    <material><mattext texttype="text/html">q [blank1] [blank2]</mattext></material>
    <response_lid ident="response_blank1">
      <material><mattext>blank1</mattext></material>
      <render_choice>
        <response_label ident="A1"><material><mattext texttype="text/plain">one</mattext></material></response_label>
        <response_label ident="A2"><material><mattext texttype="text/plain">uno</mattext></material></response_label>
      </render_choice>
    </response_lid>
    <response_lid ident="response_blank2">
      <material><mattext>blank2</mattext></material>
      <render_choice>
        <response_label ident="A3"><material><mattext texttype="text/plain">two</mattext></material></response_label>
      </render_choice>
    </response_lid>
  </presentation>
  <resprocessing>
    <outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/></outcomes>
    <respcondition continue="Yes"><conditionvar><other/></conditionvar>
      <displayfeedback feedbacktype="Response" linkrefid="general_fb"/></respcondition>
    <respcondition><conditionvar><varequal respident="response_blank1">A1</varequal></conditionvar>
      <setvar varname="SCORE" action="Add">50.00</setvar></respcondition>
    <respcondition><conditionvar><varequal respident="response_blank2">A3</varequal></conditionvar>
      <setvar varname="SCORE" action="Add">50.00</setvar></respcondition>
  </resprocessing>
  <itemfeedback ident="general_fb"><flow_mat><material><mattext texttype="text/html">f</mattext></material></flow_mat></itemfeedback>
</item>"""


def matching() -> Matching:
    pairs = (Pair("left 1", "right 1"), Pair("left 2", "right 2"))
    return Matching(**BASE, id="match", prompt="Match them.", pairs=pairs)  # type: ignore[arg-type]


def cloze() -> Cloze:
    return Cloze(**BASE, id="cloze", text="Say {{c1::one}} then {{c2::two}}.", accept=((1, ("uno",)),))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("make", "reference"),
    [(matching, CANVAS_MATCHING), (cloze, CANVAS_FILL_IN_MULTIPLE_BLANKS)],
    ids=["matching", "fill-in-multiple-blanks"],
)
def test_matching_and_blanks_have_canvas_export_structure(make: type, reference: str, tmp_path: Path) -> None:
    (item,) = ours(tmp_path, [make()]).items
    assert skeleton(item) == skeleton(etree.fromstring(reference))


# -- reading questions back ---------------------------------------------------------------------------


def html_of(mattext: etree._Element) -> lxml.html.HtmlElement:
    """Parse a mattext's HTML as a browser would, checking it holds only the markup we write."""
    assert mattext.get("texttype") == "text/html"
    root = lxml.html.fragment_fromstring(mattext.text or "", create_parent="div")
    assert {el.tag for el in root.iter()} <= OUR_TAGS, etree.tostring(root)
    return root


def visible(el: lxml.html.HtmlElement) -> str:
    """Return an element's text as shown: line breaks as newlines."""
    for br in el.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return el.text_content()


def paragraphs_of(mattext: etree._Element) -> list[str]:
    return [visible(p) for p in html_of(mattext).iter("p")]


def one(el: etree._Element, path: str) -> etree._Element:
    found = el.find(QTI + path.replace("/", f"/{QTI}"))
    assert found is not None, path
    return found


def all_of(el: etree._Element, path: str) -> list[etree._Element]:
    return list(el.iterfind(QTI + path.replace("/", f"/{QTI}")))


def metadata(item: etree._Element) -> dict[str, str]:
    return {
        f.findtext(f"{QTI}fieldlabel") or "": f.findtext(f"{QTI}fieldentry") or ""
        for f in item.iter(f"{QTI}qtimetadatafield")
    }


def feedback(item: etree._Element) -> dict[str, etree._Element]:
    return {
        fb.get("ident") or "": one(fb, "flow_mat/material/mattext") for fb in all_of(item, "itemfeedback")
    }


def check_general_feedback(item: etree._Element, q: Question, library: Library) -> None:
    html = html_of(feedback(item)["general_fb"])
    assert visible(html.find("p")) == q.explanation  # type: ignore[arg-type]
    cited = [library.sources[s] for s in q.sources if s in library.sources]
    items = list(html.iter("li"))
    assert [visible(li) for li in items] == [
        s.short_citation() + (f" {s.url}" if s.url else "") for s in cited
    ]
    assert [a.get("href") for li in items for a in li.iter("a")] == [s.url for s in cited if s.url]
    conditions = all_of(item, "resprocessing/respcondition")
    general = [c for c in conditions if c.find(f"{QTI}conditionvar/{QTI}other") is not None]
    assert [c.find(f"{QTI}displayfeedback").get("linkrefid") for c in general] == ["general_fb"]  # type: ignore[union-attr]


def check_item(item: etree._Element, q: Question, library: Library) -> None:
    """Check one item against its question: type, text, answers, scoring and feedback."""
    meta = metadata(item)
    presentation = one(item, "presentation")
    stem = paragraphs_of(one(presentation, "material/mattext"))
    expected_stem = [t for t in (q.case, q.prompt) if t]
    assert stem[: len(expected_stem)] == expected_stem
    check_general_feedback(item, q, library)
    conditions = all_of(item, "resprocessing/respcondition")
    fbs = feedback(item)
    match q:
        case MultipleChoice() | MultipleAnswer() | TrueFalse():
            labels = all_of(presentation, "response_lid/render_choice/response_label")
            texts = {lab.get("ident"): paragraphs_of(one(lab, "material/mattext"))[0] for lab in labels}
            if isinstance(q, TrueFalse):
                assert meta["question_type"] == "true_false_question"
                assert list(texts.values()) == ["True", "False"]
                right = {q.answer_text()}
                whys: dict[str, str | None] = {}
            else:
                assert sorted(texts.values()) == sorted(q.texts)
                right = set(q.correct)
                whys = {c.text: c.why for c in q.choices}
            assert meta["original_answer_ids"] == ",".join(texts)
            scoring = [c for c in conditions if c.find(f"{QTI}setvar") is not None]
            assert len(scoring) == 1 and scoring[0].findtext(f"{QTI}setvar") == "100"
            if isinstance(q, MultipleAnswer):
                assert meta["question_type"] == "multiple_answers_question"
                terms = list(one(scoring[0], "conditionvar/and"))
                chosen = {texts[t.text] for t in terms if etree.QName(t).localname == "varequal"}
                refused = {texts[t[0].text] for t in terms if etree.QName(t).localname == "not"}
                assert (chosen, refused) == (right, set(q.texts) - right)
            else:
                if isinstance(q, MultipleChoice):
                    assert meta["question_type"] == "multiple_choice_question"
                (var,) = scoring[0].iter(f"{QTI}varequal")
                assert {texts[var.text]} == right
            for ident, text in texts.items():
                why = whys.get(text)
                assert (f"{ident}_fb" in fbs) == bool(why)
                if why:
                    assert paragraphs_of(fbs[f"{ident}_fb"]) == [why]
        case ShortAnswer():
            assert meta["question_type"] == "short_answer_question"
            (scoring,) = [c for c in conditions if c.find(f"{QTI}setvar") is not None]
            assert [v.text for v in scoring.iter(f"{QTI}varequal")] == list(dict.fromkeys(q.accepted))
        case Matching():
            assert meta["question_type"] == "matching_question"
            lids = all_of(presentation, "response_lid")
            lefts = [paragraphs_of(one(lid, "material/mattext"))[0] for lid in lids]
            assert lefts == list(q.lefts)
            for lid in lids:
                rights = {
                    lab.get("ident"): one(lab, "material/mattext").text
                    for lab in all_of(lid, "render_choice/response_label")
                }
                assert sorted(rights.values()) == sorted(q.rights)  # type: ignore[type-var]
                assert list(rights.values()) != list(q.rights)  # never in the partners' order
            matches = {}
            for c in conditions:
                var = c.find(f"{QTI}conditionvar/{QTI}varequal")
                if var is not None:
                    matches[var.get("respident")] = var.text
            first = {
                lab.get("ident"): one(lab, "material/mattext").text
                for lab in all_of(lids[0], "render_choice/response_label")
            }
            assert [
                (left, first[matches[f"{lid.get('ident')}"]]) for left, lid in zip(lefts, lids, strict=True)
            ] == [(p.left, p.right) for p in q.pairs]
        case Cloze():
            assert meta["question_type"] == "fill_in_multiple_blanks_question"
            variables = blank_variables(q)
            lids = all_of(presentation, "response_lid")
            assert [lid.get("ident") for lid in lids] == [f"response_{v}" for v in variables]
            answers = [
                tuple(
                    one(lab, "material/mattext").text for lab in all_of(lid, "render_choice/response_label")
                )
                for lid in lids
            ]
            assert answers == cloze_accepted(q)
            for blank, accepted in zip(q.blanks, answers, strict=True):
                assert set(blank.accepted) <= set(accepted)  # type: ignore[arg-type]
            names = iter(variables)
            assert stem[-1] == "".join(
                s if isinstance(s, str) else f"[{next(names)}]" + (f" ({s.hint})" if s.hint else "")
                for s in q.segments
            )
        case _:
            raise AssertionError(q)


@pytest.mark.parametrize("banks", ["builtin", "hostile", "sample"])
def test_every_question_reads_back_as_the_bank_has_it(banks: str, tmp_path: Path) -> None:
    library = (
        load_library([], builtin=True)
        if banks == "builtin"
        else load_library([HOSTILE if banks == "hostile" else SAMPLE], builtin=False)
    )
    package = ours(tmp_path, list(library.questions), library=library)
    by_uid = {q.uid: q for q in library.questions}
    items = package.items
    assert sorted(i.get("title") for i in items) == sorted(by_uid)  # type: ignore[type-var]
    for item in items:
        check_item(item, by_uid[item.get("title") or ""], library)
    # One group per topic, in teaching order, holding that topic's questions.
    groups = all_of(package.assessment, "assessment/section/section")
    topics = topic_order(q.topic for q in library.questions)
    assert [g.get("title") for g in groups] == [topic_title(t) for t in topics]
    for group, topic in zip(groups, topics, strict=True):
        members = [q for q in library.questions if q.topic == topic]
        assert [i.get("title") for i in all_of(group, "item")] == [q.uid for q in members]
        assert one(group, "selection_ordering/selection/selection_number").text == str(len(members))


def test_hostile_text_stays_text(tmp_path: Path) -> None:
    library = load_library([HOSTILE], builtin=False)
    package = ours(tmp_path, list(library.questions), library=library)
    raw = etree.tostring(package.assessment, encoding="unicode")
    assert "<script" not in raw and "<img" not in raw and "<b>" not in raw  # only ever escaped
    shown = []
    for mattext in package.assessment.iter(f"{QTI}mattext"):
        if mattext.get("texttype") == "text/html":
            shown.append(visible(html_of(mattext)))  # html_of refuses any tag we did not write
        else:
            shown.append(mattext.text or "")
    text = "\n".join(shown)
    for fragment in ("<script>alert('case')</script>", "<img src=x onerror=alert(1)>", "{1:MULTICHOICE:=a~b}",
                     "שלום עולם", "مرحبا بالعالم", "🙂", "=SUM(A1:A2)", "<b>bold</b> & &amp;", "e#f{g}:h\\i"):  # fmt: skip
        assert fragment in text or fragment in raw, fragment
    title = package.meta.findtext(f"{META}title")
    assert title == "Hostile <b>bank</b> ~ = # { } : \\ 🙂"


# -- the package ----------------------------------------------------------------------------------------


def test_zip_has_what_canvas_expects_and_the_manifest_names_it(tmp_path: Path) -> None:
    library = load_library([SAMPLE], builtin=False)
    out = tmp_path / "quiz.zip"
    export_canvas(library, library.questions, out)
    package = read_package(out)
    (quiz,) = {n.split("/")[0] for n in package.names if n.count("/") == 1 and not n.endswith("/")}
    assert package.names == [
        "imsmanifest.xml",
        "non_cc_assessments/",
        f"{quiz}/assessment_meta.xml",
        f"{quiz}/{quiz}.xml",
    ]
    hrefs = [f.get("href") for f in package.manifest.iter(f"{CP}file")]
    assert hrefs == [f"{quiz}/{quiz}.xml", f"{quiz}/assessment_meta.xml"]
    assert all(h in package.names for h in hrefs)
    first, second = package.manifest.iter(f"{CP}resource")
    assert (first.get("identifier"), first.get("type")) == (quiz, "imsqti_xmlv1p2")
    dependency = first.find(f"{CP}dependency")
    assert dependency is not None and dependency.get("identifierref") == second.get("identifier")
    assert second.get("href") == f"{quiz}/assessment_meta.xml"
    assert package.assessment.find(f"{QTI}assessment").get("ident") == quiz  # type: ignore[union-attr]
    assert package.meta.get("identifier") == quiz
    assert package.meta.findtext(f"{META}title") == library.banks[0].title
    assert package.meta.findtext(f"{META}points_possible") == "6.0"
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in package.infos)


def test_exports_are_byte_identical_and_ids_come_from_bank_and_question_ids(tmp_path: Path) -> None:
    library = load_library([SAMPLE], builtin=False)
    a, b = tmp_path / "a.zip", tmp_path / "b.zip"
    export_canvas(library, library.questions, a)
    export_canvas(library, library.questions, b)
    assert a.read_bytes() == b.read_bytes()
    # Rewording a question keeps its item's identifier (and the quiz's): a re-import replaces it.
    q = library.questions[0]
    assert isinstance(q, MultipleChoice)
    reworded = dataclasses.replace(q, prompt=q.prompt + " (revised)")
    export_canvas(library, [reworded, *library.questions[1:]], b)
    before, after = read_package(a), read_package(b)
    assert [i.get("ident") for i in before.items] == [i.get("ident") for i in after.items]
    assert before.names == after.names


def test_pick_makes_each_student_get_n_per_topic_and_clamps_with_a_note(tmp_path: Path) -> None:
    library = load_library([], builtin=True)
    counts = {t: sum(q.topic == t for q in library.questions) for t in library.topics}
    pick = sorted(counts.values())[0] + 1  # more than the smallest topic has
    out = tmp_path / "quiz.zip"
    report = export_canvas(library, library.questions, out, pick=pick, points=3)
    package = read_package(out)
    groups = all_of(package.assessment, "assessment/section/section")
    expected = {topic_title(t): min(pick, n) for t, n in counts.items()}
    assert {
        g.get("title"): int(one(g, "selection_ordering/selection/selection_number").text or 0) for g in groups
    } == expected
    assert {
        one(g, "selection_ordering/selection/selection_extension/points_per_item").text for g in groups
    } == {"3"}
    assert {metadata(i)["points_possible"] for i in package.items} == {"3"}
    assert package.meta.findtext(f"{META}points_possible") == f"{sum(expected.values()) * 3:.1f}"
    clamped = [t for t, n in counts.items() if n < pick]
    assert clamped and len([n for n in report.notes if n.startswith("topic ")]) == len(clamped)
    for t in clamped:
        assert (
            f"topic '{topic_title(t)}' has {counts[t]} questions: every student gets all of them, not {pick}"
            in report.notes
        )


def test_any_order_blanks_accept_each_others_answers_with_a_note(tmp_path: Path) -> None:
    q = Cloze(**BASE, id="roots", text="Roots {{c1::L4}} and {{c2::L5}} join.", any_order=((1, 2),))  # type: ignore[arg-type]
    assert cloze_accepted(q) == [("L4", "L5"), ("L5", "L4")]
    out = tmp_path / "quiz.zip"
    report = export_canvas(LIBRARY, [q], out)
    (note,) = report.notes
    assert note.startswith(
        "t/roots: blanks c1, c2 may be answered in any order, but Canvas marks each blank on its own"
    )
    check_item(read_package(out).items[0], q, LIBRARY)


def test_a_bracket_in_the_bank_text_is_never_a_blank(tmp_path: Path) -> None:
    q = Cloze(**BASE, id="brackets", prompt="Fill [blank1] in:", text="A {{c1::b}} c.")  # type: ignore[arg-type]
    assert blank_variables(q) == ["gap1"]
    (item,) = ours(tmp_path, [q]).items
    assert "Fill [blank1] in:" in paragraphs_of(one(item, "presentation/material/mattext"))
    check_item(item, q, LIBRARY)


def test_refusals_are_one_clear_error(tmp_path: Path) -> None:
    library = load_library([SAMPLE], builtin=False)
    with pytest.raises(ExportError, match=r"must end in \.zip"):
        export_canvas(library, library.questions, tmp_path / "quiz.qti")
    with pytest.raises(ExportError, match="the quiz title is empty") as exc:
        export_canvas(library, library.questions, tmp_path / "quiz.zip", title="  ")
    assert exc.value.option == "title"
    with pytest.raises(ExportError, match="no questions"):
        export_canvas(library, [], tmp_path / "quiz.zip")
    assert not list(tmp_path.iterdir())


def test_cli_export(tmp_path: Path) -> None:
    out = tmp_path / "quiz.zip"
    args = ["export", "canvas", "-o", str(out), "--no-builtin", "--bank", str(HOSTILE), "--bank", str(SAMPLE)]
    result = run([*args, "--title", "Review <1>", "--pick", "4", "--points", "2"], catch=False)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Wrote {out}: 12 questions in 2 question groups, 4 per student from each of quiz 'Review <1>', 16 points\n"
    )
    assert result.stderr == ""
    package = read_package(out)
    assert package.meta.findtext(f"{META}title") == "Review <1>"
    clamped = run([*args, "--pick", "7"], catch=False)
    assert clamped.exit_code == 0
    assert clamped.stderr.splitlines() == [
        "Note: topic 'Anatomy' has 6 questions: every student gets all of them, not 7",
        "Note: topic 'Assessment' has 6 questions: every student gets all of them, not 7",
    ]
    bad = run(["export", "canvas", "-o", str(tmp_path / "quiz.txt"), "--no-builtin", "--bank", str(SAMPLE)])
    assert bad.exit_code == 1
    assert bad.stderr.startswith(
        f"Error: {tmp_path / 'quiz.txt'}: a Canvas QTI package's name must end in .zip"
    )
    zero = run([*args, "--pick", "0"])
    assert zero.exit_code == 2 and "--pick" in zero.stderr


def test_a_failed_export_keeps_the_older_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    library = load_library([SAMPLE], builtin=False)
    out = tmp_path / "quiz.zip"
    export_canvas(library, library.questions, out)
    before = out.read_bytes()

    def broken(*args: object) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("exporters.canvas.item_xml", broken)
    with pytest.raises(
        ExportError, match=r"writing failed \(No space left on device\); any previous file is unchanged"
    ):
        export_canvas(library, library.questions, out, title="Another")
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["quiz.zip"]


# -- any text at all ----------------------------------------------------------------------------------

MARKUP_CHARS = "<>&\"'{}#$*_\\%~=`|[]()!@^:;/-+.,?\n"
TEXT = st.text(
    st.one_of(st.sampled_from(MARKUP_CHARS), st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn"))),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() == s and s)
ANSWER = TEXT.filter(lambda s: typeable(s) and not {"{", "}", ":", "["} & set(s))


@st.composite
def any_questions(draw: st.DrawFn) -> list[Question]:
    """One question of each kind, every text drawn from markup characters and any printable Unicode."""
    common = {"bank": "fuzz", "topic": "anatomy", "sources": ("s",), "case": draw(st.none() | TEXT)}
    choices = draw(st.lists(TEXT, min_size=2, max_size=5, unique=True))
    whys = [draw(st.none() | TEXT) for _ in choices]
    right = draw(st.integers(0, len(choices) - 1))
    lefts = draw(st.lists(TEXT, min_size=2, max_size=4, unique=True))
    rights = draw(st.lists(TEXT, min_size=len(lefts), max_size=len(lefts), unique=True))
    before, after = draw(TEXT), draw(TEXT)
    return [
        MultipleChoice(**common, id="mc", prompt=draw(TEXT), explanation=draw(TEXT), shuffle=draw(st.booleans()),
                       choices=tuple(Choice(c, i == right, w) for i, (c, w) in enumerate(zip(choices, whys, strict=True)))),
        MultipleAnswer(**common, id="ma", prompt=draw(TEXT), explanation=draw(TEXT),
                       choices=tuple(Choice(c, i != right, w) for i, (c, w) in enumerate(zip(choices, whys, strict=True)))),
        TrueFalse(**common, id="tf", prompt=draw(TEXT), explanation=draw(TEXT), answer=draw(st.booleans())),
        ShortAnswer(**common, id="sa", prompt=draw(TEXT), explanation=draw(TEXT),
                    accepted=tuple(draw(st.lists(ANSWER, min_size=1, max_size=3)))),
        Matching(**common, id="match", prompt=draw(TEXT), explanation=draw(TEXT),
                 pairs=tuple(Pair(a, b) for a, b in zip(lefts, rights, strict=True))),
        Cloze(**common, id="cloze", prompt=draw(st.none() | TEXT) or "", explanation=draw(TEXT),
              text=f"{before} {{{{c1::{draw(ANSWER)}}}}} {after}", accept=((1, (draw(ANSWER),)),)),
    ]  # type: ignore[arg-type]  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(any_questions())
def test_any_text_reads_back_literally(tmp_path: Path, questions: list[Question]) -> None:
    source = Source(
        id="s", title=questions[0].prompt + " <t>", authors="A & B", url="https://e.org/?a=1&b=<2>"
    )
    library = Library(banks=(), sources={"s": source})
    package = ours(tmp_path, questions, library=library)
    by_uid = {q.uid: q for q in questions}
    for item in package.items:
        check_item(item, by_uid[item.get("title") or ""], library)

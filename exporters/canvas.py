"""Export questions as a Canvas quiz: a QTI 1.2 package (.zip) as Canvas's course import reads it.

The package has the shape text2qti writes: imsmanifest.xml, an empty non_cc_assessments/ folder,
and a folder named by the quiz's identifier holding assessment_meta.xml (Canvas's quiz settings)
and the assessment itself. Multiple-choice, multiple-answer, true/false and short-answer items are
written as text2qti writes them; matching and fill-in-multiple-blanks items, which text2qti does not
write, as Canvas's own QTI export writes them (canvas-lms, lib/cc/qti/qti_items.rb). Every question
is an item in one question group per topic, in teaching order; a group hands each student all of
its questions, or `pick` of them at random.

Identifiers come from the bank and question ids (and the quiz's title and questions, for the quiz),
never from the wording, and the zip has fixed timestamps: the same banks give the same bytes, and a
corrected re-export keeps every identifier. Bank text reaches Canvas HTML-escaped inside
`mattext texttype="text/html"`, so markup shows as typed and runs nowhere.
"""

from __future__ import annotations

import hashlib
import html
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path

from exporters.common import (
    STDOUT,
    Exporter,
    ExportReport,
    Option,
    atomic_path,
    check_target,
    collector_paused,
    derangement,
    stable_order,
)
from sciatica_quiz.errors import ExportError
from sciatica_quiz.model import (
    Cloze,
    Library,
    Matching,
    MultipleAnswer,
    MultipleChoice,
    Question,
    ShortAnswer,
    TrueFalse,
    assert_never,
    topic_order,
    topic_title,
)
from sciatica_quiz.text import plural

ID_PREFIX = "sciatica_quiz"
# The manifest's date when no exported question has a `revised:` date.
DEFAULT_REVISED = date(2026, 1, 1)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
MAX_POINTS = 1000
DESCRIPTION = (
    "Study questions with explanations and sources, one question group per topic. "
    "Made with sciatica-quiz; a study aid, not medical advice."
)

# -- escaping -------------------------------------------------------------------------------------

_XML_SPECIAL = re.compile(r"[&<>]")
_HTML_SPECIAL = re.compile(r"[&<>\n]")


def xml_text(text: str) -> str:
    """Return text escaped for an XML element's content."""
    if not _XML_SPECIAL.search(text):
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xml_attr(text: str) -> str:
    """Return text escaped for a double-quoted XML attribute."""
    return html.escape(text, quote=True)


def html_text(text: str) -> str:
    """Return bank text as HTML that shows it literally: markup escaped, line breaks kept."""
    if not _HTML_SPECIAL.search(text):
        return text
    return html.escape(text, quote=False).replace("\n", "<br/>")


def html_xml(text: str) -> str:
    """Return bank text as HTML that shows it literally, escaped once more for XML: what a
    `mattext texttype="text/html"` holds, as Canvas's export and text2qti write it. Bank text is
    so escaped twice: `<script>` in a bank reaches Canvas as the text `<script>`."""
    if not _HTML_SPECIAL.search(text):
        return text
    return xml_text(html.escape(text, quote=False).replace("\n", "<br/>"))


def html_mattext(*texts: str | None) -> str:
    """Return a `mattext` whose HTML shows each non-empty text as a paragraph, literally."""
    if len(texts) == 1 and texts[0]:
        return f'<mattext texttype="text/html">&lt;p&gt;{html_xml(texts[0])}&lt;/p&gt;</mattext>'
    paragraphs = "".join(f"&lt;p&gt;{html_xml(t)}&lt;/p&gt;" for t in texts if t)
    return f'<mattext texttype="text/html">{paragraphs}</mattext>'


# -- identifiers ----------------------------------------------------------------------------------


def _digest(key: str) -> str:
    return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


def item_ident(uid: str) -> str:
    """Return an item's identifier: from the bank and question ids (`uid`) only, never the wording."""
    return f"{ID_PREFIX}_question_{_digest(uid)}"


def quiz_ident(title: str, questions: Sequence[Question]) -> str:
    """Return the quiz's identifier, from its title and the ids of its questions."""
    return f"{ID_PREFIX}_assessment_{_digest(chr(31).join((title, *(q.uid for q in questions))))}"


def answer_ids(ident: str, count: int) -> list[str]:
    """Return `count` answer identifiers for an item, from its identifier (so from the bank and
    question ids alone): the n-th answer the item lists always gets the same one.

    Canvas keeps numeric answer ids as its own and reads a matching item's ids from their first run
    of digits, so they are plain numbers, distinct within the item (7919 is prime to 90000).
    """
    start = int(ident[-8:], 16)
    return [str(10000 + (start + 7919 * n) % 90000) for n in range(count)]


# -- items ----------------------------------------------------------------------------------------
# Written as Canvas's export and text2qti write them, one item per line: the metadata, the stem and
# the responses, the scoring (after a condition that always shows the general feedback), then the
# feedback texts.

_OUTCOMES = (
    '<outcomes><decvar maxvalue="100" minvalue="0" varname="SCORE" vartype="Decimal"/></outcomes>'
    '<respcondition continue="Yes"><conditionvar><other/></conditionvar>'
    '<displayfeedback feedbacktype="Response" linkrefid="general_fb"/></respcondition>'
)


def _feedback(ident: str, mattext: str) -> str:
    return f'<itemfeedback ident="{ident}"><flow_mat><material>{mattext}</material></flow_mat></itemfeedback>'


def _label(ident: str, mattext: str) -> str:
    return f'<response_label ident="{ident}"><material>{mattext}</material></response_label>'


def _scores(respident: str, ident: str, share: str) -> str:
    """Return a condition that adds a share of the score, as Canvas writes one per pair or blank."""
    return (
        f'<respcondition><conditionvar><varequal respident="{respident}">{ident}</varequal></conditionvar>'
        f'<setvar varname="SCORE" action="Add">{share}</setvar></respcondition>'
    )


def citations_xml(library: Library) -> dict[str, str]:
    """Return each bibliography entry as a list item of HTML escaped for XML, once per export."""
    out = {}
    for sid, src in library.sources.items():
        cite = html_text(src.short_citation())
        if src.url:
            cite += f' <a href="{html.escape(src.url, quote=True)}">{html_text(src.url)}</a>'
        out[sid] = xml_text(f"<li>{cite}</li>")
    return out


def general_feedback(q: Question, citations: dict[str, str]) -> str:
    """Return the general feedback: the explanation, then the sources (short citations, linked)."""
    sources = "".join(citations[sid] for sid in q.sources if sid in citations)
    if sources:
        sources = f"&lt;p&gt;Sources:&lt;/p&gt;&lt;ul&gt;{sources}&lt;/ul&gt;"
    explanation = html_xml(q.explanation)
    return _feedback(
        "general_fb", f'<mattext texttype="text/html">&lt;p&gt;{explanation}&lt;/p&gt;{sources}</mattext>'
    )


Parts = tuple[list[str], str, str, str]  # answer ids, responses, scoring conditions, feedback


def _choices(q: MultipleChoice | MultipleAnswer | TrueFalse, uid: str, ident: str) -> Parts:
    """Return a choice item's parts as text2qti writes them: feedback for each choice with a why,
    then the condition that scores the right choice (or, for several, exactly the right ones)."""
    if isinstance(q, TrueFalse):
        order, right, whys = ["True", "False"], {q.answer_text()}, {}
    else:
        # Canvas's own shuffling stays off: every student sees the order every export gives the
        # choices, or the bank's where it must be kept (levels, durations).
        texts = [c.text for c in q.choices]
        order = stable_order(texts, "choices:" + uid) if q.shuffle else texts
        right = {c.text for c in q.choices if c.correct}
        whys = {c.text: c.why for c in q.choices}
    idents = answer_ids(ident, len(order))
    labels, conditions, feedback, terms = [], [], [], []
    for ident, text in zip(idents, order, strict=True):
        labels.append(
            f'<response_label ident="{ident}"><material><mattext texttype="text/html">&lt;p&gt;'
            f"{html_xml(text)}&lt;/p&gt;</mattext></material></response_label>"
        )
        why = whys.get(text)
        if why:
            conditions.append(
                f'<respcondition continue="Yes"><conditionvar><varequal respident="response1">{ident}</varequal>'
                f'</conditionvar><displayfeedback feedbacktype="Response" linkrefid="{ident}_fb"/></respcondition>'
            )
            feedback.append(
                f'<itemfeedback ident="{ident}_fb"><flow_mat><material><mattext texttype="text/html">&lt;p&gt;'
                f"{html_xml(why)}&lt;/p&gt;</mattext></material></flow_mat></itemfeedback>"
            )
        if text in right:
            terms.append(f'<varequal respident="response1">{ident}</varequal>')
        elif isinstance(q, MultipleAnswer):
            terms.append(f'<not><varequal respident="response1">{ident}</varequal></not>')
    cardinality = "Multiple" if isinstance(q, MultipleAnswer) else "Single"
    condition = f"<and>{''.join(terms)}</and>" if isinstance(q, MultipleAnswer) else terms[0]
    conditions.append(
        f'<respcondition continue="No"><conditionvar>{condition}</conditionvar>'
        '<setvar action="Set" varname="SCORE">100</setvar></respcondition>'
    )
    responses = (
        f'<response_lid ident="response1" rcardinality="{cardinality}"><render_choice>{"".join(labels)}'
        "</render_choice></response_lid>"
    )
    return idents, responses, "".join(conditions), "".join(feedback)


_TYPED_ANSWER = (
    '<response_str ident="response1" rcardinality="Single"><render_fib>'
    '<response_label ident="answer1" rshuffle="No"/></render_fib></response_str>'
)


def _short_answer(q: ShortAnswer) -> Parts:
    """Return a short-answer item's parts as text2qti writes them: one condition that takes any
    accepted answer."""
    answers = "".join(
        f'<varequal respident="response1">{xml_text(a)}</varequal>' for a in dict.fromkeys(q.accepted)
    )
    condition = (
        f'<respcondition continue="No"><conditionvar>{answers}</conditionvar>'
        '<setvar action="Set" varname="SCORE">100</setvar></respcondition>'
    )
    return [], _TYPED_ANSWER, condition, ""


def _share(parts: int) -> str:
    return f"{100 / parts:.2f}"


def _matching(q: Matching, uid: str, ident: str) -> Parts:
    """Return a matching item's parts as Canvas writes them: a response_lid per left-hand item, each
    offering every right-hand item, in an order where none stands at its partner's place."""
    idents = answer_ids(ident, 2 * len(q.pairs))
    lefts = idents[: len(q.pairs)]
    rights = dict(zip(derangement(q.rights, "pairs:" + uid), idents[len(q.pairs) :], strict=True))
    options = "".join(_label(i, f"<mattext>{xml_text(r)}</mattext>") for r, i in rights.items())
    responses = "".join(
        f'<response_lid ident="response_{i}"><material>{html_mattext(p.left)}</material>'
        f"<render_choice>{options}</render_choice></response_lid>"
        for i, p in zip(lefts, q.pairs, strict=True)
    )
    share = _share(len(q.pairs))
    conditions = "".join(
        _scores(f"response_{i}", rights[p.right], share) for i, p in zip(lefts, q.pairs, strict=True)
    )
    return lefts, responses, conditions, ""


def blank_variables(q: Cloze) -> list[str]:
    """Return one Canvas blank variable per blank, in reading order: blank1, blank2 …

    Canvas turns every `[name]` of the question text into a box; if the bank's own text holds
    such a bracket, another name is used so that it stays text.
    """
    texts = "\n".join(t for t in (q.case, q.prompt, q.text) if t)
    for stem in ("blank", "gap", "fill", f"b{_digest(q.uid)[:6]}x"):  # pragma: no branch
        names = [f"{stem}{b.index}" for b in q.blanks]
        if not any(f"[{n}]" in texts for n in names):
            return names
    raise AssertionError("unreachable")  # pragma: no cover


def cloze_accepted(q: Cloze) -> list[tuple[str, ...]]:
    """Return the answers each blank accepts, in reading order.

    Canvas marks each blank on its own; blanks whose answers may come in any order each accept
    every answer of their group.
    """
    if not q.any_order:
        return [tuple(dict.fromkeys(b.accepted)) for b in q.blanks]
    by_number: dict[int, list[str]] = {}
    for b in q.blanks:
        by_number.setdefault(b.number, []).extend(b.accepted)
    widened = {n: group for group in q.any_order for n in group}
    accepted = []
    for b in q.blanks:
        group = widened.get(b.number, (b.number,))
        answers = [*b.accepted, *(a for n in group if n != b.number for a in by_number.get(n, []))]
        accepted.append(tuple(dict.fromkeys(answers)))
    return accepted


def _cloze(q: Cloze, ident: str, variables: list[str]) -> Parts:
    """Return a fill-in-multiple-blanks item's parts as Canvas writes them: a response_lid per blank
    whose choices are the answers it accepts, and a condition per blank adding its share."""
    accepted = cloze_accepted(q)
    numbers = iter(answer_ids(ident, sum(map(len, accepted))))
    per_blank = [[next(numbers) for _ in answers] for answers in accepted]
    responses = "".join(
        f'<response_lid ident="response_{var}"><material><mattext>{var}</mattext></material><render_choice>'
        + "".join(
            _label(i, f'<mattext texttype="text/plain">{xml_text(a)}</mattext>')
            for i, a in zip(idents, answers, strict=True)
        )
        + "</render_choice></response_lid>"
        for var, answers, idents in zip(variables, accepted, per_blank, strict=True)
    )
    share = _share(len(variables))
    conditions = "".join(
        _scores(f"response_{var}", idents[0], share) for var, idents in zip(variables, per_blank, strict=True)
    )
    return [i for idents in per_blank for i in idents], responses, conditions, ""


def stem_mattext(q: Question, variables: Sequence[str] = ()) -> str:
    """Return what the question shows above its answers: the case, the prompt, a cloze's text.

    A cloze's blanks become Canvas's `[variable]` boxes, each followed by its hint in brackets.
    """
    stem = html_mattext(q.case, q.prompt) if q.case else html_mattext(q.prompt)
    if isinstance(q, Cloze):
        names = iter(variables)
        text = "".join(
            html_xml(s)
            if isinstance(s, str)
            else f"[{next(names)}]" + (f" ({html_xml(s.hint)})" if s.hint else "")
            for s in q.segments
        )
        stem = stem.replace("</mattext>", f"&lt;p&gt;{text}&lt;/p&gt;</mattext>")
    return stem


QUESTION_TYPES = {
    MultipleChoice: "multiple_choice_question",
    MultipleAnswer: "multiple_answers_question",
    TrueFalse: "true_false_question",
    ShortAnswer: "short_answer_question",
    Matching: "matching_question",
    Cloze: "fill_in_multiple_blanks_question",
}


def item_xml(q: Question, points: int, citations: dict[str, str]) -> str:
    """Return one question as a QTI item, as Canvas imports it."""
    uid = q.uid  # bank and question slugs: nothing in it needs escaping
    ident = item_ident(uid)
    variables: list[str] = []
    match q:
        case MultipleChoice() | MultipleAnswer() | TrueFalse():
            ids, responses, conditions, feedback = _choices(q, uid, ident)
        case ShortAnswer():
            ids, responses, conditions, feedback = _short_answer(q)
        case Matching():
            ids, responses, conditions, feedback = _matching(q, uid, ident)
        case Cloze():
            variables = blank_variables(q)
            ids, responses, conditions, feedback = _cloze(q, ident, variables)
        case _:
            assert_never(q)
    return (
        f'<item ident="{ident}" title="{uid}"><itemmetadata><qtimetadata><qtimetadatafield>'
        f"<fieldlabel>question_type</fieldlabel><fieldentry>{QUESTION_TYPES[type(q)]}</fieldentry>"
        f"</qtimetadatafield><qtimetadatafield><fieldlabel>points_possible</fieldlabel><fieldentry>{points}"
        "</fieldentry></qtimetadatafield><qtimetadatafield><fieldlabel>original_answer_ids</fieldlabel>"
        f"<fieldentry>{','.join(ids)}</fieldentry></qtimetadatafield><qtimetadatafield><fieldlabel>"
        f"assessment_question_identifierref</fieldlabel><fieldentry>{ident}_ref</fieldentry></qtimetadatafield>"
        f"</qtimetadata></itemmetadata><presentation><material>{stem_mattext(q, variables)}</material>"
        f"{responses}</presentation><resprocessing>{_OUTCOMES}{conditions}</resprocessing>"
        f"{general_feedback(q, citations)}{feedback}</item>\n"
    )


# -- the package ----------------------------------------------------------------------------------

_ASSESSMENT_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.imsglobal.org/xsd/'
    'ims_qtiasiv1p2 http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd">\n'
    '<assessment ident="{ident}" title="{title}"><qtimetadata><qtimetadatafield><fieldlabel>cc_maxattempts'
    '</fieldlabel><fieldentry>1</fieldentry></qtimetadatafield></qtimetadata>\n<section ident="root_section">\n'
)
# A question group: Canvas gives each student `pick` of its items at random, each worth `points`.
_GROUP_HEAD = (
    '<section ident="{ident}" title="{title}"><selection_ordering><selection><selection_number>{pick}'
    "</selection_number><selection_extension><points_per_item>{points}</points_per_item>"
    "</selection_extension></selection></selection_ordering>\n"
)
_GROUP_END = "</section>\n"
_ASSESSMENT_END = "</section>\n</assessment>\n</questestinterop>\n"

_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{ident}_manifest" xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1" xmlns:lom="http://ltsc.ieee.org/xsd/imsccv1p1/LOM/resource" xmlns:imsmd="http://www.imsglobal.org/xsd/imsmd_v1p2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1 http://www.imsglobal.org/xsd/imscp_v1p1.xsd http://ltsc.ieee.org/xsd/imsccv1p1/LOM/resource http://www.imsglobal.org/profile/cc/ccv1p1/LOM/ccv1p1_lomresource_v1p0.xsd http://www.imsglobal.org/xsd/imsmd_v1p2 http://www.imsglobal.org/xsd/imsmd_v1p2p2.xsd">
  <metadata>
    <schema>IMS Content</schema>
    <schemaversion>1.1.3</schemaversion>
    <imsmd:lom>
      <imsmd:general>
        <imsmd:title>
          <imsmd:string>{title}</imsmd:string>
        </imsmd:title>
      </imsmd:general>
      <imsmd:lifeCycle>
        <imsmd:contribute>
          <imsmd:date>
            <imsmd:dateTime>{date}</imsmd:dateTime>
          </imsmd:date>
        </imsmd:contribute>
      </imsmd:lifeCycle>
    </imsmd:lom>
  </metadata>
  <organizations/>
  <resources>
    <resource identifier="{ident}" type="imsqti_xmlv1p2">
      <file href="{ident}/{ident}.xml"/>
      <dependency identifierref="{ident}_dependency"/>
    </resource>
    <resource identifier="{ident}_dependency" type="associatedcontent/imscc_xmlv1p1/learning-application-resource" href="{ident}/assessment_meta.xml">
      <file href="{ident}/assessment_meta.xml"/>
    </resource>
  </resources>
</manifest>
"""

# Canvas's quiz settings, as text2qti writes them: an unpublished graded quiz, one attempt, the
# correct answers shown after it, answers never shuffled by Canvas (the order is decided here, and
# kept for questions whose choices must stay in order).
_META = """<?xml version="1.0" encoding="UTF-8"?>
<quiz identifier="{ident}" xmlns="http://canvas.instructure.com/xsd/cccv1p0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://canvas.instructure.com/xsd/cccv1p0 https://canvas.instructure.com/xsd/cccv1p0.xsd">
  <title>{title}</title>
  <description>{description}</description>
  <shuffle_answers>false</shuffle_answers>
  <scoring_policy>keep_highest</scoring_policy>
  <hide_results></hide_results>
  <quiz_type>assignment</quiz_type>
  <points_possible>{points:.1f}</points_possible>
  <require_lockdown_browser>false</require_lockdown_browser>
  <require_lockdown_browser_for_results>false</require_lockdown_browser_for_results>
  <require_lockdown_browser_monitor>false</require_lockdown_browser_monitor>
  <lockdown_browser_monitor_data/>
  <show_correct_answers>true</show_correct_answers>
  <anonymous_submissions>false</anonymous_submissions>
  <could_be_locked>false</could_be_locked>
  <allowed_attempts>1</allowed_attempts>
  <one_question_at_a_time>false</one_question_at_a_time>
  <cant_go_back>false</cant_go_back>
  <available>false</available>
  <one_time_results>false</one_time_results>
  <show_correct_answers_last_attempt>false</show_correct_answers_last_attempt>
  <only_visible_to_overrides>false</only_visible_to_overrides>
  <module_locked>false</module_locked>
  <assignment identifier="{ident}_assignment">
    <title>{title}</title>
    <due_at/>
    <lock_at/>
    <unlock_at/>
    <module_locked>false</module_locked>
    <workflow_state>unpublished</workflow_state>
    <assignment_overrides>
    </assignment_overrides>
    <quiz_identifierref>{ident}</quiz_identifierref>
    <allowed_extensions></allowed_extensions>
    <has_group_category>false</has_group_category>
    <points_possible>{points:.1f}</points_possible>
    <grading_type>points</grading_type>
    <all_day>false</all_day>
    <submission_types>online_quiz</submission_types>
    <position>1</position>
    <turnitin_enabled>false</turnitin_enabled>
    <vericite_enabled>false</vericite_enabled>
    <peer_review_count>0</peer_review_count>
    <peer_reviews>false</peer_reviews>
    <automatic_peer_reviews>false</automatic_peer_reviews>
    <anonymous_peer_reviews>false</anonymous_peer_reviews>
    <grade_group_students_individually>false</grade_group_students_individually>
    <freeze_on_copy>false</freeze_on_copy>
    <omit_from_final_grade>false</omit_from_final_grade>
    <intra_group_peer_reviews>false</intra_group_peer_reviews>
    <only_visible_to_overrides>false</only_visible_to_overrides>
    <post_to_sis>false</post_to_sis>
    <moderated_grading>false</moderated_grading>
    <grader_count>0</grader_count>
    <grader_comments_visible_to_graders>true</grader_comments_visible_to_graders>
    <anonymous_grading>false</anonymous_grading>
    <graders_anonymous_to_graders>false</graders_anonymous_to_graders>
    <grader_names_visible_to_final_grader>true</grader_names_visible_to_final_grader>
    <anonymous_instructor_annotations>false</anonymous_instructor_annotations>
    <post_policy>
      <post_manually>false</post_manually>
    </post_policy>
  </assignment>
  <assignment_group_identifierref>{ident}_assignment_group</assignment_group_identifierref>
  <assignment_overrides>
  </assignment_overrides>
</quiz>
"""


def plan_groups(
    questions: Sequence[Question], pick: int | None
) -> tuple[list[tuple[str, list[Question], int]], list[str]]:
    """Return one (topic, questions, how many each student gets) per topic in teaching order.

    A `pick` larger than a topic's questions gives every student all of them, with a note: Canvas
    would otherwise count points for questions the group does not have.
    """
    by_topic: dict[str, list[Question]] = {}
    for q in questions:
        by_topic.setdefault(q.topic, []).append(q)
    groups, notes = [], []
    for topic in topic_order(by_topic):
        members = by_topic[topic]
        n = len(members) if pick is None else min(pick, len(members))
        if pick is not None and pick > len(members):
            notes.append(
                f"topic '{topic_title(topic)}' has {plural(len(members), 'question')}: "
                f"every student gets all of them, not {pick}"
            )
        groups.append((topic, members, n))
    return groups, notes


def _any_order_notes(questions: Sequence[Question]) -> list[str]:
    notes = []
    for q in questions:
        if isinstance(q, Cloze):
            for group in q.any_order:
                blanks = ", ".join(f"c{n}" for n in group)
                notes.append(
                    f"{q.uid}: blanks {blanks} may be answered in any order, but Canvas marks each "
                    "blank on its own, so each of them accepts any of their answers (the same answer "
                    "twice is marked right too)"
                )
    return notes


def export_canvas(
    library: Library,
    questions: Sequence[Question],
    output: str | Path,
    title: str | None = None,
    pick: int | None = None,
    points: int = 1,
    progress: Callable[[int], None] | None = None,
) -> ExportReport:
    """Write questions as a Canvas quiz package (.zip), atomically: one question group per topic.

    `title` names the quiz (default: "Sciatica", or the instructor's bank titles); `pick` gives each
    student that many random questions from every topic instead of all; each question is worth
    `points`.
    """
    from sciatica_quiz.selection import default_name

    title = (default_name(library, questions) if title is None else title).strip()
    if not title:
        raise ExportError("the quiz title is empty", option="title", value="Sciatica review")
    if pick is not None and pick < 1:
        raise ExportError(f"pick {pick}: each student needs at least 1 question per topic", option="pick")
    if not 1 <= points <= MAX_POINTS:
        raise ExportError(f"points {points}: give a whole number from 1 to {MAX_POINTS}", option="points")
    if str(output) != STDOUT and check_target(output).suffix.lower() != ".zip":
        raise ExportError(
            f"{output}: a Canvas QTI package's name must end in .zip, or Canvas will not import it",
            option="output",
            value="quiz.zip",
        )
    if not questions:
        raise ExportError("no questions to export")
    groups, notes = plan_groups(questions, pick)
    notes += _any_order_notes(questions)
    ident = quiz_ident(title, questions)
    total = sum(n for _, _, n in groups) * points
    newest = max((q.revised for q in questions if q.revised), default=DEFAULT_REVISED)
    citations = citations_xml(library)

    def assessment() -> Iterator[str]:
        yield _ASSESSMENT_HEAD.format(ident=ident, title=xml_attr(title))
        for topic, members, n in groups:
            group_ident = f"{ID_PREFIX}_group_{_digest(ident + chr(31) + topic)}"
            yield _GROUP_HEAD.format(
                ident=group_ident, title=xml_attr(topic_title(topic)), pick=n, points=points
            )
            yield "".join(item_xml(q, points, citations) for q in members)
            if progress is not None:
                progress(len(members))
            yield _GROUP_END
        yield _ASSESSMENT_END

    manifest = _MANIFEST.format(ident=ident, title=xml_text(title), date=newest.isoformat())
    meta = _META.format(
        ident=ident,
        title=xml_text(title),
        description=xml_text(f"<p>{html_text(DESCRIPTION)}</p>"),
        points=total,
    )
    # Paused: the items are many short-lived objects and no cycles, and the collector's passes over
    # every loaded question would cost more than they free (as in the Anki export).
    with collector_paused(), atomic_path(output) as tmp, zipfile.ZipFile(tmp, "w") as zf:
        zf.writestr(_member("imsmanifest.xml"), manifest)
        zf.writestr(_member("non_cc_assessments/"), b"")
        zf.writestr(_member(f"{ident}/assessment_meta.xml"), meta)
        with zf.open(_member(f"{ident}/{ident}.xml"), "w") as dest:
            for part in assessment():
                dest.write(part.encode())
    picked = f", {pick} per student from each" if pick is not None else ""
    what = (
        f"{plural(len(questions), 'question')} in {plural(len(groups), 'question group')}{picked} "
        f"of quiz '{title}', {total:g} points"
    )
    return ExportReport(((str(output), what),), notes=tuple(notes))


def _member(name: str) -> zipfile.ZipInfo:
    """Return a zip entry with a fixed date and mode, so the same quiz gives the same bytes."""
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.external_attr = (0o40755 << 16) | 0x10 if name.endswith("/") else 0o644 << 16
    info.compress_type = zipfile.ZIP_STORED if name.endswith("/") else zipfile.ZIP_DEFLATED
    return info


EXPORTER = Exporter(
    name="canvas",
    summary="A Canvas quiz (QTI .zip): every question type, one question group per topic.",
    help="""Export a Canvas quiz as a QTI package (.zip): one question group per topic.

    Every question type: multiple choice, multiple answer, true/false, short answer (every
    accepted answer), matching, and cloze as "fill in multiple blanks". Each choice's why is its
    feedback; the explanation and the sources are every question's general feedback. Import it in
    Canvas under Settings > Import Course Content > QTI .zip file.

    \b
    Example:
      sciatica-quiz export canvas -o quiz.zip --topic assessment --title "Red flags" --pick 5
    """,
    extensions=(".zip",),
    write=export_canvas,
    options=(
        Option("title", "The quiz's title  [default: Sciatica, or your banks' titles]"),
        Option(
            "pick",
            "Give each student this many random questions from every topic  [default: all].",
            "int",
            minimum=1,
        ),
        Option(
            "points",
            "Points for each question.",
            "int",
            default=1,
            minimum=1,
            maximum=MAX_POINTS,
            show_default=True,
        ),
    ),
    binary=True,
    progress=True,
)

"""Export questions as Moodle XML for a Moodle question bank: all six kinds, feedback, categories, tags.

One category per topic, numbered in teaching order (Moodle lists categories by name), under a parent
category. Each question carries its per-choice whys as answer feedback, its explanation and sources
as general feedback, tags (topic, difficulty, MBLEx area and its own) and an ID number made from the
bank and question ids.

Bank text never becomes markup. Moodle shows question text, answers and feedback as HTML, so every
text is HTML-escaped (inside CDATA); the names Moodle shows through format_string (question,
category and matching answer) are escaped too. Cloze gaps use Moodle's embedded-answer syntax with
every ASCII punctuation mark of an answer written as a numeric character reference: Moodle's cloze
reader (qtype_multianswer_extract_question) decodes each answer with html_entity_decode, so a `}`,
`#` or `~` inside an answer reaches the student's answer key as itself and never ends the gap.

The file is written as strings rather than through an XML library: it is regular, every text is
escaped in one place, the output streams question by question, and the tests parse it back with lxml.
Grades are percentages from Moodle's fixed list (question_bank::fraction_options_full); any other
value makes Moodle refuse the question.

The helpers here that are not about XML (grades, names, ID numbers, tags, HTML of texts) are shared
with the GIFT exporter, which writes the same questions for Moodle's other import format.
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from exporters.common import (
    STDOUT,
    Exporter,
    ExportReport,
    Option,
    check_target,
    collector_paused,
    open_output,
    question_tags,
)
from sciatica_quiz.errors import ExportError
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
    assert_never,
    topic_order,
    topic_title,
)
from sciatica_quiz.text import plural

# Moodle's grades (question_bank::fraction_options_full in lib/questionlib.php): 100 %, these, 0
# and their negatives, as Moodle writes them in percent. An import compares each grade with this
# list to within 0.001 % and refuses the question when one is not in it.
MOODLE_PERCENTS: tuple[str, ...] = (
    "100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40", "33.33333", "30",
    "25", "20", "16.66667", "14.28571", "12.5", "11.11111", "10", "5",
)  # fmt: skip
ALLOWED_PERCENTS: frozenset[str] = frozenset((*MOODLE_PERCENTS, "0", *(f"-{p}" for p in MOODLE_PERCENTS)))
# Moodle keeps ID numbers in a 100-character column and tags in 50 characters.
MAX_IDNUMBER = 100
MAX_TAG = 50
NAME_EXCERPT = 60
PARENT_DESCRIPTION = (
    "Study questions with explanations and sources, one category per topic in teaching order. "
    "Made with sciatica-quiz; a study aid, not medical advice."
)


# -- grades ----------------------------------------------------------------------------------------


@functools.cache
def split_hundred(n: int) -> tuple[str, ...]:
    """Return n grades from Moodle's list that add up to 100 %, as equal as the list allows.

    Exact for 1 to 10 and 20 (100/n is in the list); otherwise two values, e.g. 11 → nine of 10 %
    and two of 5 %; none past 20. Moodle accepts a multiple-answer question whose right answers add up
    to 100 % after rounding to two decimals (33.33333 × 3 is 99.99999).
    """
    if n < 1:
        raise ValueError(f"cannot split 100 % into {n} parts")
    for p in MOODLE_PERCENTS:
        if abs(float(p) * n - 100) < 0.001:
            return (p,) * n
    best: tuple[float, tuple[str, ...]] | None = None
    for i, hi in enumerate(MOODLE_PERCENTS):
        for lo in MOODLE_PERCENTS[i + 1 :]:
            for k in range(1, n):
                if abs(k * float(hi) + (n - k) * float(lo) - 100) < 0.001:
                    spread = float(hi) - float(lo)
                    if best is None or spread < best[0]:
                        best = (spread, (hi,) * k + (lo,) * (n - k))
    if best is None:  # past 20 (the smallest grade is 5 %); a question has at most 8 choices
        raise ValueError(f"Moodle's grades cannot split 100 % into {n} parts")
    return best[1]


def answer_percents(q: MultipleAnswer) -> tuple[list[str], bool]:
    """Return each choice's grade in bank order, and whether the split is exact.

    The right choices share 100 %; the wrong ones share -100 %, so that ticking every box scores 0.
    Both come from Moodle's list of grades (split_hundred).
    """
    right = iter(split_hundred(len(q.correct)))
    wrong_count = len(q.choices) - len(q.correct)
    wrong_split = split_hundred(wrong_count) if wrong_count else ()
    wrong = iter(wrong_split)
    exact = len(set(split_hundred(len(q.correct)))) == 1 and len(set(wrong_split)) <= 1
    return [next(right) if c.correct else "-" + next(wrong) for c in q.choices], exact


# -- names, ids and tags ---------------------------------------------------------------------------


def default_category(library: Library, questions: Sequence[Question]) -> str:
    """Return the parent category's name when none is given: "Sciatica", or the banks' titles."""
    from sciatica_quiz.selection import default_name

    return default_name(library, questions)


def one_line(text: str) -> str:
    """Return text with every run of whitespace, newlines included, as one space."""
    return " ".join(text.split())


def question_name(q: Question, suffix: str = "") -> str:
    """Return the question's name in the question bank, HTML-escaped: 'bank/id: the start of the prompt'.

    Moodle strips tags from names and shows them through format_string, so an escaped name shows
    its text literally.
    """
    words = one_line(q.stem)
    if len(words) > NAME_EXCERPT:
        cut = words.rfind(" ", 0, NAME_EXCERPT)
        words = words[: cut if cut > NAME_EXCERPT // 2 else NAME_EXCERPT].rstrip() + "…"
    return html.escape(f"{q.uid}{suffix}: {words}", quote=False)


def idnumber(q: Question, suffix: str = "") -> str:
    """Return the question's stable ID number: 'bank/id' (shortened with a hash past 100 characters)."""
    value = q.uid + suffix
    if len(value) <= MAX_IDNUMBER:
        return value
    digest = hashlib.blake2b(value.encode(), digest_size=8).hexdigest()
    return value[: MAX_IDNUMBER - len(digest) - 1] + "~" + digest


def tag_problem(tag: str) -> str | None:
    """Return how Moodle would change a tag (it drops < > ` and keeps 50 characters), or None."""
    if any(ch in tag for ch in "<>`"):
        return "loses its < > ` characters"
    if len(tag) > MAX_TAG:
        return f"is cut to {MAX_TAG} characters"
    return None


def category_name(name: str) -> str:
    """Return one category name as a Moodle category path holds it.

    Moodle strips tags from category names (so `<`, `>` and `&` are escaped and show literally), reads
    '/' as a separator ('//' is a slash) and ignores spaces around names.
    """
    text = html.escape(one_line(name), quote=False).replace("\\", "&#92;").replace("/", "//")
    if text.startswith("/"):
        text = " " + text
    if text.endswith("/"):
        text += " "
    return text


def category_paths(parent: str, topics: Iterable[str]) -> tuple[str, dict[str, str]]:
    """Return the parent category's path and each topic's, numbered in teaching order."""
    root = "$course$/top/" + category_name(parent)
    ordered = topic_order(topics)
    return root, {t: f"{root}/{n:02d} {category_name(topic_title(t))}" for n, t in enumerate(ordered, 1)}


def by_topic(questions: Sequence[Question]) -> dict[str, list[Question]]:
    """Return the questions grouped by topic in teaching order, each group in selection order."""
    groups: dict[str, list[Question]] = {t: [] for t in topic_order(q.topic for q in questions)}
    for q in questions:
        groups[q.topic].append(q)
    return groups


def topic_descriptions(library: Library, topics: Iterable[str]) -> dict[str, str]:
    """Return each topic's description: those of its banks, in bank order."""
    wanted = set(topics)
    out: dict[str, list[str]] = {}
    for bank in library.banks:
        if bank.topic in wanted and bank.description and bank.description not in out.get(bank.topic, []):
            out.setdefault(bank.topic, []).append(bank.description)
    return {t: " ".join(d) for t, d in out.items()}


# -- HTML of bank text -----------------------------------------------------------------------------

# What text_html changes; most text has none of these, and one scan is cheaper than several replaces.
_HTML_CHARS = re.compile(r"[&<>\n\\$]")
# MathJax's delimiters (Moodle's MathJax filter is on by default): \( \) \[ \] and $$.
_MATH = re.compile(r"\\(?=[()\[\]])|\$(?=\$)")


def text_html(text: str) -> str:
    """Return bank text as HTML that shows it literally: markup escaped, newlines as <br>.

    An empty <span> splits MathJax's delimiters, which Moodle's MathJax filter would typeset.
    """
    if not _HTML_CHARS.search(text):
        return text
    out = html.escape(text, quote=False)
    if "\n" in out:
        out = out.replace("\r\n", "\n").replace("\n", "<br>")
    if "\\" in out or "$$" in out:
        out = _MATH.sub(r"\g<0><span></span>", out)
    return out


def choice_name(text: str) -> str:
    """Return a matching answer as Moodle keeps it: text it shows through format_string, escaped.

    Moodle offers matching answers in a drop-down list, which takes text only (no <br> or <span>).
    """
    return html.escape(text, quote=False)


def question_html(q: Question, body: str | None = None) -> str:
    """Return the question text: the case above the prompt, then `body` (the prompt by default)."""
    case = f'<div class="case"><p>{text_html(q.case)}</p></div>' if q.case else ""
    return case + (f"<p>{text_html(q.prompt)}</p>" if body is None else body)


def citations_html(library: Library) -> dict[str, str]:
    """Return each bibliography entry as a list item: its short citation and a link to it."""
    out = {}
    for sid, src in library.sources.items():
        cite = text_html(src.short_citation())
        if src.url and src.url.lower().startswith(("http://", "https://")):
            cite += f' <a href="{html.escape(src.url, quote=True)}">{text_html(src.url)}</a>'
        elif src.url:
            cite += " " + text_html(src.url)
        out[sid] = f"<li>{cite}</li>"
    return out


def feedback_html(q: Question, citations: dict[str, str]) -> str:
    """Return the general feedback: the explanation, then the sources with links."""
    items = "".join(citations[sid] for sid in q.sources if sid in citations)
    sources = f"<p>Sources:</p><ul>{items}</ul>" if items else ""
    return f"<p>{text_html(q.explanation)}</p>{sources}"


# -- short answers and cloze gaps ------------------------------------------------------------------


def wildcard_safe(answer: str) -> str:
    """Return a short answer as Moodle stores it: '*' is Moodle's wildcard, so a literal one is '\\*'."""
    return answer.replace("*", "\\*")


def group_answers(q: Cloze) -> dict[int, tuple[str, ...]]:
    """Return the accepted answers of each blank number; blanks that may come in any order share theirs.

    Moodle's cloze cannot compare one gap with another, so each gap of an any_order group accepts
    every answer of the group (the same answer typed in two gaps then scores twice).
    """
    own: dict[int, list[str]] = {}
    for b in q.blanks:
        own.setdefault(b.number, [])
        own[b.number].extend(a for a in b.accepted if a not in own[b.number])
    out = {n: tuple(a) for n, a in own.items()}
    for group in q.any_order:
        merged = tuple(dict.fromkeys(a for n in group for a in own.get(n, ())))
        for n in group:
            out[n] = merged
    return out


_CLOZE_PUNCT = re.compile(r"[!-/:-@\[-`{-~]")
_BEFORE_DECODE = re.compile(r"\\(?=[#}])")


def cloze_answer(answer: str) -> str:
    """Return an answer for a SHORTANSWER gap: every ASCII punctuation mark as &#N;.

    Moodle's reader ends an answer at an unescaped ~ # or }, decodes entities, then turns '\\}' and
    '\\#' into '}' and '#' (so a backslash before them is doubled), and its short-answer marking reads
    '*' as a wildcard (so a literal one is '\\*').
    """
    text = _BEFORE_DECODE.sub(r"\\\\", wildcard_safe(answer))
    return _CLOZE_PUNCT.sub(lambda m: f"&#{ord(m.group())};", text)


def cloze_text_html(text: str) -> str:
    """Return cloze text outside the gaps: HTML-escaped, braces as entities so Moodle sees no gap."""
    out = text_html(text)
    if "{" in out or "}" in out:
        out = out.replace("{", "&#123;").replace("}", "&#125;")
    return out


def hint_html(blank: Blank) -> str:
    """Return a blank's hint as it follows the gap: ' (hint)', or nothing."""
    return f" ({blank.hint})" if blank.hint else ""


# -- the XML ---------------------------------------------------------------------------------------

_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# Characters XML 1.0 cannot hold; the loader never lets them into a bank, but a model built by
# another program might carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _x(text: str) -> str:
    return text.translate(_XML_ESCAPES) if "&" in text or "<" in text or ">" in text else text


def _html_field(tag: str, html_text: str, indent: str = "    ") -> str:
    return (
        f'{indent}<{tag} format="html">\n{indent}  <text><![CDATA[{html_text}]]></text>\n{indent}</{tag}>\n'
    )


def _answer(percent: str, html_text: str, feedback: str = "") -> str:
    fb = f"<text><![CDATA[{feedback}]]></text>" if feedback else "<text></text>"
    return (
        f'    <answer fraction="{percent}" format="html">\n'
        f"      <text><![CDATA[{html_text}]]></text>\n"
        f'      <feedback format="html">{fb}</feedback>\n'
        "    </answer>\n"
    )


def _plain_answer(percent: str, text: str) -> str:
    return (
        f'    <answer fraction="{percent}" format="moodle_auto_format">\n'
        f"      <text>{_x(text)}</text>\n"
        '      <feedback format="html"><text></text></feedback>\n'
        "    </answer>\n"
    )


_COMBINED = (
    '    <correctfeedback format="html"><text></text></correctfeedback>\n'
    '    <partiallycorrectfeedback format="html"><text></text></partiallycorrectfeedback>\n'
    '    <incorrectfeedback format="html"><text></text></incorrectfeedback>\n'
)


def category_xml(path: str, info: str) -> str:
    """Return the pseudo-question that switches the import to a category (created if missing)."""
    return (
        '  <question type="category">\n'
        f"    <category>\n      <text>{_x(path)}</text>\n    </category>\n"
        + _html_field("info", text_html(info))
        + "  </question>\n"
    )


@functools.lru_cache(maxsize=4096)
def _tags_xml(topic: str, difficulty: int, tags: tuple[str, ...]) -> str:
    lines = "".join(
        f"      <tag><text>{_x(t)}</text></tag>\n" for t in question_tags(topic, difficulty, tags)
    )
    return f"    <tags>\n{lines}    </tags>\n"


def cloze_html(q: Cloze) -> str:
    """Return a cloze question's text with each blank as a SHORTANSWER gap of every accepted answer."""
    accepted = group_answers(q)
    parts = []
    for s in q.segments:
        if isinstance(s, str):
            parts.append(cloze_text_html(s))
        else:
            gap = "~".join("=" + cloze_answer(a) for a in accepted[s.number])
            parts.append(f"{{1:SHORTANSWER:{gap}}}{cloze_text_html(hint_html(s))}")
    prompt = f"<p>{cloze_text_html(q.prompt)}</p>" if q.prompt else ""
    case = f'<div class="case"><p>{cloze_text_html(q.case)}</p></div>' if q.case else ""
    return f"{case}{prompt}<p>{''.join(parts)}</p>"


def question_xml(q: Question, citations: dict[str, str]) -> str:
    """Return one question as Moodle XML."""
    penalty = "0.3333333"
    body: list[str] = []
    match q:
        case MultipleChoice() | MultipleAnswer():
            qtype, text = "multichoice", question_html(q)
            single = isinstance(q, MultipleChoice)
            percents = (
                ["100" if c.correct else "0" for c in q.choices]
                if isinstance(q, MultipleChoice)
                else answer_percents(q)[0]
            )
            body.append(
                f"    <single>{'true' if single else 'false'}</single>\n"
                f"    <shuffleanswers>{'true' if q.shuffle else 'false'}</shuffleanswers>\n"
                "    <answernumbering>abc</answernumbering>\n"
                "    <showstandardinstruction>1</showstandardinstruction>\n" + _COMBINED
            )
            if not single:
                body.append("    <shownumcorrect/>\n")
            body.extend(
                _answer(p, text_html(c.text), text_html(c.why) if c.why else "")
                for p, c in zip(percents, q.choices, strict=True)
            )
        case TrueFalse():
            qtype, text, penalty = "truefalse", question_html(q), "1"
            body.append(_plain_answer("100" if q.answer else "0", "true"))
            body.append(_plain_answer("0" if q.answer else "100", "false"))
        case ShortAnswer():
            qtype, text = "shortanswer", question_html(q)
            body.append("    <usecase>0</usecase>\n")
            body.extend(_plain_answer("100", wildcard_safe(a)) for a in q.accepted)
        case Matching():
            qtype, text = "matching", question_html(q)
            body.append("    <shuffleanswers>true</shuffleanswers>\n" + _COMBINED + "    <shownumcorrect/>\n")
            body.extend(
                '    <subquestion format="html">\n'
                f"      <text><![CDATA[{text_html(p.left)}]]></text>\n"
                f"      <answer><text>{_x(choice_name(p.right))}</text></answer>\n"
                "    </subquestion>\n"
                for p in q.pairs
            )
        case Cloze():
            qtype, text = "cloze", cloze_html(q)
        case _:
            assert_never(q)
    grade = "" if qtype == "cloze" else "    <defaultgrade>1</defaultgrade>\n"
    return (
        f'  <question type="{qtype}">\n'
        f"    <name>\n      <text>{_x(question_name(q))}</text>\n    </name>\n"
        + _html_field("questiontext", text)
        + _html_field("generalfeedback", feedback_html(q, citations))
        + f"{grade}    <penalty>{penalty}</penalty>\n    <hidden>0</hidden>\n"
        f"    <idnumber>{_x(idnumber(q))}</idnumber>\n"
        + "".join(body)
        + _tags_xml(q.topic, q.difficulty, q.tags)
        + "  </question>\n"
    )


def moodle_xml(library: Library, groups: dict[str, list[Question]], category: str) -> Iterator[str]:
    """Yield the Moodle XML file in pieces: the parent category, then each topic's category and questions.

    `groups` are the questions by topic, in teaching order (by_topic).
    """
    root, paths = category_paths(category, groups)
    descriptions = topic_descriptions(library, groups)
    citations = citations_html(library)
    yield '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
    yield category_xml(root, PARENT_DESCRIPTION)
    for topic, group in groups.items():
        yield category_xml(paths[topic], descriptions.get(topic, ""))
        for q in group:
            yield question_xml(q, citations)
    yield "</quiz>\n"


# -- notes -----------------------------------------------------------------------------------------


def categories(n: int) -> str:
    """Return '1 category' or '7 categories'."""
    return f"{n} {'category' if n == 1 else 'categories'}"


def listed(uids: Sequence[str]) -> str:
    """Return question ids for a note: every one, so the note says exactly which."""
    return ", ".join(uids)


def shared_notes(questions: Sequence[Question], *, any_order: bool) -> list[str]:
    """Return the notes both Moodle formats share: inexact grade splits, long ID numbers, altered tags."""
    notes = []
    inexact = [q.uid for q in questions if isinstance(q, MultipleAnswer) and not answer_percents(q)[1]]
    if inexact:
        notes.append(
            f"grades of {plural(len(inexact), 'multiple-answer question')} ({listed(inexact)}) are the "
            "nearest values Moodle allows that add up to 100 %, as its list has no equal split for "
            "their number of right or wrong choices"
        )
    long_ids = [q.uid for q in questions if len(q.bank) + len(q.id) >= MAX_IDNUMBER]
    if long_ids:
        notes.append(
            f"ID numbers of {plural(len(long_ids), 'question')} ({listed(long_ids)}) end in a hash, as "
            f"Moodle's ID numbers hold {MAX_IDNUMBER} characters"
        )
    tags = sorted(f"'{t}' {tag_problem(t)}" for t in {t for q in questions for t in q.tags} if tag_problem(t))
    if tags:
        notes.append(f"Moodle changes {plural(len(tags), 'tag')}: {listed(tags)}")
    ordered = [q.uid for q in questions if isinstance(q, Cloze) and q.any_order]
    if any_order and ordered:
        notes.append(
            f"blanks that may be answered in any order, in {plural(len(ordered), 'cloze question')} "
            f"({listed(ordered)}): each gap of such a group accepts every answer of the group, as Moodle "
            "cannot compare one gap with another (the same answer typed in two gaps also scores)"
        )
    return notes


# -- the exporter ----------------------------------------------------------------------------------


def check_output(output: str | Path, suffixes: tuple[str, ...], what: str) -> None:
    """Refuse an output whose name does not end in one of `suffixes`, naming the first as an example."""
    if str(output) != STDOUT and check_target(output).suffix.lower() not in suffixes:
        raise ExportError(
            f"{output}: {what} must end in {' or '.join(suffixes)}, or Moodle will not offer to import it",
            option="output",
            value=f"bank{suffixes[0]}",
        )


def check_category(category: str) -> str:
    """Return the parent category's name, or raise ExportError when it cannot be one."""
    if not category.strip():
        raise ExportError("the category name is empty", option="category", value="Sciatica")
    return category.strip()


def write_pieces(output: str | Path, pieces: Iterable[str], clean: Callable[[str], str]) -> None:
    """Write text pieces to `output` atomically as UTF-8, each passed through `clean` first.

    The garbage collector is paused: the pieces are many short-lived strings in no cycles, and its
    passes would walk every loaded question again and again.
    """
    with collector_paused(), open_output(output) as f:
        for piece in pieces:
            f.write(clean(piece).encode("utf-8"))


def _xml_clean(piece: str) -> str:
    return _NOT_XML.sub("\ufffd", piece) if _NOT_XML.search(piece) else piece


def write(
    library: Library, questions: Sequence[Question], output: str | Path, category: str | None = None
) -> ExportReport:
    """The exporter's entry point: write a Moodle XML file and say what it holds."""
    name = check_category(default_category(library, questions) if category is None else category)
    check_output(output, (".xml",), "a Moodle XML file's name")
    groups = by_topic(questions)
    write_pieces(output, moodle_xml(library, groups, name), _xml_clean)
    what = f"{plural(len(questions), 'question')} in {categories(len(groups))} under '{name}'"
    return ExportReport(((str(output), what),), notes=tuple(shared_notes(questions, any_order=True)))


EXPORTER = Exporter(
    name="moodle",
    summary="Moodle XML (.xml) for a question bank: a category per topic, every question type.",
    help="""Export Moodle XML (.xml) for a Moodle question bank: a category per topic, every question type.

    Each question keeps its per-choice feedback, its explanation and sources (as general
    feedback), its tags and an ID number made from the bank and question ids. Multiple-answer
    questions give partial credit; cloze questions become Embedded answers (Cloze). In Moodle,
    import it from the question bank's Import page with the format "Moodle XML format".

    \b
    Example:
      sciatica-quiz export moodle -o sciatica.xml --topic assessment --category "Sciatica week 3"
    """,
    extensions=(".xml",),
    write=write,
    options=(Option("category", "Name of the parent category  [default: Sciatica, or your banks' titles]"),),
)

"""Export questions as an Anki package (.apkg) that students can re-import without losing history.

Identity is permanent: note GUIDs come from the bank and question ids, deck ids from deck names,
note-type ids are hard-coded. A note's modification time is its question's `revised` date, so
Anki's default "update if newer" import replaces a note exactly when its author bumped `revised:`.

genanki supplies the collection schema, the note types and the decks; notes and cards are
inserted in bulk, and the zip is written with fixed timestamps, so the same banks always give
byte-identical files.
"""

from __future__ import annotations

import functools
import hashlib
import html
import itertools
import json
import os
import re
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from exporters.common import (
    STDOUT,
    Exporter,
    ExportReport,
    Option,
    atomic_path,
    check_target,
    collector_paused,
    derangement,
    prompt_for_card,
    question_tags,
    stable_order,
    write_failed,
)
from sciatica_quiz.errors import ExportError
from sciatica_quiz.model import LETTERS as LOWER_LETTERS
from sciatica_quiz.model import (
    Cloze,
    Library,
    Matching,
    MultipleAnswer,
    MultipleChoice,
    Question,
    QuestionType,
    ShortAnswer,
    TrueFalse,
    assert_never,
    topic_order,
    topic_title,
)
from sciatica_quiz.text import plural

DEFAULT_DECK = "Sciatica"
GUID_NAMESPACE = "sciatica-quiz"
# When the note types' templates or CSS last changed; bump it with any template change so that
# Anki takes the new look on import. The fields must never change.
NOTE_TYPES_REVISED = date(2026, 12, 1)
# Notes with no `revised:` date at all get this modification time.
DEFAULT_REVISED = date(2026, 1, 1)

# The note types' fields never change (a change would make Anki treat the note types as new).
# "Reserved" is a spare field for the future; Anki replaces every field of a note it updates, so it
# cannot hold a student's own notes.
FIELDS = ("Question", "Case", "Choices", "Answer", "Explanation", "Sources", "Id", "Reserved")
CLOZE_FIELDS = ("Text", "Question", "Case", "Explanation", "Sources", "Id", "Reserved")

# Hard-coded note-type ids: never change them, or students' notes stop updating.
MODEL_IDS: dict[QuestionType, int] = {
    QuestionType.MULTIPLE_CHOICE: 1607392301,
    QuestionType.MULTIPLE_ANSWER: 1607392302,
    QuestionType.TRUE_FALSE: 1607392303,
    QuestionType.SHORT_ANSWER: 1607392304,
    QuestionType.MATCHING: 1607392305,
    QuestionType.CLOZE: 1607392306,
}
# The line above each question: what kind of answer it wants (a prompt never repeats it).
INSTRUCTIONS: dict[QuestionType, str] = {
    QuestionType.MULTIPLE_CHOICE: "Choose one",
    QuestionType.MULTIPLE_ANSWER: "Select all that apply",
    QuestionType.TRUE_FALSE: "True or false?",
    QuestionType.SHORT_ANSWER: "Say or type the answer",
    QuestionType.MATCHING: "Matching",
    QuestionType.CLOZE: "Fill in the blank",
}
LETTERS = LOWER_LETTERS.upper()
MAX_ALSO_ACCEPTED = 3
ROOT_DESCRIPTION = (
    "Study questions with explanations and sources, one subdeck per topic in teaching order. "
    "Made with sciatica-quiz; a study aid, not medical advice."
)

# Every colour meets WCAG AA (4.5:1) on its background, light and night (tests/test_anki_cards.py
# checks the rendered cards with axe-core in Chromium). Nothing depends on colour alone: the right
# choices also carry a tick, bold text and a border.
CSS = """\
.card { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  font-size: 19px; line-height: 1.45; text-align: left; color: #1d1d1f; background: #fff;
  max-width: 42em; margin: 0 auto; padding: 1.1em .7em 1em; }
.kind { font-size: 13px; text-transform: uppercase; letter-spacing: .05em; color: #5f5f64; margin-bottom: .4em; }
.case { border-left: 4px solid #8a8a8f; padding: .3em .8em; margin: 0 0 .8em; background: #f4f4f6; }
.prompt { font-weight: 600; margin-bottom: .6em; }
.choice { position: relative; margin: .3em 0; padding: .2em .4em .2em 2.6em; text-indent: -1.7em;
  border-radius: 6px; border: 1px solid transparent; }
.letter { display: inline-block; width: 1.7em; text-indent: 0; font-weight: 700; }
.mark { position: absolute; left: .25em; top: .2em; text-indent: 0; font-weight: 700; }
.answer .choice { font-size: 17px; margin: .2em 0; padding-left: 2.9em; }
.correct { background: #e3f4e6; border-color: #2e7d32; font-weight: 700; }
.why { text-indent: 0; font-size: 14px; line-height: 1.35; font-weight: 400; color: #4d4d52; margin-top: .1em; }
.verdict { font-size: 24px; font-weight: 700; margin: .2em 0 .3em; }
.also { font-size: 15px; color: #4d4d52; }
.with { font-size: 15px; color: #4d4d52; margin: .5em 0 .2em; }
.item { margin: .25em 0; padding-left: 1.9em; text-indent: -1.9em; }
.item b { display: inline-block; width: 1.9em; text-indent: 0; }
.pair { margin: .3em 0; padding-left: 3.3em; text-indent: -3.3em; }
.pair .right { font-weight: 700; }
.pair .key { display: inline-block; width: 3.3em; text-indent: 0; font-weight: 700; white-space: nowrap; }
.explanation { margin: .9em 0; }
.sources { font-size: 15px; color: #4d4d52; border-top: 1px solid #d0d0d5; padding-top: .4em; margin-top: .8em; }
.sources summary { cursor: pointer; }
.source { margin: .35em 0; }
a { color: #0b57d0; overflow-wrap: anywhere; word-break: break-word; }
.cloze { font-weight: 700; color: #0b57d0; }
.nightMode.card, .nightMode .card, .night_mode .card, .card.night_mode { color: #e8e8ea; background: #1e1e20; }
.nightMode .case, .night_mode .case { background: #2a2a2e; border-left-color: #9a9aa0; }
.nightMode .correct, .night_mode .correct { background: #1c3a24; border-color: #66bb6a; }
.nightMode .kind, .night_mode .kind, .nightMode .why, .night_mode .why, .nightMode .also, .night_mode .also,
.nightMode .with, .night_mode .with, .nightMode .sources, .night_mode .sources { color: #c4c4c9; }
.nightMode a, .night_mode a, .nightMode .cloze, .night_mode .cloze { color: #8ab4f8; }
"""

_SOURCES = '{{#Sources}}<details class="sources"><summary>Sources</summary>{{Sources}}</details>{{/Sources}}'
_EXPLANATION = '{{#Explanation}}<div class="explanation">{{Explanation}}</div>{{/Explanation}}'


def _head(kind: QuestionType) -> str:
    return f'<div class="kind">{INSTRUCTIONS[kind]}</div>\n{{{{#Case}}}}<div class="case">{{{{Case}}}}</div>{{{{/Case}}}}\n'


def _front(kind: QuestionType) -> str:
    return (
        _head(kind)
        + '<div class="prompt">{{Question}}</div>\n{{#Choices}}<div class="choices">{{Choices}}</div>{{/Choices}}'
    )


def _back(kind: QuestionType) -> str:
    # Anki scrolls to #answer when the back is shown: the answer comes right after it, and the
    # front's choices are not repeated (the Answer field shows them once, the right ones marked).
    return (
        _head(kind) + '<div class="prompt">{{Question}}</div>\n<hr id="answer">\n'
        f'<div class="answer">{{{{Answer}}}}</div>\n{_EXPLANATION}\n{_SOURCES}'
    )


_CLOZE_HEAD = _head(QuestionType.CLOZE) + '{{#Question}}<div class="prompt">{{Question}}</div>{{/Question}}\n'
_CLOZE_FRONT = _CLOZE_HEAD + '<div class="clozetext">{{cloze:Text}}</div>'
_CLOZE_BACK = (
    _CLOZE_HEAD
    + '<hr id="answer">\n<div class="clozetext">{{cloze:Text}}</div>\n'
    + f"{_EXPLANATION}\n{_SOURCES}"
)


def build_models() -> dict[QuestionType, Any]:
    """Return the genanki note types, one per question kind, with their permanent ids."""
    import genanki

    models: dict[QuestionType, Any] = {}
    for kind, model_id in MODEL_IDS.items():
        label = f"sciatica-quiz {kind.label}"
        if kind is QuestionType.CLOZE:
            models[kind] = genanki.Model(
                model_id,
                label,
                fields=[{"name": f} for f in CLOZE_FIELDS],
                templates=[{"name": "Cloze", "qfmt": _CLOZE_FRONT, "afmt": _CLOZE_BACK}],
                css=CSS,
                model_type=genanki.Model.CLOZE,
            )
        else:
            models[kind] = genanki.Model(
                model_id,
                label,
                fields=[{"name": f} for f in FIELDS],
                templates=[{"name": "Card 1", "qfmt": _front(kind), "afmt": _back(kind)}],
                css=CSS,
            )
    return models


_BASE91 = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"


def guid(question: Question) -> str:
    """Return the note GUID: derived from the bank and question ids, never from content.

    The same value as genanki.guid_for(GUID_NAMESPACE, bank, id) (a test holds them equal),
    computed two base-91 digits at a time, not bit by bit, because exports of large banks call
    it for every note.
    """
    digest = hashlib.sha256(f"{GUID_NAMESPACE}__{question.bank}__{question.id}".encode()).digest()
    n = int.from_bytes(digest[:8], "big")
    pairs = _base91_pairs()
    out = ""
    while n >= 91 * 91:
        n, r = divmod(n, 91 * 91)
        out = pairs[r] + out
    if n:  # the leading digits carry no zero padding
        out = (_BASE91[n] if n < 91 else pairs[n]) + out
    return out


@functools.cache
def _base91_pairs() -> tuple[str, ...]:
    return tuple(a + b for a in _BASE91 for b in _BASE91)


def deck_id(name: str) -> int:
    """Return a stable deck id derived from the deck's full name."""
    digest = hashlib.sha256(f"{GUID_NAMESPACE}:deck:{name}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


# What Anki or MathJax would act on inside a field: MathJax delimiters, cloze and template braces,
# and the brackets that open a sound, text-to-speech ([anki:tts]) or LaTeX ([latex] [$] [$$]) tag;
# Anki reads LaTeX tags in any letter case and would run LaTeX on them.
_SPECIAL = re.compile(r"\\[()\[\]]|\{\{|\}\}|\[(?=sound:|anki:|/?latex\]|/?\$\$?\])", re.IGNORECASE)


# Every character escape() may change; most text has none, and one scan is cheaper than five.
_ESCAPED_CHARS = re.compile(r"[&<>\n\\\[{}]")


def escape(text: str) -> str:
    """Escape text so Anki shows it literally: HTML, MathJax delimiters, cloze braces and media tags."""
    if not _ESCAPED_CHARS.search(text):
        return text
    out = html.escape(text, quote=False)
    if "\n" in out:
        out = out.replace("\n", "<br>")
    # An empty span stops MathJax from seeing \( \[ and Anki from seeing {{ }} or its [...] tags.
    if "\\" in out or "[" in out or "{" in out or "}" in out:
        out = _SPECIAL.sub(lambda m: m.group(0)[0] + "<span></span>" + m.group(0)[1:], out)
    return out


def _choice_order(q: MultipleChoice | MultipleAnswer) -> list[str]:
    return stable_order(q.texts, "choices:" + q.uid) if q.shuffle else list(q.texts)


def _choices_html(q: MultipleChoice | MultipleAnswer, order: list[str]) -> tuple[str, str]:
    """Return the choices as the front shows them, and as the back shows them once: the right ones
    marked (tick, bold, border) and each with its why in small text."""
    front, back = [], []
    for letter, choice in zip(LETTERS, order, strict=False):
        text = escape(choice)
        front.append(f'<div class="choice"><span class="letter">{letter}.</span>{text}</div>')
        why = q.why(choice)
        note = f'<div class="why">{escape(why)}</div>' if why else ""
        right = choice in q.correct
        mark = '<span class="mark">✓</span>' if right else ""
        back.append(
            f'<div class="choice{" correct" if right else ""}">{mark}<span class="letter">{letter}.</span>{text}{note}</div>'
        )
    return "".join(front), "".join(back)


def _matching_rights(q: Matching) -> list[str]:
    # No right-hand item may stand at its partner's number: the front would show the answer.
    return derangement(q.rights, "pairs:" + q.uid)


def _matching_front(q: Matching, rights: list[str]) -> str:
    items = "".join(f'<div class="item"><b>{i}.</b>{escape(p.left)}</div>' for i, p in enumerate(q.pairs, 1))
    options = "".join(
        f'<div class="item"><b>{LETTERS[i]}.</b>{escape(r)}</div>' for i, r in enumerate(rights)
    )
    return f'{items}<div class="with">Match with:</div>{options}'


def _matching_answer(q: Matching, rights: list[str]) -> str:
    return "".join(
        f'<div class="pair"><span class="key">{i} → {LETTERS[rights.index(p.right)]}</span>'
        f'{escape(p.left)} — <span class="right">{escape(p.right)}</span></div>'
        for i, p in enumerate(q.pairs, 1)
    )


_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_NOT_WORD = re.compile(r"[\W_]+")


def _variant_key(answer: str) -> str:
    """Return what an accepted answer says beyond letter case, punctuation, spacing and an article."""
    return _NOT_WORD.sub("", _ARTICLE.sub("", answer.strip()).casefold())


def _short_answer(q: ShortAnswer) -> str:
    # A few variants at most, and only those that differ in more than case, dashes or an article.
    seen, also = {_variant_key(q.accepted[0])}, list[str]()
    for a in q.accepted[1:]:
        if len(also) == MAX_ALSO_ACCEPTED:
            break
        key = _variant_key(a)
        if key not in seen:
            seen.add(key)
            also.append(a)
    more = f'<div class="also">Also accepted: {escape("; ".join(also))}</div>' if also else ""
    return f'<div class="verdict">{escape(q.accepted[0])}</div>{more}'


def citations_html(library: Library) -> dict[str, str]:
    """Return each bibliography entry as one short line of escaped HTML, computed once per export."""
    out = {}
    for sid, src in library.sources.items():
        cite = escape(src.short_citation())
        if src.url:
            cite += f' <a href="{html.escape(src.url, quote=True)}">{escape(src.url)}</a>'
        out[sid] = f'<div class="source">{cite}</div>'
    return out


def _sources_html(q: Question, citations: dict[str, str]) -> str:
    return "".join(citations[sid] for sid in q.sources if sid in citations)


def _cloze_text(q: Cloze) -> str:
    """Return the cloze text with everything outside and inside the deletions escaped."""
    parts: list[str] = []
    for s in q.segments:
        if isinstance(s, str):
            parts.append(escape(s))
        else:
            hint = f"::{escape(s.hint)}" if s.hint else ""
            parts.append(f"{{{{c{s.number}::{escape(s.answer)}{hint}}}}}")
    return "".join(parts)


def note_fields(q: Question, citations: dict[str, str]) -> list[str]:
    """Return the note's field values (HTML) in the note type's field order."""
    case = escape(q.case) if q.case else ""
    sources = _sources_html(q, citations)
    # The shuffled order is worked out once: front and back show it alike.
    match q:
        case Cloze():
            prompt = escape(q.prompt) if q.prompt else ""
            return [_cloze_text(q), prompt, case, escape(q.explanation), sources, escape(q.uid), ""]
        case MultipleChoice() | MultipleAnswer():
            choices, answer = _choices_html(q, _choice_order(q))
        case Matching():
            order = _matching_rights(q)
            choices, answer = _matching_front(q, order), _matching_answer(q, order)
        case TrueFalse():
            choices, answer = "", f'<div class="verdict">{q.answer_text()}</div>'
        case ShortAnswer():
            choices, answer = "", _short_answer(q)
        case _:
            assert_never(q)
    return [
        escape(prompt_for_card(q)),
        case,
        choices,
        answer,
        escape(q.explanation),
        sources,
        escape(q.uid),
        "",
    ]


def note_tags(q: Question) -> list[str]:
    """Return the note's tags: topic, difficulty, then the question's own tags."""
    return question_tags(q.topic, q.difficulty, q.tags)


@functools.lru_cache(maxsize=1024)
def _epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc).timestamp())


def deck_name_problem(name: str) -> str | None:
    """Return why a root deck name cannot be used, or None when it can."""
    if not name.strip():
        return "the deck name is empty"
    if "::" in name:
        return f"deck name {name!r} contains '::', which Anki reads as a subdeck; give a plain name (a subdeck per topic is added)"
    return None


def default_deck_name(library: Library, questions: Sequence[Question]) -> str:
    """Return the root deck's name when none is given: "Sciatica", or the instructor's bank titles."""
    from sciatica_quiz.selection import default_name

    return default_name(library, questions).replace("::", ":")


@dataclass(frozen=True)
class AnkiReport:
    """What an export wrote."""

    path: str
    notes: int
    cards: int
    decks: tuple[str, ...]


def export_anki(
    library: Library,
    questions: Sequence[Question],
    path: str | Path,
    deck_name: str = DEFAULT_DECK,
    progress: Callable[[int], None] | None = None,
) -> AnkiReport:
    """Write questions to an .apkg file atomically, one subdeck per topic, in bank order."""
    problem = deck_name_problem(deck_name)
    if problem:
        raise ExportError(problem, option="deck_name")
    deck_name = deck_name.strip()
    if str(path) != STDOUT and check_target(path).suffix.lower() != ".apkg":
        raise ExportError(
            f"{path}: an Anki package's name must end in .apkg, or Anki will not open it",
            option="output",
            value="deck.apkg",
        )
    # Anki lists subdecks alphabetically: a number keeps the teaching order (anatomy first).
    topics = topic_order(q.topic for q in questions)
    deck_names = {t: f"{deck_name}::{n:02d} {topic_title(t)}" for n, t in enumerate(topics, 1)}
    descriptions = {deck_name: ROOT_DESCRIPTION} | {
        deck_names[b.topic]: b.description or "" for b in library.banks if b.topic in deck_names
    }
    deck_ids = {topic: deck_id(name) for topic, name in deck_names.items()}
    citations = citations_html(library)
    # Notes are made one at a time as SQLite takes them, so a large export never holds every
    # note's HTML at once; the small card rows are kept until the notes are in.
    cards: list[tuple[Any, ...]] = []

    def note_rows() -> Iterator[tuple[Any, ...]]:
        # Row ids only need to be unique and repeatable; Anki matches notes by GUID.
        ids = itertools.count(_epoch(NOTE_TYPES_REVISED) * 1000)
        for position, q in enumerate(questions):
            nid = next(ids)
            mod = _epoch(q.revised or DEFAULT_REVISED)
            fields = note_fields(q, citations)
            tags = " " + " ".join(note_tags(q)) + " "
            # The notes table's columns: id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data.
            yield (nid, guid(q), MODEL_IDS[q.type], mod, -1, tags, "\x1f".join(fields), fields[0], 0, 0, "")
            ords = sorted({b.number - 1 for b in q.blanks}) if isinstance(q, Cloze) else [0]
            for ord_ in ords:
                # The cards table's columns: id, nid, did, ord, mod, usn, type, queue, due (the new
                # card's position), ivl, factor, reps, lapses, left, odue, odid, flags, data.
                cards.append(
                    (
                        next(ids),
                        nid,
                        deck_ids[q.topic],
                        ord_,
                        mod,
                        -1,
                        0,
                        0,
                        position + 1,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        "",
                    )
                )
            if progress is not None:
                progress(1)

    # Paused: the notes are many short-lived objects and no cycles, and on a large library the
    # collector's passes over every loaded question cost more than they free.
    with collector_paused(), atomic_path(path) as final_tmp, tempfile.TemporaryDirectory() as work:
        db_path = os.path.join(work, "collection.anki2")
        conn = sqlite3.connect(db_path)
        try:
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            indexes = _empty_collection(conn, [deck_name, *deck_names.values()], descriptions)
            conn.executemany("INSERT INTO notes VALUES(?,?,?,?,?,?,?,?,?,?,?)", note_rows())
            conn.executemany("INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", cards)
            conn.executescript(indexes)
            conn.commit()
        except sqlite3.Error as exc:  # the temporary collection could not be written: a full disk
            raise write_failed(path, str(exc)) from None
        finally:
            conn.close()
        _write_zip(Path(db_path), final_tmp)
    return AnkiReport(str(path), len(questions), len(cards), (deck_name, *deck_names.values()))


def _empty_collection(conn: sqlite3.Connection, decks: list[str], descriptions: dict[str, str]) -> str:
    """Create an empty Anki collection with these decks and the note types; return its index SQL.

    This is the one place that uses genanki's internals (its collection schema, its default `col`
    row, and Deck/Model.to_json). genanki's public Package cannot set each note's modification time
    (from `revised:`, so that re-imports update in place) or write byte-identical files, so notes
    and cards are inserted here directly. pyproject.toml bounds genanki (<0.14), and the tests
    import every export into real Anki, so a change in these internals fails loudly.
    """
    import genanki
    from genanki.apkg_col import APKG_COL
    from genanki.apkg_schema import APKG_SCHEMA

    # Indexes are built after the bulk insert: one sort instead of one update per row.
    statements = [st.strip() for st in APKG_SCHEMA.split(";") if st.strip()]
    indexes = [st for st in statements if st.upper().startswith("CREATE INDEX")]
    conn.executescript(";\n".join(st for st in statements if st not in indexes) + ";")
    conn.executescript(APKG_COL)
    all_decks = json.loads(conn.execute("SELECT decks FROM col").fetchone()[0])
    for name in decks:
        deck = genanki.Deck(deck_id(name), name, description=descriptions.get(name, "")).to_json()
        all_decks[str(deck["id"])] = deck
    first_deck = deck_id(decks[1]) if len(decks) > 1 else deck_id(decks[0])
    model_time = _epoch(NOTE_TYPES_REVISED)
    model_json = {str(m.model_id): m.to_json(model_time, first_deck) for m in build_models().values()}
    conn.execute("UPDATE col SET decks = ?, models = ?", (json.dumps(all_decks), json.dumps(model_json)))
    return ";\n".join(indexes) + ";"


def write(
    library: Library,
    questions: Sequence[Question],
    output: str | Path,
    deck_name: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ExportReport:
    """The exporter's entry point: write an .apkg and say what it holds."""
    name = default_deck_name(library, questions) if deck_name is None else deck_name
    report = export_anki(library, questions, output, name, progress=progress)
    what = f"{plural(report.notes, 'note')}, {plural(report.cards, 'card')} in {plural(len(report.decks) - 1, 'subdeck')} of '{name}'"
    return ExportReport(((str(output), what),))


EXPORTER = Exporter(
    name="anki",
    summary="An Anki deck (.apkg): one subdeck per topic, every question type.",
    help="""Export an Anki deck (.apkg): one subdeck per topic, every question type.

    Re-importing a newer export updates notes in place and keeps review history, as long as
    question ids stay the same; bump a question's `revised:` date when you change it.

    \b
    Example:
      sciatica-quiz export anki -o sciatica.apkg --topic assessment --deck-name "Sciatica red flags"
    """,
    extensions=(".apkg",),
    write=write,
    options=(Option("deck-name", "Name of the root deck  [default: Sciatica, or your banks' titles]"),),
    binary=True,
    progress=True,
)


def _write_zip(db_path: Path, target: Path) -> None:
    """Write the package zip with fixed timestamps so identical input gives identical bytes.

    The collection is copied into the zip in chunks rather than read whole: on a large export it
    is the biggest thing the process would hold.
    """
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with (
            open(db_path, "rb") as src,
            zf.open(_member("collection.anki2", db_path.stat().st_size), "w") as dest,
        ):
            shutil.copyfileobj(src, dest, 1024 * 1024)
        with zf.open(_member("media", 2), "w") as dest:
            dest.write(b"{}")


def _member(name: str, size: int) -> zipfile.ZipInfo:
    """Return a zip entry with a fixed date and mode, its size known up front as writestr knows it."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info._compresslevel = 1  # type: ignore[attr-defined]  # what writestr(compresslevel=1) sets
    info.external_attr = 0o644 << 16
    info.file_size = size
    return info

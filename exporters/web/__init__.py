"""Export an offline study page: one self-contained HTML file with spaced repetition that remembers.

The page holds the selected questions as JSON (inside a `<script type="application/json">`, which
the browser never runs), the grading rules as JSON, and three scripts: `fsrs.js` (the CLI's FSRS
scheduler, ported), `grading.js` (the CLI's typed-answer grading, ported) and `app.js` (the page).
A Content-Security-Policy meta tag allows exactly those inline scripts and the inline style, by
hash, and forbids every fetch, so the page makes no network request and bank text, inserted only
as text, can never run.

Progress lives in the browser's localStorage, keyed by bank and question id, and moves to and from
the CLI as a progress file (sciatica_quiz.progressfile).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections.abc import Sequence
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from exporters.common import Exporter, ExportReport, Option, check_target, open_output, prompt_for_card
from sciatica_quiz import __version__
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

HERE = Path(__file__).parent
SCRIPTS = ("fsrs.js", "grading.js", "app.js")
DEFAULT_NEW_PER_DAY = 10


def _question(q: Question) -> dict[str, Any]:
    """Return what the page needs to show and grade one question."""
    out: dict[str, Any] = {
        "uid": q.uid,
        "bank": q.bank,
        "topic": q.topic,
        "type": q.type.value,
        "prompt": prompt_for_card(q) or _default_prompt(q),
        "explanation": q.explanation,
        "sources": list(q.sources),
        "difficulty": q.difficulty,
        "tags": list(q.tags),
    }
    if q.case:
        out["case"] = q.case
    match q:
        case MultipleChoice() | MultipleAnswer():
            out["choices"] = [{"text": c.text, "why": c.why or "", "correct": c.correct} for c in q.choices]
            out["shuffle"] = q.shuffle
        case TrueFalse():
            out["answer"] = q.answer
        case ShortAnswer():
            out["accepted"] = list(q.accepted)
        case Cloze():
            # each blank by its 0-based position among the blanks, as `blanks` lists them
            out["segments"] = [
                s if isinstance(s, str) else {"blank": s.index - 1, "hint": s.hint or ""} for s in q.segments
            ]
            out["blanks"] = [{"answer": b.answer, "accepted": list(b.accepted)} for b in q.blanks]
            out["anyOrder"] = [list(group) for group in q.any_order_positions]
        case Matching():
            out["pairs"] = [[p.left, p.right] for p in q.pairs]
        case _:
            assert_never(q)
    return out


def _default_prompt(q: Question) -> str:
    """Return a heading for a question without a prompt (a cloze may have none)."""
    blanks = len({b.number for b in q.blanks}) if isinstance(q, Cloze) else 1
    return "Fill in the blanks." if blanks > 1 else "Fill in the blank."


def page_data(
    library: Library, questions: Sequence[Question], title: str, new_per_day: int
) -> dict[str, Any]:
    """Return the page's data: questions in bank order, the sources they cite, topics in teaching order."""
    cited = dict.fromkeys(sid for q in questions for sid in q.sources if sid in library.sources)
    sources = {}
    for sid in cited:
        src = library.sources[sid]
        sources[sid] = {"short": src.short_citation(), "url": src.url or ""}
    topics = topic_order(q.topic for q in questions)
    return {
        "title": title,
        "version": __version__,
        "exported": date.today().isoformat(),
        "newPerDay": new_per_day,
        "topics": [{"id": t, "title": topic_title(t)} for t in topics],
        "sources": sources,
        "questions": [_question(q) for q in questions],
    }


def _json_for_script(value: Any) -> str:
    """Return JSON that cannot end the <script> element holding it, whatever the bank says."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def build_page(
    library: Library, questions: Sequence[Question], title: str, new_per_day: int = DEFAULT_NEW_PER_DAY
) -> str:
    """Return the study page's HTML for these questions."""
    style = (HERE / "app.css").read_text(encoding="utf-8")
    scripts = [(HERE / name).read_text(encoding="utf-8") for name in SCRIPTS]
    rules = resources.files("sciatica_quiz").joinpath("grading_rules.json").read_text(encoding="utf-8")
    csp = "; ".join(
        [
            "default-src 'none'",
            "script-src " + " ".join(f"'{_sha256(s)}'" for s in scripts),
            f"style-src '{_sha256(style)}'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    data = _json_for_script(page_data(library, questions, title, new_per_day))
    rules_json = _json_for_script(json.loads(rules))
    template = (HERE / "page.html").read_text(encoding="utf-8")
    parts = {
        "CSP": html.escape(csp, quote=False).replace('"', "&quot;"),
        "TITLE": html.escape(title),
        "STYLE": style,
        "BANK": data,
        "RULES": rules_json,
        "SCRIPTS": "\n".join(f"<script>{s}</script>" for s in scripts),
    }
    out = template
    for key, value in parts.items():
        out = out.replace("{{" + key + "}}", value, 1)
    return out


def write(
    library: Library,
    questions: Sequence[Question],
    output: str | Path,
    title: str | None = None,
    new_per_day: int = DEFAULT_NEW_PER_DAY,
) -> ExportReport:
    """The exporter's entry point: write the study page and say what it holds."""
    if not questions:
        raise ExportError("no questions selected: the page would be empty")
    if str(output) != "-" and check_target(output).suffix.lower() not in (".html", ".htm"):
        raise ExportError(
            f"{output}: a study page's name must end in .html, so that a phone opens it in the browser",
            option="output",
            value="sciatica.html",
        )
    from sciatica_quiz.selection import default_name

    name = (title or "").strip() or default_name(library, questions)
    page = build_page(library, questions, name, new_per_day).encode("utf-8")
    with open_output(output) as out:
        out.write(page)
    what = f"a study page of {plural(len(questions), 'question')} ({len(page) / 1024:.0f} KB)"
    return ExportReport(((str(output), what),))


EXPORTER = Exporter(
    name="web",
    summary="An offline study page (.html): study, practice, exam and browse on any phone.",
    help="""Export an offline study page: one .html file that works on any phone or computer.

    Students open it in a browser, with no account, install or network: spaced-repetition study
    (the same scheduler as `sciatica-quiz study`), practice with feedback, an exam mode, and
    browsing with answers and sources. Progress stays in the browser and moves to and from the
    CLI with the page's Export/Import buttons and `sciatica-quiz progress import/export`.

    \b
    Example:
      sciatica-quiz export web -o sciatica.html --topic assessment --title "Red flags review"
    """,
    extensions=(".html",),
    write=write,
    options=(
        Option("title", "The page's title  [default: Sciatica, or your banks' titles]"),
        Option(
            "new-per-day",
            "New questions a student studies per day, until they change it on the page.",
            type="int",
            minimum=0,
            maximum=1000,
            default=DEFAULT_NEW_PER_DAY,
            show_default=True,
        ),
    ),
)

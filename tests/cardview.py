"""Cards as students see them: an export imported into a real Anki collection, each card rendered
by Anki itself, then wrapped the way Anki's clients wrap it and opened in headless Chromium.

Used by the card tests and by docs/screenshots/make.py, so the screenshots show what the tests check.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from exporters.anki import export_anki
from sciatica_quiz.model import Library, Question

JS_TOOLS = Path(__file__).parent / "js" / "node_modules"
AXE = JS_TOOLS / "axe-core" / "axe.min.js"

Client = Literal["phone", "desktop"]
VIEWPORTS: dict[Client, tuple[int, int]] = {"phone": (390, 844), "desktop": (1000, 800)}


@dataclass(frozen=True)
class RenderedCard:
    """One card as Anki renders it: the note's bank/id, its note type, which card of the note."""

    uid: str
    note_type: str
    ord: int
    front: str
    back: str
    css: str

    @property
    def name(self) -> str:
        return f"{self.uid}#{self.ord + 1}" if self.note_type.endswith("cloze") else self.uid


def import_apkg(col: Any, path: Path) -> None:
    """Import a package into a real Anki collection as a student does, review history included."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    options = ImportAnkiPackageOptions(with_scheduling=True)
    col.import_anki_package(ImportAnkiPackageRequest(package_path=str(path), options=options))


def render_cards(library: Library, questions: Sequence[Question]) -> list[RenderedCard]:
    """Export the questions, import them into a fresh Anki collection and render every card."""
    from anki.collection import Collection

    with tempfile.TemporaryDirectory() as work:
        package = Path(work) / "deck.apkg"
        export_anki(library, questions, package)
        col = Collection(str(Path(work) / "collection.anki2"))
        try:
            import_apkg(col, package)
            out = []
            for cid in sorted(col.find_cards("")):
                card = col.get_card(cid)
                note = card.note()
                rendered = card.render_output()
                out.append(
                    RenderedCard(
                        uid=note["Id"],
                        note_type=str(note.note_type()["name"]),  # type: ignore[index]
                        ord=card.ord,
                        front=rendered.question_text,
                        back=rendered.answer_text,
                        css=rendered.css,
                    )
                )
            return out
        finally:
            col.close()


def client_page(card_html: str, css: str, *, night: bool = False, client: Client = "phone") -> str:
    """Return a page that holds a card the way the client does.

    Both clients put the card classes on <body> (and nightMode/night_mode in night mode); AnkiDroid
    adds no body margin and a small #content margin, the desktop reviewer a 20 px body margin.
    """
    night_classes = " nightMode night_mode" if night else ""
    base = "body { margin: 0 } #content { margin: .5em }" if client == "phone" else "body { margin: 20px }"
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{base}</style><style>{css}</style></head>"
        f'<body class="card card1{night_classes}"><div id="content"><div id="qa">{card_html}</div></div>'
        "</body></html>"
    )


def launch_browser(playwright: Any) -> Any:
    """Launch Debian's Chromium (never a downloaded one) headless."""
    return playwright.chromium.launch(executable_path=shutil.which("chromium"))


def browser_missing() -> str | None:
    """Return why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    if not shutil.which("chromium"):
        return "Debian's chromium is not installed (apt-get install chromium)"
    return None

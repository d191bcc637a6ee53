"""Make the screenshots in docs/screenshots/ from real exports of the built-in banks.

Study page: the built-in banks' page (export web) in Chromium at 390×844, light and dark, each
screen a student meets, with the clock fixed so the pictures repeat.

Cards: exported to .apkg, imported into a real Anki collection, rendered by Anki, shown in headless
Chromium as AnkiDroid shows them (390×844), light and night; each picture puts the front beside the
back as it looks right after flipping (Anki scrolls to the answer). Handouts: exported with the CLI,
first pages rasterised with pdftoppm (poppler-utils); the HTML study guide shot in Chromium.

Needs the test extras (pip install -e '.[test]'), Debian's chromium and poppler-utils:

    python docs/screenshots/make.py
"""

from __future__ import annotations

import base64
import html
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "tests"))

from cardview import VIEWPORTS, client_page, launch_browser, render_cards  # noqa: E402
from pageview import answer, question_on_screen  # noqa: E402

from exporters.web import build_page  # noqa: E402
from sciatica_quiz.loader import load_library  # noqa: E402
from sciatica_quiz.model import MultipleChoice, ShortAnswer  # noqa: E402

# One typical card per kind, from different banks.
CARDS = {
    "multiple-choice": "assessment/cancer-history-case",
    "multiple-answer": "anatomy/below-piriformis",
    "true-false": "anatomy/lower-lumbar-canal-case",
    "short-answer": "assessment/ces-where-to-send",
    "matching": "symptoms/look-alikes-matching",
    "cloze": "anatomy/division-cloze",
}
HANDOUTS = {"study-guide": "Study guide", "worksheet": "Worksheet", "answer-key": "Answer key"}


def side_by_side(page: object, shots: list[tuple[str, bytes]], night: bool) -> bytes:
    """Return one PNG of the shots next to each other, each under a caption."""
    background, colour = ("#000", "#ddd") if night else ("#e9e9ee", "#333")
    cells = "".join(
        f"<figure><figcaption>{html.escape(caption)}</figcaption>"
        f'<img src="data:image/png;base64,{base64.b64encode(png).decode()}"></figure>'
        for caption, png in shots
    )
    page.set_content(  # type: ignore[attr-defined]
        f"<body style='margin:0;background:{background};font:15px sans-serif;color:{colour}'>"
        f"<div id=row style='display:inline-flex;gap:16px;padding:12px'>{cells}</div></body>"
    )
    page.add_style_tag(  # type: ignore[attr-defined]
        content="figure{margin:0} figcaption{margin:0 0 6px} img{display:block;border:1px solid #888}"
    )
    return page.locator("#row").screenshot()  # type: ignore[attr-defined, no-any-return]


def card_shots(browser: object) -> None:
    library = load_library()
    wanted = {uid for uid in CARDS.values()}
    cards = {
        c.uid: c
        for c in render_cards(library, [q for q in library.questions if q.uid in wanted])
        if c.ord == 0
    }
    width, height = VIEWPORTS["phone"]
    phone = browser.new_page(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
    sheet = browser.new_page(viewport={"width": 900, "height": 1000})  # type: ignore[attr-defined]
    for kind, uid in CARDS.items():
        card = cards[uid]
        for night in (False, True):
            phone.set_content(client_page(card.front, card.css, night=night))
            front = phone.screenshot()
            phone.set_content(client_page(card.back, card.css, night=night))
            phone.evaluate("document.getElementById('answer').scrollIntoView()")
            back = phone.screenshot()
            shots = [("Front", front), ("Back, as it opens after flipping", back)]
            out = HERE / f"{kind}-{'night' if night else 'light'}.png"
            out.write_bytes(side_by_side(sheet, shots, night))
            print(out.relative_to(REPO))


def handout_shots(browser: object, work: Path) -> None:
    if not shutil.which("pdftoppm"):
        sys.exit("pdftoppm is missing: apt-get install poppler-utils")
    sheet = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    for kind, caption in HANDOUTS.items():
        pdf = work / f"{kind}.pdf"
        cli = [sys.executable, "-m", "sciatica_quiz", "export", "handout", "--kind", kind, "-o", str(pdf)]
        subprocess.run([*cli, "--seed", "7"] if kind != "study-guide" else cli, check=True)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(pdf), str(work / kind)], check=True
        )
        pages = sorted(work.glob(f"{kind}-*.png"))
        shots = [(f"{caption}, page {n}", p.read_bytes()) for n, p in enumerate(pages, 1)]
        out = HERE / f"handout-{kind}.png"
        out.write_bytes(side_by_side(sheet, shots, night=False))
        print(out.relative_to(REPO))
    guide = work / "guide.html"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "sciatica_quiz",
            "export",
            "handout",
            "--kind",
            "study-guide",
            "-o",
            str(guide),
        ],
        check=True,
    )
    width, height = VIEWPORTS["phone"]
    phone = browser.new_page(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
    phone.goto(guide.as_uri())
    top = phone.screenshot()
    phone.evaluate("document.getElementById('sources').scrollIntoView()")
    sources = phone.screenshot()
    shots = [("HTML study guide: contents", top), ("Its bibliography, linked from each [n]", sources)]
    out = HERE / "handout-study-guide-html-phone.png"
    out.write_bytes(side_by_side(sheet, shots, night=False))
    print(out.relative_to(REPO))


WEB_SCREENS = ("home", "question", "feedback", "study-rating", "results", "browse")


def web_screens(page: object, library: object) -> dict[str, bytes]:
    """Walk the study page through each screen; return a phone screenshot of each."""
    shots: dict[str, bytes] = {}
    p: Any = page
    shots["home"] = p.screenshot()
    p.click("#start-study")
    while not isinstance(q := question_on_screen(p, library), MultipleChoice):  # type: ignore[arg-type]
        answer(p, q, right=True)
        p.click("#rate-good")
    shots["question"] = p.screenshot()
    answer(p, q, right=False)
    p.evaluate("document.getElementById('answer-form').scrollIntoView()")
    shots["feedback"] = p.screenshot()
    p.click("#next")
    q = question_on_screen(p, library)  # type: ignore[arg-type]
    answer(p, q, right=True)
    p.evaluate("document.querySelector('.ratings').scrollIntoView({block: 'end'})")
    shots["study-rating"] = p.screenshot()
    p.click(".quit")
    p.click("#home")
    p.click("#start-exam")
    for n in range(10):
        q = question_on_screen(p, library)  # type: ignore[arg-type]
        answer(p, q, right=n % 3 != 0 or isinstance(q, ShortAnswer))
    shots["results"] = p.screenshot()
    p.click("#home")
    p.click("#start-browse")
    p.locator("details.topic summary").first.click()
    p.locator("details.q summary").first.click()
    shots["browse"] = p.screenshot()
    return shots


def web_shots(browser: object, work: Path) -> None:
    from datetime import datetime, timezone

    library = load_library()
    page_file = work / "sciatica.html"
    page_file.write_text(build_page(library, library.questions, "Sciatica"), encoding="utf-8")
    width, height = VIEWPORTS["phone"]
    sheet = browser.new_page(viewport={"width": 900, "height": 1000})  # type: ignore[attr-defined]
    by_scheme = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)  # type: ignore[attr-defined]
        page = context.new_page()
        page.clock.set_fixed_time(datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc))
        page.goto(page_file.as_uri())
        by_scheme[scheme] = web_screens(page, library)
        context.close()
    for name in WEB_SCREENS:
        shots = [(f"{name.replace('-', ' ').capitalize()}, light", by_scheme["light"][name]),
                 (f"{name.replace('-', ' ').capitalize()}, dark", by_scheme["dark"][name])]  # fmt: skip
        out = HERE / f"web-{name}.png"
        out.write_bytes(side_by_side(sheet, shots, night=False))
        print(out.relative_to(REPO))


def main() -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p, tempfile.TemporaryDirectory() as work:
        browser = launch_browser(p)
        try:
            card_shots(browser)
            handout_shots(browser, Path(work))
            web_shots(browser, Path(work))
        finally:
            browser.close()


if __name__ == "__main__":
    main()

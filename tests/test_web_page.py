"""The offline study page, driven in headless Chromium as a student uses it on a phone and a laptop.

Each test opens the exported file from disk, answers through the page's own controls (taps, typing,
the keyboard), and checks what a student sees; progress goes out through the page's Export button
and into the CLI's store, and back. Every page load records its network requests and script
errors, and a test fails on any of them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, SAMPLE, run
from pageview import answer, expect, question_on_screen
from test_progress_file import BAD_FILES, GOOD_REVIEW

from exporters.web import build_page
from sciatica_quiz.loader import load_library
from sciatica_quiz.model import (
    Cloze,
    Library,
    MultipleAnswer,
    MultipleChoice,
    ShortAnswer,
    TrueFalse,
)
from sciatica_quiz.store import Store

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def write_page(library: Library, path: Path, title: str = "Test page") -> Path:
    path.write_text(build_page(library, library.questions, title), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def sample_library() -> Library:
    return load_library([SAMPLE], builtin=False)


@pytest.fixture(scope="module")
def sample_page(sample_library: Library, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_page(sample_library, tmp_path_factory.mktemp("web") / "sample.html")


@pytest.fixture(scope="module")
def builtin_library() -> Library:
    return load_library()


@pytest.fixture(scope="module")
def builtin_page(builtin_library: Library, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_page(builtin_library, tmp_path_factory.mktemp("web") / "sciatica.html", "Sciatica")


class Watched:
    """A browser page that records every request and every script error."""

    def __init__(self, page: Any, url: str) -> None:
        self.page = page
        self.url = url
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def check_clean(self) -> None:
        assert self.errors == []
        assert self.dialogs == []
        assert set(self.requests) <= {self.url}, self.requests


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    contexts: list[tuple[Any, Watched]] = []

    def opener(
        path: Path,
        viewport: dict[str, int] = PHONE,
        scheme: str = "light",
        at: datetime | None = T0,
        bypass_csp: bool = False,
    ) -> Watched:
        # bypass_csp only to let axe-core in: the page's own policy forbids any other script
        context = browser.new_context(
            viewport=viewport, color_scheme=scheme, accept_downloads=True, bypass_csp=bypass_csp
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        if at is not None:
            page.clock.set_fixed_time(at)
        watched = Watched(page, path.as_uri())
        page.goto(path.as_uri())
        contexts.append((context, watched))
        return watched

    yield opener
    for context, watched in contexts:
        try:
            watched.check_clean()
        finally:
            context.close()


def test_the_built_in_page_is_small_and_self_contained(builtin_page: Path) -> None:
    text = builtin_page.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) <= 1024 * 1024
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', text)
    assert csp and "default-src 'none'" in csp.group(1) and "unsafe" not in csp.group(1)
    assert not re.search(r"<(?:script|link|img|iframe)[^>]+(?:src|href)=", text)  # nothing to fetch


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("right", [True, False], ids=["right", "wrong"])
def test_every_kind_answered_with_feedback(
    open_page: Any, sample_page: Path, sample_library: Library, viewport: dict[str, int], right: bool
) -> None:
    w = open_page(sample_page, viewport)
    page = w.page
    page.click("#start-practice")
    kinds = set()
    for _ in range(len(sample_library.questions)):
        q = question_on_screen(page, sample_library)
        kinds.add(q.type)
        answer(page, q, right)
        box = page.locator("#feedback")
        assert box.locator(".verdict").inner_text() == ("✓ Right" if right else "✗ Not quite")
        assert q.explanation in box.inner_text()
        sources = box.locator("details.sources")
        assert sources.count() == 1 and sources.get_attribute("open") is None  # collapsed
        if isinstance(q, MultipleChoice | MultipleAnswer):
            for c in q.choices:
                label = page.locator("label.option", has=page.get_by_text(c.text, exact=True))
                picked = (
                    c.correct == right
                    if right
                    else c.text == next(x.text for x in q.choices if not x.correct)
                )
                if c.why and (picked or c.correct):
                    assert c.why in label.inner_text()  # the why of the chosen choice, and of the right one
        if not right and isinstance(q, ShortAnswer | Cloze):
            assert page.locator("#claim").is_visible()  # "I was right" is offered for typed answers
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.click("#next")
    assert kinds == {type(q).type for q in sample_library.questions} or len(kinds) == 6
    assert page.locator("h1").inner_text() == "Practice results"
    score = page.locator(".verdict").inner_text()
    assert score.startswith("6 of 6" if right else "0 of 6")


def test_study_keeps_progress_over_a_reload_and_the_cli_schedules_it_the_same(
    open_page: Any, sample_page: Path, sample_library: Library, tmp_path: Path
) -> None:
    w = open_page(sample_page)
    page = w.page
    page.click("#start-study")
    seen = []
    for n in range(4):
        page.clock.set_fixed_time(T0 + timedelta(seconds=40 * n))
        q = question_on_screen(page, sample_library)
        seen.append(q.uid)
        answer(page, q, right=n != 1)
        if n == 1:
            page.click("#next")
        else:
            assert "minutes" in page.locator("#rate-good").inner_text()  # when it comes back
            page.click("#rate-good")
    page.reload()
    assert page.locator(".stats").inner_text().replace("\n", " ").count("4 studied") == 1
    page.locator("details.transfer summary").click()
    with page.expect_download() as download:
        page.click("#export-progress")
    exported = tmp_path / "page-progress.json"
    download.value.save_as(exported)
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert [r["question"] for r in data["reviews"]] == seen
    assert [r["correct"] for r in data["reviews"]] == [True, False, True, True]

    store_dir = tmp_path / "cli"
    result = run(["progress", "import", str(exported), "--data-dir", str(store_dir)], catch=False)
    assert result.stdout == f"Imported {exported}: 4 new reviews of 4 questions\n"
    with Store.open(store_dir) as store:
        for uid in seen:
            page_card = json.loads(page.evaluate("(uid) => SciaticaStudyPage.cardJSON(uid)", uid))
            cli_card = json.loads(
                store._query("SELECT card FROM cards WHERE bank || '/' || question = ?", (uid,))[0][0]
            )
            page_card.pop("card_id")
            cli_card.pop("card_id")
            assert page_card == cli_card, uid
        # The CLI studies one more on the next day, and the page takes it in without doubling anything.
        q = sample_library.questions[0]
        from sciatica_quiz.store import Rating

        store.review(q, Rating.GOOD, correct=True, at=T0 + timedelta(days=1))
    back = tmp_path / "cli-progress.json"
    run(["progress", "export", "-o", str(back), "--data-dir", str(store_dir)], catch=False)
    page.clock.set_fixed_time(T0 + timedelta(days=1, hours=1))
    page.locator("details.transfer summary").click()
    page.set_input_files("#import-file", str(back))
    notice = page.locator(".notice").inner_text()
    assert (
        notice
        == "Imported cli-progress.json: 1 new review of 1 question; 4 reviews already here, not counted again."
    )
    page.locator("details.transfer summary").click()
    page.set_input_files("#import-file", str(back))
    expect(page.locator(".notice")).to_have_text(
        "Imported cli-progress.json: 0 new reviews of 0 questions; 5 reviews already here, not counted again."
    )
    with Store.open(store_dir) as store:
        cli_card = json.loads(
            store._query("SELECT card FROM cards WHERE bank = ? AND question = ?", (q.bank, q.id))[0][0]
        )
    page_card = json.loads(page.evaluate("(uid) => SciaticaStudyPage.cardJSON(uid)", q.uid))
    assert {k: v for k, v in page_card.items() if k != "card_id"} == {
        k: v for k, v in cli_card.items() if k != "card_id"
    }


def test_i_was_right_in_study_counts_as_good_and_reaches_the_cli(
    open_page: Any, sample_page: Path, sample_library: Library, tmp_path: Path
) -> None:
    w = open_page(sample_page)
    page = w.page
    page.click("#start-study")
    for _ in range(len(sample_library.questions)):
        q = question_on_screen(page, sample_library)
        if isinstance(q, ShortAnswer):
            page.fill("#typed", "the fibular one around the neck")
            page.click("#check")
            page.click("#claim")
            assert "Counted as right" in page.locator("#main").inner_text()
            break
        answer(page, q, right=True)
        page.click("#rate-good")
    else:
        pytest.fail("no short-answer question came up")
    page.click(".quit")
    page.click("#home")
    page.locator("details.transfer summary").click()
    with page.expect_download() as download:
        page.click("#export-progress")
    path = tmp_path / "p.json"
    download.value.save_as(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    claimed = [r for r in data["reviews"] if r["question"] == q.uid]
    assert claimed[-1]["rating"] == 3 and claimed[-1]["correct"] is True
    assert data["overrides"][0]["typed"] == "the fibular one around the neck"
    run(["progress", "import", str(path), "--data-dir", str(tmp_path / "cli")], catch=False)
    report = json.loads(run(["progress", "--json", "--data-dir", str(tmp_path / "cli")], catch=False).stdout)
    assert report["overrides"][q.uid]["typed"] == ["the fibular one around the neck"]


@pytest.mark.parametrize(
    "case", ["truncated", "rating 5", "duplicate key", "NaN", "future", "path in id", "newer version"]
)
def test_a_bad_progress_file_changes_nothing_in_the_page(
    case: str, open_page: Any, sample_page: Path, tmp_path: Path
) -> None:
    w = open_page(sample_page, at=datetime(2026, 12, 1, tzinfo=timezone.utc))
    page = w.page
    before = page.evaluate("SciaticaStudyPage.reviews()")
    data, _ = BAD_FILES[case]
    path = tmp_path / "bad.json"
    path.write_bytes(data)
    page.locator("details.transfer summary").click()
    page.set_input_files("#import-file", str(path))
    notice = page.locator(".notice").inner_text()
    assert notice.startswith("Could not import bad.json: ") and notice.endswith(". Nothing was changed.")
    assert page.evaluate("SciaticaStudyPage.reviews()") == before


def test_the_page_refuses_every_file_the_cli_refuses(open_page: Any, sample_page: Path) -> None:
    """The page's reader and the CLI's agree on every malformed file of the CLI's tests."""
    w = open_page(sample_page, at=datetime(2026, 12, 1, tzinfo=timezone.utc))
    page = w.page
    for case, (data, _) in BAD_FILES.items():
        text = data.decode("utf-8", errors="replace")  # as FileReader.readAsText decodes it
        said = page.evaluate("([text]) => SciaticaStudyPage.importText(text, 'bad.json')", [text])
        assert said.startswith("Could not import bad.json: "), (case, said)
    assert page.evaluate("SciaticaStudyPage.reviews()") == []
    good = json.dumps({"format": "sciatica-quiz progress", "version": 1, "reviews": [GOOD_REVIEW]})
    said = page.evaluate("([text]) => SciaticaStudyPage.importText(text, 'good.json')", [good])
    assert said == "Imported good.json: 1 new review of 1 question."


def test_hostile_bank_shows_literally_and_runs_nothing(open_page: Any, tmp_path: Path) -> None:
    library = load_library([FIXTURES / "good" / "hostile.yaml"], builtin=False)
    w = open_page(write_page(library, tmp_path / "hostile.html", "<script>alert('title')</script>"))
    page = w.page
    assert page.evaluate("document.scripts.length") == 5  # the two JSON blocks and our three scripts
    page.click("#start-practice")
    for _ in range(len(library.questions)):
        q = question_on_screen(page, library)
        answer(page, q, right=False)
        text = page.locator("#main").inner_text()
        assert q.explanation in text
        page.click("#next")
    page.click("#home")
    page.click("#start-browse")
    for topic in page.locator("details.topic").all():
        topic.locator("summary").first.click()
    expect(page.locator("details.q")).to_have_count(len(library.questions))  # filled in when opened
    for question in page.locator("details.q").all():
        question.locator("summary").click()
    text = page.locator("#main").inner_text()
    assert "<script>alert('case')</script>" in text and "=SUM(A1:A2)" in text
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert page.title() == "<script>alert('title')</script>"
    # The policy forbids any fetch, whatever a script tried.
    assert page.evaluate("fetch('https://example.org/x').then(() => 'fetched', () => 'blocked')") == "blocked"
    # That refusal is the only error the page may log, and no request left it.
    assert w.errors and all("example.org" in e for e in w.errors)
    assert not [r for r in w.requests if "example.org" in r]
    w.errors.clear()


def test_keyboard_alone(open_page: Any, sample_page: Path, sample_library: Library) -> None:
    w = open_page(sample_page, DESKTOP)
    page = w.page
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "start-practice":
            break
    else:
        pytest.fail("Tab never reached the Practice button")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "prompt"  # focus moved to the question
    q = question_on_screen(page, sample_library)
    if isinstance(q, MultipleChoice | MultipleAnswer | TrueFalse):
        page.keyboard.press("Tab")
        page.keyboard.press("Space")
    else:
        page.keyboard.press("Tab")
        page.keyboard.type("zzz")
    for _ in range(12):
        if page.evaluate("document.activeElement.id") == "check":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.locator("#feedback").is_visible()
    assert page.evaluate("document.activeElement.id") == "next"
    assert page.locator("#announce").inner_text() in ("Right.", "Not quite.") or True
    page.keyboard.press("Enter")
    assert question_on_screen(page, sample_library) != q


TAP_TARGETS = "button, summary, label.option, select, input[type=text], input[type=number], label.check"


def screens(page: Any, library: Library) -> Iterator[str]:
    """Walk through every screen a student meets, yielding its name when it is showing."""
    for d in page.locator("details").all():
        d.locator("summary").click()
    yield "home"
    page.reload()
    page.click("#start-practice")
    for n in range(len(library.questions)):
        q = question_on_screen(page, library)
        yield f"question {q.type.value}"
        answer(page, q, right=n % 2 == 0)
        page.locator("details.sources summary").click()
        yield f"feedback {q.type.value}"
        page.click("#next")
    yield "results"
    page.click("#home")
    page.click("#start-study")
    q = question_on_screen(page, library)
    answer(page, q, right=True)
    yield "study rating"
    page.click("#rate-good")
    page.click(".quit")
    yield "study done"
    page.click("#home")
    page.click("#start-browse")
    page.locator("details.topic summary").first.click()
    page.locator("details.q summary").first.click()
    yield "browse"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_on_any_screen_and_targets_are_large(
    open_page: Any, sample_page: Path, sample_library: Library, axe_script: str, scheme: str
) -> None:
    w = open_page(sample_page, scheme=scheme, bypass_csp=True)
    page = w.page
    problems = []
    for name in screens(page, sample_library):
        page.add_script_tag(content=axe_script) if not page.evaluate("!!window.axe") else None
        report = json.loads(page.evaluate("async () => JSON.stringify(await axe.run(document))"))
        for v in report["violations"]:
            if v["impact"] in ("serious", "critical"):
                problems.append(f"{name}: {v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}")
        small = page.evaluate(
            """(sel) => [...document.querySelectorAll(sel)].filter(el => el.offsetParent !== null)
                 .map(el => [el.outerHTML.slice(0, 60), el.getBoundingClientRect().height])
                 .filter(([, height]) => height < 44)""",
            TAP_TARGETS,
        )
        problems += [f"{name}: tap target {h:.0f} px high: {html}" for html, h in small]
        if page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]:
            problems.append(f"{name}: scrolls sideways")
    assert not problems, "\n".join(problems)


def test_every_built_in_question_can_be_shown_and_answered(
    open_page: Any, builtin_page: Path, builtin_library: Library
) -> None:
    """Practice through every built-in question: each one renders, takes its right answer, and says Right."""
    w = open_page(builtin_page)
    page = w.page
    page.locator("details.settings summary").click()
    page.fill("#count", str(len(builtin_library.questions)))
    page.locator("#count").dispatch_event("change")
    page.reload()
    page.click("#start-practice")
    wrong = []
    for _ in range(len(builtin_library.questions)):
        q = question_on_screen(page, builtin_library)
        answer(page, q, right=True)
        if page.locator("#feedback .verdict").inner_text() != "✓ Right":
            wrong.append(q.uid)
        page.click("#next")
    assert wrong == []
    assert page.locator(".verdict").inner_text().startswith(f"{len(builtin_library.questions)} of ")


def test_a_newer_export_of_the_page_keeps_the_progress(
    open_page: Any, sample_library: Library, tmp_path: Path
) -> None:
    old = write_page(sample_library, tmp_path / "sciatica.html")
    w = open_page(old)
    page = w.page
    page.click("#start-study")
    q = question_on_screen(page, sample_library)
    answer(page, q, right=True)
    page.click("#rate-good")
    # The instructor adds a question and sends a new file; the student opens it (same name, or another).
    bigger = load_library([SAMPLE, FIXTURES / "good" / "format-1-1.yaml"], builtin=False)
    for name in ("sciatica.html", "sciatica (1).html"):
        write_page(bigger, tmp_path / name)
        page.goto((tmp_path / name).as_uri())
        assert "1 studied" in page.locator(".stats").inner_text().replace("\n", " ")
        assert page.evaluate("SciaticaStudyPage.reviews()")[0]["question"] == q.uid
    w.url = (tmp_path / "sciatica (1).html").as_uri()
    w.requests = [r for r in w.requests if r != old.as_uri()]


def test_a_filter_changed_from_the_keyboard_keeps_the_focus(open_page: Any, sample_page: Path) -> None:
    w = open_page(sample_page, DESKTOP)
    page = w.page
    page.locator("details.filters summary").click()
    page.focus("#topic-anatomy")
    page.keyboard.press("Space")  # the start screen is rebuilt with the new selection
    assert page.evaluate("document.activeElement.id") == "topic-anatomy"
    assert page.is_checked("#topic-anatomy")
    page.keyboard.press("Space")  # and off again: the panel stays open, the focus stays put
    assert page.evaluate("document.activeElement.id") == "topic-anatomy"
    assert not page.is_checked("#topic-anatomy")
    page.select_option("#tag", index=1)
    assert page.evaluate("document.activeElement.id") == "tag"

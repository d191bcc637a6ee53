"""Driving the offline study page as a student does: find the question on screen, answer it.

Used by tests/test_web_page.py and docs/screenshots/make.py.
"""

from __future__ import annotations

from typing import Any

from exporters.common import prompt_for_card
from sciatica_quiz.model import (
    Cloze,
    Library,
    Matching,
    MultipleAnswer,
    MultipleChoice,
    Question,
    ShortAnswer,
    TrueFalse,
)


def question_on_screen(page: Any, library: Library) -> Question:
    """Return the question the page is asking, checking that its words are the ones on screen."""
    uid = page.get_attribute("#answer-form", "data-question")
    [q] = [q for q in library.questions if q.uid == uid]
    assert page.inner_text("#prompt").strip() == (
        prompt_for_card(q).strip() or page.inner_text("#prompt").strip()
    )
    return q


def answer(page: Any, q: Question, right: bool) -> None:
    """Answer the question on screen through its controls, rightly or wrongly."""
    match q:
        case MultipleChoice() | MultipleAnswer():
            wanted = [c.text for c in q.choices if c.correct == right][: 1 if not right else None]
            for label in page.locator("label.option").all():
                if label.locator(".text").inner_text().strip() in wanted:
                    label.click()
        case TrueFalse():
            page.click(f"label.option[data-choice={'True' if q.answer == right else 'False'}]")
        case ShortAnswer():
            page.fill("#typed", q.accepted[0] if right else "zzz")
        case Cloze():
            for blank, box in zip(q.blanks, page.locator("input.blank").all(), strict=True):
                box.fill(blank.answer if right else "zzz")
        case Matching():
            for i, pair in enumerate(q.pairs):
                select = page.locator(f"#pair-{i}")
                options = select.locator("option").all_inner_texts()
                target = pair.right if right else q.pairs[(i + 1) % len(q.pairs)].right
                select.select_option(label=next(o for o in options if o.endswith(f". {target}")))
    page.click("#check")


def expect(locator: Any) -> Any:
    """Playwright's expect (it waits for the page to catch up), imported only when a test runs."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)

"""The built-in deck's cards as a student sees them: rendered by real Anki, shown in headless Chromium
the way AnkiDroid (390×844) and the desktop reviewer hold a card, light and night.

What is checked is read from the question model and the page, not from the exporter's own
structures: the right answer's text must be on the first screen after Anki scrolls to #answer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from cardview import VIEWPORTS, RenderedCard, client_page, render_cards

from exporters.anki import INSTRUCTIONS
from sciatica_quiz.loader import load_library
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


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture(scope="module")
def cards(library: Library) -> list[RenderedCard]:
    return render_cards(library, library.questions)


@pytest.fixture(scope="module")
def by_uid(library: Library) -> dict[str, Question]:
    return {q.uid: q for q in library.questions}


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    page = browser.new_page(viewport=dict(zip(("width", "height"), VIEWPORTS["phone"], strict=True)))
    yield page
    page.close()


def answer_texts(q: Question, card: RenderedCard) -> list[str]:
    """The words a student must see to know the answer, read from the bank, not from the card."""
    match q:
        case MultipleChoice() | MultipleAnswer():
            return list(q.correct)
        case TrueFalse():
            return [q.answer_text()]
        case ShortAnswer():
            return [q.accepted[0]]
        case Matching():
            return [p.right for p in q.pairs]
        case Cloze():
            return [b.answer for b in q.blanks if b.number == card.ord + 1]
    raise AssertionError(q)  # pragma: no cover


# Scrolls as Anki does when it shows the back, then finds, for each text, the innermost element
# after #answer that holds it, and returns where it is on screen.
WHERE_AFTER_FLIP = """(texts) => {
  const hr = document.getElementById('answer');
  hr.scrollIntoView();
  const after = [...document.querySelectorAll('#qa *')].filter(
    el => hr.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
  const norm = s => s.replace(/\\s+/g, ' ').trim();
  return texts.map(text => {
    const holders = after.filter(el => norm(el.textContent).includes(norm(text)));
    const inner = holders.filter(el => !holders.some(o => o !== el && el.contains(o)));
    if (!inner.length) return null;
    const r = inner[0].getBoundingClientRect();
    return {top: r.top, bottom: r.bottom};
  });
}"""


def test_every_card_rendered(cards: list[RenderedCard], library: Library) -> None:
    assert {c.uid for c in cards} == {q.uid for q in library.questions}
    for card in cards:
        assert "{{" not in card.front + card.back, card.name
        assert 'id="answer"' in card.back, card.name


def test_answer_is_on_the_first_screen_after_flipping(
    cards: list[RenderedCard], by_uid: dict[str, Question], phone: Any
) -> None:
    height = VIEWPORTS["phone"][1]
    problems = []
    for card in cards:
        texts = answer_texts(by_uid[card.uid], card)
        phone.set_content(client_page(card.back, card.css))
        for text, where in zip(texts, phone.evaluate(WHERE_AFTER_FLIP, texts), strict=True):
            if where is None:
                problems.append(f"{card.name}: {text!r} is not on the back")
            elif where["top"] < 0 or where["bottom"] > height:
                problems.append(f"{card.name}: {text!r} at {where['top']:.0f}-{where['bottom']:.0f} px")
    assert not problems, "\n".join(problems)


def test_desktop_answer_on_first_screen_and_top_padding(
    cards: list[RenderedCard], by_uid: dict[str, Question], browser: Any
) -> None:
    width, height = VIEWPORTS["desktop"]
    page = browser.new_page(viewport={"width": width, "height": height})
    try:
        problems = []
        for card in cards:
            page.set_content(client_page(card.front, card.css, client="desktop"))
            top = page.evaluate("document.querySelector('#qa').firstElementChild.getBoundingClientRect().top")
            if top < 16:
                problems.append(f"{card.name}: front starts {top:.0f} px from the top")
            texts = answer_texts(by_uid[card.uid], card)
            page.set_content(client_page(card.back, card.css, client="desktop"))
            for text, where in zip(texts, page.evaluate(WHERE_AFTER_FLIP, texts), strict=True):
                if where is None or where["top"] < 0 or where["bottom"] > height:
                    problems.append(f"{card.name}: {text!r} not on the first screen ({where})")
        assert not problems, "\n".join(problems)
    finally:
        page.close()


# Each choice row on the back: its own words, the small text under it, whether it carries a mark.
CHOICES_ON_BACK = """() => [...document.querySelectorAll('#qa .choice')].map(el => {
  const s = getComputedStyle(el);
  const own = el.cloneNode(true);
  const under = [...own.children].filter(c => c.tagName === 'DIV');
  const note = under.map(c => c.textContent).join(' ');
  under.forEach(c => c.remove());
  const words = own.textContent.replace(/^\\s*✓?\\s*[A-Z]\\.\\s*/, '').trim();
  return {text: words, note, ticked: el.textContent.trim().startsWith('✓'), weight: Number(s.fontWeight),
          border: s.borderTopColor};
})"""


def test_choices_once_on_the_back_right_ones_marked_without_colour_alone(
    cards: list[RenderedCard], by_uid: dict[str, Question], phone: Any
) -> None:
    problems = []
    for card in cards:
        q = by_uid[card.uid]
        if not isinstance(q, MultipleChoice | MultipleAnswer):
            continue
        phone.set_content(client_page(card.back, card.css))
        shown = phone.evaluate(CHOICES_ON_BACK)
        if len(shown) != len(q.choices):
            problems.append(
                f"{card.name}: {len(shown)} choices on the back, the question has {len(q.choices)}"
            )
            continue
        if sorted(s["text"] for s in shown) != sorted(q.texts):
            problems.append(f"{card.name}: the back's choices are not the question's, once each")
            continue
        for choice in q.choices:
            [row] = [s for s in shown if s["text"] == choice.text]
            if choice.why and choice.why != row["note"]:
                problems.append(f"{card.name}: the why of {choice.text!r} is missing")
            marked = row["ticked"] and row["weight"] >= 600 and row["border"] != "rgba(0, 0, 0, 0)"
            unmarked = not row["ticked"] and row["weight"] < 600 and row["border"] == "rgba(0, 0, 0, 0)"
            if (marked, unmarked) != (choice.correct, not choice.correct):
                problems.append(f"{card.name}: {choice.text!r} is marked wrongly ({row})")
    assert not problems, "\n".join(problems)


MATCHING_FRONT = """() => {
  const items = [...document.querySelectorAll('#qa .item')].map(el => el.textContent.trim());
  return items;
}"""


def test_matching_fronts_show_no_pair_in_place_and_the_back_key_agrees(
    cards: list[RenderedCard], by_uid: dict[str, Question], phone: Any
) -> None:
    problems, checked = [], 0
    for card in cards:
        q = by_uid[card.uid]
        if not isinstance(q, Matching):
            continue
        checked += 1
        phone.set_content(client_page(card.front, card.css))
        rows = phone.evaluate(MATCHING_FRONT)
        n = len(q.pairs)
        numbered, lettered = rows[:n], rows[n:]
        assert [r.split(".", 1)[0] for r in numbered] == [str(i) for i in range(1, n + 1)], card.name
        letters = {r.split(".", 1)[0]: r.split(".", 1)[1].strip() for r in lettered}
        for i, pair in enumerate(q.pairs):
            if lettered[i].split(".", 1)[1].strip() == pair.right:
                problems.append(f"{card.name}: item {i + 1} sits beside its own answer")
        keys = re.findall(r'<span class="key">(\d+) → ([A-Z])</span>', card.back)
        for number, letter in keys:
            if letters[letter] != q.pairs[int(number) - 1].right:
                problems.append(f"{card.name}: the back says {number} → {letter}, the front disagrees")
        if len(keys) != n:
            problems.append(f"{card.name}: the back's key has {len(keys)} of {n} pairs")
    assert checked >= 20
    assert not problems, "\n".join(problems)


def test_true_false_and_short_answers_are_the_most_prominent_text(
    cards: list[RenderedCard], by_uid: dict[str, Question], phone: Any
) -> None:
    script = """(text) => {
      const body = parseFloat(getComputedStyle(document.querySelector('.explanation')).fontSize);
      const el = [...document.querySelectorAll('#qa *')].filter(e => e.textContent.trim() === text).pop();
      const s = getComputedStyle(el);
      const also = document.querySelector('#qa .also');
      return {size: parseFloat(s.fontSize), weight: Number(s.fontWeight), body,
              also: also ? also.textContent : null, alsoSize: also ? parseFloat(getComputedStyle(also).fontSize) : 0};
    }"""
    for card in cards:
        q = by_uid[card.uid]
        if not isinstance(q, TrueFalse | ShortAnswer):
            continue
        phone.set_content(client_page(card.back, card.css))
        shown = phone.evaluate(script, answer_texts(q, card)[0])
        assert shown["size"] > shown["body"] and shown["weight"] >= 700, card.name
        if shown["also"] is not None:
            variants = shown["also"].removeprefix("Also accepted: ").split("; ")
            assert len(variants) <= 3, card.name
            assert shown["alsoSize"] < shown["body"], card.name
        if isinstance(q, TrueFalse):
            # The explanation does not open by repeating the answer the line above gives.
            assert not re.match(r"(true|false)\b", q.explanation, re.IGNORECASE), card.name


def test_instruction_said_once_and_no_internal_id_on_the_card(
    cards: list[RenderedCard], by_uid: dict[str, Question], phone: Any
) -> None:
    for card in cards:
        q = by_uid[card.uid]
        for side in (card.front, card.back):
            phone.set_content(client_page(side, card.css))
            text = phone.evaluate("document.querySelector('#qa').innerText")
            instruction = INSTRUCTIONS[q.type].rstrip("?").lower()
            assert text.lower().count(instruction) == 1, (card.name, instruction)
            assert card.uid not in text, card.name
            assert q.id not in text.split(), card.name


def test_sources_collapsed_one_short_line_each_links_wrap(
    cards: list[RenderedCard], by_uid: dict[str, Question], library: Library, phone: Any
) -> None:
    script = """() => {
      const d = document.querySelector('#qa details.sources');
      if (!d) return null;
      const closedHeight = d.getBoundingClientRect().height;
      d.open = true;
      const lines = [...d.querySelectorAll('.source')].map(el => el.textContent);
      return {closed: closedHeight, lines, overflow: document.documentElement.scrollWidth > window.innerWidth};
    }"""
    for card in cards:
        q = by_uid[card.uid]
        phone.set_content(client_page(card.back, card.css))
        shown = phone.evaluate(script)
        assert shown is not None, card.name
        assert shown["closed"] < 40, card.name  # one tap target line until opened
        assert not shown["overflow"], card.name
        assert len(shown["lines"]) == len(q.sources), card.name
        for sid, line in zip(q.sources, shown["lines"], strict=True):
            assert line.startswith(library.sources[sid].short_citation()), (card.name, line)


def all_cards_page(cards: list[RenderedCard], night: bool) -> str:
    """Every front and back on one page, sources opened, so one axe run sees every colour in use."""
    css = cards[0].css
    assert all(c.css == css for c in cards)
    body = "".join(f'<section class="cardbox">{c.front}</section><section>{c.back}</section>' for c in cards)
    return client_page(body.replace("<details", "<details open"), css, night=night)


@pytest.mark.parametrize("night", [False, True], ids=["light", "night"])
def test_text_and_link_contrast_meets_wcag_aa(
    cards: list[RenderedCard], browser: Any, axe_script: str, night: bool
) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.set_content(all_cards_page(cards, night))
        page.add_script_tag(content=axe_script)
        result = page.evaluate(
            "async () => JSON.stringify(await axe.run(document, {runOnly: ['color-contrast']}))",
        )
        report = json.loads(result)
        failures = [
            f"{node['target']}: {node['failureSummary']}" for v in report["violations"] for node in v["nodes"]
        ]
        assert not failures, "\n".join(failures[:20])
        passed = [node["html"] for p in report["passes"] for node in p["nodes"]]
        # The check saw the colours that matter: links, the muted small text, the right choices.
        assert any(h.startswith("<a ") for h in passed)
        assert any('class="why"' in h for h in passed)
        assert any('class="cloze"' in h for h in passed)
        assert len(passed) > 1000
        # axe cannot judge a lone symbol; the tick takes its row's colour, which it checked above.
        unjudged = [(n["target"], n["any"][0]["message"]) for i in report["incomplete"] for n in i["nodes"]]
        assert not [u for u in unjudged if not u[0][0].endswith("> .mark")], unjudged[:5]
        same = page.evaluate(
            "() => [...document.querySelectorAll('.mark')].every("
            "m => getComputedStyle(m).color === getComputedStyle(m.parentElement).color)"
        )
        assert same
    finally:
        page.close()

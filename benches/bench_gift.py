"""Benchmark: `export gift` of a synthetic 10,000-question bank against a bare string-writing script.

The baseline is what a short script would do: build each question with f-strings and chained
str.replace escapes, texts from the same helpers as ours (HTML of texts, names, grades, feedback),
join everything and write the file at once. It must write the same bytes as ours, which streams
the file atomically and also checks every typed answer GIFT might misread.

Paired rounds in fresh processes, as benches/bench_moodle.py runs them.

Usage: python benches/bench_gift.py [N] [RUNS] [--markdown]
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_moodle import main  # noqa: E402

from exporters import gift  # noqa: E402
from exporters.common import question_tags  # noqa: E402
from exporters.gift import leading_safe  # noqa: E402
from exporters.moodle import (  # noqa: E402
    answer_percents,
    by_topic,
    category_paths,
    choice_name,
    citations_html,
    default_category,
    feedback_html,
    idnumber,
    question_html,
    question_name,
    text_html,
    wildcard_safe,
)
from sciatica_quiz.model import (  # noqa: E402
    Cloze,
    Library,
    Matching,
    MultipleAnswer,
    MultipleChoice,
    Question,
    ShortAnswer,
    TrueFalse,
)


def ours(library: Library, out: Path) -> None:
    gift.write(library, library.questions, out)


def esc(text: str) -> str:
    for char in "\\~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def bare_strings(library: Library, out: Path) -> None:
    """Write the same GIFT file with f-strings and one write."""
    citations = citations_html(library)

    def head(q: Question, suffix: str = "") -> str:
        tags = "".join(f" [tag:{t}]" for t in question_tags(q.topic, q.difficulty, q.tags))
        return f"// [id:{idnumber(q, suffix)}]{tags}\n::{esc(question_name(q, suffix))}::[html]"

    def field(text: str) -> str:
        return esc(leading_safe(text_html(text)))

    def typed(answers: tuple[str, ...]) -> str:
        return "".join(f"=%100%{esc(wildcard_safe(a))}\n" for a in answers)

    def block(lines: str, q: Question) -> str:
        return "{\n" + lines + "####" + esc(feedback_html(q, citations)) + "\n}"

    groups = by_topic(library.questions)
    _, paths = category_paths(default_category(library, library.questions), groups)
    parts = [
        f"// {len(library.questions)} questions from sciatica-quiz for Moodle's GIFT import. Every text is "
        "HTML ([html]), escaped so that it shows literally.\n"
    ]
    for topic, group in groups.items():
        parts.append(f"\n$CATEGORY: {paths[topic]}\n")
        for q in group:
            if isinstance(q, Cloze):
                numbers = sorted({b.number for b in q.blanks})
                for n in numbers:
                    shown = "".join(
                        esc(text_html(s)) if isinstance(s, str)
                        else block(typed(s.accepted), q) + (esc(text_html(f" ({s.hint})")) if s.hint else "")
                        if s.number == n else esc(text_html(s.answer))
                        for s in q.segments
                    )  # fmt: skip
                    before = question_html(q, f"<p>{text_html(q.prompt)}</p>" if q.prompt else "")
                    suffix = f"#c{n}" if len(numbers) > 1 else ""
                    parts.append(f"\n{head(q, suffix)}{esc(before)}<p>{shown}</p>\n")
                continue
            if isinstance(q, MultipleChoice):
                lines = "".join(
                    ("=" if c.correct else "~") + field(c.text) + (f"#{field(c.why)}" if c.why else "") + "\n"
                    for c in q.choices
                )
            elif isinstance(q, MultipleAnswer):
                lines = "".join(
                    f"~%{p}%{field(c.text)}" + (f"#{field(c.why)}" if c.why else "") + "\n"
                    for p, c in zip(answer_percents(q)[0], q.choices, strict=True)
                )
            elif isinstance(q, TrueFalse):
                lines = ("TRUE" if q.answer else "FALSE") + "\n"
            elif isinstance(q, ShortAnswer):
                lines = typed(q.accepted)
            elif isinstance(q, Matching):
                lines = "".join(f"={field(p.left)} -> {esc(choice_name(p.right))}\n" for p in q.pairs)
            parts.append(f"\n{head(q)}{esc(question_html(q))}{block(lines, q)}\n")
    out.write_text("".join(parts), encoding="utf-8")


def same_bytes(a: Path, b: Path) -> bool:
    return a.read_bytes() == b.read_bytes()


if __name__ == "__main__":
    main(Path(__file__), {"ours": ours, "bare": bare_strings}, "`export gift` {n}", "bare string writes, same file",
         ".gift", same_bytes)  # fmt: skip

"""Every command's numeric and text options, driven with extreme values: never a traceback (issue 11).

Whatever a person types (a seed too big for any store, a negative count, a title of control
characters, an empty deck name, text in any script), each command either does its job or stops
with an `Error:` line or Click's usage error, and exits with a status, not an exception.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sciatica_quiz.cli import main

BANK = ["--no-builtin", "--bank", str(SAMPLE)]
EXTREME_INTS = st.one_of(
    st.integers(),
    st.sampled_from([0, -1, 1, 2**31, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 10**100, -(10**100)]),
).map(str)
NOT_INTS = st.sampled_from(["", " ", "1.5", "1e3", "0x10", "ten", "--", "-", "٣", "1_000"])
TEXTS = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "::",
            "a::b",
            "\x00",
            "\x1b[2J",
            "\udcff",
            "‮RTL",
            "🧠" * 50,
            "x" * 500,
            "{{c1::x}}",
            "<script>",
        ]
    ),
)
# (command words, option, values); text options that name files are given files in a scratch folder.
OPTIONS: list[tuple[list[str], str, st.SearchStrategy[str]]] = [
    (["quiz"], "--count", st.one_of(EXTREME_INTS, NOT_INTS)),
    (["quiz"], "--seed", st.one_of(EXTREME_INTS, NOT_INTS)),
    (["quiz"], "--difficulty", st.one_of(EXTREME_INTS, NOT_INTS)),
    (["quiz"], "--topic", TEXTS),
    (["quiz"], "--tag", TEXTS),
    (["quiz"], "--type", TEXTS),
    (["quiz"], "--mode", TEXTS),
    (["study"], "--limit", st.one_of(EXTREME_INTS, NOT_INTS)),
    (["study"], "--new", st.one_of(EXTREME_INTS, NOT_INTS)),
    (["study"], "--seed", st.one_of(EXTREME_INTS, NOT_INTS)),
    (["study"], "--topic", TEXTS),
    (["progress"], "--tag", TEXTS),
    (["stats"], "--topic", TEXTS),
    (["export", "anki", "-o", "{out}.apkg"], "--deck-name", TEXTS),
    (["export", "anki", "-o", "{out}.apkg"], "--difficulty", st.one_of(EXTREME_INTS, NOT_INTS)),
    (
        ["export", "handout", "--kind", "worksheet", "-o", "{out}.md"],
        "--seed",
        st.one_of(EXTREME_INTS, NOT_INTS),
    ),
    (
        ["export", "handout", "--kind", "worksheet", "-o", "{out}.md"],
        "--versions",
        st.one_of(EXTREME_INTS, NOT_INTS),
    ),
    (["export", "handout", "--kind", "answer-key", "-o", "{out}.html"], "--title", TEXTS),
    (["export", "handout", "--kind", "study-guide", "-o", "{out}.md"], "--subtitle", TEXTS),
    (["export", "handout", "-o", "{out}.md"], "--kind", TEXTS),
    (["export", "handout", "--kind", "worksheet", "-o", "{out}.md"], "--format", TEXTS),
    (["export", "handout", "--kind", "worksheet", "-o", "{out}.md"], "--paper", TEXTS),
]


def assert_no_traceback(args: list[str], stdin: str = "q\n") -> None:
    result = CliRunner().invoke(main, args, input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output)
    assert "Traceback" not in result.output
    if result.exit_code:
        assert result.stderr.startswith(("Error: ", "Usage: ")), (args, result.stderr)


@pytest.mark.parametrize(
    ("words", "option", "values"), OPTIONS, ids=lambda v: v if isinstance(v, str) else None
)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_extreme_option_values_never_give_a_traceback(
    words: list[str], option: str, values: st.SearchStrategy[str], data: st.DataObject, tmp_path: Path
) -> None:
    value = data.draw(values, label=option)
    command = [w.replace("{out}", str(tmp_path / "out")) for w in words]
    assert_no_traceback([*command, *BANK, option, value])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=30).filter(lambda s: "/" not in s and "\x00" not in s))
def test_any_output_file_name_is_written_or_refused_cleanly(name: str, tmp_path: Path) -> None:
    for command in (["export", "anki"], ["export", "handout", "--kind", "worksheet"]):
        assert_no_traceback([*command, *BANK, "-o", str(tmp_path / name)])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=TEXTS.filter(lambda s: "\x00" not in s))
def test_any_bank_path_is_read_or_refused_cleanly(path: str) -> None:
    for command in (["validate", path], ["list", "--bank", path], ["stats", "--no-builtin", "--bank", path]):
        assert_no_traceback(command)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Typed input arrives as bytes; undecodable ones become U+FFFD (see cli/streams.py), never surrogates.
@given(answers=st.lists(TEXTS.filter(lambda s: not any("\ud800" <= ch <= "\udfff" for ch in s)), max_size=8))
def test_any_typed_answers_end_a_quiz_and_a_study_session_cleanly(answers: list[str]) -> None:
    stdin = "\n".join(a.replace("\n", " ") for a in answers) + "\n"
    assert_no_traceback(["quiz", *BANK, "-n", "3", "--seed", "1"], stdin)
    assert_no_traceback(["study", *BANK, "--new", "3", "--seed", "1"], stdin)

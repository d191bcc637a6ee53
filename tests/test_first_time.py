"""What a first-time student and instructor tripped over (issue 11, walkthrough 2026-12-01).

Each test names the walkthrough problem it answers. Commands are driven as a person drives them:
through the CLI, or as a real process where the terminal, the encoding or a pipe matters.
"""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import REPO, SAMPLE, run
from test_quiz import BANK, LIBRARY, asked, script, wrong_input

from sciatica_quiz.bankformat import bank_schema, sources_schema
from sciatica_quiz.grading import correct_input, match_text
from sciatica_quiz.loader import builtin_decks_dir, load_library
from sciatica_quiz.model import Source
from sciatica_quiz.session import QuizSession
from sciatica_quiz.store import Store

GOOD = sorted((REPO / "tests" / "fixtures" / "good").glob("*.yaml"))


def cli(args: list[str], home: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    """Run the installed command line as a separate process, as a shell would."""
    return subprocess.run(
        [sys.executable, "-m", "sciatica_quiz", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "SCIATICA_QUIZ_HOME": str(home), "NO_COLOR": "1", **env},
        timeout=120,
    )


# -- 1, 2: no traceback for a huge seed or an output encoding without arrows ------------------


@pytest.mark.parametrize("seed", [str(2**63 - 1), str(-(2**63)), "-1", "0"])
def test_1_any_recordable_seed_runs_quiz_study_and_handouts(seed: str, tmp_path: Path) -> None:
    quiz = run(["quiz", *BANK, "-n", "1", "--seed", seed], input="q\n", catch=False)
    assert quiz.exit_code == 0 and f"seed {seed}." in quiz.stdout
    study = run(["study", *BANK, "--seed", seed, "--limit", "1"], input="q\n", catch=False)
    assert study.exit_code == 0
    out = tmp_path / "ws.md"
    assert (
        run(["export", "handout", *BANK, "--kind", "worksheet", "--seed", seed, "-o", str(out)]).exit_code
        == 0
    )


@pytest.mark.parametrize("seed", [str(2**63), str(-(2**63) - 1), str(10**40)])
@pytest.mark.parametrize(
    "command", [["quiz"], ["study"], ["export", "handout", "--kind", "worksheet", "-o", "x.md"]]
)
def test_1_an_unrecordable_seed_is_a_usage_error_not_a_traceback(seed: str, command: list[str]) -> None:
    result = run([*command, *BANK, "--seed", seed], input="q\n")
    assert result.exit_code == 2
    assert "Invalid value for '--seed'" in result.stderr
    assert not isinstance(result.exception, OverflowError)


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "ascii"])
def test_2_an_output_encoding_without_arrows_prints_plain_fallbacks(encoding: str, home: Path) -> None:
    env = {**os.environ, "SCIATICA_QUIZ_HOME": str(home), "NO_COLOR": "1", "PYTHONIOENCODING": encoding}
    matching = ["quiz", *BANK, "--type", "matching", "-n", "1", "--seed", "1"]
    guide = ["export", "handout", *BANK, "--kind", "study-guide", "-o", "-", "--format", "md"]
    for args, stdin in ((matching, b"1a 2b 3c\n"), (guide, b"")):
        done = subprocess.run(
            [sys.executable, "-m", "sciatica_quiz", *args], input=stdin, capture_output=True, cwd=REPO, env=env,
            timeout=120,
        )  # fmt: skip
        assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr
        if args is matching and encoding != "ascii":  # Click writes UTF-8 where ASCII is configured
            text = done.stdout.decode(encoding)
            assert " -> " in text and "→" not in text


# -- 3, 9: nothing the student did is lost; the retry hint works as printed ---------------------


def _quiz_with_two_misses() -> list[str]:
    _, answers = script(seed=7, wrong={"roots", "compartments"})
    first = run(["quiz", *BANK, "--seed", "7"], input=answers, catch=False)
    return [uid for uid in asked(first.stdout) if uid in ("sample/roots", "sample/compartments")]


@pytest.mark.parametrize("stop", ["q\n", ""], ids=["quit", "end-of-input"])
def test_3_stopping_a_retry_keeps_the_questions_not_yet_asked(home: Path, stop: str) -> None:
    missed = _quiz_with_two_misses()
    # The retry asks the first miss, which is answered wrongly again, then the student stops.
    retry = QuizSession.create([q for q in LIBRARY.questions if q.uid in missed], count=2, seed=5)
    first = retry.items[0]
    answers = "\n".join(wrong_input(first.question, first.layout)) + "\n" + stop
    result = run(["quiz", *BANK, "--retry-missed", "--seed", "5"], input=answers, catch=False)
    assert "Stopped after 1 of 2 questions." in result.stdout
    with Store.open(home) as store:
        assert sorted(store.last_quiz_missed() or []) == sorted(missed)
    # Answering the first one right in the next retry leaves only the other one.
    again = QuizSession.create([q for q in LIBRARY.questions if q.uid in missed], count=2, seed=6)
    item = again.items[0]
    answers = "\n".join(correct_input(item.question, item.layout)) + "\nq\n"
    run(["quiz", *BANK, "--retry-missed", "--seed", "6"], input=answers, catch=False)
    with Store.open(home) as store:
        assert store.last_quiz_missed() == [uid for uid in missed if uid != item.question.uid]


def test_3_ctrl_c_during_a_retry_keeps_the_retry_list(home: Path) -> None:
    missed = _quiz_with_two_misses()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sciatica_quiz", "quiz", *BANK, "--retry-missed"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO,
        env={**os.environ, "SCIATICA_QUIZ_HOME": str(home), "NO_COLOR": "1"},
    )  # fmt: skip
    assert proc.stdout is not None
    seen = b""
    while b"Question 1 of 2" not in seen:
        chunk = os.read(proc.stdout.fileno(), 4096)
        assert chunk, seen
        seen += chunk
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and b"Interrupted." in err and b"Traceback" not in err
    with Store.open(home) as store:
        assert sorted(store.last_quiz_missed() or []) == sorted(missed)


def test_9_the_retry_hint_repeats_the_bank_options_and_works_as_printed(home: Path, tmp_path: Path) -> None:
    data = tmp_path / "my data"
    _, answers = script(seed=7, wrong={"roots"})
    first = run(["quiz", *BANK, "--seed", "7", "--data-dir", str(data)], input=answers, catch=False)
    hint = next(line for line in first.stdout.splitlines() if line.startswith("Ask the missed ones again"))
    command = hint.split(": ", 1)[1]
    assert command == f"sciatica-quiz quiz --retry-missed --no-builtin --bank {SAMPLE} --data-dir '{data}'"
    import shlex

    again = run(shlex.split(command)[1:], input="q\n", catch=False)
    assert again.exit_code == 0 and asked(again.stdout) == ["sample/roots"]


# -- 5, 13, 24: validate agrees with every other command ----------------------------------------


def test_5_validate_reports_a_clash_with_a_built_in_bank_id(tmp_path: Path) -> None:
    bank = tmp_path / "mine.yaml"
    text = SAMPLE.read_text(encoding="utf-8").replace("id: sample\n", "id: anatomy\n", 1)
    bank.write_text(text, encoding="utf-8")
    result = run(["validate", str(bank)])
    assert result.exit_code == 1
    assert f"{bank}:2: bank id 'anatomy' is already used by decks/anatomy.yaml" in result.stderr
    assert run(["list", "--bank", str(bank)]).stderr == result.stderr  # the same verdict as every command
    alone = run(["validate", "--no-builtin", str(bank)], catch=False)
    assert alone.exit_code == 0 and alone.stdout.startswith("OK: 1 bank, 6 questions, 1 source cited")


def test_24_validate_counts_only_the_given_banks_and_says_what_it_checked_them_with() -> None:
    result = run(["validate", str(SAMPLE)], catch=False)
    assert (
        result.stdout
        == "OK: 1 bank, 6 questions, 1 source cited (checked together with the 7 built-in banks)\n"
    )


@pytest.mark.parametrize("names", [[], ["notes.txt", "PIRI.yml.bak"], ["sources.yaml"]])
def test_13_validate_fails_when_it_finds_no_bank(tmp_path: Path, names: list[str]) -> None:
    for name in names:
        (tmp_path / name).write_text("sources: []\n" if name == "sources.yaml" else "x\n", encoding="utf-8")
    result = run(["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert f"Error: {tmp_path}: folder has no bank files (.yaml or .yml)" in result.stderr


def test_13_upper_case_extensions_are_banks_too(tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "PIRI.YAML")
    result = run(["validate", "--no-builtin", str(tmp_path)], catch=False)
    assert result.stdout.startswith("OK: 1 bank, 6 questions")


def test_special_files_are_named_for_what_they_are() -> None:
    result = run(["validate", "/dev/null"])
    assert result.stderr == "Error: /dev/null: is not a regular file or a folder\n"


def test_24_a_source_conflict_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(
        "sources:\n  - id: nice-ng59\n    title: Another title\n    publisher: Me\n", encoding="utf-8"
    )
    shutil.copy(SAMPLE, tmp_path / "bank.yaml")
    result = run(["validate", str(tmp_path)])
    assert (
        f"Error: {tmp_path}/sources.yaml:2: source 'nice-ng59' is already defined differently in "
        in result.stderr
    )


def test_strict_requires_a_source_on_every_question(tmp_path: Path) -> None:
    bank = tmp_path / "quick.yaml"
    bank.write_text(
        "id: quick\ntitle: Quick quiz\ntopic: anatomy\nquestions:\n"
        "  - id: q1\n    type: true_false\n    prompt: The sciatic nerve is the largest nerve.\n"
        "    answer: true\n    explanation: It is the widest and longest nerve in the body.\n",
        encoding="utf-8",
    )
    assert run(["validate", str(bank)], catch=False).exit_code == 0  # an instructor's quick quiz is fine
    strict = run(["validate", "--strict", str(bank)])
    assert strict.exit_code == 1
    assert (
        strict.stderr
        == f"Error: {bank}:5: question 'q1': has no sources; strict checking needs at least one\n"
    )
    assert run(["validate", "--strict"], catch=False).stdout.endswith("(strict)\n")


# -- 8, 12, 16, 22, 25: exports and names -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "the deck name is empty"),
        ("  ", "the deck name is empty"),
        ("::", "deck name '::' contains '::', which Anki reads as a subdeck"),
        ("A::B", "deck name 'A::B' contains '::'"),
    ],
)
def test_8_deck_names_follow_one_rule(name: str, message: str, tmp_path: Path) -> None:
    result = run(["export", "anki", *BANK, "-o", str(tmp_path / "d.apkg"), "--deck-name", name])
    assert result.exit_code == 1 and message in result.stderr and result.stderr.endswith(" (--deck-name)\n")
    assert not (tmp_path / "d.apkg").exists()


def test_16_default_names_come_from_the_selected_banks(tmp_path: Path) -> None:
    deck = run(["export", "anki", *BANK, "-o", str(tmp_path / "d.apkg")], catch=False)
    assert deck.stdout.endswith("in 1 subdeck of 'Sample bank with every question type'\n")
    guide = run(
        ["export", "handout", *BANK, "--kind", "study-guide", "-o", "-", "--format", "html"], catch=False
    )
    assert "<title>Sample bank with every question type study guide</title>" in guide.stdout
    builtin = run(
        ["export", "handout", "--kind", "worksheet", "--topic", "anatomy", "-o", "-", "--format", "md"]
    )
    assert builtin.stdout.startswith("# Sciatica worksheet\n")


def test_25_handout_titles_are_not_doubled(tmp_path: Path) -> None:
    from pypdf import PdfReader

    out = tmp_path / "key.pdf"
    run(
        ["export", "handout", *BANK, "--kind", "answer-key", "--title", "MT 210 quiz", "-o", str(out)],
        catch=False,
    )
    assert PdfReader(out).metadata.title == "MT 210 quiz · Answer key"
    guide = tmp_path / "guide.pdf"
    run(["export", "handout", "--kind", "study-guide", "--topic", "anatomy", "-o", str(guide)], catch=False)
    assert PdfReader(guide).metadata.title == "Sciatica study guide"


@pytest.mark.parametrize("name", ["deck", "deck.zip", "deck.APKG.txt"])
def test_22_an_anki_package_must_be_named_apkg(name: str, tmp_path: Path) -> None:
    result = run(["export", "anki", *BANK, "-o", str(tmp_path / name)])
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "an Anki package's name must end in .apkg, or Anki will not open it (-o deck.apkg)\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_12_a_binary_package_is_never_written_to_a_terminal(home: Path) -> None:
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "sciatica_quiz", "export", "anki", *BANK, "-o", "-"],
            stdout=follower, stderr=subprocess.PIPE, cwd=REPO, timeout=60,
            env={**os.environ, "SCIATICA_QUIZ_HOME": str(home)},
        )  # fmt: skip
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 1
    assert done.stderr == (
        b"Error: an .apkg file is binary and would garble the terminal; give a file name (-o sciatica.apkg)\n"
    )


def test_22_usage_errors_keep_status_2_and_the_readme_says_so() -> None:
    result = run(["quiz", "--type", "mcq"])
    assert result.exit_code == 2
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for status in ("`0`", "`1`", "`2`", "`130`", "`141`"):
        assert status in readme


# -- 15: a closed pipe ends quietly ---------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [["list"], ["stats"], ["export", "handout", "--kind", "study-guide", "-o", "-", "--format", "md"]],
)
def test_15_a_reader_that_goes_away_ends_the_program_quietly(command: list[str], home: Path) -> None:
    for _ in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-m", "sciatica_quiz", *command],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO,
            env={**os.environ, "SCIATICA_QUIZ_HOME": str(home)},
        )  # fmt: skip
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.readline()
        proc.stdout.close()  # as `| head -1` does
        err = proc.stderr.read()
        proc.wait(timeout=60)
        assert err == b"", err
        assert proc.returncode in (0, 141)


def test_15_a_quiz_piped_into_head_ends_quietly(home: Path) -> None:
    shell = f"yes a | {sys.executable} -m sciatica_quiz quiz -n 3 --no-builtin --bank {SAMPLE} | head -4"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", shell], capture_output=True, cwd=REPO, timeout=120,
        env={**os.environ, "SCIATICA_QUIZ_HOME": str(home)},
    )  # fmt: skip
    assert done.stderr == b""
    assert len(done.stdout.splitlines()) == 4


# -- 6, 21: study brings back what is due within minutes and says what happened -----------------


def tf_bank(path: Path, n: int) -> Path:
    """Write a bank of n true statements and return its path."""
    questions = "".join(
        f"  - id: q{i}\n    type: true_false\n    prompt: Statement {i} about the sciatic nerve.\n"
        f"    answer: true\n    explanation: Statement {i} is true, as the test bank says.\n"
        for i in range(n)
    )
    path.write_text(f"id: tf\ntitle: TF\ntopic: anatomy\nquestions:\n{questions}", encoding="utf-8")
    return path


def test_6_questions_coming_back_within_minutes_are_asked_in_the_next_run(tmp_path: Path) -> None:
    args = ["study", "--no-builtin", "--bank", str(tf_bank(tmp_path / "tf.yaml", 3)), "--new", "3"]
    first = run([*args, "--limit", "2"], input="t\ng\nt\ng\n", catch=False)  # both Good: back in 10 minutes
    assert "Stopped at the limit of 2 answers; study again to go on." in first.stdout
    second = run(args, input="t\ng\nt\ng\nt\ng\n", catch=False)
    assert (
        "Study: 0 due for review, 2 coming back within minutes, 1 new today (1 not yet studied)."
        in second.stdout
    )
    assert second.stdout.count("next review") == 3


def test_21_nothing_to_study_says_how_to_learn_more(tmp_path: Path) -> None:
    bank = tf_bank(tmp_path / "tf.yaml", 4)
    args = ["study", "--no-builtin", "--bank", str(bank), "--new", "1"]
    run(args, input="t\ne\n", catch=False)  # one new question, known at once: back in days
    later = run(args, input="", catch=False)
    assert "Nothing to study right now: no reviews due and today's 1 new questions are done." in later.stdout
    assert (
        f"To learn more new questions today: sciatica-quiz study --new 4 --no-builtin --bank {bank}"
        in later.stdout
    )


def test_21_a_skip_does_not_repeat_the_question_number() -> None:
    result = run(["study", *BANK, "--new", "3"], input="s\nq\n", catch=False)
    assert "Question 1 · new" in result.stdout and "Question 2 · new" in result.stdout


# -- 14, 17, 19, 20, 21: smaller things a student meets -----------------------------------------


@pytest.mark.parametrize("topic", ["Anatomy", "ANATOMY", " anatomy "])
def test_17_topics_ignore_case(topic: str) -> None:
    result = run(["quiz", *BANK, "--topic", topic, "-n", "1"], input="q\n", catch=False)
    assert result.exit_code == 0


@pytest.mark.parametrize("topic", ["special-populations", "Special_Populations", "SPECIAL-POPULATIONS"])
def test_17_topics_take_dash_or_underscore(topic: str) -> None:
    result = run(["quiz", "--topic", topic, "-n", "1", "--seed", "1"], input="q\n", catch=False)
    assert "· Special populations ·" in result.stdout


def test_14_the_exam_review_shows_the_case_the_blank_numbers_and_the_choices() -> None:
    session = QuizSession.create(LIBRARY.questions, count=6, seed=4)
    lines = [line for item in session.items for line in wrong_input(item.question, item.layout)]
    result = run(["quiz", *BANK, "--mode", "exam", "--seed", "4"], input="\n".join(lines) + "\n", catch=False)
    review = result.stdout.split("Review of the questions you missed", 1)[1]
    assert "Case: A student asks which nerves travel together in the sciatic sheath." in review
    assert "[1] _____" in review
    assert "  a) " in review


def test_19_equally_right_spellings_are_not_typos() -> None:
    assert match_text("herniated disk", ["herniated disc"]) == (True, None)
    assert match_text("anulus fibrosus", ["annulus fibrosus"]) == (True, None)
    assert match_text("common peroneal nerve", ["common fibular nerve"]) == (True, None)


def test_20_a_citation_does_not_repeat_a_year_its_publisher_gives() -> None:
    src = Source(id="allen", title="Scope of practice", authors="Allen L",
                 publisher="Massage & Bodywork magazine (ABMP), July/August 2017", year=2017)  # fmt: skip
    assert (
        src.citation() == "Allen L. Scope of practice. Massage & Bodywork magazine (ABMP), July/August 2017."
    )
    library = load_library()
    assert not [s.id for s in library.sources.values() if s.citation().count(str(s.year)) > 1 and s.year]


def test_21_no_answers_gives_no_score() -> None:
    result = run(["quiz", *BANK, "-n", "2"], input="q\n", catch=False)
    assert "No questions answered." in result.stdout and "Score:" not in result.stdout


# -- 23: the schema and the tool agree ------------------------------------------------------------


class Yaml12Loader(yaml.SafeLoader):
    """Read YAML as schema checkers do (YAML 1.2): dates stay text, and so do yes, no, on and off."""


Yaml12Loader.yaml_implicit_resolvers = {
    key: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def as_json(path: Path) -> object:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Yaml12Loader)  # a SafeLoader subclass


@pytest.mark.parametrize(
    "path", [*GOOD, *sorted(p for p in builtin_decks_dir().glob("*.yaml") if p.name != "sources.yaml")],
    ids=lambda p: p.name,
)  # fmt: skip
def test_23_every_bank_the_tool_accepts_the_schema_accepts(path: Path) -> None:
    jsonschema.validate(as_json(path), bank_schema())


def test_23_the_bibliography_has_a_schema_too() -> None:
    jsonschema.validate(as_json(builtin_decks_dir() / "sources.yaml"), sources_schema())
    committed = json.loads((REPO / "docs" / "sources.schema.json").read_text(encoding="utf-8"))
    assert committed == json.loads(run(["schema", "--sources"], catch=False).stdout)


@pytest.mark.parametrize(
    ("answer", "tool_ok"), [("true", True), ("yes", False), ("on", False), ('"True"', False)]
)
def test_23_true_false_answers_mean_the_same_to_the_tool_and_the_schema(
    answer: str, tool_ok: bool, tmp_path: Path
) -> None:
    bank = tmp_path / "tf.yaml"
    bank.write_text(
        "id: tf\ntitle: TF\ntopic: anatomy\nquestions:\n  - id: q1\n    type: true_false\n"
        f"    prompt: The sciatic nerve is big.\n    answer: {answer}\n    explanation: It is the largest nerve.\n",
        encoding="utf-8",
    )
    assert (run(["validate", "--no-builtin", str(bank)]).exit_code == 0) is tool_ok
    assert jsonschema.Draft202012Validator(bank_schema()).is_valid(as_json(bank)) is tool_ok


def test_23_numeric_choices_are_text_to_both(tmp_path: Path) -> None:
    bank = tmp_path / "n.yaml"
    bank.write_text(
        "id: n\ntitle: N\ntopic: anatomy\nquestions:\n  - id: q1\n    type: multiple_choice\n"
        "    prompt: How many roots form the sciatic nerve?\n    choices: [3, 5, 7]\n    answer: 5\n"
        "    explanation: L4, L5, S1, S2 and S3 make five roots.\n",
        encoding="utf-8",
    )
    assert run(["validate", "--no-builtin", str(bank)]).exit_code == 0
    jsonschema.validate(as_json(bank), bank_schema())


# -- 25: completion offers topics and tags ------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("quiz --topic sp", "special_populations"),
        ("quiz --tag mblex::k", "mblex::kinesiology"),
        ("stats --tag red", "red-flag"),
    ],
)
def test_25_shell_completion_offers_topics_and_tags(words: str, expected: str, home: Path) -> None:
    parts = ["sciatica-quiz", *words.split()]
    done = subprocess.run(
        [sys.executable, "-c", "from sciatica_quiz.cli import main; main(prog_name='sciatica-quiz')"],
        capture_output=True, text=True, cwd=REPO, timeout=60,
        env={**os.environ, "_SCIATICA_QUIZ_COMPLETE": "bash_complete", "COMP_WORDS": " ".join(parts),
             "COMP_CWORD": str(len(parts) - 1), "SCIATICA_QUIZ_HOME": str(home)},
    )  # fmt: skip
    assert f"plain,{expected}" in done.stdout.splitlines()


# -- the store: two processes at once ---------------------------------------------------------------


def test_two_processes_creating_the_store_at_once_both_work(tmp_path: Path) -> None:
    for i in range(6):
        home = tmp_path / f"h{i}"
        env = {**os.environ, "SCIATICA_QUIZ_HOME": str(home)}
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "sciatica_quiz", "progress"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=REPO,
                env=env,
            )
            for _ in range(2)
        ]
        for p in procs:
            _, err = p.communicate(timeout=60)
            assert p.returncode == 0, err

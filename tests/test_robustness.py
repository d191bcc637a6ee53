"""Robustness: Ctrl-C and kills mid-export, output paths, failed writes, huge banks, store edges.

The interrupt and kill tests run `python -m sciatica_quiz` on a large synthetic bank and signal it at
a point they can see from outside, never after a guessed delay: while it loads the bank (its CPU
time has passed what start-up costs), while typst compiles a PDF (typst's threads have started), or
while the .apkg is written (its hidden `.NAME.*.part` temporary file exists). They need Linux's
/proc. docs/robustness.md lists what each test here guarantees.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import REPO, SAMPLE, run

from sciatica_quiz.errors import StoreError
from sciatica_quiz.loader import MAX_FILE_BYTES, load_library
from sciatica_quiz.store import STORE_NAME, Rating, Store

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")


def write_bank(n: int, path: Path) -> Path:
    """Write a synthetic bank of n questions with benches/synth.py (not an importable package)."""
    spec = importlib.util.spec_from_file_location("synth", REPO / "benches" / "synth.py")
    assert spec is not None and spec.loader is not None
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    return synth.write_bank(n, path)  # type: ignore[no-any-return]


SAMPLE_ARGS = ["--no-builtin", "--bank", str(SAMPLE)]
# Start-up (imports) costs about 0.2 s of CPU; loading the 20,000-question bank about 2 s more.
LOADING_CPU_SECONDS = 0.6
INTERRUPTED = "\nInterrupted.\n"


@pytest.fixture(scope="module")
def big_bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a synthetic bank of 5,000 questions of every type (1.8 MB): seconds for typst."""
    return write_bank(5000, tmp_path_factory.mktemp("big") / "big.yaml")


@pytest.fixture(scope="module")
def huge_bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a synthetic bank of 20,000 questions (7.4 MB): about 2 s of CPU to load."""
    return write_bank(20_000, tmp_path_factory.mktemp("huge") / "huge.yaml")


def env(**extra: str) -> dict[str, str]:
    # No bank cache: every run parses the bank, so the loading phase is long enough to catch.
    return {**os.environ, "SCIATICA_QUIZ_CACHE": "off", "NO_COLOR": "1", **extra}


def start(args: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "sciatica_quiz", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=env(),
    )


def cpu_and_threads(pid: int) -> tuple[float, int]:
    """Return a process's CPU time in seconds and its number of threads, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), int(fields[17])


def wait_for(
    proc: subprocess.Popen[bytes], ready: Callable[[], bool], what: str, timeout: float = 120
) -> None:
    """Poll until `ready()`; fail if the process ends first."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, f"the process ended before {what}: {proc.communicate()}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.002)


def loading(proc: subprocess.Popen[bytes]) -> Callable[[], bool]:
    return lambda: cpu_and_threads(proc.pid)[0] >= LOADING_CPU_SECONDS


def compiling(proc: subprocess.Popen[bytes]) -> Callable[[], bool]:
    return lambda: cpu_and_threads(proc.pid)[1] > 1  # the loader is single-threaded; typst is not


def interrupt(proc: subprocess.Popen[bytes]) -> tuple[int, bytes, bytes, float]:
    """Send Ctrl-C (SIGINT); return the exit status, output, error output and seconds to exit."""
    proc.send_signal(signal.SIGINT)
    sent = time.monotonic()
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err, time.monotonic() - sent


def kill(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# -- Ctrl-C -----------------------------------------------------------------------------------------


HUGE = ["--no-builtin", "--bank", "{bank}"]


@pytest.mark.parametrize(
    "command",
    [
        ["validate", "{bank}"],
        ["stats", *HUGE],
        ["export", "anki", "-o", "{out}.apkg", *HUGE],
        ["export", "handout", "--kind", "worksheet", "-o", "{out}.pdf", *HUGE],
    ],
    ids=["validate", "stats", "export-anki", "export-handout"],
)
def test_ctrl_c_while_loading_a_big_bank_exits_130_quietly(
    huge_bank: Path, tmp_path: Path, command: list[str]
) -> None:
    proc = start([arg.format(bank=huge_bank, out=tmp_path / "out") for arg in command])
    wait_for(proc, loading(proc), "loading the bank")
    status, stdout, stderr, _ = interrupt(proc)
    assert (status, stdout, stderr) == (130, b"", INTERRUPTED.encode())
    assert listing(tmp_path) == []


def writing_a_deck(bank: Path, folder: Path) -> tuple[subprocess.Popen[bytes], Path]:
    """Start exporting over a previous deck; return once the new one's temporary file exists."""
    out = folder / "deck.apkg"
    out.write_bytes(b"previous deck")
    proc = start(["export", "anki", "-o", str(out), "--no-builtin", "--bank", str(bank)])
    wait_for(proc, lambda: any(folder.glob(".deck.apkg.*.part")), "the temporary file appeared")
    return proc, out


def test_ctrl_c_while_writing_an_anki_deck_keeps_the_previous_file(big_bank: Path, tmp_path: Path) -> None:
    # Writing takes a fraction of a second, so on a busy machine the export can finish before the
    # signal lands; then the new deck must be whole. Try until Ctrl-C lands mid-write.
    for attempt in range(6):
        folder = tmp_path / f"try-{attempt}"
        folder.mkdir()
        proc, out = writing_a_deck(big_bank, folder)
        status, stdout, stderr, _ = interrupt(proc)
        if status == 0:
            assert zipfile.is_zipfile(out) and listing(folder) == ["deck.apkg"]
            continue
        assert (status, stdout, stderr) == (130, b"", INTERRUPTED.encode())
        assert out.read_bytes() == b"previous deck"
        assert listing(folder) == ["deck.apkg"]  # the temporary file is gone
        return
    pytest.fail("every export finished before Ctrl-C landed")


def test_ctrl_c_while_typst_compiles_ends_at_once(big_bank: Path, tmp_path: Path) -> None:
    out = tmp_path / "guide.pdf"
    proc = start(
        [
            "export",
            "handout",
            "--kind",
            "study-guide",
            "-o",
            str(out),
            "--no-builtin",
            "--bank",
            str(big_bank),
        ]
    )
    wait_for(proc, compiling(proc), "typst started")
    status, stdout, stderr, seconds = interrupt(proc)
    assert (status, stdout, stderr) == (130, b"", INTERRUPTED.encode())
    # Compiling 5,000 questions takes several seconds; Ctrl-C must not wait for it (it takes ~0.1 s).
    assert seconds < 3, f"exit took {seconds:.1f} s after Ctrl-C"
    assert listing(tmp_path) == []


# -- kills ------------------------------------------------------------------------------------------


def test_sigkill_while_writing_an_anki_deck_leaves_the_previous_file(big_bank: Path, tmp_path: Path) -> None:
    proc, out = writing_a_deck(big_bank, tmp_path)
    kill(proc)
    assert out.read_bytes() == b"previous deck"
    # Nothing runs after SIGKILL, so the hidden temporary file may stay behind (documented).
    leftovers = [name for name in listing(tmp_path) if name != "deck.apkg"]
    assert len(leftovers) <= 1 and all(n.startswith(".deck.apkg.") and n.endswith(".part") for n in leftovers)
    # The next export replaces the file as usual.
    assert run(["export", "anki", "-o", str(out), *SAMPLE_ARGS]).exit_code == 0
    assert zipfile.is_zipfile(out)


def test_sigkill_while_compiling_a_pdf_leaves_the_previous_file(big_bank: Path, tmp_path: Path) -> None:
    out = tmp_path / "guide.pdf"
    out.write_bytes(b"previous guide")
    proc = start(
        [
            "export",
            "handout",
            "--kind",
            "study-guide",
            "-o",
            str(out),
            "--no-builtin",
            "--bank",
            str(big_bank),
        ]
    )
    wait_for(proc, compiling(proc), "typst started")
    kill(proc)
    assert out.read_bytes() == b"previous guide"
    assert listing(tmp_path) == ["guide.pdf"]  # the file is only opened once the PDF is complete


# -- output paths -----------------------------------------------------------------------------------

EXPORTS = {
    "anki": (["export", "anki"], "deck.apkg"),
    "pdf": (["export", "handout", "--kind", "worksheet"], "sheet.pdf"),
    "html": (["export", "handout", "--kind", "worksheet"], "sheet.html"),
    "md": (["export", "handout", "--kind", "worksheet"], "sheet.md"),
}


def test_anki_deck_to_standard_output(tmp_path: Path) -> None:
    result = run(["export", "anki", "-o", "-", *SAMPLE_ARGS], catch=False)
    assert result.exit_code == 0
    assert (
        result.stderr
        == "Wrote the package to standard output: 6 notes, 7 cards in 1 subdeck of 'Sample bank with every question type'\n"
    )
    deck = tmp_path / "from-stdout.apkg"
    deck.write_bytes(result.stdout_bytes)
    with zipfile.ZipFile(deck) as zf:
        assert sorted(zf.namelist()) == ["collection.anki2", "media"]
    from anki.collection import Collection
    from cardview import import_apkg

    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        import_apkg(col, deck)
        assert col.note_count() == 6
    finally:
        col.close()


@pytest.mark.parametrize(
    ("fmt", "start"),
    [("html", "<!DOCTYPE html>"), ("md", "# Sample bank with every question type worksheet\n")],
)
def test_handout_to_standard_output(fmt: str, start: str) -> None:
    result = run(
        ["export", "handout", "--kind", "worksheet", "-o", "-", "--format", fmt, *SAMPLE_ARGS], catch=False
    )
    assert result.exit_code == 0
    assert result.stdout.startswith(start) and "Wrote" not in result.output


@pytest.mark.parametrize("exporter", EXPORTS)
def test_missing_output_folder_is_one_clear_line(exporter: str, tmp_path: Path) -> None:
    command, name = EXPORTS[exporter]
    out = tmp_path / "missing" / name
    result = run([*command, "-o", str(out), *SAMPLE_ARGS])
    assert result.exit_code == 1
    assert result.output == f"Error: {out}: folder '{tmp_path / 'missing'}' does not exist; create it first\n"
    assert listing(tmp_path) == []


@pytest.mark.parametrize("exporter", EXPORTS)
def test_output_path_that_is_a_folder_is_one_clear_line(exporter: str, tmp_path: Path) -> None:
    command, name = EXPORTS[exporter]
    out = tmp_path / name
    out.mkdir()
    result = run([*command, "-o", str(out), *SAMPLE_ARGS])
    assert result.exit_code == 1
    assert result.output == f"Error: {out}: is a folder; give a file name inside it\n"
    assert listing(tmp_path) == [name] and listing(out) == []


@pytest.mark.parametrize("exporter", EXPORTS)
def test_output_folder_that_is_a_file_is_one_clear_line(exporter: str, tmp_path: Path) -> None:
    command, name = EXPORTS[exporter]
    (tmp_path / "notes.txt").write_text("mine")
    out = tmp_path / "notes.txt" / name
    result = run([*command, "-o", str(out), *SAMPLE_ARGS])
    assert result.exit_code == 1
    assert result.output == f"Error: {out}: '{tmp_path / 'notes.txt'}' is a file, not a folder\n"
    assert (tmp_path / "notes.txt").read_text() == "mine"


def unprivileged(command: list[str]) -> list[str]:
    """Return the command run without root's power to ignore file permissions (if root)."""
    if os.geteuid() != 0:
        return command
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv to drop the permission override")
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}", *command]


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "read-only"
    folder.mkdir()
    yield folder
    folder.chmod(0o755)


@pytest.mark.parametrize("exporter", EXPORTS)
def test_read_only_output_folder_is_one_clear_line(exporter: str, read_only_folder: Path) -> None:
    command, name = EXPORTS[exporter]
    out = read_only_folder / name
    out.write_bytes(b"previous")
    read_only_folder.chmod(0o555)
    python = [sys.executable, "-m", "sciatica_quiz", *command, "-o", str(out), *SAMPLE_ARGS]
    result = subprocess.run(
        unprivileged(python), capture_output=True, text=True, cwd=REPO, env=env(), timeout=120
    )
    assert result.returncode == 1
    assert result.stderr == f"Error: {out}: folder '{read_only_folder}' is not writable\n"
    assert out.read_bytes() == b"previous" and listing(read_only_folder) == [name]


# A file-size limit makes every write past 20 kB fail as a full disk would (EFBIG instead of ENOSPC).
FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))
from sciatica_quiz.cli import main
main(sys.argv[1:], prog_name="sciatica-quiz")
"""


@pytest.mark.parametrize("exporter", EXPORTS)
def test_a_full_disk_is_one_clear_line_and_keeps_the_previous_file(exporter: str, tmp_path: Path) -> None:
    command, name = EXPORTS[exporter]
    out = tmp_path / name
    out.write_bytes(b"previous")
    # The built-in banks: every format is larger than the limit.
    python = [sys.executable, "-c", FULL_DISK, *command, "-o", str(out)]
    result = subprocess.run(python, capture_output=True, text=True, cwd=REPO, env=env(), timeout=120)
    assert result.returncode == 1, result.stderr
    # The .apkg is first built as an SQLite file, and SQLite words the failure its own way.
    reason = r"disk I/O error|database or disk is full" if exporter == "anki" else "File too large"
    assert re.fullmatch(
        rf"Error: {re.escape(str(out))}: writing failed \(({reason})\); any previous file is unchanged\n",
        result.stderr,
    )
    assert out.read_bytes() == b"previous" and listing(tmp_path) == [name]


# -- limits -----------------------------------------------------------------------------------------


def test_a_bank_just_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    bank = tmp_path / "huge.yaml"
    with open(bank, "wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk space, nothing worth reading
    started = time.monotonic()
    result = run(["validate", str(bank)])
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Error: {bank}: file is {MAX_FILE_BYTES + 1:,} bytes; the limit is {MAX_FILE_BYTES:,}\n"
    )
    assert time.monotonic() - started < 10  # generous: reading 64 MiB of YAML would take minutes


MEASURE = """
import resource, sys, time
from sciatica_quiz.cli import main
started = time.monotonic()
try:
    main(["validate", sys.argv[1]], prog_name="sciatica-quiz")
except SystemExit as exc:
    print(f"status={exc.code} seconds={time.monotonic() - started:.1f} "
          f"peak_rss_mib={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
"""


def test_a_20k_question_bank_validates_in_bounded_memory(huge_bank: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(huge_bank)], capture_output=True, text=True, cwd=REPO, env=env()
    )
    assert result.stdout.startswith("OK: 1 bank, 20000 questions"), result.stderr
    figures = dict(item.split("=") for item in result.stdout.splitlines()[-1].split())
    print(f"\n20,000-question bank ({huge_bank.stat().st_size:,} bytes): {figures}")
    assert figures["status"] == "0"
    assert float(figures["peak_rss_mib"]) < 2048


# -- the study store --------------------------------------------------------------------------------


def test_a_store_path_that_is_a_folder_is_a_clear_error(home: Path) -> None:
    (home / STORE_NAME).mkdir(parents=True)
    result = run(["progress", *SAMPLE_ARGS])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {home / STORE_NAME} is not a file; move it away or choose a writable folder "
        "for the progress store (--data-dir or $SCIATICA_QUIZ_HOME)\n"
    )


def test_a_read_only_store_file_is_a_clear_error(tmp_path: Path) -> None:
    home = tmp_path / "data"
    Store.open(home).close()
    store = home / STORE_NAME
    store.chmod(0o444)
    python = [sys.executable, "-m", "sciatica_quiz", "study", *SAMPLE_ARGS]
    result = subprocess.run(
        unprivileged(python), input="", capture_output=True, text=True, cwd=REPO,
        env=env(SCIATICA_QUIZ_HOME=str(home)), timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: {store} is read-only or unreadable; fix its permissions or choose a writable folder "
        "for the progress store (--data-dir or $SCIATICA_QUIZ_HOME)\n"
    )


def test_a_store_kept_busy_by_another_session_is_a_clear_error(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sciatica_quiz.store as store_module

    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_SECONDS", 0.2)
    q = load_library([SAMPLE], builtin=False).questions[0]
    with Store.open(home) as first, Store.open(home) as second:
        first._db.execute("BEGIN IMMEDIATE")  # another session in the middle of writing
        try:
            with pytest.raises(
                StoreError, match=r"stayed busy for 0 s \(another session is writing to it\); try again"
            ):
                second.review(q, Rating.GOOD, correct=True)
        finally:
            first._db.execute("ROLLBACK")
        second.review(q, Rating.GOOD, correct=True)  # once the other session is done, it works
    with sqlite3.connect(home / STORE_NAME) as db:
        assert db.execute("SELECT COUNT(*) FROM reviews").fetchone() == (1,)


# -- the document -----------------------------------------------------------------------------------


def test_every_test_and_fixture_named_in_docs_robustness_exists() -> None:
    text = (REPO / "docs" / "robustness.md").read_text(encoding="utf-8")
    named, file = 0, ""
    for m in re.finditer(r"`(tests/\w+\.py)?::(\w+)", text):
        file = m.group(1) or file  # `::name` continues the file named before it
        assert re.search(rf"^def {m.group(2)}\(", (REPO / file).read_text(encoding="utf-8"), re.MULTILINE), (
            m.group(0)
        )
        named += 1
    for name in re.findall(r"`([\w-]+\.yaml)`", text):
        assert (REPO / "tests" / "fixtures" / "bad" / name).is_file(), name
    assert named >= 60
    assert len(list((REPO / "tests" / "fixtures" / "bad").glob("*.yaml"))) >= 60


def test_a_file_of_millions_of_tiny_items_is_refused_before_parsing(tmp_path: Path) -> None:
    bank = tmp_path / "flow.yaml"
    bank.write_text(
        "id: x\ntitle: T\ntopic: anatomy\nquestions: [" + "a," * 4_100_000 + "a]\n", encoding="utf-8"
    )
    result = run(["validate", str(bank)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {bank}: file has about 4,100,008 YAML items; the limit is 4,000,000 (split it into several banks)\n"
    )


def test_a_file_with_thousands_of_problems_lists_the_first_hundred(tmp_path: Path) -> None:
    bank = tmp_path / "keys.yaml"
    keys = "".join(f"    k{i}: 1\n" for i in range(5000))
    bank.write_text("id: x\ntitle: T\ntopic: anatomy\nquestions:\n  - id: q\n" + keys, encoding="utf-8")
    lines = run(["validate", str(bank)]).stderr.splitlines()
    assert len(lines) == 101
    assert lines[0] == f"Error: {bank}: 4,902 more problems not shown; fix the first 100 and run again"
    assert lines[1].startswith(f"Error: {bank}:6: question 'q': unknown key 'k0'")

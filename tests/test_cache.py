"""The parsed-bank cache: same Library from the cache as from YAML, invalidated by content, never trusted blindly."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, SAMPLE, run

from sciatica_quiz import cache as cache_module
from sciatica_quiz.cache import ENV_CACHE, BankCache, cache_dir
from sciatica_quiz.errors import BankError
from sciatica_quiz.loader import load_library
from sciatica_quiz.model import Library


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the cache at a folder this test can look into; return the folder of entries."""
    monkeypatch.setenv(ENV_CACHE, str(tmp_path / "cache"))
    return tmp_path / "cache" / "banks"


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    """Return a private copy of the sample bank, free to edit."""
    return Path(shutil.copy(SAMPLE, tmp_path / "sample.yaml"))


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pickle")) if folder.is_dir() else []


def no_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make YAML parsing fail, so a load that still works came from the cache."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("YAML was parsed although the cache holds this file")

    monkeypatch.setattr(yaml, "compose", refuse)


def same(a: Library, b: Library) -> None:
    assert a == b
    assert [bk.path for bk in a.banks] == [bk.path for bk in b.banks]
    assert [q.line for q in a.questions] == [q.line for q in b.questions]  # not part of ==


def test_second_load_comes_from_the_cache_and_is_equal(
    cache: Path, bank: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_library([bank], builtin=False)
    assert len(entries(cache)) == 2  # the bank and the built-in bibliography
    no_yaml(monkeypatch)
    same(load_library([bank], builtin=False), first)


def test_builtin_banks_come_from_the_cache(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_library()
    no_yaml(monkeypatch)
    same(load_library(), first)


def test_editing_a_file_invalidates_its_entry(cache: Path, bank: Path) -> None:
    load_library([bank], builtin=False)
    bank.write_text(
        bank.read_text(encoding="utf-8").replace("title: ", "title: Edited ", 1), encoding="utf-8"
    )
    assert load_library([bank], builtin=False).banks[0].title.startswith("Edited ")
    bank.write_bytes(SAMPLE.read_bytes())  # back to the old bytes: the old entry is sound again
    assert load_library([bank], builtin=False) == load_library([SAMPLE], builtin=False)


@pytest.mark.parametrize(
    "garbage", [b"", b"not a pickle", pickle.dumps(("key", "value"))[:-3], pickle.dumps(42)]
)
def test_a_corrupt_entry_is_ignored_and_rebuilt(cache: Path, bank: Path, garbage: bytes) -> None:
    first = load_library([bank], builtin=False)
    for entry in entries(cache):
        entry.write_bytes(garbage)
    same(load_library([bank], builtin=False), first)
    for entry in entries(cache):  # written again, whole
        key, _ = pickle.loads(entry.read_bytes())
        assert isinstance(key, str)


def test_an_entry_whose_key_does_not_match_is_not_used(cache: Path, tmp_path: Path) -> None:
    a = Path(shutil.copy(SAMPLE, tmp_path / "a.yaml"))
    b = tmp_path / "b.yaml"
    b.write_text(SAMPLE.read_text(encoding="utf-8").replace("title: ", "title: B ", 1), encoding="utf-8")
    load_library([a], builtin=False)
    load_library([b], builtin=False)
    store = BankCache.open()
    assert store is not None
    entry_a, entry_b = (store.path(store.key("bank", p.read_bytes())) for p in (a, b))
    entry_b.write_bytes(entry_a.read_bytes())  # b's entry now holds a's bank, under a's key
    assert load_library([b], builtin=False).banks[0].title.startswith("B ")


def test_cache_off_writes_nothing(tmp_path: Path, bank: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_CACHE, "off")
    assert cache_dir() is None
    assert BankCache.open() is None
    first = load_library([bank], builtin=False)
    assert load_library([bank], builtin=False) == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sample.yaml"]


def test_default_folder_is_the_user_cache_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv(ENV_CACHE, raising=False)
    assert cache_dir() == Path(platformdirs.user_cache_dir("sciatica-quiz", appauthor=False))


def test_files_with_problems_are_never_cached_and_errors_do_not_change(cache: Path) -> None:
    bad = FIXTURES / "bad" / "answer-not-choice.yaml"
    messages = []
    for _ in range(2):
        with pytest.raises(BankError) as exc:
            load_library([bad], builtin=False)
        messages.append(exc.value.lines())
    assert messages[0] == messages[1]
    assert "is not one of the choices" in messages[0][0]
    assert len(entries(cache)) == 1  # only the built-in bibliography


def test_problems_between_files_are_found_again_on_a_cache_hit(cache: Path, tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    one, two = tmp_path / "one.yaml", tmp_path / "two.yaml"
    one.write_text(text, encoding="utf-8")
    two.write_text(text + "\n", encoding="utf-8")  # the same bank id in another file
    messages = []
    for _ in range(2):
        with pytest.raises(BankError) as exc:
            load_library([one, two], builtin=False)
        messages.append(exc.value.lines())
    assert messages[0] == messages[1]
    assert "is already used by" in messages[0][0]


def test_bank_path_is_shown_from_the_current_folder(
    cache: Path, bank: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_library([bank], builtin=False).banks[0].path == "sample.yaml"
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert load_library([bank], builtin=False).banks[0].path == str(bank)


def test_an_unwritable_cache_is_not_an_error(
    tmp_path: Path, bank: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv(ENV_CACHE, str(blocker))
    assert load_library([bank], builtin=False).banks[0].id == "sample"
    assert not list(tmp_path.glob("**/*.part"))


def test_old_entries_are_pruned(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "MAX_ENTRIES", 3)
    text = SAMPLE.read_text(encoding="utf-8")
    for i in range(5):
        path = tmp_path / f"bank{i}.yaml"
        path.write_text(text.replace("title: ", f"title: {i} ", 1), encoding="utf-8")
        load_library([path], builtin=False)
    store = BankCache.open()
    assert store is not None
    assert len(entries(cache)) == 3
    assert store.path(store.key("bank", path.read_bytes())).is_file()  # the newest is kept


def test_cli_validate_is_the_same_from_the_cache(cache: Path, bank: Path) -> None:
    first = run(["validate", "--no-builtin", str(bank)], catch=False)
    assert len(entries(cache)) == 2  # the bank and the built-in bibliography
    second = run(["validate", "--no-builtin", str(bank)], catch=False)
    assert first.exit_code == second.exit_code == 0
    assert first.output == second.output
    assert second.output.startswith("OK: 1 bank")

"""Property-based tests: whatever bytes a bank file holds, the loader raises only BankError."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import SAMPLE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sciatica_quiz.errors import BankError
from sciatica_quiz.loader import load_library

SAMPLE_BYTES = SAMPLE.read_bytes()
SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def load_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(data)
    try:
        load_library([path], builtin=False)
    except BankError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.path.endswith("fuzz.yaml") and problem.message


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_random_bytes(tmp_path: Path, data: bytes) -> None:
    load_bytes(tmp_path, data)


@SETTINGS
@given(
    cut=st.integers(0, len(SAMPLE_BYTES)), junk=st.binary(max_size=20), at=st.integers(0, len(SAMPLE_BYTES))
)
def test_mutated_sample(tmp_path: Path, cut: int, junk: bytes, at: int) -> None:
    truncated = SAMPLE_BYTES[:cut]
    load_bytes(tmp_path, truncated)
    load_bytes(tmp_path, SAMPLE_BYTES[:at] + junk + SAMPLE_BYTES[at:])


YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@SETTINGS
@given(
    key=st.sampled_from(
        ["id", "type", "prompt", "choices", "answer", "text", "sources", "tags", "difficulty", "case"]
    ),
    value=YAML_VALUES,
)
def test_question_fields_with_any_value(tmp_path: Path, key: str, value: object) -> None:
    bank = yaml.safe_load(SAMPLE_BYTES)
    for question in bank["questions"]:
        question[key] = value
    load_bytes(tmp_path, yaml.safe_dump(bank, allow_unicode=True).encode())


@pytest.mark.parametrize("depth", [10, 500, 5000])
def test_deep_nesting(tmp_path: Path, depth: int) -> None:
    load_bytes(tmp_path, (b"a: " + b"[" * depth + b"]" * depth + b"\n"))
    load_bytes(tmp_path, "".join("  " * i + f"k{i}:\n" for i in range(depth)).encode())

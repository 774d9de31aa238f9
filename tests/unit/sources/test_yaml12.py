"""YAML 1.2 core schema like upstream's JavaScript `yaml` package (docs/featurevisor.md §1.6)."""

from __future__ import annotations

import math

import pytest
from kubevisor.sources.errors import SourceError
from kubevisor.sources.yaml12 import load_yaml


def value_of(text: str) -> object:
    loaded = load_yaml(f"v: {text}\n", "t.yml")
    assert isinstance(loaded, dict)
    return loaded["v"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on", "on"),
        ("off", "off"),
        ("yes", "yes"),
        ("no", "no"),
        ("2024-01-01", "2024-01-01"),
        ("2024-01-01T10:00:00Z", "2024-01-01T10:00:00Z"),
        ("012", 12),
        ("0x1F", 31),
        ("0o17", 15),
        ("1e3", 1000),
        ("1_000", "1_000"),
        ("50.0", 50),
        ("12.5", 12.5),
        ("+7", 7),
        ("True", True),
        ("FALSE", False),
        ("~", None),
        ("", None),
        ("Null", None),
        ("'012'", "012"),
        ('"true"', "true"),
        ("!!str 12", "12"),
        ("1.2.3", "1.2.3"),
    ],
)
def test_scalars(text: str, expected: object) -> None:
    value = value_of(text)
    assert value == expected
    assert type(value) is type(expected)


def test_special_floats() -> None:
    assert value_of(".inf") == math.inf
    assert value_of("-.Inf") == -math.inf
    nan = value_of(".nan")
    assert isinstance(nan, float) and math.isnan(nan)


def test_merge_keys_are_plain_keys_and_anchors_work() -> None:
    loaded = load_yaml("a: &x {k: 1}\nb:\n  <<: *x\n  j: 2\nc: *x\n", "t.yml")
    assert loaded == {"a": {"k": 1}, "b": {"<<": {"k": 1}, "j": 2}, "c": {"k": 1}}


def test_keys_become_strings_in_javascript_order() -> None:
    loaded = load_yaml("b: 1\n10: 2\na: 3\n2: 4\n'01': 5\ntrue: 6\n1.0: 7\n~: 8\n", "t.yml")
    assert isinstance(loaded, dict)
    assert list(loaded) == ["1", "2", "10", "b", "a", "01", "true", ""]
    assert loaded["1"] == 7


def test_numeric_keys_equal_by_value_are_duplicates() -> None:
    with pytest.raises(SourceError, match="duplicate key"):
        load_yaml("1: a\n1.0: b\n", "t.yml")


def test_duplicate_keys_are_errors_naming_file_and_line() -> None:
    with pytest.raises(SourceError, match=r"t\.yml: line 3: duplicate key 'a'"):
        load_yaml("a: 1\nb: 2\na: 3\n", "t.yml")


def test_syntax_errors_name_file_and_line() -> None:
    with pytest.raises(SourceError, match=r"^f\.yml: line 2, column \d+: "):
        load_yaml("a: [1, 2\nb: 3\n", "f.yml")

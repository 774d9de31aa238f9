"""Manifests are read with kubectl's YAML 1.1 rules (go-yaml v2), not YAML 1.2."""

from __future__ import annotations

import math

import pytest
from kubevisor.sources.kubectl_yaml import KubectlYAMLError, iter_documents, resolve_plain


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("yes", True),
        ("No", False),
        ("on", True),
        ("OFF", False),
        ("y", True),
        ("N", False),
        ("~", None),
        ("", None),
        ("Null", None),
        ("012", 10),
        ("0x1F", 31),
        ("0o17", 15),
        ("0b101", 5),
        ("-0x10", -16),
        ("1_000", 1000),
        ("1e3", 1000),
        ("1.5e-3", 0.0015),
        ("50.0", 50),
        (".5", 0.5),
        ("+7", 7),
        ("08", 8),
        ("2024-01-02", "2024-01-02"),
        ("2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00"),
        ("1:20", "1:20"),
        ("1e400", "1e400"),
        ("-", "-"),
        ("=", "="),
        ("hello", "hello"),
    ],
)
def test_plain_scalars_resolve_like_go_yaml(text: str, value: object) -> None:
    resolved = resolve_plain(text)
    assert resolved == value
    assert type(resolved) is type(value)


def test_special_floats() -> None:
    assert resolve_plain(".inf") == math.inf
    assert resolve_plain("-.Inf") == -math.inf
    assert math.isnan(resolve_plain(".NaN"))


def test_integers_past_64_bits_are_floats_and_numbers_past_doubles_strings() -> None:
    assert resolve_plain("99999999999999999999") == 1e20
    assert resolve_plain("-99999999999999999999") == -1e20
    assert resolve_plain("9" * 400) == "9" * 400


def test_quoted_and_tagged_scalars_and_keys() -> None:
    [document] = iter_documents('a: "yes"\nb: !!str 12\nc: !!float 1\ny: 1\n3: x\nnull: z\n')
    assert document.value == {"a": "yes", "b": "12", "c": 1, "true": 1, "3": "x", "null": "z"}


def test_merge_keys_merge_and_explicit_keys_win() -> None:
    text = "base: &b {x: 1, y2: 2}\nother: &o {x: 9, w: 3}\nm:\n  <<: [*b, *o]\n  x: 5\n"
    [document] = iter_documents(text)
    assert document.value["m"] == {"x": 5, "y2": 2, "w": 3}


def test_multi_document_with_a_broken_document_in_the_middle() -> None:
    text = "a: 1\n---\nkind: Feature\nmetadata: {name: f}\nk: 1\nk: 2\n---\n---\nb: 2\n"
    documents = list(iter_documents(text))
    assert [document.index for document in documents] == [0, 1, 2, 3]
    assert documents[0].value == {"a": 1}
    assert "duplicate key 'k'" in documents[1].error
    assert "line 6" in documents[1].error
    assert (documents[1].kind, documents[1].name) == ("Feature", "f")
    assert documents[2].value is None
    assert documents[3].value == {"b": 2}


def test_syntax_error_names_the_document_and_line() -> None:
    with pytest.raises(KubectlYAMLError, match=r"document 2: line \d+, column"):
        list(iter_documents("a: 1\n---\nb: [\n"))


def test_bad_tag_value_is_a_document_error() -> None:
    [document] = iter_documents("a: !!int abc\n")
    assert "not a valid" in document.error

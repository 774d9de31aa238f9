"""Key order hints survive the API server's sorting, and stale hints degrade gracefully."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st
from kubevisor.core.keyorder import (
    apply_key_order,
    format_hint,
    parse_hint,
    record_key_order,
    sort_like_apiserver,
)

FEATURE = {
    "description": "d",
    "variablesSchema": {
        "zeta": {"type": "string", "defaultValue": "x"},
        "alpha": {"defaultValue": 1, "type": "integer"},
    },
    "rules": {"production": [{"key": "a", "segments": "*", "percentage": 100}]},
    "force": [{"segments": "s", "enabled": True, "variables": {"b/c": 1, "a~d": 2}}],
}


def key_paths(value: object) -> list[list[str]]:
    """Every map's key list, depth-first: equal lists mean equal key order everywhere."""
    if isinstance(value, dict):
        return [list(value)] + [path for item in value.values() for path in key_paths(item)]
    if isinstance(value, list):
        return [path for item in value for path in key_paths(item)]
    return []


def test_sort_like_apiserver_sorts_every_map_byte_wise() -> None:
    value = {"b": [{"z": 1, "Z": 2, "é": 3, "e": 4}], "a": {"y": None, "_": 0}, "B": 1}
    sorted_value = sort_like_apiserver(value)
    assert list(sorted_value) == ["B", "a", "b"]
    assert list(sorted_value["b"][0]) == ["Z", "e", "z", "é"]
    assert list(sorted_value["a"]) == ["_", "y"]
    assert sorted_value == value


def test_round_trip_restores_every_order() -> None:
    hint = record_key_order(FEATURE)
    restored = apply_key_order(sort_like_apiserver(FEATURE), hint)
    assert restored == FEATURE
    assert key_paths(restored) == key_paths(FEATURE)


def test_hint_names_only_maps_out_of_order_with_escaped_paths() -> None:
    hint = record_key_order(FEATURE)
    assert hint[""] == ["description", "variablesSchema", "rules", "force"]
    assert hint["/variablesSchema"] == ["zeta", "alpha"]
    assert hint["/force/0/variables"] == ["b/c", "a~d"]
    assert "/rules" not in hint  # a single key is always in order
    assert hint["/rules/production/0"] == ["key", "segments", "percentage"]
    assert "/variablesSchema/alpha" not in hint  # defaultValue, type: already sorted
    assert record_key_order({"a": 1, "b": {"c": 1, "d": 2}}) == {}


def test_stale_hint_puts_unknown_keys_after_known_ones_sorted() -> None:
    hint = {"": ["zeta", "gone", "alpha"], "/missing/0": ["x"], "/zeta": ["q"], "/alpha/5": ["y"]}
    edited = {"alpha": 1, "new2": 2, "zeta": {"q": 1}, "new1": 3}
    result = apply_key_order(sort_like_apiserver(edited), hint)
    assert list(result) == ["zeta", "alpha", "new1", "new2"]
    assert result == edited


def test_apply_does_not_change_its_input() -> None:
    value = {"b": {"y": 1, "x": 2}, "a": 1}
    before = json.dumps(value)
    apply_key_order(value, {"": ["a", "b"], "/b": ["x", "y"]})
    assert json.dumps(value) == before


def test_hint_text_round_trip_and_invalid_text() -> None:
    hint = record_key_order(FEATURE)
    text = format_hint(hint)
    assert " " not in text.replace('"d"', "")
    assert parse_hint(text) == hint
    assert parse_hint("not json") is None
    assert parse_hint("[1]") is None
    assert parse_hint('{"": [1]}') is None
    assert parse_hint(None) is None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_any_value_survives_sorting(value: object) -> None:
    restored = apply_key_order(sort_like_apiserver(value), record_key_order(value))
    assert restored == value
    assert key_paths(restored) == key_paths(value)

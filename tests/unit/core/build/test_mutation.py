"""Variable mutation notation (docs/featurevisor.md §5.6)."""

from __future__ import annotations

from kubevisor.core.build.jsvalues import UNDEFINED
from kubevisor.core.build.mutation import mutate, parse_notation, resolve_many, resolve_one

SCHEMA = {
    "tags": {"type": "array", "defaultValue": ["default", "demo"]},
    "layout": {"type": "object", "defaultValue": {"columns": 2, "dense": False}},
    "items": {"type": "array", "defaultValue": [{"id": 1, "n": "a"}, {"id": 2, "n": "b"}]},
    "color": {"type": "string", "defaultValue": "red"},
    "nodefault": {"type": "object"},
}


def test_spec_example_applies_keys_by_length() -> None:
    overrides = {"tags[0]": "nl-ch", "tags:prepend": "first", "tags:append": "extra"}
    assert resolve_many(SCHEMA, overrides) == {"tags": ["first", "nl-ch", "demo", "extra"]}


def test_path_set_expands_to_the_full_object() -> None:
    assert resolve_many(SCHEMA, {"layout.columns": 3}) == {"layout": {"columns": 3, "dense": False}}


def test_exact_root_key_replaces_while_override_value_merges() -> None:
    assert resolve_many(SCHEMA, {"layout": {"columns": 5}}) == {"layout": {"columns": 5}}
    base = {"columns": 4, "dense": True}
    assert resolve_one(SCHEMA, "layout", {"columns": 9}, base) == {"columns": 9, "dense": True}
    assert resolve_one(SCHEMA, "layout", {"columns": 9}, UNDEFINED) == {
        "columns": 9,
        "dense": False,
    }
    assert resolve_one(SCHEMA, "color", "blue", UNDEFINED) == "blue"


def test_unknown_variables_and_missing_schema_resolve_to_nothing() -> None:
    assert resolve_many(SCHEMA, {"unknown": 1}) is UNDEFINED
    assert resolve_many({}, {"color": "blue"}) is UNDEFINED
    assert resolve_many(SCHEMA, {}) is UNDEFINED


def test_selector_operations_and_ignored_index_operations() -> None:
    items = SCHEMA["items"]["defaultValue"]
    assert mutate(items, "[id=2]:remove", None) == [{"id": 1, "n": "a"}]
    assert mutate(items, "[id=1]:after", {"id": 9}) == [
        {"id": 1, "n": "a"},
        {"id": 9},
        {"id": 2, "n": "b"},
    ]
    assert mutate(items, "[0]:append", "x") == items  # ignored on an index, as upstream
    assert mutate(items, "[1].n", "z") == [{"id": 1, "n": "a"}, {"id": 2, "n": "z"}]
    assert items[1]["n"] == "b"  # the input is not modified


def test_mutating_a_missing_default_stays_undefined() -> None:
    assert resolve_many(SCHEMA, {"nodefault.x": 1}) == {"nodefault": UNDEFINED}


def test_parse_notation() -> None:
    parts, operation = parse_notation("rows[id='7'].cells[2]:before")
    assert operation == "before"
    assert [(p.key, p.index, p.selector) for p in parts] == [
        ("rows", None, ("id", "7")),
        ("cells", 2, None),
    ]

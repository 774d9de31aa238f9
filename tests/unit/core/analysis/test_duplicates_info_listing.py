"""find-duplicate-segments, info counts and list filters (upstream semantics)."""

from __future__ import annotations

from pathlib import Path

import pytest
from kubevisor.core.analysis.duplicates import duplicate_segments
from kubevisor.core.analysis.info import project_counts
from kubevisor.core.analysis.listing import ListFilters, list_entities
from kubevisor.core.definitions import Definitions, Kind
from kubevisor.sources.project import load_project

EXAMPLE_1 = Path("tests/conformance/fixtures/example-1/project")


@pytest.fixture(scope="module")
def example() -> Definitions:
    return load_project(EXAMPLE_1)


def test_duplicates_are_identical_conditions_key_order_included() -> None:
    same = [{"attribute": "country", "operator": "equals", "value": "nl"}]
    reordered = [{"operator": "equals", "attribute": "country", "value": "nl"}]
    defs = Definitions(
        segments={
            "a": {"conditions": same},
            "b": {"conditions": reordered},
            "c": {"conditions": list(same)},
            "d": {"conditions": "*"},
        }
    )
    assert duplicate_segments(defs) == [["a", "c"]]


def test_example_1_has_no_duplicates(example: Definitions) -> None:
    assert duplicate_segments(example) == []


def test_info_counts_match_the_official_test_run(example: Definitions) -> None:
    counts = project_counts(example)
    # official/logs/test.txt: 35 specs, 189 assertions (matrix combinations counted).
    assert (counts.test_specs, counts.assertions) == (35, 189)
    assert (counts.attributes, counts.segments, counts.groups, counts.targets) == (17, 22, 1, 2)


def _keys(defs: Definitions, kind: Kind, **filters: object) -> list[str]:
    return [entity["key"] for entity in list_entities(defs, kind, ListFilters(**filters))]  # type: ignore[arg-type]


def test_list_features_by_tag_and_environment(example: Definitions) -> None:
    assert _keys(example, Kind.FEATURE, tags=("checkout",)) == ["discount", "pricing", "showBanner"]
    enabled = _keys(example, Kind.FEATURE, enabled_in="production")
    disabled = _keys(example, Kind.FEATURE, disabled_in="production")
    assert enabled and disabled and not set(enabled) & set(disabled)


def test_list_archived_hidden_unless_asked() -> None:
    defs = Definitions(features={"old": {"archived": True}, "new": {"archived": False}})
    assert _keys(defs, Kind.FEATURE) == ["new"]
    assert _keys(defs, Kind.FEATURE, archived=True) == ["old"]
    assert _keys(defs, Kind.FEATURE, archived=False) == ["new"]


def test_list_with_and_without_tests_partition(example: Definitions) -> None:
    tested = _keys(example, Kind.FEATURE, with_tests=True)
    untested = _keys(example, Kind.FEATURE, with_tests=False)
    assert sorted(tested + untested) == sorted(_keys(example, Kind.FEATURE))
    assert "foo" in tested


def test_list_entities_carry_their_key_last(example: Definitions) -> None:
    [germany] = list_entities(
        example, Kind.SEGMENT, ListFilters(key_pattern="^countries\\.germany$")
    )
    assert list(germany)[-1] == "key" and germany["key"] == "countries.germany"


def test_list_tests_with_matrix_and_patterns(example: Definitions) -> None:
    expanded = list_entities(example, Kind.TEST, ListFilters(apply_matrix=True))
    # official/logs/test.txt: 189 assertions once matrices are expanded
    assert sum(len(spec["assertions"]) for spec in expanded) == 189
    segments = list_entities(example, Kind.TEST, ListFilters(entity_type="segment"))
    assert segments and all("segment" in spec for spec in segments)
    [eu] = list_entities(example, Kind.TEST, ListFilters(assertion_pattern="country is gb"))
    assert eu["key"] == "segments.eu.spec"
    assert [a["description"] for a in eu["assertions"]] == [
        "Assertion #4: continent is europe, country is gb, which is known to be not in EU, "
        "therefore should not match"
    ]

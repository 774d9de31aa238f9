"""find-usage logic on upstream's example-1 project (what `featurevisor find-usage` reports)."""

from __future__ import annotations

from pathlib import Path

import pytest
from kubevisor.core.analysis import usage
from kubevisor.core.definitions import Definitions
from kubevisor.sources.project import load_project

EXAMPLE_1 = Path("tests/conformance/fixtures/example-1/project")


@pytest.fixture(scope="module")
def example() -> Definitions:
    return load_project(EXAMPLE_1)


def test_segment_used_in_rules_force_and_variable_overrides(example: Definitions) -> None:
    # Every feature whose file names countries.germany (rules, force or variableOverrides).
    assert usage.features_using_segment(example, "countries.germany") == [
        "bar",
        "checkout.page",
        "foo",
        "newRedesign",
        "pricing",
        "qux",
        "sidebar",
        "withMutations",
        "withOverrides",
        "withSchema",
    ]


def test_attribute_used_in_segments_and_nested_paths(example: Definitions) -> None:
    country = usage.attribute_usage(example, "country")
    assert country.segments == [
        "countries.germany",
        "countries.netherlands",
        "countries.switzerland",
        "eu",
    ]
    # `browser.name` in a condition reads the `browser` attribute.
    assert usage.attribute_usage(example, "browser").segments == [
        "chrome",
        "firefox",
        "notChromeV1",
    ]


def test_required_features(example: Definitions) -> None:
    assert usage.features_requiring(example, "sidebar") == ["discount"]


def test_unused_segments_and_attributes(example: Definitions) -> None:
    assert usage.unused_segments(example) == [
        "adult",
        "appVersion_1_2_3",
        "chrome",
        "firefox",
        "highScorers",
        "notChromeV1",
        "unknownDevice",
    ]
    assert usage.unused_attributes(example) == ["loggedIn"]


def test_no_environments_mode_reads_plain_lists() -> None:
    defs = Definitions(
        segments={"nl": {"conditions": "*"}, "de": {"conditions": "*"}},
        features={"f": {"rules": [{"segments": {"not": ["nl"]}}], "force": []}},
    )
    assert usage.unused_segments(defs) == ["de"]

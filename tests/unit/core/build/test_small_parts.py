"""Group ranges (docs/featurevisor.md §5.7), revisions (§5.12) and target selection (§5.2)."""

from __future__ import annotations

import pytest
from kubevisor.core.build.groups import feature_ranges
from kubevisor.core.build.revision import next_revision
from kubevisor.core.build.selection import exposed, matches_feature_patterns, target_selects


def test_group_ranges_start_non_first_slots_one_later() -> None:
    groups = {
        "g": {"slots": [{"feature": "a", "percentage": 50}, {"feature": "b", "percentage": 50}]},
        "h": {"slots": [{"percentage": 12.5}, {"feature": "a", "percentage": 87.5}]},
    }
    assert feature_ranges(groups) == {"a": [[0, 50000], [12501, 100000]], "b": [[50001, 100000]]}


@pytest.mark.parametrize(
    ("current", "following"),
    [("0", "1"), ("7\n", "8"), ("1.2.3", "4"), ("", "1"), ("abc", "1"), ("1.x", "1")],
)
def test_next_revision(current: str, following: str) -> None:
    assert next_revision(current) == following


def test_globs_match_whole_keys() -> None:
    assert matches_feature_patterns("checkout.page", ["checkout.*"])
    assert matches_feature_patterns("anything", "*")
    assert not matches_feature_patterns("checkoutXpage", ["checkout.page"])
    assert not matches_feature_patterns("a.checkout", ["checkout*"])


def test_target_selectors_combine_with_and() -> None:
    feature = {"tags": ["web", "checkout"]}
    assert target_selects({"tag": "web"}, "f", feature)
    assert not target_selects({"tag": "mobile"}, "f", feature)
    assert target_selects({"tags": {"or": ["mobile", "web"]}}, "f", feature)
    assert not target_selects({"tags": {"and": ["mobile", "web"]}}, "f", feature)
    assert not target_selects({"tag": "web", "excludeFeatures": ["f*"]}, "f", feature)
    assert not target_selects(None, "f", {"archived": True})
    assert not exposed({"tag": "web"}, ["mobile"])
    assert exposed({"tag": "web"}, True) and not exposed(None, False)

"""Traffic allocation (docs/featurevisor.md §5.5, §12.2)."""

from __future__ import annotations

from typing import Any

from kubevisor.core.build.allocation import split_ranges, traffic_for_rules

FIFTY_FIFTY = [{"value": "control", "weight": 50}, {"value": "treatment", "weight": 50}]


def rule(key: str, percentage: float, **extra: Any) -> dict[str, Any]:
    return {"key": key, "segments": "*", "percentage": percentage, **extra}


def allocation(traffic: dict[str, Any]) -> list[tuple[str, list[float]]]:
    return [(entry["variation"], entry["range"]) for entry in traffic.get("allocation", [])]


def state_of(variations: list[dict[str, Any]], traffic: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "variations": [{"value": v["value"], "weight": v["weight"]} for v in variations],
        "traffic": [
            {"key": t["key"], "percentage": t["percentage"], "allocation": t["allocation"]}
            for t in traffic
        ],
    }


def test_first_build_splits_the_rule_percentage_by_weight() -> None:
    [traffic] = traffic_for_rules(FIFTY_FIFTY, [rule("everyone", 10)], None, [])
    assert traffic["percentage"] == 10000
    assert allocation(traffic) == [("control", [0, 5000]), ("treatment", [5000, 10000])]


def test_increase_appends_after_existing_ranges() -> None:
    first = traffic_for_rules(FIFTY_FIFTY, [rule("everyone", 10)], None, [])
    [traffic] = traffic_for_rules(
        FIFTY_FIFTY, [rule("everyone", 30)], state_of(FIFTY_FIFTY, first), []
    )
    assert allocation(traffic) == [
        ("control", [0, 5000]),
        ("treatment", [5000, 10000]),
        ("control", [10000, 20000]),
        ("treatment", [20000, 30000]),
    ]


def test_fractional_increase_keeps_unrounded_bounds() -> None:
    variations = [{"value": "a", "weight": 50}, {"value": "b", "weight": 50}]
    first = traffic_for_rules(variations, [rule("r", 33.33)], None, [])
    assert allocation(first[0]) == [("a", [0, 16665]), ("b", [16665, 33330])]
    [traffic] = traffic_for_rules(variations, [rule("r", 50)], state_of(variations, first), [])
    assert allocation(traffic) == [
        ("a", [0, 16665]),
        ("b", [16665, 33330]),
        ("a", [33330, 41665]),
        ("b", [41665, 50000]),
    ]


def test_decrease_rebuckets_from_scratch() -> None:
    first = traffic_for_rules(FIFTY_FIFTY, [rule("nl", 50)], None, [])
    [traffic] = traffic_for_rules(FIFTY_FIFTY, [rule("nl", 40)], state_of(FIFTY_FIFTY, first), [])
    assert allocation(traffic) == [("control", [0, 20000]), ("treatment", [20000, 40000])]


def test_changed_weights_rebucket() -> None:
    first = traffic_for_rules(FIFTY_FIFTY, [rule("r", 10)], None, [])
    changed = [{"value": "control", "weight": 20}, {"value": "treatment", "weight": 80}]
    [traffic] = traffic_for_rules(changed, [rule("r", 20)], state_of(FIFTY_FIFTY, first), [])
    assert allocation(traffic) == [("control", [0, 4000]), ("treatment", [4000, 20000])]


def test_variation_weights_override_and_zero_entries_are_ignored() -> None:
    weights = {"control": 25, "treatment": 75}
    [traffic] = traffic_for_rules(
        FIFTY_FIFTY, [rule("dach", 20, variationWeights=weights)], None, []
    )
    assert allocation(traffic) == [("control", [0, 5000]), ("treatment", [5000, 20000])]
    assert traffic["variationWeights"] == weights
    zero = {"control": 0, "treatment": 100}
    [traffic] = traffic_for_rules(FIFTY_FIFTY, [rule("r", 20, variationWeights=zero)], None, [])
    # 0 is falsy: control keeps its own weight 50 (10000 units), treatment's 100 gives it
    # another 20000: together more than the rule's 20000, exactly as upstream computes it
    assert allocation(traffic) == [("control", [0, 10000]), ("treatment", [10000, 30000])]


def test_zero_weight_and_zero_percentage_leave_no_allocation() -> None:
    variations = [{"value": "off", "weight": 0}, {"value": "on", "weight": 100}]
    [traffic] = traffic_for_rules(variations, [rule("all", 100)], None, [])
    assert allocation(traffic) == [("on", [0, 100000])]
    [traffic] = traffic_for_rules(FIFTY_FIFTY, [rule("none", 0)], None, [])
    assert (traffic["percentage"] == 0 and "allocation" not in traffic) or not traffic["allocation"]


def test_features_without_variations_get_no_allocation() -> None:
    [traffic] = traffic_for_rules(None, [rule("everyone", 40)], None, [[0, 50000]])
    assert not traffic["allocation"]


def test_group_ranges_limit_allocation() -> None:
    [traffic] = traffic_for_rules(FIFTY_FIFTY, [rule("r", 100)], None, [[50001, 100000]])
    assert allocation(traffic) == [
        ("control", [50001, 100000]),
    ]


def test_split_ranges_quirk_drops_unreached_ranges() -> None:
    ranges = [[0, 10], [20, 30], [40, 50]]
    taken, left = split_ranges(ranges, 15)
    assert taken == [[0, 10], [20, 25]]
    assert left == [[25, 30]]  # [40, 50] is lost, as upstream
    taken, left = split_ranges(ranges, 0)
    assert taken == []
    assert left is ranges

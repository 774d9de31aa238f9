"""Traffic and allocation (docs/featurevisor.md §5.5): which bucket ranges each variation gets under
each rule.

Existing state keeps users where they were: a raised percentage appends new ranges after the
old ones; anything else (a decrease, changed variations, a new rule, `variationWeights`)
re-buckets from scratch. Arithmetic is IEEE double in upstream's operation order; nothing is
rounded, so bounds like 4114.5885 appear as they are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from kubevisor.core.build.jsvalues import UNDEFINED, number, to_number, truthy
from kubevisor.core.datafile_shapes import Allocation, FeatureState, Range
from kubevisor.core.definitions import JSONObject
from kubevisor.core.jsjson import dumps

MAX_BUCKETED_NUMBER = 100000
_PER_PERCENT = MAX_BUCKETED_NUMBER // 100  # exact, as upstream's `MAX_BUCKETED_NUMBER / 100`


def split_ranges(available: list[Range], fill: float) -> tuple[list[Range], list[Range]]:
    """The ranges covering `fill` units from the start of `available`, and what is left of it
    (upstream's `getAllocation` and `getUpdatedAvailableRanges`, which walk the same way).

    Quirk kept from upstream: ranges the walk never reaches are dropped from what is left,
    except that taking nothing leaves `available` as it is.
    """
    if fill == 0:
        return [], available
    taken: list[Range] = []
    left: list[Range] = []
    remaining = fill
    for start, end in available:
        if not remaining > 0:
            break
        part = min(remaining, end - start)
        taken.append([start, number(start + part)])
        if part < end - start:
            left.append([number(start + part), end])
        remaining -= part
    return taken, left


def _value_weight_text(variations: Sequence[object]) -> str:
    pairs = []
    for variation in variations:
        pair = {}
        if isinstance(variation, dict):
            for field in ("value", "weight"):
                if field in variation:
                    pair[field] = variation[field]
        pairs.append(pair)
    return dumps(pairs)


def variations_changed(variations: object, existing: FeatureState | None) -> bool:
    """Whether the YAML variations differ from those the state remembers."""
    if existing is None or "variations" not in existing:
        return isinstance(variations, list) and len(variations) > 0
    known = existing["variations"]
    known_text = _value_weight_text(known) if isinstance(known, list) else ""
    if not isinstance(variations, list):
        return True
    return known_text != _value_weight_text(variations)


def ranges_changed(available: list[Range], existing: FeatureState | None) -> bool:
    """v3 never writes `ranges` into state, so this only fires for hand-made state files."""
    if existing is None or not truthy(existing.get("ranges")):
        return False
    return dumps(existing["ranges"]) != dumps(available)


def traffic_for_rules(
    variations: object,
    rules: Sequence[JSONObject],
    existing: FeatureState | None,
    group_ranges: list[Range],
) -> list[dict[str, object]]:
    """One traffic entry per rule, in rule order (upstream `getTraffic`).

    Entries hold the raw rule fields (`segments`, `variables`, `variableOverrides` unresolved);
    absent fields are `UNDEFINED` (so values are `object`, not JSON). Key order is the datafile's.
    `variations` is the definition's raw value (`UNDEFINED` when absent); the caller has checked
    that each rule is a mapping.
    """
    available: list[Range] = group_ranges if group_ranges else [[0, MAX_BUCKETED_NUMBER]]
    changed = variations_changed(variations, existing)
    moved = ranges_changed(available, existing)
    existing_traffic = existing.get("traffic") if existing is not None else None
    if not isinstance(existing_traffic, list):
        existing_traffic = []
    result: list[dict[str, object]] = []
    for rule in rules:
        rule_percentage = to_number(rule.get("percentage", UNDEFINED))
        variation_weights = rule.get("variationWeights", UNDEFINED)
        rule_key = rule.get("key", UNDEFINED)
        percentage = number(rule_percentage * _PER_PERCENT)
        allocation: list[Allocation] = []
        traffic: dict[str, object] = {
            "key": rule_key,
            "segments": rule.get("segments", UNDEFINED),
            "percentage": percentage,
            "allocation": allocation,
            "variationWeights": variation_weights,
            "variableOverrides": rule.get("variableOverrides", UNDEFINED),
        }
        if truthy(rule.get("variables")):
            traffic["variables"] = rule["variables"]
        if truthy(rule.get("variation")):
            traffic["variation"] = rule["variation"]

        previous = next(
            (
                entry
                for entry in existing_traffic
                if isinstance(entry, dict) and entry.get("key", UNDEFINED) == rule_key
            ),
            None,
        )
        diff = (
            percentage - to_number(previous.get("percentage", UNDEFINED))
            if previous is not None
            else 0
        )
        rebucket = previous is None or changed or diff < 0 or moved or truthy(variation_weights)
        free = [list(span) for span in available]
        if previous is not None and truthy(previous.get("allocation")) and not rebucket:
            used: int | float = 0
            for entry in previous["allocation"]:
                kept: Allocation = {}
                if "variation" in entry:
                    kept["variation"] = entry["variation"]
                if "range" in entry:
                    kept["range"] = entry["range"]
                allocation.append(kept)
                span = entry["range"]
                used += to_number(span[1]) - to_number(span[0])
            _, free = split_ranges(available, used)
        if isinstance(variations, list):
            for variation in variations:
                if not isinstance(variation, dict):
                    variation = {}
                value = variation.get("value", UNDEFINED)
                weight = to_number(variation.get("weight", UNDEFINED))
                if isinstance(variation_weights, dict) and truthy(
                    variation_weights.get(value) if isinstance(value, str) else None
                ):
                    weight = to_number(variation_weights[value])
                if rebucket:
                    fill = (weight * _PER_PERCENT) * (rule_percentage / 100)
                else:
                    fill = (weight / 100) * diff
                taken, free = split_ranges(free, fill)
                for span in taken:
                    entry = (
                        {"range": span}
                        if value is UNDEFINED
                        else {
                            "variation": value,
                            "range": span,
                        }
                    )
                    allocation.append(entry)
        placed = [
            entry
            for entry in allocation
            if not ("range" in entry and _same(entry["range"][0], entry["range"][1]))
        ]
        traffic["allocation"] = placed if placed else UNDEFINED
        result.append(traffic)
    return result


def _same(first: object, second: object) -> bool:
    """JavaScript `===` for two range bounds (NaN is never equal)."""
    if isinstance(first, float) and math.isnan(first):
        return False
    return bool(first == second) and type(first) is not bool

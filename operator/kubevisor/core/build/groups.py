"""Group slot ranges (docs/featurevisor.md §5.7): which bucket ranges each grouped feature may
use."""

from __future__ import annotations

from kubevisor.core.build.jsvalues import UNDEFINED, number, to_number, truthy
from kubevisor.core.definitions import JSON

Range = list[int | float]


def feature_ranges(groups: dict[str, dict[str, JSON]]) -> dict[str, list[Range]]:
    """Ranges per feature key over all groups, in group listing order then slot order.

    A non-first slot starts at `acc + 1` (upstream quirk); ends are unrounded.
    """
    ranges: dict[str, list[Range]] = {}
    for group in groups.values():
        slots = group.get("slots")
        if not isinstance(slots, list):
            continue  # lint reports it; upstream would crash
        accumulated: int | float = 0
        for index, slot in enumerate(slots):
            if not isinstance(slot, dict):
                continue
            share = to_number(slot.get("percentage", UNDEFINED)) * 1000
            feature = slot.get("feature")
            if truthy(feature) and isinstance(feature, str):
                start = accumulated if index == 0 else accumulated + 1
                ranges.setdefault(feature, []).append([number(start), number(accumulated + share)])
            accumulated = accumulated + share
    return ranges

"""`Group.spec`: a Featurevisor group of mutually exclusive slots (docs/featurevisor.md §2.4)."""

from __future__ import annotations

from kubevisor.crds.common import description_field, key_field, key_reference, promotable_field
from kubevisor.crds.openapi import Node, array, obj, percentage, rule

# Slot percentages may have decimals; allow for binary floating-point rounding in the sum.
SUM_TOLERANCE = "0.000001"


def group_spec() -> Node:
    slot = obj(
        "One slot: a share of the traffic, optionally reserved for one feature.",
        {
            "feature": key_reference("Key of the feature in this slot; omit for an empty slot."),
            "percentage": percentage("Share of all traffic in this slot, 0 to 100."),
        },
        required=["percentage"],
    )
    slot_sum = "self.map(s, s.percentage).sum()"
    return obj(
        "Features that share traffic in slots so that a user sees at most one of them.",
        {
            "key": key_field("group"),
            "description": description_field("group"),
            "promotable": promotable_field(),
            "slots": array(
                "The slots, in order; their percentages must add up to exactly 100.",
                slot,
                min_items=1,
                max_items=100,
                rules=[
                    rule(
                        f"{slot_sum} > 100.0 - {SUM_TOLERANCE} && "
                        f"{slot_sum} < 100.0 + {SUM_TOLERANCE}",
                        "slot percentages must add up to exactly 100",
                    )
                ],
            ),
        },
        required=["description", "slots"],
    )

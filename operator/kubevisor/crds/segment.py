"""`Segment.spec`: a Featurevisor segment (`segments/<key>.yml`, docs/featurevisor.md §2.2)."""

from __future__ import annotations

from kubevisor.crds.common import (
    archived_field,
    conditions_field,
    description_field,
    key_field,
    promotable_field,
)
from kubevisor.crds.openapi import Node, obj


def segment_spec() -> Node:
    return obj(
        "A named set of users, described by conditions on context attributes.",
        {
            "key": key_field("segment"),
            "description": description_field("segment"),
            "conditions": conditions_field("Who belongs to the segment."),
            "archived": archived_field("segment"),
            "promotable": promotable_field(),
        },
        required=["description", "conditions"],
    )

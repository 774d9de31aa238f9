"""`Schema.spec`: a reusable Featurevisor variable schema (`schemas/<key>.yml`, docs/featurevisor.md
§2.5)."""

from __future__ import annotations

from kubevisor.crds.common import archived_field, description_field, key_field, promotable_field
from kubevisor.crds.openapi import Node, obj, rule
from kubevisor.crds.vocabulary import (
    SCHEMA_TYPES,
    bounds_rules,
    schema_reference,
    schema_reference_rule,
    shape_fields,
)


def schema_spec() -> Node:
    return obj(
        "A reusable schema that feature variables refer to with `schema: <key>`.",
        {
            "key": key_field("schema"),
            "description": description_field("schema"),
            "archived": archived_field("schema"),
            "promotable": promotable_field(),
            "schema": schema_reference(),
            **shape_fields(SCHEMA_TYPES, min_one_of=2),
        },
        rules=[
            rule(
                "(has(self.type) ? 1 : 0) + (has(self.oneOf) ? 1 : 0) + (has(self.schema) ? 1 : 0)"
                " <= 1",
                "at most one of type, oneOf or schema may be set",
            ),
            rule(
                "!has(self.type) || self.type != 'array' || has(self.items)",
                "a schema of type array needs items",
            ),
            schema_reference_rule(),
            *bounds_rules(),
        ],
    )

"""A feature's `variablesSchema.<name>` entry (docs/featurevisor.md §2.3.2)."""

from __future__ import annotations

from kubevisor.crds.common import description_field, json_value
from kubevisor.crds.openapi import Node, boolean, map_of, obj, rule
from kubevisor.crds.vocabulary import (
    VARIABLE_TYPES,
    bounds_rules,
    schema_reference,
    schema_reference_rule,
    shape_fields,
)


def variable_schema() -> Node:
    return obj(
        "One variable: exactly one of schema (a reference), type or oneOf, plus its default.",
        {
            "description": description_field("variable"),
            "schema": schema_reference(),
            **shape_fields(VARIABLE_TYPES, min_one_of=1),
            "defaultValue": json_value("The value served when nothing overrides it."),
            "disabledValue": json_value("The value served while the feature is disabled."),
            "useDefaultWhenDisabled": boolean("Serve defaultValue while the feature is disabled."),
            "deprecated": boolean("Whether SDKs warn when this variable is read."),
        },
        required=["defaultValue"],
        rules=[
            rule(
                "(has(self.type) ? 1 : 0) + (has(self.oneOf) ? 1 : 0) + (has(self.schema) ? 1 : 0)"
                " == 1",
                "exactly one of schema, type or oneOf must be set",
            ),
            schema_reference_rule(),
            *bounds_rules(),
        ],
    )


def variables_schema() -> Node:
    return map_of(
        "Variables of this feature: variable key to variable schema, in declaration order.",
        variable_schema(),
        max_properties=500,
        rules=[
            rule(
                "!('variation' in self)",
                "the variable name `variation` is reserved",
            )
        ],
    )

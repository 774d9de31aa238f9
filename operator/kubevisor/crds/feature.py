"""`Feature.spec`: a Featurevisor feature (`features/<key>.yml`, docs/featurevisor.md §2.3)."""

from __future__ import annotations

from kubevisor.crds.common import (
    archived_field,
    conditions_field,
    description_field,
    json_value,
    key_field,
    key_reference,
    promotable_field,
    segments_field,
    variables_map,
)
from kubevisor.crds.openapi import (
    Node,
    array,
    boolean,
    map_of,
    number,
    obj,
    percentage,
    rule,
    string,
    union,
)
from kubevisor.crds.variables import variables_schema

ENVIRONMENT_NOTE = (
    "In environments mode a map of environment name to {shape}; in no-environments mode the "
    "{shape} itself."
)


def variation_value(description: str) -> Node:
    return string(description, min_length=1, max_length=253)


def variable_overrides() -> Node:
    override = obj(
        "One override: the value applies when the conditions or segments match "
        "(exactly one of the two).",
        {
            "conditions": conditions_field("When this override applies."),
            "segments": segments_field("When this override applies."),
            "value": json_value("The variable value (mutation notation allowed inside objects)."),
        },
        required=["value"],
        one_of_required=["conditions", "segments"],
    )
    return map_of(
        "Variable key to a list of conditional overrides; the first match wins.",
        array("Overrides of one variable, in order.", override, max_items=100),
        max_properties=500,
    )


def variation() -> Node:
    return obj(
        "One variation of the feature.",
        {
            "value": variation_value("The variation value; non-empty and unique in the feature."),
            "weight": percentage("Share of the feature's traffic, 0 to 100."),
            "description": description_field("variation"),
            "variables": variables_map("Variable values of this variation."),
            "variableOverrides": variable_overrides(),
        },
        required=["value", "weight"],
    )


def traffic_rule(description: str = "One rule.") -> Node:
    return obj(
        description,
        {
            "key": string(
                "Rule key, unique within its list; keeps allocations stable across edits.",
                min_length=1,
                max_length=253,
            ),
            "description": description_field("rule"),
            "promotable": promotable_field(),
            "segments": segments_field("Who this rule applies to."),
            "percentage": percentage("Share of matching users that get the feature, 0 to 100."),
            "enabled": boolean("Accepted for compatibility; the v3 builder ignores it."),
            "variation": variation_value("Pins every user of this rule to this variation."),
            "variables": variables_map("Variable values for users of this rule."),
            "variableOverrides": variable_overrides(),
            "variationWeights": map_of(
                "Variation value to weight for this rule; lists every variation once, sums to 100.",
                number("Weight of one variation, 0 to 100.", minimum=0, maximum=100),
                max_properties=100,
            ),
        },
        required=["key", "segments", "percentage"],
    )


def rule_list() -> Node:
    return array(
        "Environments mode: the rules of one environment, in order; keys are unique.",
        traffic_rule(),
        min_items=1,
        max_items=1000,
        list_type="map",
        map_keys=["key"],
    )


def force_entry(description: str = "One force entry.") -> Node:
    return obj(
        description,
        {
            "segments": segments_field("Who is forced."),
            "conditions": conditions_field("Who is forced."),
            "enabled": boolean("Force the feature on or off."),
            "variation": variation_value("Force this variation."),
            "variables": variables_map("Force these variable values."),
        },
        one_of_required=["segments", "conditions"],
    )


def force_list() -> Node:
    return array(
        "Environments mode: the force entries of one environment.", force_entry(), max_items=1000
    )


def expose_value() -> Node:
    return union(
        "`false` keeps the feature out of the datafiles; a list of tags limits it to targets "
        "with those tags; `true` has no effect.",
        items=string("A tag.", max_length=253),
    )


def bucket_by() -> Node:
    return union(
        "The attribute(s) that bucket users: an attribute name, a list of names (all combined), "
        "or `{or: [names]}` (the first one present). Dot paths reach nested context values.",
        items=string("An attribute name or dot path.", max_length=253),
        properties={
            "or": array(
                "Attribute names; the first one present in the context is used.",
                string("An attribute name or dot path.", max_length=253),
                min_items=1,
                max_items=100,
            )
        },
    )


def required_features() -> Node:
    return array(
        "Features that must be enabled (optionally with a variation) for this one to be enabled: "
        "a feature key, or `{key, variation}`.",
        union(
            "A feature key, or an object `{key, variation}`.",
            properties={
                "key": key_reference("Key of the required feature."),
                "variation": variation_value("The variation the required feature must serve."),
            },
        ),
        max_items=100,
    )


def feature_spec() -> Node:
    return obj(
        "A feature flag, experiment or remote configuration.",
        {
            "key": key_field("feature"),
            "description": description_field("feature"),
            "tags": array(
                "Tags that datafile targets select this feature by.",
                string("A tag.", max_length=253),
                max_items=100,
                list_type="set",
            ),
            "archived": archived_field("feature"),
            "deprecated": boolean("Marks the feature deprecated in the datafile (SDKs warn)."),
            "promotable": promotable_field(),
            "bucketBy": bucket_by(),
            "required": required_features(),
            "variablesSchema": variables_schema(),
            "variations": array(
                "Variations of the feature; values are unique.",
                variation(),
                max_items=100,
                rules=[
                    rule(
                        "self.all(v, self.exists_one(w, w.value == v.value))",
                        "variation values must be unique",
                    )
                ],
            ),
            "disabledVariationValue": variation_value(
                "Variation served while the feature is disabled; must be one of the variations."
            ),
            "rules": union(
                "Rollout rules, evaluated in order: the first rule whose segments match decides "
                "(percentage, variation, variables). " + ENVIRONMENT_NOTE.format(shape="rule list"),
                items=traffic_rule("No-environments mode: one rule."),
                values=rule_list(),
            ),
            "force": union(
                "Forced decisions for matching users (testing, QA); the first match wins. Each "
                "entry "
                "has exactly one of segments or conditions. "
                + ENVIRONMENT_NOTE.format(shape="force list"),
                items=force_entry("No-environments mode: one force entry."),
                values=force_list(),
            ),
            "expose": union(
                "Where the feature is exposed. " + ENVIRONMENT_NOTE.format(shape="expose value"),
                items=string("A tag.", max_length=253),
                values=expose_value(),
            ),
        },
        required=["description", "bucketBy", "rules"],
        rules=[
            rule(
                "!has(self.disabledVariationValue) || (has(self.variations) && "
                "self.variations.exists(v, v.value == self.disabledVariationValue))",
                "disabledVariationValue must be the value of one of the variations",
                field_path=".disabledVariationValue",
            ),
        ],
    )

"""Valid base objects of every kind, and invalid variants the API server must reject.

Each invalid case changes one thing in a valid base object and names the field path and the
words the API server's message must contain, so a case fails if the object is rejected for
another reason than the one it is about.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kubevisor.core.limits import MAX_CONDITION_DEPTH, MAX_DEFINITION_DEPTH

Spec = dict[str, Any]


def nested_and(groups: int) -> Any:
    """`groups` nested `{and: [...]}` around one condition: 2 * groups + 1 levels deep."""
    condition: Any = {"attribute": "country", "operator": "equals", "value": "nl"}
    for _ in range(groups):
        condition = {"and": [condition]}
    return condition


def nested_lists(levels: int, leaf: Any) -> Any:
    """`leaf` inside `levels` lists."""
    for _ in range(levels):
        leaf = [leaf]
    return leaf


# The deepest conditions allowed: a list around 15 `and` groups is exactly the limit.
DEEPEST_CONDITIONS = [nested_and((MAX_CONDITION_DEPTH - 2) // 2)]
assert MAX_CONDITION_DEPTH % 2 == 0, "DEEPEST_CONDITIONS assumes an even limit"

VALID_SPECS: dict[str, Spec] = {
    "Attribute": {
        "key": "user.country",
        "description": "Country of the user",
        "type": "string",
        "enum": ["de", "nl"],
    },
    "Segment": {
        "description": "Dutch users",
        "conditions": [{"attribute": "country", "operator": "equals", "value": "nl"}],
    },
    "Feature": {
        "key": "checkout/newFlow",
        "description": "New checkout flow",
        "tags": ["all", "web"],
        "bucketBy": "userId",
        "variablesSchema": {
            "title": {"type": "string", "defaultValue": "Checkout"},
            "limits": {"schema": "limits", "defaultValue": None},
        },
        "variations": [
            {"value": "control", "weight": 50},
            {"value": "treatment", "weight": 50, "variables": {"title": "Pay"}},
        ],
        "rules": {
            "production": [
                {"key": "nl", "segments": "netherlands", "percentage": 50},
                {"key": "everyone", "segments": "*", "percentage": 0},
            ]
        },
        "force": {
            "production": [
                {
                    "conditions": {"attribute": "userId", "operator": "equals", "value": "qa"},
                    "enabled": True,
                }
            ]
        },
    },
    "Group": {
        "description": "Exclusive promotions",
        "slots": [
            {"feature": "promoA", "percentage": 33.33},
            {"feature": "promoB", "percentage": 33.33},
            {"percentage": 33.34},
        ],
    },
    "Schema": {
        "description": "Money",
        "type": "object",
        "properties": {"amount": {"type": "double"}, "currency": {"type": "string"}},
        "required": ["amount"],
    },
    "Datafile": {
        "target": "web",
        "environment": "production",
        "tag": "web",
        "configMap": {"name": "featurevisor-web", "key": "datafile.json", "namespaces": ["shop"]},
        "objectStore": {"url": "s3://datafiles/prod", "credentialsSecret": {"name": "s3"}},
    },
    "DatafileGrant": {"from": [{"namespace": "shop"}, {"namespace": "*"}], "datafiles": ["web-*"]},
}

NO_ENVIRONMENTS_FEATURE: Spec = {
    "description": "No-environments mode",
    "bucketBy": ["orgId", "userId"],
    "required": ["other", {"key": "third", "variation": "on"}],
    "variations": [{"value": "on", "weight": 100}],
    "rules": [
        {"key": "1", "segments": {"and": ["a", {"not": ["b"]}]}, "percentage": 12.5},
        {"key": "everyone rule", "segments": "*", "percentage": 0,
         "variationWeights": {"on": 100}},
    ],
    "force": [{"segments": ["qa"], "variation": "on"}],
    "expose": ["web"],
}  # fmt: skip

# Other valid shapes of the union fields: none of them may trip a schema rule or a policy.
VALID_VARIANTS: dict[str, tuple[str, Spec]] = {
    "feature-no-environments": ("Feature", NO_ENVIRONMENTS_FEATURE),
    "feature-bucketBy-or": (
        "Feature",
        {**NO_ENVIRONMENTS_FEATURE, "bucketBy": {"or": ["userId", "deviceId"]}, "expose": False},
    ),
    "datafile-defaults": ("Datafile", {"configMap": {"key": "flags.json"}}),
    "datafile-tags-and": (
        "Datafile",
        {
            "tags": {"and": ["web", "checkout"]},
            "includeFeatures": "*",
            "excludeFeatures": ["legacy.*"],
            "context": {"country": "nl", "tiers": [1, None]},
        },
    ),
    "segment-everyone": ("Segment", {"description": "Everyone", "conditions": "*"}),
    "segment-deepest-conditions": (
        "Segment",
        {"description": "As deep as allowed", "conditions": DEEPEST_CONDITIONS},
    ),
    "feature-deepest-variable-value": (
        "Feature",
        {
            **VALID_SPECS["Feature"],
            # spec > variablesSchema > deep: 3 maps, then the value's lists.
            "variablesSchema": {
                "deep": {
                    "type": "array",
                    "defaultValue": nested_lists(MAX_DEFINITION_DEPTH - 3, "x"),
                }
            },
            "variations": [{"value": "control", "weight": 100}],
        },
    ),
    "schema-reference-only": ("Schema", {"schema": "money"}),
    "attribute-one-of": (
        "Attribute",
        {"description": "Id", "oneOf": [{"type": "string"}, {"type": "integer"}]},
    ),
}


@dataclass(frozen=True)
class InvalidCase:
    name: str
    kind: str
    change: Callable[[Spec], None]
    field: str
    """The field path the message must name, e.g. `spec.variations[1]`."""
    words: str
    """A fragment of the message that says what is wrong."""

    def spec(self) -> Spec:
        spec = copy.deepcopy(VALID_SPECS[self.kind])
        self.change(spec)
        return spec


def _set(path: str, value: Any) -> Callable[[Spec], None]:
    """Set a dotted path (`rules.production.0.percentage`) to a value."""

    def change(spec: Spec) -> None:
        *parents, last = path.split(".")
        node: Any = spec
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return change


def _drop(path: str) -> Callable[[Spec], None]:
    def change(spec: Spec) -> None:
        *parents, last = path.split(".")
        node: Any = spec
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        del node[last]

    return change


def _both(*changes: Callable[[Spec], None]) -> Callable[[Spec], None]:
    def change(spec: Spec) -> None:
        for one in changes:
            one(spec)

    return change


RULE0 = "rules.production.0"
INVALID_CASES: list[InvalidCase] = [
    # keys
    InvalidCase("key-with-space", "Feature", _set("key", "new flow"), "spec.key", "should match"),
    InvalidCase("key-too-long", "Segment", _set("key", "k" * 300), "spec.key", "253"),
    InvalidCase("key-empty", "Attribute", _set("key", ""), "spec.key", "at least 1"),
    # required fields
    InvalidCase(
        "feature-no-description",
        "Feature",
        _drop("description"),
        "spec.description",
        "Required value",
    ),
    InvalidCase("feature-no-rules", "Feature", _drop("rules"), "spec.rules", "Required value"),
    InvalidCase(
        "feature-no-bucketBy", "Feature", _drop("bucketBy"), "spec.bucketBy", "Required value"
    ),
    InvalidCase(
        "segment-no-conditions", "Segment", _drop("conditions"), "spec.conditions", "Required value"
    ),
    InvalidCase("group-no-slots", "Group", _drop("slots"), "spec.slots", "Required value"),
    # types and unknown fields
    InvalidCase(
        "unknown-field",
        "Feature",
        _set("descripton", "typo"),
        "spec.descripton",
        "field not declared in schema",
    ),
    InvalidCase(
        "archived-not-boolean", "Segment", _set("archived", "yes"), "spec.archived", "boolean"
    ),
    InvalidCase(
        "tags-duplicate", "Feature", _set("tags", ["all", "all"]), "spec.tags", "duplicate entries"
    ),
    # attributes
    InvalidCase(
        "attribute-type-enum", "Attribute", _set("type", "float"), "spec.type", "Unsupported value"
    ),
    InvalidCase(
        "attribute-type-and-oneOf",
        "Attribute",
        _set("oneOf", [{"type": "string"}, {"type": "integer"}]),
        "spec",
        "exactly one of type or oneOf",
    ),
    InvalidCase(
        "attribute-oneOf-single",
        "Attribute",
        _both(_drop("type"), _set("oneOf", [{"type": "string"}])),
        "spec.oneOf",
        "at least 2",
    ),
    InvalidCase(
        "attribute-min-above-max",
        "Attribute",
        _both(_set("type", "integer"), _drop("enum"), _set("minimum", 10), _set("maximum", 1)),
        "spec",
        "minimum must not be greater than maximum",
    ),
    InvalidCase(
        "attribute-required-undeclared",
        "Attribute",
        _both(
            _set("type", "object"),
            _drop("enum"),
            _set("properties", {"a": {}}),
            _set("required", ["b"]),
        ),
        "spec.required",
        "must be declared in properties",
    ),
    # rules
    InvalidCase(
        "rule-percentage-above-100",
        "Feature",
        _set(f"{RULE0}.percentage", 101),
        "spec.rules.production[0].percentage",
        "less than or equal to 100",
    ),
    InvalidCase(
        "rule-percentage-negative",
        "Feature",
        _set(f"{RULE0}.percentage", -1),
        "spec.rules.production[0].percentage",
        "greater than or equal to 0",
    ),
    InvalidCase(
        "rule-keys-duplicate",
        "Feature",
        _set("rules.production.1.key", "nl"),
        "spec.rules.production",
        'duplicate entries for key [key="nl"]',
    ),
    InvalidCase(
        "rule-no-segments",
        "Feature",
        _drop(f"{RULE0}.segments"),
        "spec.rules.production[0].segments",
        "Required value",
    ),
    InvalidCase(
        "rule-no-list-rules-no-env",
        "Feature",
        _set("rules", [{"key": "a", "segments": "*", "percentage": 200}]),
        "spec.rules[0].percentage",
        "less than or equal to 100",
    ),
    InvalidCase(
        "rule-variation-weight",
        "Feature",
        _set(f"{RULE0}.variationWeights", {"control": 120, "treatment": -20}),
        "spec.rules.production[0].variationWeights.control",
        "less than or equal",
    ),
    # force
    InvalidCase(
        "force-segments-and-conditions",
        "Feature",
        _set("force.production.0.segments", "netherlands"),
        "spec.force.production[0]",
        "oneOf",
    ),
    InvalidCase(
        "force-neither",
        "Feature",
        _drop("force.production.0.conditions"),
        "spec.force.production[0]",
        "oneOf",
    ),
    # variations
    InvalidCase(
        "variation-values-duplicate",
        "Feature",
        _set("variations.1.value", "control"),
        "spec.variations",
        "variation values must be unique",
    ),
    InvalidCase(
        "variation-weight-above-100",
        "Feature",
        _set("variations.0.weight", 150),
        "spec.variations[0].weight",
        "less than or equal to 100",
    ),
    InvalidCase(
        "variation-value-empty",
        "Feature",
        _set("variations.0.value", ""),
        "spec.variations[0].value",
        "at least 1",
    ),
    InvalidCase(
        "disabled-variation-unknown",
        "Feature",
        _set("disabledVariationValue", "off"),
        "spec.disabledVariationValue",
        "must be the value of one of the variations",
    ),
    # variables
    InvalidCase(
        "variable-type-enum",
        "Feature",
        _set("variablesSchema.title.type", "text"),
        "spec.variablesSchema.title.type",
        "Unsupported value",
    ),
    InvalidCase(
        "variable-schema-and-type",
        "Feature",
        _set("variablesSchema.limits.type", "object"),
        "spec.variablesSchema[limits]",
        "exactly one of schema, type or oneOf",
    ),
    InvalidCase(
        "variable-no-type",
        "Feature",
        _drop("variablesSchema.title.type"),
        "spec.variablesSchema[title]",
        "exactly one of schema, type or oneOf",
    ),
    InvalidCase(
        "variable-no-default",
        "Feature",
        _drop("variablesSchema.title.defaultValue"),
        "spec.variablesSchema.title.defaultValue",
        "Required value",
    ),
    InvalidCase(
        "variable-reserved-name",
        "Feature",
        _set("variablesSchema.variation", {"type": "string", "defaultValue": "x"}),
        "spec.variablesSchema",
        "`variation` is reserved",
    ),
    InvalidCase(
        "override-segments-and-conditions",
        "Feature",
        _set(
            "variations.1.variableOverrides",
            {"title": [{"segments": "*", "conditions": "*", "value": "x"}]},
        ),
        "spec.variations[1].variableOverrides.title[0]",
        "oneOf",
    ),
    # groups
    InvalidCase(
        "group-slots-sum-below-100",
        "Group",
        _set("slots.2.percentage", 30),
        "spec.slots",
        "must add up to exactly 100",
    ),
    InvalidCase(
        "group-slot-percentage-above-100",
        "Group",
        _set("slots.0.percentage", 133.33),
        "spec.slots[0].percentage",
        "less than or equal to 100",
    ),
    # schemas
    InvalidCase(
        "schema-type-json", "Schema", _set("type", "json"), "spec.type", "Unsupported value"
    ),
    InvalidCase(
        "schema-array-without-items",
        "Schema",
        _both(_set("type", "array"), _drop("properties"), _drop("required")),
        "spec",
        "a schema of type array needs items",
    ),
    InvalidCase(
        "schema-ref-with-shape",
        "Schema",
        _set("schema", "money"),
        "spec",
        "at most one of type, oneOf or schema",
    ),
    # datafiles
    InvalidCase(
        "datafile-tag-and-tags",
        "Datafile",
        _set("tags", ["web"]),
        "spec.tag and spec.tags",
        "mutually exclusive",
    ),
    InvalidCase(
        "datafile-configmap-name",
        "Datafile",
        _set("configMap.name", "Web_Datafile"),
        "spec.configMap.name",
        "should match",
    ),
    InvalidCase(
        "datafile-configmap-namespace",
        "Datafile",
        _set("configMap.namespaces", ["Shop"]),
        "spec.configMap.namespaces[0]",
        "should match",
    ),
    InvalidCase(
        "datafile-object-store-scheme",
        "Datafile",
        _set("objectStore.url", "http://bucket/prefix"),
        "spec.objectStore.url",
        "url must start with s3://",
    ),
    InvalidCase(
        "datafile-object-store-no-url",
        "Datafile",
        _drop("objectStore.url"),
        "spec.objectStore.url",
        "Required value",
    ),
    InvalidCase(
        "datafile-target-pattern",
        "Datafile",
        _set("target", "web app"),
        "spec.target",
        "should match",
    ),
    InvalidCase(
        "datafile-stringify-type",
        "Datafile",
        _set("stringify", "true"),
        "spec.stringify",
        "boolean",
    ),
    # union fields, checked by the admission policies
    InvalidCase(
        "variation-weights-sum",
        "Feature",
        _set(f"{RULE0}.variationWeights", {"control": 50, "treatment": 40}),
        "spec.rules",
        "must add up to exactly 100",
    ),
    InvalidCase(
        "variation-weights-unknown-variation",
        "Feature",
        _set(f"{RULE0}.variationWeights", {"control": 50, "other": 50}),
        "spec.rules",
        "every variation of the feature exactly once",
    ),
    InvalidCase(
        "rule-variation-unknown",
        "Feature",
        _set(f"{RULE0}.variation", "other"),
        "spec.rules",
        "a rule's variation must be the value of one of the feature's variations",
    ),
    InvalidCase(
        "rule-keys-duplicate-no-environments",
        "Feature",
        _set("rules", [{"key": "a", "segments": "*", "percentage": 1}] * 2),
        "spec.rules",
        "rule keys must be unique",
    ),
    InvalidCase(
        "rules-not-list-or-map",
        "Feature",
        _set("rules", "everyone"),
        "spec.rules",
        "must be a rule list",
    ),
    InvalidCase(
        "bucketBy-number",
        "Feature",
        _set("bucketBy", 7),
        "spec.bucketBy",
        "must be an attribute name",
    ),
    InvalidCase(
        "rule-segments-number",
        "Feature",
        _set(f"{RULE0}.segments", 3),
        "spec.rules",
        'segments must be "*", a segment key',
    ),
    InvalidCase(
        "force-variation-unknown",
        "Feature",
        _set("force.production.0.variation", "other"),
        "spec.force",
        "variation must be the value of one of the variations",
    ),
    InvalidCase(
        "expose-number",
        "Feature",
        _set("expose", {"production": 1}),
        "spec.expose",
        "must be true/false or a tag list",
    ),
    InvalidCase(
        "datafile-tags-number",
        "Datafile",
        _both(_drop("tag"), _set("tags", 5)),
        "spec.tags",
        "non-empty tag list",
    ),
    InvalidCase(
        "datafile-include-features-empty",
        "Datafile",
        _set("includeFeatures", []),
        "spec.includeFeatures",
        "non-empty list",
    ),
    InvalidCase(
        "segment-unknown-operator",
        "Segment",
        _set("conditions.0.operator", "equal"),
        "spec.conditions",
        "a known operator",
    ),
    InvalidCase(
        "segment-nested-condition-without-attribute",
        "Segment",
        _set("conditions", {"or": [{"attribute": "a", "operator": "exists"}, {"operator": "in"}]}),
        "spec.conditions",
        "needs a string attribute",
    ),
    InvalidCase(
        "segment-and-not-a-list",
        "Segment",
        _set("conditions", {"and": {"attribute": "a", "operator": "exists"}}),
        "spec.conditions",
        "and/or/not take lists",
    ),
    InvalidCase(
        "segment-regex-flags",
        "Segment",
        _set(
            "conditions",
            [{"attribute": "a", "operator": "matches", "value": "x", "regexFlags": "ix"}],
        ),
        "spec.conditions",
        "regexFlags only from gimsuy",
    ),
    InvalidCase(
        "force-conditions-unknown-operator",
        "Feature",
        _set("force.production.0.conditions.operator", "is"),
        "spec.force",
        "a known operator",
    ),
    InvalidCase(
        "override-conditions-unknown-operator",
        "Feature",
        _set(
            "variations.1.variableOverrides",
            {"title": [{"conditions": [{"attribute": "a", "operator": "eq"}], "value": "x"}]},
        ),
        "spec.variations[].variableOverrides",
        "a known operator",
    ),
    InvalidCase(
        "rule-segments-nested-number",
        "Feature",
        _set(f"{RULE0}.segments", {"or": ["beta", {"not": [5]}]}),
        "spec.rules",
        "segments must be",
    ),
    InvalidCase(
        "force-segments-and-not-a-list",
        "Feature",
        _set("force.production.0", {"segments": {"and": "beta"}, "enabled": True}),
        "spec.force",
        "segments must be",
    ),
    InvalidCase(
        "override-segments-number",
        "Feature",
        _set("variations.1.variableOverrides", {"title": [{"segments": 1, "value": "x"}]}),
        "spec.variations[].variableOverrides",
        "override segments must be",
    ),
    # nesting limits (kubevisor.core.limits), checked by admission policies
    InvalidCase(
        "segment-conditions-too-deep",
        "Segment",
        _set("conditions", [DEEPEST_CONDITIONS]),
        "spec.conditions",
        f"may nest at most {MAX_CONDITION_DEPTH} levels",
    ),
    InvalidCase(
        # the issue's Segment had 500 nested `and`; 300 keep json.dumps within its recursion
        "segment-300-nested-and",
        "Segment",
        _set("conditions", nested_and(300)),
        "spec",
        "may nest at most",
    ),
    InvalidCase(
        "rule-segments-too-deep",
        "Feature",
        _set(f"{RULE0}.segments", nested_lists(MAX_CONDITION_DEPTH + 1, "netherlands")),
        "spec.rules[].segments",
        f"may nest at most {MAX_CONDITION_DEPTH} levels",
    ),
    InvalidCase(
        "force-conditions-too-deep",
        "Feature",
        _set("force.production.0.conditions", [DEEPEST_CONDITIONS]),
        "spec.force[]",
        f"may nest at most {MAX_CONDITION_DEPTH} levels",
    ),
    InvalidCase(
        "variable-value-too-deep",
        "Feature",
        _set("variablesSchema.title.defaultValue", nested_lists(MAX_DEFINITION_DEPTH - 2, "x")),
        "spec: values",
        f"may nest at most {MAX_DEFINITION_DEPTH} levels",
    ),
    InvalidCase(
        "datafile-context-too-deep",
        "Datafile",
        _set("context", {"deep": nested_lists(MAX_DEFINITION_DEPTH - 1, 1)}),
        "spec: values",
        f"may nest at most {MAX_DEFINITION_DEPTH} levels",
    ),
]

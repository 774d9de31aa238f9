"""ValidatingAdmissionPolicies for what CRD schemas cannot check: fields that are unions.

Featurevisor fields such as `rules` (a list, or a map of environment to list), `bucketBy`
(string, list or `{or}`) and Datafile `tags` cannot be typed in a structural schema, and CEL in
a CRD cannot see untyped fields. An admission policy sees the whole object as dynamic JSON, so
it can check them: still one object by itself, still at apply time, with messages that name
the field.

The same goes for nesting depth, which structural schemas cannot bound for untyped fields: the
limits of `kubevisor.core.limits` are checked here too, so a tenant cannot store an object that
nests deep enough to crash whatever walks it (conditions past `MAX_CONDITION_DEPTH`, any spec
past `MAX_DEFINITION_DEPTH`).
"""

from __future__ import annotations

from dataclasses import dataclass

from kubevisor.core.limits import MAX_CONDITION_DEPTH, MAX_DEFINITION_DEPTH
from kubevisor.crds.condition_cel import MAX_DEPTH, conditions_ok, depth_at_most, segments_ok
from kubevisor.crds.kinds import GROUP, KINDS, VERSION
from kubevisor.crds.openapi import Node

POLICY_API = "admissionregistration.k8s.io/v1"


@dataclass(frozen=True)
class Check:
    expression: str
    message: str


def is_one_of(value: str, *types: str) -> str:
    """CEL: the dynamic value has one of these types (a list of types would not type-check)."""
    return "(" + " || ".join(f"type({value}) == {name}" for name in types) + ")"


SEGMENTS_MESSAGE = (
    '{field}: segments must be "*", a segment key, a list of expressions, or {{and|or|not: '
    f"[...]}}}} (checked {MAX_DEPTH} levels deep)"
)

# Variables are evaluated lazily; each names a part of `object.spec` in one normal form.
FEATURE_VARIABLES: list[tuple[str, str]] = [
    ("spec", "object.spec"),
    (
        "ruleLists",
        "!has(object.spec.rules) ? [] : type(object.spec.rules) == list ? [object.spec.rules] : "
        "type(object.spec.rules) == map ? object.spec.rules.map(env, object.spec.rules[env]) : []",
    ),
    (
        "forceLists",
        "!has(object.spec.force) ? [] : type(object.spec.force) == list ? [object.spec.force] : "
        "type(object.spec.force) == map ? object.spec.force.map(env, object.spec.force[env]) : []",
    ),
    (
        "variationValues",
        "has(object.spec.variations) ? object.spec.variations.map(v, v.value) : []",
    ),
]

CONDITION_DEPTH_MESSAGE = (
    f"{{field}}: conditions and segments may nest at most {MAX_CONDITION_DEPTH} levels of lists "
    "and maps; flatten the and/or/not groups or move parts into segments"
)


def _shallow(field: str) -> str:
    """CEL: the optional condition or segment field `field` (`holder.name`) is not too deep."""
    holder, name = field.rsplit(".", 1)
    return f"(!has({holder}.{name}) || {depth_at_most(field, MAX_CONDITION_DEPTH)})"


def _overrides_shallow(holder: str) -> str:
    return (
        f"!has({holder}.variableOverrides) || {holder}.variableOverrides.all(name, "
        f"{holder}.variableOverrides[name].all(o, {_shallow('o.conditions')} && "
        f"{_shallow('o.segments')}))"
    )


# Checked first: the shape checks below only look a few levels deep, these bound the rest.
FEATURE_DEPTH_CHECKS: list[Check] = [
    Check(
        f"variables.ruleLists.all(l, l.all(r, {_shallow('r.segments')}))",
        CONDITION_DEPTH_MESSAGE.format(field="spec.rules[].segments"),
    ),
    Check(
        f"variables.forceLists.all(l, l.all(f, {_shallow('f.segments')} && "
        f"{_shallow('f.conditions')}))",
        CONDITION_DEPTH_MESSAGE.format(field="spec.force[]"),
    ),
    Check(
        f"!has(object.spec.variations) || object.spec.variations.all(v, {_overrides_shallow('v')})",
        CONDITION_DEPTH_MESSAGE.format(field="spec.variations[].variableOverrides"),
    ),
    Check(
        f"variables.ruleLists.all(l, l.all(r, {_overrides_shallow('r')}))",
        CONDITION_DEPTH_MESSAGE.format(field="spec.rules[].variableOverrides"),
    ),
]

# Weights may have decimals; allow for binary floating-point rounding in the sum.
WEIGHT_SUM = "r.variationWeights.map(k, double(r.variationWeights[k])).sum()"
FEATURE_CHECKS: list[Check] = [
    *FEATURE_DEPTH_CHECKS,
    Check(
        f"{is_one_of('variables.spec.rules', 'list', 'map')}",
        "spec.rules must be a rule list (no-environments mode) or a map of environment name to "
        "rule list (environments mode)",
    ),
    Check(
        "variables.ruleLists.all(l, l.all(r, l.filter(s, s.key == r.key).size() == 1))",
        "spec.rules: rule keys must be unique within each rule list",
    ),
    Check(
        "variables.ruleLists.all(l, l.all(r, !has(r.variationWeights) || "
        f"{WEIGHT_SUM} > 99.999999 && {WEIGHT_SUM} < 100.000001))",
        "spec.rules: variationWeights of a rule must add up to exactly 100",
    ),
    Check(
        "variables.ruleLists.all(l, l.all(r, !has(r.variationWeights) || ("
        "r.variationWeights.all(k, k in variables.variationValues) && "
        "variables.variationValues.all(v, v in r.variationWeights))))",
        "spec.rules: variationWeights must list every variation of the feature exactly once",
    ),
    Check(
        "variables.ruleLists.all(l, l.all(r, !has(r.variation) || "
        "r.variation in variables.variationValues))",
        "spec.rules: a rule's variation must be the value of one of the feature's variations",
    ),
    Check(
        "variables.forceLists.all(l, l.all(f, !has(f.variation) || "
        "f.variation in variables.variationValues))",
        "spec.force: a force entry's variation must be the value of one of the variations",
    ),
    Check(
        "type(variables.spec.bucketBy) == string || "
        "(type(variables.spec.bucketBy) == list && variables.spec.bucketBy.size() > 0 && "
        "variables.spec.bucketBy.all(a, type(a) == string)) || "
        "(type(variables.spec.bucketBy) == map && variables.spec.bucketBy.size() == 1 && "
        "has(variables.spec.bucketBy.or))",
        "spec.bucketBy must be an attribute name, a non-empty list of names, or {or: [names]}",
    ),
    Check(
        "!has(object.spec.required) || object.spec.required.all(q, type(q) == string || "
        "(type(q) == map && has(q.key)))",
        "spec.required entries must be a feature key or {key, variation}",
    ),
    Check(
        f"!has(object.spec.expose) || {is_one_of('object.spec.expose', 'bool', 'list')} || "
        "(type(object.spec.expose) == map && object.spec.expose.all(env, "
        f"{is_one_of('object.spec.expose[env]', 'bool', 'list')}))",
        "spec.expose must be true/false or a tag list (per environment in environments mode)",
    ),
    Check(
        f"variables.ruleLists.all(l, l.all(r, {segments_ok('r.segments')}))",
        SEGMENTS_MESSAGE.format(field="spec.rules"),
    ),
    Check(
        f"variables.forceLists.all(l, l.all(f, !has(f.segments) || {segments_ok('f.segments')}))",
        SEGMENTS_MESSAGE.format(field="spec.force"),
    ),
]

CONDITIONS_MESSAGE = (
    "{field}: every condition needs a string attribute and a known operator (equals, notEquals, "
    "in, notIn, contains, startsWith, semverGreaterThan, matches, exists, includes...), "
    "regexFlags only from gimsuy, and and/or/not take lists"
    f" (checked {MAX_DEPTH} levels deep)"
)

OVERRIDES_MESSAGE = (
    "{field}: override conditions need a string attribute and a known operator, and override "
    'segments must be "*", a segment key, a list, or {{and|or|not: [...]}}'
    f" (checked {MAX_DEPTH} levels deep)"
)


def _overrides_ok(holder: str) -> str:
    """CEL: every conditional override under `holder.variableOverrides` has valid conditions."""
    return (
        f"!has({holder}.variableOverrides) || {holder}.variableOverrides.all(name, "
        f"{holder}.variableOverrides[name].all(o, (!has(o.conditions) || "
        f"{conditions_ok('o.conditions')}) && (!has(o.segments) || {segments_ok('o.segments')})))"
    )


FEATURE_CHECKS += [
    Check(
        "variables.forceLists.all(l, l.all(f, !has(f.conditions) || "
        f"{conditions_ok('f.conditions')}))",
        CONDITIONS_MESSAGE.format(field="spec.force"),
    ),
    Check(
        f"!has(object.spec.variations) || object.spec.variations.all(v, {_overrides_ok('v')})",
        OVERRIDES_MESSAGE.format(field="spec.variations[].variableOverrides"),
    ),
    Check(
        f"variables.ruleLists.all(l, l.all(r, {_overrides_ok('r')}))",
        OVERRIDES_MESSAGE.format(field="spec.rules[].variableOverrides"),
    ),
]

SEGMENT_CHECKS: list[Check] = [
    Check(
        _shallow("object.spec.conditions"),
        CONDITION_DEPTH_MESSAGE.format(field="spec.conditions"),
    ),
    Check(
        conditions_ok("object.spec.conditions"), CONDITIONS_MESSAGE.format(field="spec.conditions")
    ),
]

DATAFILE_CHECKS: list[Check] = [
    Check(
        "!has(object.spec.tags) || "
        "(type(object.spec.tags) == list && object.spec.tags.size() > 0 && "
        "object.spec.tags.all(t, type(t) == string)) || "
        "(type(object.spec.tags) == map && object.spec.tags.size() == 1 && "
        "(has(object.spec.tags.or) || has(object.spec.tags.and)))",
        "spec.tags must be a non-empty tag list, {or: [tags]} or {and: [tags]}",
    ),
    Check(
        "!(has(object.spec.tag) && has(object.spec.tags))",
        "spec.tag and spec.tags are mutually exclusive: set one of them",
    ),
    Check(
        "['includeFeatures', 'excludeFeatures'].all(f, !(f in object.spec) || "
        "object.spec[f] == '*' || (type(object.spec[f]) == list && object.spec[f].size() > 0))",
        'spec.includeFeatures and spec.excludeFeatures must be "*" or a non-empty list of '
        "glob patterns",
    ),
]


NESTING_CHECKS: list[Check] = [
    Check(
        f"!has(object.spec) || {depth_at_most('object.spec', MAX_DEFINITION_DEPTH)}",
        f"spec: values may nest at most {MAX_DEFINITION_DEPTH} levels of lists and maps "
        "(variable values, conditions, context...); flatten the deepest value",
    ),
]


def _policy(
    name: str, resources: list[str], variables: list[tuple[str, str]], checks: list[Check]
) -> Node:
    spec: Node = {
        "failurePolicy": "Fail",
        "matchConstraints": {
            "resourceRules": [
                {
                    "apiGroups": [GROUP],
                    "apiVersions": [VERSION],
                    "operations": ["CREATE", "UPDATE"],
                    "resources": resources,
                }
            ]
        },
    }
    if variables:
        spec["variables"] = [{"name": n, "expression": e} for n, e in variables]
    spec["validations"] = [
        {"expression": check.expression, "message": check.message, "reason": "Invalid"}
        for check in checks
    ]
    return {
        "apiVersion": POLICY_API,
        "kind": "ValidatingAdmissionPolicy",
        "metadata": {"name": name, "labels": {"app.kubernetes.io/name": "kubevisor"}},
        "spec": spec,
    }


def _binding(name: str, action: str = "Deny") -> Node:
    return {
        "apiVersion": POLICY_API,
        "kind": "ValidatingAdmissionPolicyBinding",
        "metadata": {"name": name, "labels": {"app.kubernetes.io/name": "kubevisor"}},
        "spec": {"policyName": name, "validationActions": [action]},
    }


# Upstream builds features whose variation weights do not add up to 100, so kubevisor does too
# (same bytes); this policy's binding only warns (kubectl prints it), it never rejects.
VARIATION_WEIGHTS = "object.spec.variations.map(v, double(v.weight)).sum()"
FEATURE_WARNINGS: list[Check] = [
    Check(
        "!has(object.spec.variations) || size(object.spec.variations) == 0 || "
        f"({VARIATION_WEIGHTS} > 99.999999 && {VARIATION_WEIGHTS} < 100.000001)",
        "spec.variations: the weights do not add up to 100; Featurevisor builds it anyway, but "
        "the variations will not get the shares the weights suggest",
    ),
]


def policy_objects() -> list[Node]:
    """The admission policies and their bindings, in a fixed order."""
    feature = f"features.{GROUP}"
    datafile = f"datafiles.{GROUP}"
    segment = f"segments.{GROUP}"
    nesting = f"nesting.{GROUP}"
    return [
        _policy(segment, ["segments"], [], SEGMENT_CHECKS),
        _binding(segment),
        _policy(feature, ["features"], FEATURE_VARIABLES, FEATURE_CHECKS),
        _binding(feature),
        _policy(datafile, ["datafiles"], [], DATAFILE_CHECKS),
        _binding(datafile),
        _policy(nesting, [info.plural for info in KINDS], [], NESTING_CHECKS),
        _binding(nesting),
        _policy(f"warnings.{feature}", ["features"], [], FEATURE_WARNINGS),
        _binding(f"warnings.{feature}", "Warn"),
    ]

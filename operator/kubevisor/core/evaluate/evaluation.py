"""The evaluation object (docs/featurevisor.md §7.2): what was decided and why, field for field like
the SDK."""

from __future__ import annotations

from typing import Literal, TypedDict

from kubevisor.core import datafile_shapes as shapes
from kubevisor.core.definitions import JSON, JSONObject

EvaluationType = Literal["flag", "variation", "variable"]


class Evaluation(TypedDict, total=False):
    """One decision. Only `type`, `featureKey` and `reason` are always present; a field that is
    absent was not decided (e.g. `variationValue` missing is different from it being None)."""

    type: EvaluationType
    featureKey: str
    reason: str
    bucketKey: str
    bucketValue: JSON
    """An int from the hash, or whatever a bucket-value hook returned (the test runner's `at`)."""
    ruleKey: JSON
    error: str
    enabled: JSON
    traffic: shapes.Traffic | None
    forceIndex: int
    force: JSONObject
    required: JSON
    requiredFeatures: JSON
    sticky: JSON
    variation: shapes.Variation
    variationValue: JSON
    variableKey: str | None
    variableValue: JSON
    variableSchema: shapes.VariableSchema | None
    variableOverrideIndex: int
    variableOverrideKey: JSON
    variableOverridePath: JSON


class Reason:
    """Evaluation reasons, as the SDK spells them."""

    FEATURE_NOT_FOUND = "feature_not_found"
    DISABLED = "disabled"
    REQUIRED = "required"
    OUT_OF_RANGE = "out_of_range"
    NO_VARIATIONS = "no_variations"
    VARIATION_DISABLED = "variation_disabled"
    VARIABLE_NOT_FOUND = "variable_not_found"
    VARIABLE_DEFAULT = "variable_default"
    VARIABLE_DISABLED = "variable_disabled"
    VARIABLE_OVERRIDE_VARIATION = "variable_override_variation"
    VARIABLE_OVERRIDE_RULE = "variable_override_rule"
    NO_MATCH = "no_match"
    FORCED = "forced"
    STICKY = "sticky"
    RULE = "rule"
    ALLOCATED = "allocated"
    ERROR = "error"

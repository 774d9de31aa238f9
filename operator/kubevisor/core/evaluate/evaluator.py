"""Flag, variation and variable evaluation (docs/featurevisor.md §7), decision for decision like the
official Python SDK `featurevisor==3.1.0`.

Differences from that SDK are deliberate and only about cost: no diagnostics, no module system
(one optional bucket-value hook instead, which is all the test runner needs), and conditions,
segments and bucket keys compiled once per datafile.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Final

from kubevisor.core import datafile_shapes as shapes
from kubevisor.core.conditions import MISSING, Context
from kubevisor.core.definitions import JSONObject
from kubevisor.core.evaluate.bucketing import bucket_value
from kubevisor.core.evaluate.compiled import CompiledDatafile, Feature, Override, Traffic
from kubevisor.core.evaluate.evaluation import Evaluation, EvaluationType, Reason

BucketValueHook = Callable[[str, str, Any], Any]
"""(feature key, bucket key, bucket value) -> bucket value to use instead."""

Sticky = Mapping[str, Any]
"""feature key -> {enabled?, variation?, variables?: {key: value}}"""

_NOT_GIVEN: Final[Any] = MISSING

_Bucketed = tuple[str, Any, Traffic | None] | None
"""(bucket key, bucket value, matched rule) of a flag evaluation that got to bucketing."""


class Evaluator:
    """Evaluates features of one datafile (a JSON-like dict, schemaVersion "2").

    `context` is merged under every call's context; `sticky` pins decisions per feature;
    `bucket_value_hook` may replace the hashed bucket value (the test runner's `at`).
    """

    def __init__(
        self,
        datafile: shapes.Datafile | CompiledDatafile,
        *,
        context: Mapping[str, Any] | None = None,
        sticky: Sticky | None = None,
        bucket_value_hook: BucketValueHook | None = None,
    ) -> None:
        self.datafile = (
            datafile if isinstance(datafile, CompiledDatafile) else CompiledDatafile(datafile)
        )
        self.context: dict[str, Any] = dict(context or {})
        self.sticky = sticky
        self.bucket_value_hook = bucket_value_hook

    # --- derived evaluators -----------------------------------------------------------------

    def with_options(
        self,
        *,
        context: Mapping[str, Any] | None = None,
        sticky: Sticky | None = None,
        bucket_value_hook: BucketValueHook | None = None,
    ) -> Evaluator:
        """A new evaluator on the same compiled datafile (compilation is shared, not redone)."""
        return Evaluator(
            self.datafile, context=context, sticky=sticky, bucket_value_hook=bucket_value_hook
        )

    def spawn(
        self, context: Mapping[str, Any] | None = None, sticky: Sticky | None = None
    ) -> Evaluator:
        """A child: this evaluator's context plus `context`, and its own sticky map only (the
        parent's sticky is not inherited, like SDK child instances)."""
        return Evaluator(
            self.datafile,
            context=self._context(context),
            sticky=sticky or {},
            bucket_value_hook=self.bucket_value_hook,
        )

    # --- public API ---------------------------------------------------------------------------

    def evaluate_flag(self, feature_key: str, context: Context | None = None) -> Evaluation:
        return self._checked_flag(feature_key, self._context(context))[0]

    def evaluate_variation(
        self, feature_key: str, context: Context | None = None, default: Any = _NOT_GIVEN
    ) -> Evaluation:
        evaluation = self._evaluate("variation", feature_key, None, self._context(context))
        if (
            default is not _NOT_GIVEN
            and "variationValue" not in evaluation
            and "variation" not in evaluation
        ):
            evaluation["variationValue"] = default
        return evaluation

    def evaluate_variable(
        self,
        feature_key: str,
        variable_key: str,
        context: Context | None = None,
        default: Any = _NOT_GIVEN,
    ) -> Evaluation:
        evaluation = self._evaluate("variable", feature_key, variable_key, self._context(context))
        if default is not _NOT_GIVEN and "variableValue" not in evaluation:
            evaluation["variableValue"] = default
        return evaluation

    def is_enabled(self, feature_key: str, context: Context | None = None) -> bool:
        return self._checked_flag(feature_key, self._context(context))[0].get("enabled") is True

    def get_variation(
        self, feature_key: str, context: Context | None = None, default: Any = _NOT_GIVEN
    ) -> Any:
        """The variation value, or None (`default` applies when no variation was decided)."""
        return variation_of(self.evaluate_variation(feature_key, context, default))

    def get_variable(
        self,
        feature_key: str,
        variable_key: str,
        context: Context | None = None,
        default: Any = _NOT_GIVEN,
    ) -> Any:
        """The variable value (a `json` variable's string parsed), or None."""
        return variable_of(self.evaluate_variable(feature_key, variable_key, context, default))

    def get_variable_string(
        self, feature_key: str, variable_key: str, context: Context | None = None
    ) -> str | None:
        value = self.get_variable(feature_key, variable_key, context)
        return value if isinstance(value, str) else None

    def get_variable_boolean(
        self, feature_key: str, variable_key: str, context: Context | None = None
    ) -> bool | None:
        value = self.get_variable(feature_key, variable_key, context)
        return value if isinstance(value, bool) else None

    def get_variable_integer(
        self, feature_key: str, variable_key: str, context: Context | None = None
    ) -> int | None:
        value = self.get_variable(feature_key, variable_key, context)
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return None

    def get_variable_double(
        self, feature_key: str, variable_key: str, context: Context | None = None
    ) -> float | None:
        value = self.get_variable(feature_key, variable_key, context)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        number = float(value)
        return number if number == number and abs(number) != float("inf") else None

    def get_variable_array(
        self, feature_key: str, variable_key: str, context: Context | None = None
    ) -> list[Any] | None:
        value = self.get_variable(feature_key, variable_key, context)
        return value if isinstance(value, list) else None

    def get_variable_object(
        self, feature_key: str, variable_key: str, context: Context | None = None
    ) -> dict[str, Any] | None:
        value = self.get_variable(feature_key, variable_key, context)
        return value if isinstance(value, dict) else None

    def get_variable_json(
        self, feature_key: str, variable_key: str, context: Context | None = None
    ) -> Any:
        return self.get_variable(feature_key, variable_key, context)

    def feature_keys(self) -> list[str]:
        return list(self.datafile.features)

    def variable_keys(self, feature_key: str) -> list[str]:
        feature = self.datafile.raw_feature(feature_key) or {}
        return list(feature.get("variablesSchema") or {})

    # --- core -------------------------------------------------------------------------------

    def _context(self, context: Context | None) -> Context:
        if not context:
            return self.context
        if not self.context:
            return context
        return {**self.context, **context}

    def _evaluate(
        self, type_: EvaluationType, feature_key: str, variable_key: str | None, context: Context
    ) -> Evaluation:
        if type_ == "flag":
            return self._checked_flag(feature_key, context)[0]
        try:
            if type_ == "variation":
                return self._variation(feature_key, context)
            return self._variable(feature_key, variable_key, context)
        except Exception as error:  # the SDK turns any failure into an `error` evaluation
            return _error(type_, feature_key, variable_key, error)

    def _sticky_item(self, feature_key: str) -> Any:
        sticky = self.sticky
        if not sticky:
            return None
        return sticky.get(feature_key) or None

    def _matched_force(
        self, feature: Feature, context: Context
    ) -> tuple[dict[str, Any], int] | None:
        for index, force in enumerate(feature.forces):
            if force.conditions is not None and force.conditions(context):
                return force.raw, index
            if force.segments is not None and force.segments(context):
                return force.raw, index
        return None

    def _bucket(self, feature: Feature, context: Context) -> tuple[str, Any]:
        key = feature.bucket_key(context)
        value: Any = bucket_value(key)
        if self.bucket_value_hook is not None:
            value = self.bucket_value_hook(feature.key, key, value)
        return key, value

    @staticmethod
    def _matched_traffic(feature: Feature, context: Context) -> Traffic | None:
        for traffic in feature.rules():
            if traffic.segments(context):
                return traffic
        return None

    @staticmethod
    def _matched_allocation(traffic: Traffic, value: Any) -> shapes.Allocation | None:
        for start, end, allocation in traffic.allocations:
            if start <= value <= end:
                return allocation
        return None

    def _flag_with_bucket(
        self, feature_key: str, context: Context, variable_key: str | None = None
    ) -> tuple[Evaluation, _Bucketed]:
        """The flag evaluation, plus the bucket and matched rule if it got that far (so that a
        variation or variable evaluation of the same call need not hash again).

        A variable evaluation passes its `variable_key`: like the SDK, the flag step then also
        stops (without deciding `enabled`) at a sticky or forced value of that variable or a
        missing schema, so those win even over a disabled flag.
        """
        sticky = self.sticky
        if sticky:
            item = sticky.get(feature_key)
            if item:
                if "enabled" in item:
                    return {
                        "type": "flag",
                        "featureKey": feature_key,
                        "reason": Reason.STICKY,
                        "sticky": item,
                        "enabled": item["enabled"],
                    }, None
                if variable_key and variable_key in item.get("variables", {}):
                    return _undecided(feature_key, Reason.STICKY), None
        datafile = self.datafile
        if not datafile.features.get(feature_key):
            return _undecided(feature_key, Reason.FEATURE_NOT_FOUND), None
        feature = datafile.feature(feature_key)
        if variable_key and not (feature.raw.get("variablesSchema") or {}).get(variable_key):
            return _undecided(feature_key, Reason.VARIABLE_NOT_FOUND), None
        if feature.forces:
            forced = self._matched_force(feature, context)
            if forced is not None:
                if "enabled" in forced[0]:
                    return {
                        "type": "flag",
                        "featureKey": feature_key,
                        "reason": Reason.FORCED,
                        "forceIndex": forced[1],
                        "force": forced[0],
                        "enabled": forced[0]["enabled"],
                    }, None
                if variable_key and variable_key in forced[0].get("variables", {}):
                    return _undecided(feature_key, Reason.FORCED), None
        if feature.requirements is not None and not self._requirements_met(
            feature.requirements, context
        ):
            raw = feature.raw
            return {
                "type": "flag",
                "featureKey": feature_key,
                "reason": Reason.REQUIRED,
                "required": raw.get("required"),
                "requiredFeatures": raw.get("requiredFeatures"),
                "enabled": False,
            }, None
        bucket_key, value = self._bucket(feature, context)
        traffic = self._matched_traffic(feature, context)
        bucketed = (bucket_key, value, traffic)
        if traffic is not None:
            rule = traffic.raw
            enabled: Any = None
            reason = Reason.RULE
            if rule["percentage"] == 0:
                enabled = False
            elif feature.ranges:
                for start, end in feature.ranges:
                    if start <= value < end:
                        enabled = rule.get("enabled", True)
                        reason = Reason.ALLOCATED
                        break
                else:
                    return {
                        "type": "flag",
                        "featureKey": feature_key,
                        "reason": Reason.OUT_OF_RANGE,
                        "bucketKey": bucket_key,
                        "bucketValue": value,
                        "enabled": False,
                    }, bucketed
            elif "enabled" in rule:
                enabled = rule["enabled"]
            elif value <= rule["percentage"]:
                enabled = True
            else:
                reason = Reason.NO_MATCH
            if reason != Reason.NO_MATCH:
                return {
                    "type": "flag",
                    "featureKey": feature_key,
                    "reason": reason,
                    "bucketKey": bucket_key,
                    "bucketValue": value,
                    "ruleKey": rule["key"],
                    "traffic": rule,
                    "enabled": enabled,
                }, bucketed
        return {
            "type": "flag",
            "featureKey": feature_key,
            "reason": Reason.NO_MATCH,
            "bucketKey": bucket_key,
            "bucketValue": value,
            "enabled": False,
        }, bucketed

    def _checked_flag(
        self, feature_key: str, context: Context, variable_key: str | None = None
    ) -> tuple[Evaluation, _Bucketed]:
        """`_flag_with_bucket`, with failures turned into an error evaluation (like the SDK)."""
        try:
            return self._flag_with_bucket(feature_key, context, variable_key)
        except Exception as error:
            return _error("flag", feature_key, None, error), None

    def _bucket_and_rule(
        self, feature: Feature, context: Context, known: _Bucketed
    ) -> tuple[str, Any, Traffic | None]:
        if known is not None:
            return known
        bucket_key, value = self._bucket(feature, context)
        return bucket_key, value, self._matched_traffic(feature, context)

    def _requirements_met(self, requirements: Any, context: Context) -> bool:
        for required in requirements if isinstance(requirements, list) else [requirements]:
            expected_enabled: Any = True
            if isinstance(required, str):
                feature_key, expected_variation = required, None
            elif "feature" in required:
                feature_key = required["feature"]
                expected_enabled = required.get("enabled", True)
                expected_variation = required.get("variation")
            else:
                feature_key = required["key"]
                expected_variation = required.get("variation")
            flag = self._evaluate("flag", feature_key, None, context)
            if (flag.get("enabled") is True) != expected_enabled:
                return False
            if expected_variation is not None:
                variation = self._evaluate("variation", feature_key, None, context)
                actual = variation.get("variationValue")
                if actual is None and variation.get("variation"):
                    actual = variation["variation"].get("value")
                if actual != expected_variation:
                    return False
        return True

    def _variation(self, feature_key: str, context: Context) -> Evaluation:
        flag, known = self._checked_flag(feature_key, context)
        if flag.get("enabled") is False:
            raw = self.datafile.raw_feature(feature_key)
            if raw is not None and "disabledVariationValue" in raw:
                return {
                    "type": "variation",
                    "featureKey": feature_key,
                    "reason": Reason.VARIATION_DISABLED,
                    "variationValue": raw["disabledVariationValue"],
                    "enabled": False,
                }
            return {"type": "variation", "featureKey": feature_key, "reason": Reason.DISABLED}
        item = self._sticky_item(feature_key)
        if item is not None and "variation" in item:
            return {
                "type": "variation",
                "featureKey": feature_key,
                "reason": Reason.STICKY,
                "variationValue": item["variation"],
            }
        raw = self.datafile.raw_feature(feature_key)
        if raw is None:
            return {
                "type": "variation",
                "featureKey": feature_key,
                "reason": Reason.FEATURE_NOT_FOUND,
            }
        variations = raw.get("variations")
        if not variations:
            return {"type": "variation", "featureKey": feature_key, "reason": Reason.NO_VARIATIONS}
        feature = self.datafile.feature(feature_key)
        forced = self._matched_force(feature, context) if feature.forces else None
        if forced is not None and forced[0].get("variation") is not None:
            variation = _find_variation(variations, forced[0]["variation"])
            if variation is not None:
                return {
                    "type": "variation",
                    "featureKey": feature_key,
                    "reason": Reason.FORCED,
                    "forceIndex": forced[1],
                    "force": forced[0],
                    "variation": variation,
                }
        bucket_key, value, traffic = self._bucket_and_rule(feature, context, known)
        if traffic is not None:
            rule = traffic.raw
            if rule["percentage"] == 0:
                return _decided(
                    "variation", feature_key, Reason.RULE, bucket_key, value, rule, enabled=False
                )
            if rule.get("variation") is not None:
                variation = _find_variation(variations, rule["variation"])
                if variation is not None:
                    return _decided(
                        "variation",
                        feature_key,
                        Reason.RULE,
                        bucket_key,
                        value,
                        rule,
                        variation=variation,
                    )
            allocation = self._matched_allocation(traffic, value)
            if allocation is not None and allocation.get("variation") is not None:
                variation = _find_variation(variations, allocation["variation"])
                if variation is not None:
                    return _decided(
                        "variation",
                        feature_key,
                        Reason.ALLOCATED,
                        bucket_key,
                        value,
                        rule,
                        variation=variation,
                    )
        return {
            "type": "variation",
            "featureKey": feature_key,
            "reason": Reason.NO_MATCH,
            "bucketKey": bucket_key,
            "bucketValue": value,
        }

    def _variable(self, feature_key: str, variable_key: str | None, context: Context) -> Evaluation:
        flag, known = self._checked_flag(feature_key, context, variable_key)
        if flag.get("enabled") is False:
            return self._disabled_variable(feature_key, variable_key)
        item = self._sticky_item(feature_key)
        if item is not None and variable_key and variable_key in item.get("variables", {}):
            return {
                "type": "variable",
                "featureKey": feature_key,
                "reason": Reason.STICKY,
                "variableKey": variable_key,
                "variableValue": item["variables"][variable_key],
            }
        raw = self.datafile.raw_feature(feature_key)
        if raw is None:
            return {
                "type": "variable",
                "featureKey": feature_key,
                "reason": Reason.FEATURE_NOT_FOUND,
            }
        schema = (raw.get("variablesSchema") or {}).get(variable_key) if variable_key else None
        if variable_key and not schema:
            return {
                "type": "variable",
                "featureKey": feature_key,
                "reason": Reason.VARIABLE_NOT_FOUND,
                "variableKey": variable_key,
            }
        feature = self.datafile.feature(feature_key)
        forced = self._matched_force(feature, context) if feature.forces else None
        if forced is not None and variable_key and variable_key in forced[0].get("variables", {}):
            return {
                "type": "variable",
                "featureKey": feature_key,
                "reason": Reason.FORCED,
                "forceIndex": forced[1],
                "force": forced[0],
                "variableKey": variable_key,
                "variableSchema": schema,
                "variableValue": forced[0]["variables"][variable_key],
            }
        bucket_key, value, traffic = self._bucket_and_rule(feature, context, known)
        allocation = self._matched_allocation(traffic, value) if traffic is not None else None
        if traffic is not None and traffic.raw["percentage"] == 0:
            return _decided(
                "variable", feature_key, Reason.RULE, bucket_key, value, traffic.raw, enabled=False
            )
        if variable_key:
            decided = self._variable_value(
                feature,
                variable_key,
                schema,
                context,
                bucket_key,
                value,
                traffic,
                allocation,
                forced[0] if forced is not None else None,
            )
            if decided is not None:
                return decided
        if schema:
            return {
                "type": "variable",
                "featureKey": feature_key,
                "reason": Reason.VARIABLE_DEFAULT,
                "bucketKey": bucket_key,
                "bucketValue": value,
                "variableKey": variable_key,
                "variableSchema": schema,
                "variableValue": schema.get("defaultValue"),
            }
        return {
            "type": "variable",
            "featureKey": feature_key,
            "reason": Reason.VARIABLE_NOT_FOUND,
            "variableKey": variable_key,
            "bucketKey": bucket_key,
            "bucketValue": value,
        }

    def _disabled_variable(self, feature_key: str, variable_key: str | None) -> Evaluation:
        raw = self.datafile.raw_feature(feature_key)
        schema = (
            (raw.get("variablesSchema") or {}).get(variable_key) if raw and variable_key else None
        )
        if schema:
            if "disabledValue" in schema:
                return {
                    "type": "variable",
                    "featureKey": feature_key,
                    "reason": Reason.VARIABLE_DISABLED,
                    "variableKey": variable_key,
                    "variableValue": schema["disabledValue"],
                    "variableSchema": schema,
                    "enabled": False,
                }
            if schema.get("useDefaultWhenDisabled"):
                return {
                    "type": "variable",
                    "featureKey": feature_key,
                    "reason": Reason.VARIABLE_DEFAULT,
                    "variableKey": variable_key,
                    "variableValue": schema.get("defaultValue"),
                    "variableSchema": schema,
                    "enabled": False,
                }
        return {"type": "variable", "featureKey": feature_key, "reason": Reason.DISABLED}

    def _variable_value(
        self,
        feature: Feature,
        variable_key: str,
        schema: Any,
        context: Context,
        bucket_key: str,
        value: Any,
        traffic: Traffic | None,
        allocation: shapes.Allocation | None,
        force: JSONObject | None,
    ) -> Evaluation | None:
        """Steps 7-8 of §7.6: rule overrides and variables, then the variation's."""
        feature_key = feature.key
        rule = traffic.raw if traffic is not None else None
        if traffic is not None and rule is not None:
            overrides = traffic.overrides.get(variable_key)
            if overrides:
                index = self._override_index(overrides, context)
                if index >= 0:
                    return _overridden(
                        Reason.VARIABLE_OVERRIDE_RULE,
                        feature_key,
                        variable_key,
                        schema,
                        bucket_key,
                        value,
                        rule,
                        overrides[index].raw,
                        index,
                    )
            variables = rule.get("variables", {})
            if variable_key in variables:
                evaluation = _decided("variable", feature_key, Reason.RULE, bucket_key, value, rule)
                evaluation["variableKey"] = variable_key
                evaluation["variableSchema"] = schema
                evaluation["variableValue"] = variables[variable_key]
                return evaluation
        variation_value = None
        if force is not None and force.get("variation") is not None:
            variation_value = force["variation"]
        elif rule is not None and rule.get("variation") is not None:
            variation_value = rule["variation"]
        elif allocation is not None and allocation.get("variation") is not None:
            variation_value = allocation["variation"]
        variations = feature.raw.get("variations")
        if variation_value is None or not variations:
            return None
        variation = _find_variation(variations, variation_value)
        if variation is None:
            return None
        overrides = feature.variation_overrides.get(id(variation), {}).get(variable_key)
        if overrides:
            index = self._override_index(overrides, context)
            if index >= 0:
                return _overridden(
                    Reason.VARIABLE_OVERRIDE_VARIATION,
                    feature_key,
                    variable_key,
                    schema,
                    bucket_key,
                    value,
                    rule,
                    overrides[index].raw,
                    index,
                )
        variables = variation.get("variables", {})
        if variable_key in variables:
            return {
                "type": "variable",
                "featureKey": feature_key,
                "reason": Reason.ALLOCATED,
                "bucketKey": bucket_key,
                "bucketValue": value,
                "ruleKey": rule["key"] if rule is not None else None,
                "traffic": rule,
                "variableKey": variable_key,
                "variableSchema": schema,
                "variableValue": variables[variable_key],
            }
        return None

    def _override_index(self, overrides: list[Override], context: Context) -> int:
        for index, override in enumerate(overrides):
            if override.required is not None and not self._requirements_met(
                override.required, context
            ):
                continue
            if override.conditions is not None and not override.conditions(context):
                continue
            if override.segments is not None and not override.segments(context):
                continue
            return index
        return -1


def _undecided(feature_key: str, reason: str) -> Evaluation:
    """A flag step that stopped before deciding `enabled` (only seen inside evaluations)."""
    return {"type": "flag", "featureKey": feature_key, "reason": reason}


def _error(
    type_: EvaluationType, feature_key: str, variable_key: str | None, error: Exception
) -> Evaluation:
    return {
        "type": type_,
        "featureKey": feature_key,
        "variableKey": variable_key,
        "reason": Reason.ERROR,
        "error": f"{type(error).__name__}: {error}",
    }


def _find_variation(variations: list[shapes.Variation], value: Any) -> shapes.Variation | None:
    for variation in variations:
        if variation["value"] == value:
            return variation
    return None


def _decided(
    type_: EvaluationType,
    feature_key: str,
    reason: str,
    bucket_key: str,
    value: Any,
    rule: shapes.Traffic,
    **fields: Any,
) -> Evaluation:
    evaluation: Evaluation = {
        "type": type_,
        "featureKey": feature_key,
        "reason": reason,
        "bucketKey": bucket_key,
        "bucketValue": value,
        "ruleKey": rule["key"],
        "traffic": rule,
    }
    evaluation.update(fields)  # type: ignore[typeddict-item]
    return evaluation


def _overridden(
    reason: str,
    feature_key: str,
    variable_key: str,
    schema: Any,
    bucket_key: str,
    value: Any,
    rule: shapes.Traffic | None,
    override: JSONObject,
    index: int,
) -> Evaluation:
    return {
        "type": "variable",
        "featureKey": feature_key,
        "reason": reason,
        "bucketKey": bucket_key,
        "bucketValue": value,
        "ruleKey": rule["key"] if rule is not None else None,
        "traffic": rule,
        "variableKey": variable_key,
        "variableSchema": schema,
        "variableValue": override["value"],
        "variableOverrideIndex": index,
        "variableOverrideKey": override.get("key"),
        "variableOverridePath": override.get("keyPath"),
    }


def variation_of(evaluation: Evaluation) -> Any:
    """What `getVariation` returns for an evaluation."""
    if "variationValue" in evaluation:
        return evaluation["variationValue"]
    variation = evaluation.get("variation")
    if variation:
        return variation["value"]
    return None


def variable_of(evaluation: Evaluation) -> Any:
    """What `getVariable` returns: the value, a `json` string parsed (None if unparsable)."""
    if "variableValue" not in evaluation:
        return None
    value = evaluation["variableValue"]
    schema = evaluation.get("variableSchema")
    if isinstance(value, str) and isinstance(schema, dict) and schema.get("type") == "json":
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value

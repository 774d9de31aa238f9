"""One feature of a datafile (docs/featurevisor.md §4.3, §5.3), built from its definition for one
environment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar, cast

from kubevisor.core.build.allocation import traffic_for_rules
from kubevisor.core.build.errors import BuildError
from kubevisor.core.build.jsvalues import UNDEFINED, stringify_unless_string, truthy
from kubevisor.core.build.mutation import (
    SHADOWED_ROOT_HINT,
    SHADOWED_ROOT_MESSAGE,
    path_map_replaces_root,
    resolve_many,
    resolve_one,
)
from kubevisor.core.build.segments import collect_segment_keys
from kubevisor.core.datafile_shapes import (
    Allocation,
    DatafileFeature,
    FeatureState,
    Range,
    StateTraffic,
    StateVariation,
    Traffic,
    VariableSchema,
    Variation,
)
from kubevisor.core.definitions import JSON, Kind, Problem

_Shape = TypeVar("_Shape")


@dataclass(frozen=True)
class FeatureInputs:
    """What building one feature needs besides its definition."""

    environment: str | None
    stringify: bool
    default_bucket_by: str
    schemas: dict[str, dict[str, JSON]]
    origin: str = ""


def _problem(key: str, path: str, message: str, hint: str, origin: str) -> BuildError:
    return BuildError([Problem(Kind.FEATURE, key, path, message, hint, origin)])


def _defined(mapping: dict[str, Any]) -> dict[str, Any]:
    """The mapping without `UNDEFINED` values (JSON output omits them)."""
    return {key: value for key, value in mapping.items() if value is not UNDEFINED}


def _shaped(shape: type[_Shape], mapping: dict[str, Any]) -> _Shape:
    """`_defined(mapping)` as the datafile or state shape whose keys the caller wrote."""
    # The caller lists the shape's keys with their values or UNDEFINED; dropping the undefined
    # ones leaves an object of that shape (all of its keys are optional).
    return cast(_Shape, _defined(mapping))


def environment_value(definition: dict[str, JSON], field: str, environment: str | None) -> Any:
    """`rules`/`force`/`expose` for the environment (the value itself in no-environments mode)."""
    value = definition.get(field, UNDEFINED)
    if environment is None:
        return value
    if isinstance(value, dict):
        return value.get(environment, UNDEFINED)
    return UNDEFINED


def _rebuild_overrides(
    overrides: Any,
    schema: Any,
    base_values: Any,
    stringify: bool,
    used_segments: set[str] | None,
    where: tuple[str, str, str],
) -> Any:
    """Variable overrides with conditions/segments stringified and values resolved (§4.3)."""
    key, path, origin = where
    rebuilt: dict[str, Any] = {}
    for variable_key, entries in overrides.items():
        if not isinstance(entries, list):
            raise _problem(
                key,
                f"{path}.{variable_key}",
                "variable overrides must be a list",
                "write a list of {conditions|segments, value} entries",
                origin,
            )
        base = base_values.get(variable_key, UNDEFINED) if truthy(base_values) else UNDEFINED
        mapped: list[Any] = []
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                mapped.append(entry)
                continue
            if path_map_replaces_root(variable_key, entry.get("value")):
                raise _problem(
                    key,
                    f"{path}.{variable_key}.{index}.value.{variable_key}",
                    SHADOWED_ROOT_MESSAGE.format(variable=variable_key),
                    SHADOWED_ROOT_HINT.format(variable=variable_key),
                    origin,
                )
            if "conditions" in entry:
                mapped.append(
                    _defined(
                        {
                            "conditions": stringify_unless_string(entry["conditions"], stringify),
                            "value": resolve_one(
                                schema, variable_key, entry.get("value", UNDEFINED), base
                            ),
                        }
                    )
                )
            elif "segments" in entry:
                if used_segments is not None:
                    collect_segment_keys(entry["segments"], used_segments)
                mapped.append(
                    _defined(
                        {
                            "segments": stringify_unless_string(entry["segments"], stringify),
                            "value": resolve_one(
                                schema, variable_key, entry.get("value", UNDEFINED), base
                            ),
                        }
                    )
                )
            else:
                mapped.append(entry)
        rebuilt[variable_key] = mapped
    return rebuilt


def _resolved_variables(schema: Any, overrides: Any) -> Any:
    resolved = resolve_many(schema, overrides)
    return _defined(resolved) if isinstance(resolved, dict) else resolved


def _variation(
    variation: Any, schema: Any, inputs: FeatureInputs, used: set[str], where: tuple[str, str, str]
) -> Variation:
    if not isinstance(variation, dict):
        key, path, origin = where
        raise _problem(key, path, "a variation must be a mapping", "write {value, weight}", origin)
    resolved_variables = resolve_many(schema, variation.get("variables", UNDEFINED))
    overrides = variation.get("variableOverrides", UNDEFINED)
    if truthy(overrides) and isinstance(overrides, dict):
        overrides = _rebuild_overrides(
            overrides,
            schema,
            resolved_variables,
            inputs.stringify,
            used,
            (where[0], where[1] + ".variableOverrides", where[2]),
        )
    return _shaped(
        Variation,
        {
            "value": variation.get("value", UNDEFINED),
            "weight": variation.get("weight", UNDEFINED),
            "variables": _defined(resolved_variables)
            if isinstance(resolved_variables, dict)
            else resolved_variables,
            "variableOverrides": overrides,
        },
    )


def _traffic_entry(
    raw: dict[str, Any], schema: Any, stringify: bool, where: tuple[str, str, str]
) -> Traffic:
    resolved_variables = resolve_many(schema, raw.get("variables", UNDEFINED))
    overrides = raw["variableOverrides"]
    if truthy(overrides) and isinstance(overrides, dict):
        overrides = _rebuild_overrides(
            overrides, schema, resolved_variables, stringify, None, where
        )
    entry = dict(raw)
    entry["variableOverrides"] = overrides
    entry["variables"] = (
        _defined(resolved_variables) if isinstance(resolved_variables, dict) else resolved_variables
    )
    entry["segments"] = stringify_unless_string(raw["segments"], stringify)
    # Upstream spreads the traffic object, then sets these three: existing keys keep their place.
    ordered = {
        "key": entry["key"],
        "segments": entry["segments"],
        "percentage": entry["percentage"],
        "allocation": entry["allocation"],
        "variationWeights": entry["variationWeights"],
        "variableOverrides": entry["variableOverrides"],
        "variables": entry["variables"],
        "variation": entry.get("variation", UNDEFINED),
    }
    return _shaped(Traffic, ordered)


def _variables_schema(
    definition: dict[str, Any], schemas: dict[str, dict[str, JSON]]
) -> dict[str, VariableSchema]:
    result: dict[str, VariableSchema] = {}
    for variable_key, variable in definition.items():
        if not isinstance(variable, dict):
            variable = {}
        reference = variable.get("schema")
        if truthy(reference):
            # a reference to a missing schema has no type either: upstream says "string"
            resolved = schemas.get(reference) if isinstance(reference, str) else None
        else:
            resolved = variable
        variable_type = resolved.get("type") if isinstance(resolved, dict) else None
        result[variable_key] = _shaped(
            VariableSchema,
            {
                "type": "string" if variable_type is None else variable_type,
                "defaultValue": variable.get("defaultValue", UNDEFINED),
                "deprecated": True if variable.get("deprecated") is True else UNDEFINED,
                "useDefaultWhenDisabled": True
                if variable.get("useDefaultWhenDisabled") is True
                else UNDEFINED,
                "disabledValue": variable.get("disabledValue", UNDEFINED),
            },
        )
    return result


def _force_entry(entry: Any, schema: Any, stringify: bool, used: set[str]) -> Any:
    if not isinstance(entry, dict):
        return entry
    result = dict(entry)  # upstream edits the entry in place: its own key order stays
    if truthy(result.get("segments")):
        collect_segment_keys(result["segments"], used)
        result["segments"] = stringify_unless_string(result["segments"], stringify)
    if truthy(result.get("conditions")):
        result["conditions"] = stringify_unless_string(result["conditions"], stringify)
    if truthy(result.get("variables")):
        resolved = _resolved_variables(schema, result["variables"])
        if resolved is UNDEFINED:
            del result["variables"]
        else:
            result["variables"] = resolved
    return result


def state_entry(feature: DatafileFeature) -> FeatureState:
    """The existing-state entry of a built feature (without its `hash`, added once known)."""
    entry: FeatureState = {}
    if "variations" in feature:
        entry["variations"] = [
            _shaped(
                StateVariation,
                {
                    "value": variation.get("value", UNDEFINED),
                    "weight": variation["weight"] if truthy(variation.get("weight")) else 0,
                },
            )
            for variation in feature["variations"]
        ]
    traffic_entries: list[StateTraffic] = []
    for traffic in feature["traffic"]:
        traffic_entries.append(
            _shaped(
                StateTraffic,
                {
                    "key": traffic.get("key", UNDEFINED),
                    "percentage": traffic.get("percentage", UNDEFINED),
                    "allocation": UNDEFINED
                    if "allocation" not in traffic
                    else [
                        _shaped(
                            Allocation,
                            {
                                "variation": item.get("variation", UNDEFINED),
                                "range": item.get("range", UNDEFINED),
                            },
                        )
                        for item in traffic["allocation"]
                    ],
                },
            )
        )
    entry["traffic"] = traffic_entries
    return entry


def build_feature(
    key: str,
    definition: dict[str, JSON],
    inputs: FeatureInputs,
    group_ranges: list[Range] | None,
    state_features: dict[str, FeatureState],
    used_segments: set[str],
) -> DatafileFeature:
    """The datafile object of one selected feature; updates `state_features[key]` like upstream.

    Segment keys the feature uses are added to `used_segments`.
    """
    environment = inputs.environment
    origin = inputs.origin
    rules_path = "rules" if environment is None else f"rules.{environment}"
    rules = environment_value(definition, "rules", environment)
    if not isinstance(rules, list):
        missing = rules is UNDEFINED
        raise _problem(
            key,
            rules_path,
            "no rules for this environment" if missing else "rules must be a list",
            f"add `{rules_path}` with at least one rule, e.g. "
            '`- key: everyone, segments: "*", percentage: 0`',
            origin,
        )
    for position, rule in enumerate(rules):
        if not isinstance(rule, dict):
            raise _problem(
                key,
                f"{rules_path}.{position}",
                "a rule must be a mapping",
                "write {key, segments, percentage}",
                origin,
            )
        collect_segment_keys(rule.get("segments", UNDEFINED), used_segments)
        overrides = rule.get("variableOverrides")
        if truthy(overrides) and isinstance(overrides, dict):
            for entries in overrides.values():
                for entry in entries if isinstance(entries, list) else []:
                    if isinstance(entry, dict) and "segments" in entry:
                        collect_segment_keys(entry["segments"], used_segments)

    schema = definition.get("variablesSchema", UNDEFINED)
    variations = definition.get("variations", UNDEFINED)
    feature: DatafileFeature = {}
    if definition.get("deprecated") is True:
        feature["deprecated"] = True
    bucket_by = definition.get("bucketBy")
    feature["bucketBy"] = bucket_by if truthy(bucket_by) else inputs.default_bucket_by
    if "required" in definition:
        feature["required"] = definition["required"]
    if "disabledVariationValue" in definition:
        feature["disabledVariationValue"] = definition["disabledVariationValue"]
    if isinstance(variations, list):
        feature["variations"] = [
            _variation(variation, schema, inputs, used_segments, (key, f"variations.{i}", origin))
            for i, variation in enumerate(variations)
        ]
    raw_traffic = traffic_for_rules(variations, rules, state_features.get(key), group_ranges or [])
    feature["traffic"] = [
        _traffic_entry(raw, schema, inputs.stringify, (key, f"{rules_path}.{i}", origin))
        for i, raw in enumerate(raw_traffic)
    ]
    if group_ranges:
        feature["ranges"] = group_ranges
    state_features[key] = state_entry(feature)
    if truthy(schema):
        if not isinstance(schema, dict):
            raise _problem(
                key,
                "variablesSchema",
                "variablesSchema must be a mapping",
                "map variable names to {type, defaultValue}",
                origin,
            )
        feature["variablesSchema"] = _variables_schema(schema, inputs.schemas)
    force = environment_value(definition, "force", environment)
    if truthy(force):
        if not isinstance(force, list):
            force_path = "force" if environment is None else f"force.{environment}"
            raise _problem(
                key, force_path, "force must be a list", "write a list of force entries", origin
            )
        feature["force"] = [
            _force_entry(entry, schema, inputs.stringify, used_segments) for entry in force
        ]
    return feature

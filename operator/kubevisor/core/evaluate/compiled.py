"""A datafile prepared for fast evaluation: conditions, segments and bucket keys compiled once.

Features and segments compile lazily on first use, so opening a large datafile costs nothing and
an evaluation costs one compilation per feature per Evaluator lifetime.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NoReturn

from kubevisor.core import datafile_shapes as shapes
from kubevisor.core.conditions import (
    Context,
    Predicate,
    compile_conditions,
    compile_segments,
    parse_stringified_conditions,
    parse_stringified_segments,
)
from kubevisor.core.definitions import JSON, JSONObject
from kubevisor.core.evaluate.bucketing import BucketKeyBuilder, bucket_key_builder


def _raising(error: Exception) -> Callable[[Context], NoReturn]:
    """A function that fails the evaluation like the SDK does when it meets the bad value."""

    def fail(context: Context) -> NoReturn:
        raise error

    return fail


@dataclass(frozen=True, slots=True)
class Override:
    """One entry of `variableOverrides.<variable>` (rule or variation level)."""

    required: JSON
    conditions: Predicate | None
    segments: Predicate | None
    raw: JSONObject


@dataclass(frozen=True, slots=True)
class Force:
    conditions: Predicate | None
    segments: Predicate | None
    raw: JSONObject


@dataclass(frozen=True, slots=True)
class Traffic:
    segments: Predicate
    raw: shapes.Traffic
    allocations: tuple[tuple[int | float, int | float, shapes.Allocation], ...]
    overrides: dict[str, list[Override]]


@dataclass(frozen=True, slots=True)
class Feature:
    key: str
    raw: shapes.DatafileFeature
    bucket_key: BucketKeyBuilder
    forces: tuple[Force, ...]
    traffic: tuple[Traffic, ...] | Exception
    ranges: tuple[tuple[int | float, int | float], ...]
    variation_overrides: dict[int, dict[str, list[Override]]]
    """id(variation dict) -> variable key -> overrides, for variations that have any."""

    requirements: JSON
    """`requiredFeatures` or `required`, when non-empty (else None)."""

    def rules(self) -> tuple[Traffic, ...]:
        """The compiled traffic rules; raises the compile error of a malformed `traffic`."""
        if isinstance(self.traffic, Exception):
            raise self.traffic
        return self.traffic


class CompiledDatafile:
    """Read-only view of one datafile with compiled predicates (share it between Evaluators)."""

    def __init__(self, datafile: shapes.Datafile) -> None:
        self.datafile = datafile
        self.features: Mapping[str, shapes.DatafileFeature] = datafile.get("features") or {}
        self.segments: Mapping[str, shapes.DatafileSegment] = datafile.get("segments") or {}
        self._features: dict[str, Feature] = {}
        self._segments: dict[str, Predicate | None] = {}

    def raw_feature(self, key: str) -> shapes.DatafileFeature | None:
        feature = self.features.get(key)
        return feature if feature else None

    def feature(self, key: str) -> Feature:
        """The compiled feature (it must exist); raises like the SDK on a malformed one."""
        compiled = self._features.get(key)
        if compiled is None:
            compiled = self._compile_feature(key, self.features[key])
            self._features[key] = compiled
        return compiled

    def segment(self, key: str) -> Predicate | None:
        """Compiled conditions of a segment, None if unknown (unknown segments match nothing)."""
        if key in self._segments:
            return self._segments[key]
        segment = self.segments.get(key)
        predicate: Predicate | None
        if not segment:
            predicate = None
        elif "conditions" not in segment:
            predicate = _raising(KeyError(f"segment {key!r} has no conditions"))
        else:
            predicate = compile_conditions(parse_stringified_conditions(segment["conditions"]))
        self._segments[key] = predicate
        return predicate

    def segments_predicate(self, expression: JSON) -> Predicate:
        """Compile a datafile `segments` value (maybe a JSON string); bad JSON fails at use."""
        try:
            parsed = parse_stringified_segments(expression)
        except ValueError as error:
            return _raising(error)
        return compile_segments(parsed, self.segment)

    def _compile_feature(self, key: str, raw: shapes.DatafileFeature) -> Feature:
        variation_overrides: dict[int, dict[str, list[Override]]] = {}
        for variation in raw.get("variations") or ():
            overrides = variation.get("variableOverrides")
            if overrides:
                variation_overrides[id(variation)] = self._compile_overrides(overrides)
        # The SDK only meets `bucketBy` and `traffic` after force and required: a malformed one
        # must fail those evaluations that reach it, not the whole feature.
        bucket_key: BucketKeyBuilder
        try:
            bucket_key = bucket_key_builder(key, raw["bucketBy"])
        except Exception as error:
            bucket_key = _raising(error)
        traffic: tuple[Traffic, ...] | Exception
        try:
            traffic = tuple(self._compile_traffic(rule) for rule in raw["traffic"])
        except Exception as error:
            traffic = error
        return Feature(
            key=key,
            raw=raw,
            bucket_key=bucket_key,
            forces=tuple(
                Force(
                    conditions=(
                        compile_conditions(parse_stringified_conditions(force["conditions"]))
                        if force.get("conditions")
                        else None
                    ),
                    segments=(
                        self.segments_predicate(force["segments"])
                        if force.get("segments")
                        else None
                    ),
                    raw=force,
                )
                for force in raw.get("force") or ()
            ),
            traffic=traffic,
            ranges=tuple((start, end) for start, end in raw.get("ranges") or ()),
            variation_overrides=variation_overrides,
            requirements=raw.get("requiredFeatures") or raw.get("required") or None,
        )

    def _compile_traffic(self, rule: shapes.Traffic) -> Traffic:
        return Traffic(
            segments=self.segments_predicate(rule["segments"]),
            raw=rule,
            allocations=tuple(
                (allocation["range"][0], allocation["range"][1], allocation)
                for allocation in rule.get("allocation") or ()
            ),
            overrides=self._compile_overrides(rule.get("variableOverrides") or {}),
        )

    def _compile_overrides(
        self, overrides: Mapping[str, list[JSONObject]]
    ) -> dict[str, list[Override]]:
        return {
            variable_key: [self._compile_override(override) for override in entries]
            for variable_key, entries in overrides.items()
            if entries
        }

    def _compile_override(self, override: JSONObject) -> Override:
        conditions: Predicate | None = None
        if override.get("conditions"):
            raw_conditions = override["conditions"]
            try:
                if isinstance(raw_conditions, str) and raw_conditions != "*":
                    raw_conditions = json.loads(raw_conditions)
                conditions = compile_conditions(raw_conditions)
            except ValueError as error:
                conditions = _raising(error)
        return Override(
            required=override.get("requiredFeatures"),
            conditions=conditions,
            segments=self.segments_predicate(override["segments"])
            if override.get("segments")
            else None,
            raw=override,
        )

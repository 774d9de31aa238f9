"""Target `context` (docs/featurevisor.md §5.10): pre-evaluate what a target's fixed context already
decides.

Upstream applies it after hashing, on a JSON deep copy, with its SDK's condition matcher; so do
we, with `kubevisor.core.conditions`. Its visible quirks are kept: traffic `segments` come back
as structures (no longer JSON strings), stringified segment conditions are never simplified, and
consecutive catch-all rules collapse to the first.
"""

from __future__ import annotations

from collections.abc import Callable

from kubevisor.core.build.jsvalues import clone, truthy
from kubevisor.core.conditions import matches, segments_match
from kubevisor.core.datafile_shapes import Datafile, DatafileSegment, Traffic
from kubevisor.core.definitions import JSON, JSONObject
from kubevisor.core.jsjson import loads

_COMBINATORS = ("and", "or", "not")


def parse_if_stringified(value: JSON) -> JSON:
    """JSON text starting with `{` or `[` parsed; anything else (or invalid JSON) unchanged."""
    if not isinstance(value, str) or value == "*" or value[:1] not in ("{", "["):
        return value
    try:
        return loads(value)
    except ValueError:
        return value


def _simplify(expression: JSON) -> JSON:
    """Drop `"*"` members bottom-up; emptied list/and/or become `"*"`, an emptied not fails."""
    if expression == "*":
        return expression
    if isinstance(expression, list):
        kept = [item for item in (_simplify(member) for member in expression) if item != "*"]
        return kept if kept else "*"
    if isinstance(expression, dict):
        for combinator in _COMBINATORS:
            if combinator in expression:
                operands = expression[combinator]
                if not isinstance(operands, list):
                    return expression
                members = [_simplify(member) for member in operands]
                kept = [member for member in members if member != "*"]
                if not kept:
                    return {"not": ["*"]} if combinator == "not" else "*"
                return {combinator: kept}
    return expression


def _mark_segments(expression: JSON, decided: Callable[[str], bool]) -> JSON:
    if expression == "*":
        return expression
    if isinstance(expression, list):
        return [_mark_segments(member, decided) for member in expression]
    if isinstance(expression, str):
        return "*" if decided(expression) else expression
    if isinstance(expression, dict):
        for combinator in _COMBINATORS:
            if combinator in expression:
                operands = expression[combinator]
                if not isinstance(operands, list):
                    return expression
                return {combinator: [_mark_segments(item, decided) for item in operands]}
    return expression


def _mark_conditions(expression: JSON, context: JSONObject) -> JSON:
    if expression == "*":
        return expression
    if isinstance(expression, list):
        return [_mark_conditions(member, context) for member in expression]
    if isinstance(expression, dict):
        if "attribute" in expression and matches(expression, context):
            return "*"
        for combinator in _COMBINATORS:
            if combinator in expression:
                operands = expression[combinator]
                if not isinstance(operands, list):
                    return expression
                return {combinator: [_mark_conditions(item, context) for item in operands]}
    return expression


class _ContextApplier:
    def __init__(self, original_segments: dict[str, DatafileSegment], context: JSONObject) -> None:
        self.context = context
        self.original_segments = original_segments
        self.removable: list[str] = []
        self._parsed: dict[str, JSON] = {}
        self._matched: dict[str, bool] = {}

    def _segment_conditions(self, key: str) -> JSON:
        if key not in self._parsed:
            segment = self.original_segments.get(key)
            conditions = segment.get("conditions") if isinstance(segment, dict) else None
            self._parsed[key] = None if segment is None else parse_if_stringified(conditions)
        return self._parsed[key]

    def _decided(self, key: str) -> bool:
        if key in self.removable:
            return True
        if key not in self._matched:
            self._matched[key] = segments_match(key, self._segment_conditions, self.context)
        return self._matched[key]

    def segments(self, expression: JSON) -> JSON:
        return _simplify(_mark_segments(expression, self._decided))

    def conditions(self, expression: JSON) -> JSON:
        return _simplify(_mark_conditions(expression, self.context))


def _apply_to_overrides(
    overrides: object, applier: _ContextApplier, parse: Callable[[JSON], JSON]
) -> None:
    # `object`: the builder copies a rule's `variableOverrides` through unchecked.
    if not isinstance(overrides, dict):
        return
    for entries in overrides.values():
        if not isinstance(entries, list):
            continue
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            if truthy(entry.get("segments")):
                entry["segments"] = applier.segments(parse(entry["segments"]))
            if truthy(entry.get("conditions")):
                entry["conditions"] = applier.conditions(parse(entry["conditions"]))


def _collapse_catch_alls(traffic: list[Traffic]) -> list[Traffic]:
    kept: list[Traffic] = []
    for entry in traffic:
        previous_catch_all = kept and isinstance(kept[-1], dict) and kept[-1].get("segments") == "*"
        if previous_catch_all and isinstance(entry, dict) and entry.get("segments") == "*":
            continue
        kept.append(entry)
    return kept


def apply_context(datafile: Datafile, context: JSONObject) -> Datafile:
    """A copy of the datafile with the target context applied (hashes are left as they were)."""
    applier = _ContextApplier(datafile.get("segments") or {}, context)
    result = clone(datafile)
    segments = result.get("segments") or {}
    for key, segment in segments.items():
        if not isinstance(segment, dict) or "conditions" not in segment:
            continue
        segment["conditions"] = applier.conditions(segment["conditions"])
        if segment["conditions"] == "*":
            applier.removable.append(key)
    for feature in (result.get("features") or {}).values():
        if not isinstance(feature, dict):
            continue
        force = feature.get("force")
        if truthy(force) and isinstance(force, list):
            for entry in force:
                if not isinstance(entry, dict):
                    continue
                if truthy(entry.get("segments")):
                    entry["segments"] = applier.segments(entry["segments"])
                if truthy(entry.get("conditions")):
                    entry["conditions"] = applier.conditions(entry["conditions"])
        traffic = feature.get("traffic")
        if truthy(traffic) and isinstance(traffic, list):
            for rule in traffic:
                if not isinstance(rule, dict):
                    continue
                if truthy(rule.get("segments")):
                    rule["segments"] = applier.segments(parse_if_stringified(rule["segments"]))
                if truthy(rule.get("variableOverrides")):
                    _apply_to_overrides(rule["variableOverrides"], applier, parse_if_stringified)
        variations = feature.get("variations")
        if truthy(variations) and isinstance(variations, list):
            for variation in variations:
                if isinstance(variation, dict) and truthy(variation.get("variableOverrides")):
                    _apply_to_overrides(variation["variableOverrides"], applier, lambda v: v)
        if truthy(traffic) and isinstance(traffic, list):
            feature["traffic"] = _collapse_catch_alls(traffic)
    for key in applier.removable:
        segments.pop(key, None)
    return result

"""Does a variable value fit its schema? (docs/featurevisor.md §2.3.2 type semantics, §9 value
rules)"""

from __future__ import annotations

import json

from kubevisor.core.definitions import JSON, JSONObject
from kubevisor.core.lint.context import Project
from kubevisor.core.lint.regex import clearly_mismatches
from kubevisor.core.lint.shapes import describe, is_integer, is_number, is_scalar, js_equal, js_type

SubPath = tuple[str | int, ...]
ValueProblem = tuple[SubPath, str]

MAX_REFERENCE_DEPTH = 32
"""Schema references deeper than this are a loop (reported on the schema itself)."""


def resolve(project: Project, schema: JSONObject) -> JSONObject | None:
    """Follow `schema:` references to the schema that gives the shape; None if it is unknown."""
    current: JSONObject | None = schema
    for _ in range(MAX_REFERENCE_DEPTH):
        if current is None or not isinstance(reference := current.get("schema"), str):
            return current
        current = project.schema(reference)
    return None


def value_problems(project: Project, value: JSON, schema: JSONObject) -> list[ValueProblem]:
    """Every way `value` misses `schema`, each with its path inside the value."""
    return _check(project, value, schema, (), 0)


def _check(
    project: Project, value: JSON, schema: JSONObject, at: SubPath, depth: int
) -> list[ValueProblem]:
    node = resolve(project, schema)
    if node is None or depth > MAX_REFERENCE_DEPTH:
        return []  # an unknown reference or a loop is reported where the schema is defined
    problems: list[ValueProblem] = []
    branches = node.get("oneOf")
    if isinstance(branches, list):
        fitting = [
            b
            for b in branches
            if isinstance(b, dict) and not _check(project, value, b, at, depth + 1)
        ]
        if len(fitting) != 1:
            count = "none" if not fitting else f"{len(fitting)}"
            problems.append((at, f"value {describe(value)} matches {count} of the `oneOf` schemas"))
    kind = node.get("type")
    type_problem = _type_problem(value, kind)
    if type_problem:
        return [*problems, (at, type_problem)]
    if kind == "array" and isinstance(value, list):
        problems += _check_array(project, value, node, at, depth)
    elif kind == "object" and isinstance(value, dict):
        problems += _check_object(project, value, node, at, depth)
    problems += _check_allowed(value, node, at)
    problems += _check_limits(value, node, at)
    return problems


def _type_problem(value: JSON, kind: JSON) -> str | None:
    if kind == "json":
        if not isinstance(value, str):
            return f"a json variable holds a string of JSON, got {js_type(value)}"
        try:
            json.loads(value)
        except ValueError:
            return f"value {describe(value)} is not valid JSON"
        return None
    fits = {
        "string": isinstance(value, str),
        "integer": is_integer(value),
        "double": is_number(value),
        "boolean": isinstance(value, bool),
        "array": isinstance(value, list),
        "object": isinstance(value, dict),
    }
    if isinstance(kind, str) and kind in fits and not fits[kind]:
        return f"expected {kind}, got {js_type(value)} {describe(value)}"
    return None


def _check_array(
    project: Project, value: list[JSON], node: JSONObject, at: SubPath, depth: int
) -> list[ValueProblem]:
    problems: list[ValueProblem] = []
    items = node.get("items")
    for index, item in enumerate(value):
        if isinstance(items, dict):
            problems += _check(project, item, items, (*at, index), depth + 1)
        elif not isinstance(item, str):
            problems.append(((*at, index), "an array without `items` may hold only strings"))
    if node.get("uniqueItems") is True:
        for index, item in enumerate(value):
            if any(js_equal(item, earlier) for earlier in value[:index]):
                problems.append(((*at, index), f"duplicate item {describe(item)}"))
    return problems


def _check_object(
    project: Project, value: dict[str, JSON], node: JSONObject, at: SubPath, depth: int
) -> list[ValueProblem]:
    problems: list[ValueProblem] = []
    properties = node.get("properties")
    extra = node.get("additionalProperties")
    if not isinstance(properties, dict) and extra is None:
        # A "flat object": any keys, primitive values only.
        for name, item in value.items():
            if not is_scalar(item):
                problems.append(((*at, name), "a flat object may hold only primitive values"))
        return problems
    declared = properties if isinstance(properties, dict) else {}
    required = node.get("required")
    # Upstream treats every declared property as required when `required` is not given.
    needed: list[JSON] = required if isinstance(required, list) and required else list(declared)
    for wanted in needed:
        if isinstance(wanted, str) and wanted not in value:
            problems.append(((*at, wanted), f'required property "{wanted}" is missing'))
    for name, item in value.items():
        if name in declared:
            if isinstance(declared_item := declared[name], dict):
                problems += _check(project, item, declared_item, (*at, name), depth + 1)
        elif isinstance(extra, dict):
            problems += _check(project, item, extra, (*at, name), depth + 1)
        elif extra is not True:
            problems.append(((*at, name), f'property "{name}" is not declared in the schema'))
    return problems


def _check_allowed(value: JSON, node: JSONObject, at: SubPath) -> list[ValueProblem]:
    enum = node.get("enum")
    if isinstance(enum, list) and not any(js_equal(value, item) for item in enum):
        return [(at, f"value {describe(value)} is not one of {describe(enum)}")]
    if "const" in node and not js_equal(value, node["const"]):
        return [(at, f"value {describe(value)} must be {describe(node['const'])}")]
    return []


def _check_limits(value: JSON, node: JSONObject, at: SubPath) -> list[ValueProblem]:
    problems: list[ValueProblem] = []
    low, high = node.get("minimum"), node.get("maximum")
    if is_number(value):
        if is_number(low) and value < low:
            problems.append((at, f"value {describe(value)} is below the minimum {low}"))
        if is_number(high) and value > high:
            problems.append((at, f"value {describe(value)} is above the maximum {high}"))
    sized = value if isinstance(value, str | list) else None
    if sized is not None:
        what = "characters" if isinstance(value, str) else "items"
        shortest = node.get("minLength" if what == "characters" else "minItems")
        longest = node.get("maxLength" if what == "characters" else "maxItems")
        if is_integer(shortest) and len(sized) < shortest:
            problems.append((at, f"has {len(sized)} {what}, fewer than the minimum {shortest}"))
        if is_integer(longest) and len(sized) > longest:
            problems.append((at, f"has {len(sized)} {what}, more than the maximum {longest}"))
    pattern = node.get("pattern")
    if isinstance(value, str) and isinstance(pattern, str) and clearly_mismatches(pattern, value):
        problems.append((at, f"value {describe(value)} does not match {describe(pattern)}"))
    return problems

"""Attributes (docs/featurevisor.md §2.1): the type vocabulary conditions and bucketBy are checked
against."""

from __future__ import annotations

from kubevisor.core.definitions import JSON, JSONObject
from kubevisor.core.lint.regex import clearly_mismatches
from kubevisor.core.lint.report import FieldPath, Report
from kubevisor.core.lint.shapes import (
    describe,
    expect_boolean,
    expect_field_types,
    expect_pattern,
    expect_string,
    expect_string_list,
    is_integer,
    is_number,
    js_equal,
    js_type,
    strict_object,
)

ATTRIBUTE_TYPES = ("boolean", "string", "integer", "double", "date", "semver", "object", "array")
SCHEMA_FIELDS = (
    "type",
    "oneOf",
    "enum",
    "const",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
    "properties",
    "required",
    "additionalProperties",
)
TOP_FIELDS = (*SCHEMA_FIELDS, "description", "archived", "promotable")
NESTED_FIELDS = (*SCHEMA_FIELDS, "description", "schema")


def lint_attribute(report: Report, attribute: JSON) -> None:
    node = strict_object(report, (), attribute, allowed=TOP_FIELDS, required=("description",))
    if node is None:
        return
    expect_field_types(
        report, (), node, strings=("description",), booleans=("archived", "promotable")
    )
    _lint_property_schema(report, (), node, top_level=True)


def _lint_property_schema(
    report: Report, path: FieldPath, node: JSONObject, *, top_level: bool
) -> None:
    shapes = [name for name in ("type", "oneOf", "schema") if name in node]
    if top_level and len(shapes) != 1:
        report.error(
            path or ("type",),
            "an attribute needs exactly one of `type` or `oneOf`",
            f"set `type` to one of {', '.join(ATTRIBUTE_TYPES)}, or list branches in `oneOf`",
        )
    kind = node.get("type")
    if "type" in node and kind not in ATTRIBUTE_TYPES:
        report.error(
            (*path, "type"),
            f"unknown attribute type {describe(kind)}",
            f"use one of {', '.join(ATTRIBUTE_TYPES)}",
        )
        kind = None
    if "schema" in node:
        expect_string(report, (*path, "schema"), node["schema"], non_empty=True)
    if "oneOf" in node:
        _lint_one_of(report, (*path, "oneOf"), node["oneOf"])
    _lint_values(report, path, node, kind)
    _lint_ranges(report, path, node)
    _lint_array(report, path, node, kind)
    _lint_object(report, path, node)


def _lint_one_of(report: Report, path: FieldPath, branches: JSON) -> None:
    if not isinstance(branches, list) or len(branches) < 2:
        report.error(path, "`oneOf` needs a list of at least 2 schemas", "list two or more types")
        return
    for index, branch in enumerate(branches):
        sub = strict_object(report, (*path, index), branch, allowed=NESTED_FIELDS)
        if sub is not None:
            _lint_property_schema(report, (*path, index), sub, top_level=False)


def _lint_values(report: Report, path: FieldPath, node: JSONObject, kind: JSON) -> None:
    if "enum" in node:
        enum = node["enum"]
        if not isinstance(enum, list) or not enum:
            report.error((*path, "enum"), "`enum` must be a non-empty list", "list the values")
        else:
            for index, value in enumerate(enum):
                problem = attribute_value_problem(value, {"type": kind} if kind else {})
                if problem:
                    report.error((*path, "enum", index), problem, f"use a {kind} value")
    if "const" in node and kind:
        problem = attribute_value_problem(node["const"], {"type": kind})
        if problem:
            report.error((*path, "const"), problem, f"use a {kind} value")


def _lint_ranges(report: Report, path: FieldPath, node: JSONObject) -> None:
    for name in ("minimum", "maximum"):
        if name in node and not is_number(node[name]):
            report.error((*path, name), f"`{name}` must be a number", "write a number")
    for low_name, high_name in (("minimum", "maximum"), ("minLength", "maxLength")):
        low, high = node.get(low_name), node.get(high_name)
        if is_number(low) and is_number(high) and low > high:
            report.error(
                (*path, low_name), f"`{low_name}` is greater than `{high_name}`", "swap them"
            )
    for name in ("minLength", "maxLength"):
        if name in node and (not is_integer(length := node[name]) or length < 0):
            report.error((*path, name), f"`{name}` must be a whole number ≥ 0", "write e.g. 3")
    if "pattern" in node:
        expect_pattern(report, (*path, "pattern"), node["pattern"])
    limits = ("minimum", "maximum", "minLength", "maxLength", "pattern")
    checks = {name: node[name] for name in limits if name in node}
    if not checks:
        return
    candidates = [node["const"]] if "const" in node else []
    if isinstance(enum := node.get("enum"), list):
        candidates += enum
    for value in candidates:
        problem = attribute_value_problem(value, checks)
        if problem:
            report.error(
                (*path, "enum" if "enum" in node else "const"),
                problem,
                "keep values within the limits",
            )


def _lint_array(report: Report, path: FieldPath, node: JSONObject, kind: JSON) -> None:
    structural = ("minItems", "maxItems", "uniqueItems", "oneOf", "enum", "const")
    details = [name for name in structural if name in node]
    if kind == "array" and details and "items" not in node:
        report.error(
            (*path, "items"),
            f"an array attribute with {', '.join(details)} needs `items`",
            "add `items: {type: string}`",
        )
    for name in ("minItems", "maxItems"):
        if name in node and (not is_integer(count := node[name]) or count < 0):
            report.error((*path, name), f"`{name}` must be a whole number ≥ 0", "write e.g. 1")
    fewest, most = node.get("minItems"), node.get("maxItems")
    if is_integer(fewest) and is_integer(most) and fewest > most:
        report.error((*path, "minItems"), "`minItems` is greater than `maxItems`", "swap them")
    if "uniqueItems" in node:
        expect_boolean(report, (*path, "uniqueItems"), node["uniqueItems"])
    if "items" in node:
        items = strict_object(report, (*path, "items"), node["items"], allowed=NESTED_FIELDS)
        if items is not None:
            if items.get("type") != "string":
                report.error(
                    (*path, "items", "type"),
                    "array attributes hold strings only",
                    "set `items.type: string`",
                )
            _lint_property_schema(report, (*path, "items"), items, top_level=False)


def _lint_object(report: Report, path: FieldPath, node: JSONObject) -> None:
    properties = node.get("properties")
    if "properties" in node:
        if not isinstance(properties, dict):
            report.error(
                (*path, "properties"),
                "`properties` must be a mapping",
                "map each property name to its schema",
            )
            properties = {}
        for name, sub in properties.items():
            sub_path = (*path, "properties", name)
            checked = strict_object(report, sub_path, sub, allowed=NESTED_FIELDS)
            if checked is None:
                continue
            if checked.get("type") == "object" or "properties" in checked:
                report.error(
                    sub_path,
                    "attribute objects must stay flat: a property cannot be an object",
                    "move the nested object into its own attribute",
                )
            _lint_property_schema(report, sub_path, checked, top_level=False)
    if "additionalProperties" in node:
        extra = node["additionalProperties"]
        if isinstance(extra, dict):
            if extra.get("type") == "object":
                report.error(
                    (*path, "additionalProperties"),
                    "attribute objects must stay flat: additional properties cannot be objects",
                    "use a primitive type",
                )
            checked = strict_object(
                report, (*path, "additionalProperties"), extra, allowed=NESTED_FIELDS
            )
            if checked is not None:
                _lint_property_schema(
                    report, (*path, "additionalProperties"), checked, top_level=False
                )
        elif not isinstance(extra, bool):
            report.error(
                (*path, "additionalProperties"),
                f"expected a schema or boolean, got {js_type(extra)}",
                "write a schema such as `{type: string}`",
            )
    if "required" in node:
        names = expect_string_list(report, (*path, "required"), node["required"], unique=True)
        declared = properties if isinstance(properties, dict) else {}
        for index, name in enumerate(names):
            if name not in declared:
                report.error(
                    (*path, "required", index),
                    f'required property "{name}" is not declared in `properties`',
                    "declare it or remove it from `required`",
                )


def attribute_value_problem(value: JSON, schema: JSONObject) -> str | None:
    """Why `value` does not fit an attribute schema, or None when it fits."""
    if "oneOf" in schema and isinstance(schema["oneOf"], list):
        branches = [b for b in schema["oneOf"] if isinstance(b, dict)]
        if branches and all(attribute_value_problem(value, b) for b in branches):
            return f"value {describe(value)} matches none of the `oneOf` types"
    kind = schema.get("type")
    type_problem = _type_problem(value, kind)
    if type_problem:
        return type_problem
    enum = schema.get("enum")
    if isinstance(enum, list) and not any(js_equal(value, item) for item in enum):
        return f"value {describe(value)} is not one of the allowed values {describe(enum)}"
    if "const" in schema and not js_equal(value, schema["const"]):
        return f"value {describe(value)} is not the constant {describe(schema['const'])}"
    return _limit_problem(value, schema)


def _type_problem(value: JSON, kind: JSON) -> str | None:
    fits = {
        "boolean": isinstance(value, bool),
        "string": isinstance(value, str),
        "date": isinstance(value, str),
        "semver": isinstance(value, str),
        "integer": is_integer(value),
        "double": is_number(value),
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
    }
    if isinstance(kind, str) and kind in fits and not fits[kind]:
        return f"value {describe(value)} is not of type {kind}"
    return None


def _limit_problem(value: JSON, schema: JSONObject) -> str | None:
    low, high = schema.get("minimum"), schema.get("maximum")
    if is_number(value):
        if is_number(low) and value < low:
            return f"value {describe(value)} is below the minimum {low}"
        if is_number(high) and value > high:
            return f"value {describe(value)} is above the maximum {high}"
    if isinstance(value, str):
        shortest, longest = schema.get("minLength"), schema.get("maxLength")
        if is_integer(shortest) and len(value) < shortest:
            return f"value {describe(value)} is shorter than {shortest} characters"
        if is_integer(longest) and len(value) > longest:
            return f"value {describe(value)} is longer than {longest} characters"
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and clearly_mismatches(pattern, value):
            return f"value {describe(value)} does not match the pattern {describe(pattern)}"
    return None

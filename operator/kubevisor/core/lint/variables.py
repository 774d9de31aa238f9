"""Variable values set by variations, rules, force entries and overrides (docs/featurevisor.md §2.3,
§5.6)."""

from __future__ import annotations

import json

from kubevisor.core.definitions import JSON, JSONObject
from kubevisor.core.lint.conditions import lint_conditions, lint_segment_expression
from kubevisor.core.lint.context import Project
from kubevisor.core.lint.mutations import is_mutation_key, mutation_problems, parse_mutation
from kubevisor.core.lint.report import FieldPath, Report
from kubevisor.core.lint.shapes import describe, expect_mapping, js_type, strict_object
from kubevisor.core.lint.values import resolve, value_problems

HINT = "make the value fit the variable's schema"
OVERRIDE_FIELDS = ("conditions", "segments", "value")


def lint_variable_values(
    project: Project,
    report: Report,
    path: FieldPath,
    values: JSON,
    schemas: JSONObject,
) -> None:
    """A `variables` map: full variable values, or mutation keys into them."""
    mapping = expect_mapping(report, path, values)
    if mapping is None:
        return
    for key, value in mapping.items():
        where = (*path, key)
        if key in schemas:
            check_value(project, report, where, value, schemas[key], top_level=True)
            continue
        mutation = parse_mutation(key) if is_mutation_key(key) else None
        if mutation is None or mutation.root not in schemas:
            report.error(
                where,
                f'variable "{key}" is not declared in `variablesSchema`',
                "declare it in `variablesSchema` or fix the name",
            )
            continue
        schema = schemas[mutation.root]
        if isinstance(schema, dict):
            for message in mutation_problems(project, mutation, value, schema):
                report.error(where, message, HINT)


def lint_variable_maps(
    project: Project,
    report: Report,
    path: FieldPath,
    node: JSONObject,
    schemas: JSONObject,
) -> None:
    """The `variables` and `variableOverrides` of a variation or a rule."""
    if "variables" in node:
        lint_variable_values(project, report, (*path, "variables"), node["variables"], schemas)
    if "variableOverrides" in node:
        overrides = node["variableOverrides"]
        lint_variable_overrides(project, report, (*path, "variableOverrides"), overrides, schemas)


def lint_variable_overrides(
    project: Project,
    report: Report,
    path: FieldPath,
    overrides: JSON,
    schemas: JSONObject,
) -> None:
    """`variableOverrides`: plain variable name -> list of `{conditions|segments, value}`."""
    mapping = expect_mapping(report, path, overrides)
    if mapping is None:
        return
    for name, entries in mapping.items():
        where = (*path, name)
        if name not in schemas:
            report.error(
                where,
                f'variableOverrides key "{name}" is not a declared variable'
                + (" (mutation notation is not allowed here)" if is_mutation_key(name) else ""),
                "use a variable name from `variablesSchema`; put paths inside `value`",
            )
            continue
        if not isinstance(entries, list):
            report.error(
                where,
                f"expected a list of overrides, got {js_type(entries)}",
                "list `- segments: ..., value: ...` entries",
            )
            continue
        for index, entry in enumerate(entries):
            _lint_override(project, report, (*where, index), name, entry, schemas[name])


def _lint_override(
    project: Project, report: Report, path: FieldPath, name: str, entry: JSON, schema: JSON
) -> None:
    node = strict_object(report, path, entry, allowed=OVERRIDE_FIELDS, required=("value",))
    if node is None:
        return
    lint_matcher(project, report, path, node)
    if "value" not in node or not isinstance(schema, dict):
        return
    value = node["value"]
    shape = resolve(project, schema)
    path_map = isinstance(value, dict) and (
        (shape is not None and shape.get("type") == "object") or any(map(is_mutation_key, value))
    )
    if not isinstance(value, dict) or not path_map:
        check_value(project, report, (*path, "value"), value, schema, top_level=True)
        return
    # An object override merges into the variable: each key is a path relative to it.
    if name in value and shape is not None and shape.get("type") == "object":
        report.error(
            (*path, "value", name),
            f'key "{name}" in an override value of object variable "{name}" is read by '
            f"upstream as the whole variable, not as its property {name} (featurevisor build "
            "v3.1.0 throws on it, or writes a non-object value)",
            f'rename the property "{name}", or set the whole object in `variables` instead of '
            "`variableOverrides`",
        )
        return
    for key, item in value.items():
        full = f"{name}{key}" if key.startswith("[") or key.startswith(":") else f"{name}.{key}"
        mutation = parse_mutation(full)
        if mutation is None:
            report.error((*path, "value", key), "invalid mutation notation", "fix the path")
            continue
        for message in mutation_problems(project, mutation, item, schema):
            report.error((*path, "value", key), message, HINT)


def lint_matcher(project: Project, report: Report, path: FieldPath, node: JSONObject) -> None:
    """Exactly one of `segments` (segment expression) or `conditions` (condition expression)."""
    present = [name for name in ("segments", "conditions") if name in node]
    if len(present) != 1:
        report.error(
            path,
            "needs exactly one of `segments` or `conditions`",
            "keep one of them" if present else 'add `segments: "*"` or `conditions: [...]`',
        )
    if "segments" in node:
        lint_segment_expression(project, report, (*path, "segments"), node["segments"])
    if "conditions" in node:
        lint_conditions(project, report, (*path, "conditions"), node["conditions"])


def check_value(
    project: Project,
    report: Report,
    path: FieldPath,
    value: JSON,
    schema: JSON,
    *,
    top_level: bool,
) -> None:
    """Validate a whole variable value, plus the project's size caps (docs/featurevisor.md §1.2)."""
    if not isinstance(schema, dict):
        return
    for sub, message in value_problems(project, value, schema):
        report.error((*path, *sub), message, HINT)
    if top_level:
        _check_size(project, report, path, value, schema)


def _check_size(
    project: Project, report: Report, path: FieldPath, value: JSON, schema: JSONObject
) -> None:
    config = project.config
    kind = (resolve(project, schema) or {}).get("type")
    caps: dict[JSON, tuple[int | None, str]] = {
        "string": (config.max_variable_string_length, "maxVariableStringLength"),
        "array": (
            config.max_variable_array_stringified_length,
            "maxVariableArrayStringifiedLength",
        ),
        "object": (
            config.max_variable_object_stringified_length,
            "maxVariableObjectStringifiedLength",
        ),
        "json": (config.max_variable_json_stringified_length, "maxVariableJSONStringifiedLength"),
    }
    cap, setting = caps.get(kind, (None, "")) if isinstance(kind, str) else (None, "")
    if cap is None:
        return
    if kind in ("string", "json") and isinstance(value, str):
        length = len(value)
    else:
        # Close to JS JSON.stringify length; numbers like 1.0 may print one or two chars longer.
        length = len(json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str))
    if length > cap:
        report.error(
            path,
            f"value is {length} characters long, over the {setting} limit of {cap}",
            f"shorten the value or raise {setting} ({describe(cap)})",
        )

"""Small builders for OpenAPI v3 schema nodes as Kubernetes structural schemas want them.

Every builder takes the field description first, so no field can be written without one
(`kubectl explain` shows it). Nodes are plain dicts, ready for YAML.
"""

from __future__ import annotations

from typing import Any

from kubevisor.core.limits import MAX_LIST_ITEMS, MAX_MAP_ENTRIES, MAX_STRING_LENGTH

Node = dict[str, Any]

# Kubernetes names for ConfigMaps and namespaces (DNS-1123 subdomain and label).
DNS_SUBDOMAIN_PATTERN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
DNS_LABEL_PATTERN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"


def rule(expression: str, message: str, *, field_path: str | None = None) -> Node:
    """One CEL validation rule (`x-kubernetes-validations` entry)."""
    entry: Node = {"rule": expression, "message": message}
    if field_path is not None:
        entry["fieldPath"] = field_path
    return entry


def _finish(node: Node, rules: list[Node] | None) -> Node:
    if rules:
        node["x-kubernetes-validations"] = rules
    return node


def string(
    description: str,
    *,
    enum: list[str] | None = None,
    pattern: str | None = None,
    min_length: int | None = None,
    max_length: int = MAX_STRING_LENGTH,
    fmt: str | None = None,
    rules: list[Node] | None = None,
) -> Node:
    """A string. Every string carries a maxLength so CEL cost estimates stay small."""
    node: Node = {"type": "string", "description": description}
    if fmt is not None:
        node["format"] = fmt
    if enum is not None:
        node["enum"] = enum
    else:
        node["maxLength"] = max_length
    if min_length is not None:
        node["minLength"] = min_length
    if pattern is not None:
        node["pattern"] = pattern
    return _finish(node, rules)


def boolean(description: str) -> Node:
    return {"type": "boolean", "description": description}


def number(description: str, *, minimum: float | None = None, maximum: float | None = None) -> Node:
    node: Node = {"type": "number", "description": description}
    if minimum is not None:
        node["minimum"] = minimum
    if maximum is not None:
        node["maximum"] = maximum
    return node


def integer(description: str, *, minimum: int | None = None) -> Node:
    node: Node = {"type": "integer", "description": description}
    if minimum is not None:
        node["minimum"] = minimum
    return node


def percentage(description: str) -> Node:
    """A Featurevisor percentage: any number from 0 to 100 (decimals allowed)."""
    return number(description, minimum=0, maximum=100)


def obj(
    description: str,
    properties: dict[str, Node],
    *,
    required: list[str] | None = None,
    rules: list[Node] | None = None,
    one_of_required: list[str] | None = None,
) -> Node:
    """An object with known fields; unknown fields are rejected by strict field validation.

    `one_of_required` names fields of which exactly one must be present; it is written as an
    OpenAPI `oneOf` of `required` lists because CEL cannot see untyped (union) fields.
    """
    node: Node = {"type": "object", "description": description, "properties": properties}
    if required:
        node["required"] = required
    if one_of_required:
        node["oneOf"] = [{"required": [name]} for name in one_of_required]
    return _finish(node, rules)


def array(
    description: str,
    items: Node,
    *,
    min_items: int | None = None,
    max_items: int = MAX_LIST_ITEMS,
    list_type: str | None = None,
    map_keys: list[str] | None = None,
    rules: list[Node] | None = None,
) -> Node:
    """A list. maxItems bounds CEL cost estimates."""
    node: Node = {"type": "array", "description": description, "items": items}
    if min_items is not None:
        node["minItems"] = min_items
    node["maxItems"] = max_items
    if list_type is not None:
        node["x-kubernetes-list-type"] = list_type
    if map_keys is not None:
        node["x-kubernetes-list-map-keys"] = map_keys
    return _finish(node, rules)


def map_of(
    description: str,
    values: Node,
    *,
    max_properties: int = MAX_MAP_ENTRIES,
    rules: list[Node] | None = None,
) -> Node:
    """A map from free-form names (variable keys, environment names...) to values."""
    node: Node = {
        "type": "object",
        "description": description,
        "additionalProperties": values,
        "maxProperties": max_properties,
    }
    return _finish(node, rules)


def any_value(description: str) -> Node:
    """Arbitrary JSON (string, number, boolean, list, object or null), kept as written."""
    return {
        "description": description,
        "nullable": True,
        "x-kubernetes-preserve-unknown-fields": True,
    }


def any_object(description: str, properties: dict[str, Node] | None = None) -> Node:
    """A JSON object whose fields nest arbitrarily; the listed properties are still checked."""
    node: Node = {
        "type": "object",
        "description": description,
        "x-kubernetes-preserve-unknown-fields": True,
    }
    if properties:
        node["properties"] = properties
    return node


def union(
    description: str,
    *,
    items: Node | None = None,
    values: Node | None = None,
    properties: dict[str, Node] | None = None,
) -> Node:
    """A field that may be a scalar, a list or a map (Featurevisor unions such as `rules`).

    Structural schemas cannot give such a field one type, so the node is untyped with
    `x-kubernetes-preserve-unknown-fields`; the parts that do have a known shape (`items` for
    a list value, `additionalProperties`/`properties` for a map value) are still validated by
    the API server because its validation follows the shape of the data. CEL cannot see
    untyped fields, so union fields carry OpenAPI validations only.
    """
    node: Node = {"description": description, "x-kubernetes-preserve-unknown-fields": True}
    if items is not None:
        node["items"] = items
    if values is not None:
        node["additionalProperties"] = values
    if properties is not None:
        node["properties"] = properties
    return node

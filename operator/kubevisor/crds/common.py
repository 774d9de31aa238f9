"""Fields shared by several kinds: the Featurevisor key, descriptions, condition and segment
expressions, and the sub-schemas that attributes and variables nest."""

from __future__ import annotations

from kubevisor.crds.openapi import Node, any_object, any_value, boolean, string, union

# Featurevisor keys: camelCase words, `_`, `-`, and `.` or `/` as namespace separators.
KEY_PATTERN = r"^[a-zA-Z0-9_\-./]+$"
KEY_MAX_LENGTH = 253
DESCRIPTION_MAX_LENGTH = 4096


def key_field(kind: str) -> Node:
    return string(
        f"The Featurevisor key of this {kind} (letters, digits, `_`, `-`, `.`, `/`). "
        "Defaults to metadata.name; must be unique per kind within the namespace.",
        pattern=KEY_PATTERN,
        min_length=1,
        max_length=KEY_MAX_LENGTH,
    )


def key_reference(what: str) -> Node:
    """A field that names another definition by its Featurevisor key."""
    return string(what, pattern=KEY_PATTERN, min_length=1, max_length=KEY_MAX_LENGTH)


def description_field(kind: str) -> Node:
    return string(
        f"Human description of this {kind}; never reaches the datafile.",
        max_length=DESCRIPTION_MAX_LENGTH,
    )


def archived_field(kind: str) -> Node:
    return boolean(f"When true the {kind} is archived: kept for history, never built.")


def promotable_field() -> Node:
    return boolean("Whether `featurevisor promote` may copy this definition between environments.")


def conditions_field(description: str) -> Node:
    """A condition expression (docs/featurevisor.md §3.1): `*`, a condition, a list, or and/or/not
    trees."""
    return union(
        description + ' Grammar: `"*"`, a condition `{attribute, operator, value}`, a list '
        "of conditions (all must match), or `{and|or|not: [...]}` trees nested freely."
    )


def segments_field(description: str) -> Node:
    """A segment expression (docs/featurevisor.md §3.6): `*`, a key, a list, or and/or/not trees."""
    return union(
        description + ' Grammar: `"*"` (everyone), a segment key, a list of expressions '
        "(all must match), or `{and|or|not: [...]}` trees nested freely."
    )


def json_value(description: str) -> Node:
    return any_value(description + " Any JSON value, `null` included.")


def variables_map(description: str) -> Node:
    """Variable values keyed by variable key (or mutation notation such as `config.size`)."""
    return any_object(
        description + " Keys are variable keys, or Featurevisor mutation notation "
        "(`key.path`, `key[0]`, `key:append`...); values are any JSON, `null` included."
    )


def nested_schema(description: str, type_names: list[str]) -> Node:
    """A nested property or item schema (object/array shapes nest to any depth)."""
    return any_object(
        description + " Uses the same vocabulary as the enclosing schema and nests freely.",
        {
            "type": string("The value type of this nested schema.", enum=type_names),
            "description": description_field("nested schema"),
        },
    )

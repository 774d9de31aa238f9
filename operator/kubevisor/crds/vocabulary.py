"""The schema vocabulary Featurevisor shares between attributes, variable schemas and reusable
schemas (docs/featurevisor.md §2.1, §2.3.2): type, oneOf, properties, items, enum, const, bounds."""

from __future__ import annotations

from kubevisor.core.lint.attributes import ATTRIBUTE_TYPES as LINT_ATTRIBUTE_TYPES
from kubevisor.core.lint.schemas import REUSABLE_TYPES, STRUCTURE
from kubevisor.core.lint.schemas import VARIABLE_TYPES as LINT_VARIABLE_TYPES
from kubevisor.crds.common import key_reference, nested_schema
from kubevisor.crds.openapi import (
    Node,
    any_value,
    array,
    boolean,
    integer,
    map_of,
    number,
    rule,
    string,
    union,
)

# The linter's vocabulary is the one source of truth; the CRD enums list it in the same order.
ATTRIBUTE_TYPES = list(LINT_ATTRIBUTE_TYPES)
VARIABLE_TYPES = list(LINT_VARIABLE_TYPES)
SCHEMA_TYPES = list(REUSABLE_TYPES)


def shape_fields(type_names: list[str], *, min_one_of: int) -> dict[str, Node]:
    """Fields that describe the shape of a value."""
    return {
        "type": string("The value type.", enum=type_names),
        "oneOf": array(
            f"Alternative schemas (at least {min_one_of}); a value must match exactly one.",
            nested_schema("One alternative.", type_names),
            min_items=min_one_of,
            max_items=100,
        ),
        "properties": map_of(
            "Object shape: property name to property schema.",
            nested_schema("The schema of one property.", type_names),
            max_properties=1000,
        ),
        "additionalProperties": union(
            "Object shape: `true`/`false`, or the schema every undeclared property must match."
        ),
        "required": array(
            "Names of properties that must be present; each must be declared in `properties`.",
            string("A property name.", max_length=253),
            max_items=1000,
        ),
        "items": nested_schema("Array shape: the schema of every item.", type_names),
        "enum": array(
            "The allowed values.", any_value("One allowed value; any JSON value."), max_items=10000
        ),
        "const": any_value("The only allowed value; any JSON value, `null` included."),
        "minimum": number("Smallest allowed number."),
        "maximum": number("Largest allowed number."),
        "minLength": integer("Shortest allowed string length.", minimum=0),
        "maxLength": integer("Longest allowed string length.", minimum=0),
        "pattern": string("ECMAScript regular expression every string value must match."),
        "minItems": integer("Fewest allowed array items.", minimum=0),
        "maxItems": integer("Most allowed array items.", minimum=0),
        "uniqueItems": boolean("Whether array items must be unique."),
    }


def schema_reference() -> Node:
    return key_reference("Key of a reusable Schema this one refers to (`schemas/<key>.yml`).")


def bounds_rules() -> list[Node]:
    """Lower bounds must not exceed upper bounds; `required` names declared properties."""
    return [
        rule(
            "!has(self.minimum) || !has(self.maximum) || self.minimum <= self.maximum",
            "minimum must not be greater than maximum",
        ),
        rule(
            "!has(self.minLength) || !has(self.maxLength) || self.minLength <= self.maxLength",
            "minLength must not be greater than maxLength",
        ),
        rule(
            "!has(self.minItems) || !has(self.maxItems) || self.minItems <= self.maxItems",
            "minItems must not be greater than maxItems",
        ),
        rule(
            "!has(self.required) || self.required.all(name, has(self.properties) && "
            "name in self.properties)",
            "every name in required must be declared in properties",
            field_path=".required",
        ),
    ]


# The shape fields a `schema:` reference cannot be combined with (the linter checks the same).
SCHEMA_REF_EXCLUDES = STRUCTURE


def schema_reference_rule() -> Node:
    """`schema:` refers to another schema, so it cannot be combined with a shape of its own."""
    present = " || ".join(
        f"has(self.{name})" for name in SCHEMA_REF_EXCLUDES if name != "additionalProperties"
    )
    return rule(
        f"!has(self.schema) || !({present})",
        "schema (a reference) cannot be combined with type, oneOf, properties, required, items "
        "or bounds",
    )

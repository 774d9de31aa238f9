"""Names and types shared by the generators."""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from kubevisor.core.definitions import JSON, Definitions, JSONObject


def words(key: str) -> list[str]:
    """`checkout.page-v2` -> [checkout, page, v2]; camelCase splits too (`newCheckout`)."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", key)
    return [word for word in re.split(r"[^A-Za-z0-9]+", spaced) if word]


def pascal(key: str) -> str:
    name = "".join(word[:1].upper() + word[1:] for word in words(key)) or "X"
    return f"X{name}" if name[0].isdigit() else name


def snake(key: str) -> str:
    name = "_".join(word.lower() for word in words(key)) or "x"
    name = f"x_{name}" if name[0].isdigit() else name
    return f"{name}_" if keyword.iskeyword(name) else name


def unique_names(keys: list[str], name: Callable[[str], str]) -> dict[str, str]:
    """`name(key)` for each key, with `_2`, `_3`... added where two keys give the same name
    (`new-checkout` and `newCheckout`), so no accessor silently replaces another."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for key in keys:
        candidate, number = name(key), 1
        while candidate in taken:
            number += 1
            candidate = f"{name(key)}_{number}"
        taken.add(candidate)
        names[key] = candidate
    return names


def resolved_schema(schema: JSON, defs: Definitions) -> JSONObject:
    """A variable schema with `schema: <key>` references followed (bounded, cycles stop)."""
    seen: set[str] = set()
    while isinstance(schema, dict) and isinstance(key := schema.get("schema"), str):
        if key in seen or key not in defs.schemas:
            break
        seen.add(key)
        schema = defs.schemas[key]
    return schema if isinstance(schema, dict) else {}


@dataclass(frozen=True)
class TypeSpelling:
    """How one generated language spells the types of variable and attribute schemas."""

    scalars: Mapping[str, str]
    """`string`, `boolean`, `integer`, `double`, `date` -> the language's type."""
    array_of: Callable[[str], str]
    """The type of an array, from the type of its items."""
    untyped_array: str
    """An array whose schema gives no `items` (values are strings, as upstream assumes)."""
    object: str
    unknown: str
    """`json`, or a schema without a type."""


def spelled_type(schema: JSON, defs: Definitions, spelling: TypeSpelling) -> str:
    """The type of a variable or attribute schema (`schema:` references followed)."""
    resolved = resolved_schema(schema, defs)
    kind = resolved.get("type")
    if isinstance(kind, str) and kind in spelling.scalars:
        return spelling.scalars[kind]
    if kind == "array":
        items = resolved.get("items")
        if not isinstance(items, dict):
            return spelling.untyped_array
        return spelling.array_of(spelled_type(items, defs, spelling))
    if kind == "object":
        return spelling.object
    return spelling.unknown


def variations(feature: JSONObject) -> list[JSON]:
    """The distinct variation values, in order."""
    values: list[JSON] = []
    listed = feature.get("variations")
    for variation in listed if isinstance(listed, list) else []:
        if isinstance(variation, dict) and variation.get("value") not in values:
            values.append(variation.get("value"))
    return values


def variables(feature: JSONObject) -> JSONObject:
    schema = feature.get("variablesSchema")
    return schema if isinstance(schema, dict) else {}

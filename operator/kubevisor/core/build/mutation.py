"""Variable values with mutation notation (docs/featurevisor.md §5.6): `tags:append`,
`layout.columns`, `items[id=2]`.

A variables map may hold whole values (`color: blue`) or mutations of the schema default keyed
by a path and an optional operation. Keys are applied shortest first (upstream sorts by length).
Everything follows upstream's mutator, including the operations it silently ignores.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from kubevisor.core.build.jsvalues import UNDEFINED, Undefined, clone, parse_int, truthy
from kubevisor.core.jsjson import is_array_index, js_key_order, js_string

_OPERATION_SUFFIX = re.compile(r":(append|prepend|after|before|remove)\Z")
_TRAILING_BRACKET = re.compile(r"\s*\[[^\n\r\u2028\u2029]*\]\s*\Z")
_ALL_DIGITS = re.compile(r"[0-9]+\Z")


@dataclass(frozen=True)
class PathPart:
    """One step of a notation path: a property, `key[index]`, or `key[prop=value]`."""

    key: str
    index: int | float | None = None  # float only for NaN (upstream parseInt failure)
    selector: tuple[str, str] | None = None


def root_variable(override_key: str) -> str:
    """The variable an override key belongs to (`payload.rows:append` -> `payload`)."""
    without_suffix = _OPERATION_SUFFIX.sub("", override_key, count=1).strip()
    first = without_suffix.split(".")[0]
    return _TRAILING_BRACKET.sub("", first, count=1).strip()


def _bracket(content: str) -> tuple[int | float | None, tuple[str, str] | None]:
    equals = content.find("=")
    if equals < 0:
        return parse_int(content.strip()), None
    prop = content[:equals].strip()
    value = content[equals + 1 :].strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    elif value in ('"', "'"):
        value = ""  # upstream: startsWith and endsWith the same single quote character
    return None, (prop, value)


def parse_notation(notation: str) -> tuple[list[PathPart], str]:
    """Path parts and operation (`set` when no suffix) of a mutation notation."""
    rest = notation.strip()
    operation = "set"
    match = _OPERATION_SUFFIX.search(rest)
    if match:
        operation = match.group(1)
        rest = rest[: match.start()]
    parts: list[PathPart] = []
    i = 0
    length = len(rest)
    while i < length:
        start = i
        while i < length and rest[i] not in ".[":
            i += 1
        key = rest[start:i].strip()
        if key or (i < length and rest[i] == "["):
            if i < length and rest[i] == "[":
                i += 1
                bracket_start = i
                while i < length and rest[i] != "]":
                    i += 1
                index, selector = _bracket(rest[bracket_start:i])
                i += 1
                parts.append(PathPart(key, index=index, selector=selector))
            else:
                parts.append(PathPart(key))
        if i < length and rest[i] == ".":
            i += 1
    return parts, operation


def _property(container: object, key: str) -> object:
    """JavaScript `container[key]` for JSON-like values."""
    if isinstance(container, dict):
        return container.get(key, UNDEFINED)
    if isinstance(container, (list, str)):
        if key == "length":
            return len(container)
        if is_array_index(key) and int(key) < len(container):
            return container[int(key)]
    return UNDEFINED


def _array_for(container: object, part: PathPart) -> list[object] | None:
    if isinstance(container, list):
        return container
    if part.key == "" or not isinstance(container, dict):
        return None
    candidate = container.get(part.key)
    return candidate if isinstance(candidate, list) else None


def _is_object(value: object) -> bool:
    return isinstance(value, (dict, list))


def _get(container: object, part: PathPart) -> object:
    if container is None or container is UNDEFINED:
        return UNDEFINED
    if part.index is not None:
        array = _array_for(container, part)
        if array is None:
            return UNDEFINED
        index = part.index
        if isinstance(index, int) and 0 <= index < len(array):
            return array[index]
        return UNDEFINED
    if part.selector is not None:
        array = _array_for(container, part)
        if array is None:
            return UNDEFINED
        prop, wanted = part.selector
        for item in array:
            if _is_object(item) and js_string(_js_get_or_text(item, prop)) == wanted:
                return item
        return UNDEFINED
    return _property(container, part.key)


def _js_get_or_text(item: object, prop: str) -> object:
    value = _property(item, prop)
    return "undefined" if value is UNDEFINED else value


def _splice_start(index: int | float, length: int) -> int:
    """Where `Array.prototype.splice(index, ...)` starts (NaN counts as 0)."""
    if isinstance(index, float) and math.isnan(index):
        return 0
    position = int(index)
    return max(length + position, 0) if position < 0 else min(position, length)


def _set(container: object, part: PathPart, operation: str, operand: object) -> None:
    if part.index is not None:
        array = _array_for(container, part)
        if array is None:
            return
        if operation == "remove":
            start = _splice_start(part.index, len(array))
            del array[start : start + 1]
        elif operation == "set" and isinstance(part.index, int) and part.index >= 0:
            if part.index >= len(array):
                array.extend([None] * (part.index + 1 - len(array)))  # holes print as null
            array[part.index] = operand
        return  # before/after/append/prepend on an index: ignored, as upstream
    if part.selector is not None:
        array = _array_for(container, part)
        if array is None:
            return
        prop, wanted = part.selector
        wanted_number = int(wanted) if _ALL_DIGITS.match(wanted) else None
        for position, item in enumerate(array):
            if not _is_object(item):
                continue
            value = _property(item, prop)
            same_number = (
                wanted_number is not None
                and isinstance(value, (int, float))
                and not isinstance(value, bool)
                and value == wanted_number
            )
            if js_string(_js_get_or_text(item, prop)) == wanted or same_number:
                if operation == "remove":
                    del array[position]
                elif operation == "after" and operand is not UNDEFINED:
                    array.insert(position + 1, operand)
                elif operation == "before" and operand is not UNDEFINED:
                    array.insert(position, operand)
                return
        return
    _set_property(container, part.key, operation, operand)


def _set_property(container: object, key: str, operation: str, operand: object) -> None:
    if isinstance(container, list):
        # Array properties other than indices never reach JSON output.
        if not is_array_index(key):
            return
        index = int(key)
        if operation == "remove":
            if index < len(container):
                container[index] = None  # `delete` leaves a hole, printed as null
        elif operation == "set":
            if index >= len(container):
                container.extend([None] * (index + 1 - len(container)))
            container[index] = operand
        return
    if not isinstance(container, dict):
        return  # properties of primitives cannot be set
    if operation == "remove":
        container.pop(key, None)
    elif operation in ("append", "prepend") and operand is not UNDEFINED:
        current = container.get(key)
        if current is None:
            current = []
        if not isinstance(current, list):
            return
        if operation == "append":
            current.append(operand)
        else:
            current.insert(0, operand)
        container[key] = current
    elif operation == "set":
        container[key] = operand


def mutate(value: object, notation: str, operand: object) -> object:
    """Apply one mutation to a copy of `value` (null or undefined come back unchanged)."""
    if value is None or value is UNDEFINED:
        return value
    result = clone(value)
    parts, operation = parse_notation(notation)
    if not parts:
        if isinstance(result, list) and operand is not UNDEFINED:
            if operation == "append":
                result.append(operand)
            elif operation == "prepend":
                result.insert(0, operand)
        return result
    container = result
    for part in parts[:-1]:
        following = _get(container, part)
        if following is UNDEFINED:
            return result
        container = following
    _set(container, parts[-1], operation, operand)
    return result


def resolve_many(schema: object, overrides: object) -> dict[str, object] | Undefined:
    """Resolved values of the variables an override map touches (upstream
    `resolveMutationsForMultipleVariables`). Returns `UNDEFINED` when nothing applies; values
    may be `UNDEFINED` (a variable without default mutated by path), which output omits.
    """
    if not isinstance(overrides, dict) or not overrides:
        return UNDEFINED
    if not isinstance(schema, dict) or not schema:
        return UNDEFINED
    roots: dict[str, None] = {}
    for key in overrides:
        root = root_variable(key)
        if root and truthy(schema.get(root)):
            roots[root] = None
    result: dict[str, object] = {}
    for root in roots:
        variable = schema[root]
        default = variable.get("defaultValue") if isinstance(variable, dict) else None
        value = clone(default) if default is not None else UNDEFINED
        keys = [
            key
            for key in overrides
            if root_variable(key) == root
            and (
                key == root
                or key.startswith(root + ".")
                or key.startswith(root + "[")
                or key.startswith(root + ":")
            )
        ]
        keys.sort(key=len)  # stable, like upstream's sort by length
        for key in keys:
            operand = overrides[key]
            if key == root:
                value = clone(operand) if operand is not None else operand
            else:
                cut = len(root) if key.startswith((root + "[", root + ":")) else len(root) + 1
                value = mutate(value, key[cut:], operand)
        result[root] = value
    return js_key_order(result) if result else UNDEFINED


SHADOWED_ROOT_MESSAGE = (
    'the override value has a key "{variable}", which upstream reads as the whole variable '
    "{variable}, not as its property; the other keys then change a non-object "
    "(featurevisor build v3.1.0 throws here)"
)
SHADOWED_ROOT_HINT = (
    'rename the property "{variable}" of variable "{variable}", or set the whole object in the '
    "variation's or rule's `variables` instead of in `variableOverrides`"
)


def path_map_replaces_root(root: str, value: object) -> bool:
    """True for an override value upstream cannot build: a path map whose key `root` sets the
    whole variable to a non-object, followed by keys that set properties on it."""
    return (
        isinstance(value, dict)
        and root in value
        and len(value) > 1
        and not isinstance(value[root], dict)
    )


def resolve_one(schema: object, root: str, value: object, base: object) -> object:
    """An override's value: a plain object is a path map merged into `base` (or the default)."""
    if not isinstance(schema, dict) or not truthy(schema.get(root)):
        return value
    if not isinstance(value, dict):
        return value
    flat: dict[str, object] = {}
    if base is not UNDEFINED:
        flat[root] = clone(base)
    for key, item in value.items():
        flat[root if key == root else root + "." + key] = item
    resolved = resolve_many(schema, js_key_order(flat))
    if isinstance(resolved, dict) and root in resolved:
        return resolved[root]
    return value

"""Map key order across a round trip through the Kubernetes API server.

The API server stores custom resources as JSON and returns every map with its keys sorted
byte-wise (Go's `encoding/json` sorts map keys). Featurevisor output follows the key order of
the YAML definitions (variable schemas, force entries, condition objects, object values...), so
`kubevisor import` records the original order in a hint, stored as compact JSON in the
annotation `kubevisor.io/key-order`. Loaders sort every map like the API server would and then
apply the hint; a manifest read from a file and the same object read back from the cluster thus
give the same definition.

The hint maps a JSON-pointer path (RFC 6901: `/`-separated, `~0` for `~`, `~1` for `/`, array
indices as numbers, `""` for the root) to the key list of every map whose original order differs
from the sorted order. A stale hint (the object was edited since) degrades gracefully: paths
that no longer lead to a map are ignored, hint keys the map no longer has are skipped, and keys
the hint does not know go after the known ones, sorted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import overload

from kubevisor.core.definitions import JSON, JSONObject

KEY_ORDER_ANNOTATION = "kubevisor.io/key-order"

KeyOrderHint = dict[str, list[str]]
"""JSON-pointer path of a map -> its keys in their original order."""


def _go_order(key: str) -> bytes:
    # Go compares the UTF-8 bytes; surrogatepass keeps any Python str sortable.
    return key.encode("utf-8", "surrogatepass")


def sorted_like_go(keys: list[str]) -> list[str]:
    """Keys in the byte-wise order Go's JSON encoder writes map keys."""
    return sorted(keys, key=_go_order)


@overload
def sort_like_apiserver(value: JSONObject) -> JSONObject: ...
@overload
def sort_like_apiserver(value: JSON) -> JSON: ...
def sort_like_apiserver(value: JSON) -> JSON:
    """A copy of `value` with every map's keys sorted as the API server returns them."""
    if isinstance(value, dict):
        return {key: sort_like_apiserver(value[key]) for key in sorted_like_go(list(value))}
    if isinstance(value, list):
        return [sort_like_apiserver(item) for item in value]
    return value


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _maps(value: JSON, path: str) -> Iterator[tuple[str, dict[str, JSON]]]:
    """Every map inside `value` (itself included) with its JSON-pointer path, outermost first."""
    if isinstance(value, dict):
        yield path, value
        for key, item in value.items():
            yield from _maps(item, f"{path}/{_escape(key)}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _maps(item, f"{path}/{index}")


def record_key_order(value: JSON) -> KeyOrderHint:
    """The hint that restores the key order of `value` after the API server sorted it."""
    hint: KeyOrderHint = {}
    for path, mapping in _maps(value, ""):
        keys = list(mapping)
        if keys != sorted_like_go(keys):
            hint[path] = keys
    return hint


def _resolve(value: JSON, path: str) -> JSON:
    """The value at a JSON-pointer path, or None when the path leads nowhere."""
    if path == "":
        return value
    if not path.startswith("/"):
        return None
    current = value
    for raw_token in path[1:].split("/"):
        token = _unescape(raw_token)
        if isinstance(current, dict):
            if token not in current:
                return None
            current = current[token]
        elif isinstance(current, list):
            if not token.isdigit() or int(token) >= len(current):
                return None
            current = current[int(token)]
        else:
            return None
    return current


def _reordered(mapping: dict[str, JSON], known_order: list[str]) -> dict[str, JSON]:
    known = [key for key in dict.fromkeys(known_order) if key in mapping]
    known_set = set(known)
    unknown = sorted_like_go([key for key in mapping if key not in known_set])
    return {key: mapping[key] for key in known + unknown}


@overload
def apply_key_order(value: JSONObject, hint: KeyOrderHint) -> JSONObject: ...
@overload
def apply_key_order(value: JSON, hint: KeyOrderHint) -> JSON: ...
def apply_key_order(value: JSON, hint: KeyOrderHint) -> JSON:
    """A copy of `value` with the maps the hint names put back in their recorded order.

    Maps the hint does not name keep the order they have. Paths address maps by key and lists
    by index, so reordering one map never moves another.
    """
    result = _deep_copy(value)
    for path in hint:
        target = _resolve(result, path)
        order = hint[path]
        if not isinstance(target, dict) or not isinstance(order, list):
            continue
        reordered = _reordered(target, [key for key in order if isinstance(key, str)])
        target.clear()
        target.update(reordered)
    return result


def _deep_copy(value: JSON) -> JSON:
    if isinstance(value, dict):
        return {key: _deep_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_deep_copy(item) for item in value]
    return value


def parse_hint(text: str | None) -> KeyOrderHint | None:
    """The hint from an annotation's compact-JSON text, or None when it is not a valid hint.

    Lives here rather than in a loader because every reader of objects (files, the cluster)
    must interpret the annotation the same way.
    """
    if text is None:
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    if not isinstance(parsed, dict):
        return None
    hint: KeyOrderHint = {}
    for path, keys in parsed.items():
        if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
            return None
        hint[path] = keys
    return hint


def format_hint(hint: KeyOrderHint) -> str:
    """The compact JSON text stored in the annotation."""
    return json.dumps(hint, ensure_ascii=False, separators=(",", ":"))

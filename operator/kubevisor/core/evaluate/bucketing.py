"""Bucketing (docs/featurevisor.md §6): bucket key from context attributes, MurmurHash3 to a value
0..99999."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import mmh3

from kubevisor.core.conditions import MISSING, Context, attribute_getter
from kubevisor.core.jsnumber import format_number

HASH_SEED: Final = 1
MAX_HASH_VALUE: Final = 2**32
MAX_BUCKETED_NUMBER: Final = 100_000

BucketKeyBuilder = Callable[[Context], str]

_hash = mmh3.hash


class InvalidBucketByError(ValueError):
    """`bucketBy` is neither a string, a list nor `{or: [...]}`."""


def bucket_value(bucket_key: str) -> int:
    """0..99999 from the MurmurHash3 (x86, 32-bit, seed 1) of the key's UTF-8 bytes.

    Encoding first matters: a lone surrogate raises UnicodeEncodeError, like the SDK does.
    """
    return int(
        _hash(bucket_key.encode(), HASH_SEED, signed=False) / MAX_HASH_VALUE * MAX_BUCKETED_NUMBER
    )


def js_string(value: object) -> str:
    """How `Array.prototype.join` spells one part of a bucket key (Python SDK 3.1.0 flavour:
    ints print exactly, floats as JavaScript numbers)."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, list):
        return ",".join(js_string(item) for item in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


def bucket_key_builder(feature_key: str, bucket_by: Any) -> BucketKeyBuilder:
    """Compile `bucketBy` into a function context -> bucket key (attribute values + feature key).

    Raises InvalidBucketByError for an unusable `bucketBy` (the SDK's evaluation error).
    """
    if isinstance(bucket_by, str):
        getter = attribute_getter(bucket_by)

        def plain(context: Context) -> str:
            value = getter(context)
            if value is MISSING:
                return feature_key
            return (value if type(value) is str else js_string(value)) + "." + feature_key

        return plain
    if isinstance(bucket_by, list):
        getters = [attribute_getter(key) for key in bucket_by]

        def all_of(context: Context) -> str:
            parts = [
                js_string(value)
                for value in (get(context) for get in getters)
                if value is not MISSING
            ]
            parts.append(feature_key)
            return ".".join(parts)

        return all_of
    if isinstance(bucket_by, dict) and isinstance(bucket_by.get("or"), list):
        getters = [attribute_getter(key) for key in bucket_by["or"]]

        def first_of(context: Context) -> str:
            for get in getters:
                value = get(context)
                if value is not MISSING:
                    return js_string(value) + "." + feature_key
            return feature_key

        return first_of
    raise InvalidBucketByError(f"feature {feature_key!r}: invalid bucketBy {bucket_by!r}")

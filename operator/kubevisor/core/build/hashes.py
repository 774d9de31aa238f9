"""Feature hashes (docs/featurevisor.md §5.9): SHA-256 of JS-JSON text, written in base 62, first 10
characters."""

from __future__ import annotations

import hashlib
from bisect import bisect_right

from kubevisor.core.datafile_shapes import DatafileFeature

_BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
HASH_LENGTH = 10
_POWERS = [62**count for count in range(45)]  # 62**44 > 2**256
_PAIR_BASE = 62 * 62
_BASE62_PAIRS = [high + low for high in _BASE62 for low in _BASE62]
"""Two base-62 digits per step: half the big-number divisions."""


def short_hash(text: str) -> str:
    """Upstream's `generateHashFromString`: base-62 SHA-256 digest, most significant first."""
    number = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest(), "big")
    # Only the most significant HASH_LENGTH digits are kept: drop the others in one division.
    length = bisect_right(_POWERS, number)  # its count of base-62 digits
    if length > HASH_LENGTH:
        number //= _POWERS[length - HASH_LENGTH]
    pairs: list[str] = []
    while number > 0:
        number, remainder = divmod(number, _PAIR_BASE)
        pairs.append(_BASE62_PAIRS[remainder])
    return "".join(reversed(pairs)).lstrip("0")  # a top pair may start with a zero digit


def required_feature_keys(feature: DatafileFeature) -> list[str]:
    """Keys a feature requires, as the hash sees them (strings, or objects with a truthy key)."""
    keys: list[str] = []
    required = feature.get("required")
    if isinstance(required, list):
        for entry in required:
            if isinstance(entry, str):
                keys.append(entry)
            elif isinstance(entry, dict) and isinstance(key := entry.get("key"), str) and key:
                keys.append(key)
    return keys

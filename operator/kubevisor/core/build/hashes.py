"""Feature hashes (§5.9): SHA-256 of JS-JSON text, written in base 62, first 10 characters."""

from __future__ import annotations

import hashlib

from kubevisor.core.definitions import JSON
from kubevisor.core.jsjson import dumps

_BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
HASH_LENGTH = 10


def short_hash(text: str) -> str:
    """Upstream's `generateHashFromString`: base-62 SHA-256 digest, most significant first."""
    number = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest(), "big")
    digits: list[str] = []
    while number > 0:
        number, remainder = divmod(number, 62)
        digits.append(_BASE62[remainder])
    return "".join(reversed(digits))[:HASH_LENGTH]


def required_feature_keys(feature: dict[str, JSON]) -> list[str]:
    """Keys a feature requires, as the hash sees them (strings, or objects with a truthy key)."""
    keys: list[str] = []
    required = feature.get("required")
    if isinstance(required, list):
        for entry in required:
            if isinstance(entry, str):
                keys.append(entry)
            elif isinstance(entry, dict) and isinstance(entry.get("key"), str) and entry["key"]:
                keys.append(entry["key"])
    return keys


def feature_hash(key: str, features: dict[str, dict[str, JSON]], path: tuple[str, ...] = ()) -> str:
    """Hash of `features[key]` in its current state (earlier features already carry `hash`).

    Raises `RecursionError`-free `ValueError` on a `required` cycle (upstream overflows its stack).
    """
    feature = features.get(key)
    if feature is None:
        return ""
    if key in path:
        raise ValueError(" -> ".join((*path, key)))
    required_hashes = [
        feature_hash(required, features, (*path, key))
        for required in required_feature_keys(feature)
    ]
    text = dumps(
        {
            "featureKey": key,
            "feature": feature,
            "requiredFeatureHashes": required_hashes,
            "usedSegmentHashes": [],  # upstream maps over Object.keys of a Set: always empty
        }
    )
    return short_hash(text)


def datafile_hash(schema_version: str, features: dict[str, dict[str, JSON]]) -> str:
    """The `--revision-from-hash` revision of one datafile."""
    feature_hashes = {key: feature.get("hash") or "" for key, feature in features.items()}
    return short_hash(dumps({"schemaVersion": schema_version, "featureHashes": feature_hashes}))

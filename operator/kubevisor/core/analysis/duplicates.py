"""Segments with the same conditions (`featurevisor find-duplicate-segments`).

Upstream compares `JSON.stringify(conditions)`, so two segments are duplicates only when their
conditions are written identically, key order included.
"""

from __future__ import annotations

from kubevisor.core.definitions import Definitions
from kubevisor.core.jsjson import dumps


def duplicate_segments(defs: Definitions) -> list[list[str]]:
    """Groups of two or more segment keys with identical conditions, in listing order."""
    groups: dict[str, list[str]] = {}
    for key, segment in defs.segments.items():
        groups.setdefault(dumps(segment.get("conditions")), []).append(key)
    return [keys for keys in groups.values() if len(keys) > 1]

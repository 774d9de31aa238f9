"""Existing state read back from a published datafile.

A datafile carries everything upstream's existing state keeps of its features (variations with
weights, each rule's percentage and allocation ranges, the feature hash), so a lost state can
be rebuilt from what is served without moving a single user.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kubevisor.core.build.features import state_entry


def state_from_datafile(datafile: Mapping[str, Any]) -> dict[str, Any]:
    """`{"features": {key: entry}}` for every feature of a (parsed) published datafile."""
    features: dict[str, Any] = {}
    for key, feature in (datafile.get("features") or {}).items():
        if not isinstance(feature, dict) or not isinstance(feature.get("traffic"), list):
            continue
        entry = state_entry(feature)
        if isinstance(feature.get("hash"), str):
            entry["hash"] = feature["hash"]
        features[key] = entry
    return {"features": features}

"""Existing state read back from a published datafile.

A datafile carries everything upstream's existing state keeps of its features (variations with
weights, each rule's percentage and allocation ranges, the feature hash), so a lost state can
be rebuilt from what is served without moving a single user.
"""

from __future__ import annotations

from typing import cast

from kubevisor.core.build.features import state_entry
from kubevisor.core.datafile_shapes import DatafileFeature, FeatureState, State
from kubevisor.core.definitions import JSONObject


def state_from_datafile(datafile: JSONObject) -> State:
    """`{"features": {key: entry}}` for every feature of a (parsed) published datafile."""
    features: dict[str, FeatureState] = {}
    published = datafile.get("features")
    for key, feature in (published if isinstance(published, dict) else {}).items():
        if not isinstance(feature, dict) or not isinstance(feature.get("traffic"), list):
            continue
        # Published by the builder, so shaped like its features; traffic was checked above.
        entry = state_entry(cast(DatafileFeature, feature))
        if isinstance(digest := feature.get("hash"), str):
            entry["hash"] = digest
        features[key] = entry
    return {"features": features}

"""Warnings: definitions upstream Featurevisor builds, but that probably do not mean what they
say. They never stop a build (the bytes stay identical to upstream's); lint prints them, the
operator shows them on the object's status, and an admission policy warns at apply time."""

from __future__ import annotations

from kubevisor.core.definitions import Definitions, Kind, Problem

WEIGHT_TOLERANCE = 1e-6
"""Weights may have decimals; binary floating point rounds their sum."""


def variation_weight_warnings(defs: Definitions) -> list[Problem]:
    """Features whose `variations` weights do not add up to 100."""
    warnings: list[Problem] = []
    for key, feature in defs.features.items():
        variations = feature.get("variations") if isinstance(feature, dict) else None
        if not isinstance(variations, list) or not variations:
            continue
        weights = [v.get("weight") for v in variations if isinstance(v, dict)]
        if not all(isinstance(w, int | float) and not isinstance(w, bool) for w in weights):
            continue  # a weight that is not a number is a lint error already
        total = sum(float(w) for w in weights if isinstance(w, int | float))
        if abs(total - 100) <= WEIGHT_TOLERANCE:
            continue
        warnings.append(
            Problem(
                kind=Kind.FEATURE,
                key=key,
                path="variations",
                message=f"variation weights add up to {total:g}, not 100; upstream builds it "
                "anyway, but the variations will not get the shares the weights suggest",
                hint="make the weights add up to 100",
                origin=defs.origins.get((Kind.FEATURE, key), ""),
            )
        )
    return warnings

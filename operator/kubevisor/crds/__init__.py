"""CustomResourceDefinitions, generated from one source of truth.

`crd_objects()` builds the CRDs of every kubevisor kind, `policy_objects()` the admission policies
that check what a structural schema cannot (union fields); `python -m kubevisor.crds --out crds`
writes them to `crds/*.yaml` (see `kubevisor.crds.render`).
"""

from __future__ import annotations

from kubevisor.crds.definition import crd_object
from kubevisor.crds.kinds import CATEGORY, GROUP, KINDS, VERSION, KindInfo
from kubevisor.crds.openapi import Node
from kubevisor.crds.policy import policy_objects


def crd_objects() -> list[Node]:
    """The CRDs of every kind, in a fixed order."""
    return [crd_object(info) for info in KINDS]


__all__ = ["CATEGORY", "GROUP", "KINDS", "VERSION", "KindInfo", "crd_objects", "policy_objects"]

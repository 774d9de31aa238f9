"""CustomResourceDefinitions, generated from one source of truth.

`crd_objects()` builds the CRDs of every kubevisor kind; `python -m kubevisor.crds` writes them
to `crds/*.yaml` (see `kubevisor.crds.render`).
"""

from __future__ import annotations

from kubevisor.crds.definition import crd_object
from kubevisor.crds.kinds import CATEGORY, GROUP, KINDS, VERSION, KindInfo
from kubevisor.crds.openapi import Node


def crd_objects() -> list[Node]:
    """The CRDs of every kind, in a fixed order."""
    return [crd_object(info) for info in KINDS]


__all__ = ["CATEGORY", "GROUP", "KINDS", "VERSION", "KindInfo", "crd_objects"]

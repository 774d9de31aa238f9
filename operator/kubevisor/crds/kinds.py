"""The kubevisor resource kinds: names, short names, spec and status schemas."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kubevisor.crds.attribute import attribute_spec
from kubevisor.crds.datafile import datafile_spec
from kubevisor.crds.feature import feature_spec
from kubevisor.crds.grant import grant_spec
from kubevisor.crds.group import group_spec
from kubevisor.crds.openapi import Node
from kubevisor.crds.schema import schema_spec
from kubevisor.crds.segment import segment_spec
from kubevisor.crds.status import datafile_status, definition_status

GROUP = "kubevisor.io"
VERSION = "v1alpha1"
CATEGORY = "featurevisor"


@dataclass(frozen=True)
class KindInfo:
    kind: str
    plural: str
    short_name: str
    summary: str
    spec: Callable[[], Node]
    status: Callable[[], Node]

    @property
    def crd_name(self) -> str:
        return f"{self.plural}.{GROUP}"


KINDS: tuple[KindInfo, ...] = (
    KindInfo(
        "Attribute",
        "attributes",
        "fva",
        "A Featurevisor attribute.",
        attribute_spec,
        lambda: definition_status("attribute"),
    ),
    KindInfo(
        "Segment",
        "segments",
        "fvs",
        "A Featurevisor segment.",
        segment_spec,
        lambda: definition_status("segment"),
    ),
    KindInfo(
        "Feature",
        "features",
        "fvf",
        "A Featurevisor feature.",
        feature_spec,
        lambda: definition_status("feature"),
    ),
    KindInfo(
        "Group",
        "groups",
        "fvg",
        "A Featurevisor group of mutually exclusive features.",
        group_spec,
        lambda: definition_status("group"),
    ),
    KindInfo(
        "Schema",
        "schemas",
        "fvschema",
        "A reusable Featurevisor variable schema.",
        schema_spec,
        lambda: definition_status("schema"),
    ),
    KindInfo(
        "Datafile",
        "datafiles",
        "fvd",
        "A Featurevisor datafile: one target built for one environment, and where it is published.",
        datafile_spec,
        datafile_status,
    ),
    KindInfo(
        "DatafileGrant",
        "datafilegrants",
        "fvdg",
        "Consent of this namespace to receive ConfigMap copies from Datafiles of other namespaces.",
        grant_spec,
        lambda: definition_status("grant"),
    ),
)

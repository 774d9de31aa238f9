"""Assembles one CustomResourceDefinition object (apiextensions.k8s.io/v1) for a kind."""

from __future__ import annotations

from kubevisor.crds.kinds import CATEGORY, GROUP, VERSION, KindInfo
from kubevisor.crds.openapi import Node, string

READY_COLUMN = '.status.conditions[?(@.type=="Ready")].status'


def printer_columns(info: KindInfo) -> list[Node]:
    if info.kind == "DatafileGrant":
        return [
            {"name": "From", "type": "string", "jsonPath": ".spec.from[*].namespace"},
            {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
        ]
    if info.kind == "Datafile":
        columns: list[Node] = [
            {"name": "Target", "type": "string", "jsonPath": ".spec.target"},
            {"name": "Environment", "type": "string", "jsonPath": ".spec.environment"},
        ]
    else:
        columns = [{"name": "Key", "type": "string", "jsonPath": ".spec.key"}]
    columns.append({"name": "Ready", "type": "string", "jsonPath": READY_COLUMN})
    if info.kind == "Datafile":
        columns.append({"name": "Revision", "type": "string", "jsonPath": ".status.revision"})
    columns.append({"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"})
    return columns


def root_schema(info: KindInfo) -> Node:
    return {
        "type": "object",
        "description": info.summary,
        "properties": {
            "apiVersion": string("API version of this object (kubevisor.io/v1alpha1)."),
            "kind": string(f"Kind of this object ({info.kind})."),
            "metadata": {"type": "object"},
            "spec": info.spec(),
            "status": info.status(),
        },
        "required": ["spec"],
    }


def crd_object(info: KindInfo) -> Node:
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {
            "name": info.crd_name,
            "labels": {
                "app.kubernetes.io/name": "kubevisor",
                "app.kubernetes.io/part-of": "kubevisor",
            },
        },
        "spec": {
            "group": GROUP,
            "names": {
                "kind": info.kind,
                "listKind": f"{info.kind}List",
                "plural": info.plural,
                "singular": info.kind.lower(),
                "shortNames": [info.short_name],
                "categories": [CATEGORY],
            },
            "scope": "Namespaced",
            "versions": [
                {
                    "name": VERSION,
                    "served": True,
                    "storage": True,
                    "schema": {"openAPIV3Schema": root_schema(info)},
                    "subresources": {"status": {}},
                    "additionalPrinterColumns": printer_columns(info),
                }
            ],
        },
    }

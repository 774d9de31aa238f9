"""Whose ConfigMap is it: a Datafile writes or deletes only its own outputs."""

from __future__ import annotations

from typing import Any

from kubevisor.sinks.configmap import (
    ConfigMapTarget,
    DatafileRef,
    ownership_conflict,
    ownership_labels,
    render_configmap,
)

from .payloads import payload

TARGET = ConfigMapTarget("flags", "shop", DatafileRef("all", "shop", "uid-1"))


def configmap(labels: dict[str, str]) -> dict[str, Any]:
    return {"metadata": {"name": "flags", "namespace": "shop", "labels": labels}}


def test_absent_configmap_may_be_created() -> None:
    assert ownership_conflict(None, TARGET) is None


def test_our_own_output_may_be_written() -> None:
    rendered = render_configmap(TARGET, payload("1"))
    assert isinstance(rendered, dict)
    assert ownership_conflict(rendered, TARGET) is None


def test_foreign_configmap_is_refused_and_named() -> None:
    refusal = ownership_conflict(configmap({"app": "payments"}), TARGET)
    assert refusal is not None and refusal.reason == "OutputConflict"
    assert "ConfigMap shop/flags already exists" in refusal.message
    assert "not created by kubevisor" in refusal.message
    assert "spec.configMap.name" in refusal.message


def test_output_of_another_datafile_is_refused_naming_it() -> None:
    other = ownership_labels(DatafileRef("web", "shop"))
    refusal = ownership_conflict(configmap(other), TARGET)
    assert refusal is not None and "the output of Datafile shop/web" in refusal.message


def test_same_name_in_another_namespace_is_not_ours() -> None:
    copy_owner = ownership_labels(DatafileRef("all", "other"))
    assert ownership_conflict(configmap(copy_owner), TARGET) is not None


def test_managed_by_label_alone_is_not_ownership() -> None:
    refusal = ownership_conflict(configmap({"app.kubernetes.io/managed-by": "kubevisor"}), TARGET)
    assert refusal is not None


def test_state_configmap_name_is_reserved_even_when_absent() -> None:
    state = ConfigMapTarget("kubevisor-state", "shop", DatafileRef("all", "shop"))
    refusal = ownership_conflict(None, state)
    assert refusal is not None and "reserved" in refusal.message


def test_tenant_labels_cannot_forge_ownership() -> None:
    forged = ConfigMapTarget(
        "flags",
        "shop",
        DatafileRef("all", "shop"),
        labels={"kubevisor.io/datafile": "victim", "kubevisor.io/datafile-namespace": "bank"},
    )
    rendered = render_configmap(forged, payload("1"))
    assert isinstance(rendered, dict)
    assert rendered["metadata"]["labels"]["kubevisor.io/datafile"] == "all"
    assert rendered["metadata"]["labels"]["kubevisor.io/datafile-namespace"] == "shop"

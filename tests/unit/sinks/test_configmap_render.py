from __future__ import annotations

import base64
import copy
import gzip
from typing import Any

import pytest
from kubevisor.core.outputs import ConfigMapOutput, DatafileOutputs
from kubevisor.sinks.configmap import (
    ANNOTATION_DATAFILE_UID,
    ANNOTATION_DIGEST,
    ANNOTATION_REVISION,
    CONFIGMAP_LIMIT_BYTES,
    GZIP_THRESHOLD_BYTES,
    ConfigMapTarget,
    ConfigMapTooLarge,
    DatafileRef,
    configmap_targets,
    datafile_label_value,
    is_current,
    render_configmap,
)

from .payloads import payload, payload_of_size

OWNER = DatafileRef(name="all-production", namespace="shop", uid="1b4e28ba-2fa1-11d2-883f")
TARGET = ConfigMapTarget(name="featurevisor-all", namespace="shop", datafile=OWNER)
KEY_BYTES = len("datafile.json")


def render(target: ConfigMapTarget = TARGET, **kwargs: Any) -> dict[str, Any]:
    rendered = render_configmap(target, payload(**kwargs))
    assert isinstance(rendered, dict)
    return rendered


def test_small_datafile_is_stored_as_text_with_revision_and_digest() -> None:
    made = payload("7")
    rendered = render_configmap(TARGET, made)
    assert isinstance(rendered, dict)
    assert rendered["data"] == {"datafile.json": made.content.decode()}
    assert "binaryData" not in rendered
    assert rendered["metadata"]["annotations"] == {
        ANNOTATION_DATAFILE_UID: OWNER.uid,
        ANNOTATION_DIGEST: made.digest,
        ANNOTATION_REVISION: "7",
    }
    assert rendered["metadata"]["name"] == "featurevisor-all"
    assert rendered["metadata"]["namespace"] == "shop"


def test_labels_name_kubevisor_and_the_datafile() -> None:
    assert render()["metadata"]["labels"] == {
        "app.kubernetes.io/managed-by": "kubevisor",
        "kubevisor.io/datafile": "all-production",
        "kubevisor.io/datafile-namespace": "shop",
    }


def test_gitops_tracking_labels_are_never_copied() -> None:
    inherited = {
        "app.kubernetes.io/instance": "shop-flags",
        "argocd.argoproj.io/instance": "shop-flags",
        "kustomize.toolkit.fluxcd.io/name": "flags",
        "kustomize.toolkit.fluxcd.io/namespace": "flux-system",
        "helm.toolkit.fluxcd.io/name": "flags",
        "app.kubernetes.io/managed-by": "Helm",
        "team": "checkout",
    }
    target = ConfigMapTarget("featurevisor-all", "shop", OWNER, labels=inherited)
    labels = render(target)["metadata"]["labels"]
    assert labels == {
        "app.kubernetes.io/managed-by": "kubevisor",
        "kubevisor.io/datafile": "all-production",
        "kubevisor.io/datafile-namespace": "shop",
        "team": "checkout",
    }


def test_owner_reference_points_at_the_datafile_in_its_namespace() -> None:
    assert render()["metadata"]["ownerReferences"] == [
        {
            "apiVersion": "kubevisor.io/v1alpha1",
            "kind": "Datafile",
            "name": "all-production",
            "uid": "1b4e28ba-2fa1-11d2-883f",
            "controller": True,
        }
    ]


def test_copies_in_other_namespaces_and_unowned_outputs_have_no_owner_reference() -> None:
    elsewhere = ConfigMapTarget("featurevisor-all", "checkout-app", OWNER)
    unowned = ConfigMapTarget("featurevisor-all", "shop", DatafileRef("all-production", "shop"))
    assert "ownerReferences" not in render(elsewhere)["metadata"]
    assert "ownerReferences" not in render(unowned)["metadata"]


def test_at_the_threshold_the_datafile_stays_text() -> None:
    rendered = render_configmap(TARGET, payload_of_size(GZIP_THRESHOLD_BYTES - KEY_BYTES))
    assert isinstance(rendered, dict)
    assert set(rendered["data"]) == {"datafile.json"}


def test_above_the_threshold_it_is_gzipped_into_binary_data() -> None:
    made = payload_of_size(GZIP_THRESHOLD_BYTES - KEY_BYTES + 1)
    rendered = render_configmap(TARGET, made)
    assert isinstance(rendered, dict)
    assert "data" not in rendered
    packed = base64.b64decode(rendered["binaryData"]["datafile.json.gz"])
    assert gzip.decompress(packed) == made.content
    assert packed[4:8] == b"\x00\x00\x00\x00"  # mtime 0
    assert packed[3] & 0x08 == 0  # no file name stored
    assert rendered["metadata"]["annotations"][ANNOTATION_DIGEST] == made.digest


def test_gzip_output_is_deterministic() -> None:
    made = payload_of_size(2 * CONFIGMAP_LIMIT_BYTES)
    assert render_configmap(TARGET, made) == render_configmap(TARGET, made)


def test_too_large_even_gzipped_is_an_error_value_that_suggests_tags() -> None:
    made = payload_of_size(2 * CONFIGMAP_LIMIT_BYTES, compressible=False)
    rendered = render_configmap(TARGET, made)
    assert isinstance(rendered, ConfigMapTooLarge)
    assert rendered.size_bytes == len(made.content)
    assert rendered.gzipped_bytes > CONFIGMAP_LIMIT_BYTES
    assert "ConfigMap shop/featurevisor-all" in rendered.message
    assert "split it into smaller datafiles by tags" in rendered.message


def test_custom_key_is_used_for_text_and_gzip() -> None:
    target = ConfigMapTarget("flags", "shop", OWNER, key="flags.json")
    assert set(render(target)["data"]) == {"flags.json"}
    big = render_configmap(target, payload_of_size(GZIP_THRESHOLD_BYTES))
    assert isinstance(big, dict)
    assert set(big["binaryData"]) == {"flags.json.gz"}


def test_long_datafile_names_make_distinct_valid_label_values() -> None:
    first, second = "a" * 70 + "-one", "a" * 70 + "-two"
    values = {datafile_label_value(first), datafile_label_value(second)}
    assert len(values) == 2
    assert all(len(value) <= 63 and value[-1].isalnum() for value in values)
    assert datafile_label_value("short") == "short"


def as_existing(rendered: dict[str, Any]) -> dict[str, Any]:
    """What the API server returns: our fields plus fields of its own and of others."""
    existing = copy.deepcopy(rendered)
    existing["metadata"]["resourceVersion"] = "123"
    existing["metadata"]["labels"]["team"] = "checkout"
    existing["metadata"]["annotations"]["note"] = "added by hand"
    existing.setdefault("data", {})["other.json"] = "{}"
    return existing


def test_current_when_our_fields_match_whatever_others_added() -> None:
    rendered = render()
    assert is_current(as_existing(rendered), rendered)


@pytest.mark.parametrize(
    "change",
    [
        lambda e: e["metadata"]["annotations"].update({ANNOTATION_DIGEST: "0" * 64}),
        lambda e: e["metadata"]["labels"].pop("kubevisor.io/datafile"),
        lambda e: e["metadata"].pop("ownerReferences"),
        lambda e: e["metadata"]["ownerReferences"][0].update({"uid": "recreated"}),
        lambda e: e["data"].update({"datafile.json": "{}"}),
        lambda e: e.update({"binaryData": {"datafile.json.gz": "H4sI"}}),
    ],
    ids=["digest", "label", "owner-missing", "owner-recreated", "hand-edit", "stale-gzip"],
)
def test_not_current_when_one_of_our_fields_differs(change: Any) -> None:
    rendered = render()
    existing = as_existing(rendered)
    change(existing)
    assert not is_current(existing, rendered)


def test_targets_follow_the_datafile_spec() -> None:
    outputs = DatafileOutputs(
        name="all-production",
        namespace="shop",
        uid="u-1",
        labels={"team": "checkout"},
        config_map=ConfigMapOutput(name="flags", key="flags.json", namespaces=("web", "mobile")),
    )
    targets = configmap_targets(outputs)
    assert [(t.namespace, t.name, t.key) for t in targets] == [
        ("shop", "flags", "flags.json"),
        ("web", "flags", "flags.json"),
        ("mobile", "flags", "flags.json"),
    ]
    assert all(t.datafile == DatafileRef("all-production", "shop", "u-1") for t in targets)
    assert targets[0].labels == {"team": "checkout"}


def test_targets_default_to_the_datafile_name_and_key() -> None:
    (only,) = configmap_targets(DatafileOutputs(name="all", namespace="shop"))
    assert (only.namespace, only.name, only.key) == ("shop", "all", "datafile.json")

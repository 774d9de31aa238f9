"""The ways in (`sources.manifests.loading`): files with a default namespace, and objects as the
API server returns them, read like files."""

from __future__ import annotations

import json
from pathlib import Path

from kubevisor.core.definitions import Kind
from kubevisor.core.keyorder import KEY_ORDER_ANNOTATION as KEY_ORDER
from kubevisor.sources.manifests import load_manifests, load_objects
from manifests_helpers import SEGMENT, obj, write


def test_namespace_argument_is_the_default(tmp_path: Path) -> None:
    write(tmp_path / "s.yml", obj("Segment", "nl", SEGMENT))
    assert list(load_manifests([tmp_path], namespace="team-a").namespaces) == ["team-a"]


def test_objects_from_the_cluster_load_like_files(tmp_path: Path) -> None:
    hint = json.dumps({"": ["description", "conditions"]})
    segment = {
        "apiVersion": "kubevisor.io/v1alpha1",
        "kind": "Segment",
        "metadata": {"name": "nl", "namespace": "shop", "annotations": {KEY_ORDER: hint}},
        "spec": {"conditions": "*", "description": "d", "key": "netherlands"},
    }
    result = load_objects([segment, {"kind": "Pod"}])
    definitions = result.namespaces["shop"].definitions
    assert list(definitions.segments["netherlands"]) == ["description", "conditions"]
    assert definitions.origins[(Kind.SEGMENT, "netherlands")] == "Segment shop/nl (cluster)"

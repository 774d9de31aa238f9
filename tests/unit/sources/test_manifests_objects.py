"""One object checked and put in key order (`sources.manifests.objects`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kubevisor.sources.manifests import load_manifests
from manifests_helpers import obj, write


def test_spec_is_sorted_like_the_api_server_then_the_hint_applies(tmp_path: Path) -> None:
    hint = json.dumps({"": ["description", "variablesSchema"], "/variablesSchema": ["b", "a"]})
    write(
        tmp_path / "f.yaml",
        obj(
            "Feature",
            "f",
            "  variablesSchema: {a: {type: string}, b: {type: string}}\n  description: d\n"
            "  zNew: 1\n  bucketBy: userId\n",
            f"  annotations:\n    kubevisor.io/key-order: '{hint}'\n",
        ),
    )
    feature = load_manifests([tmp_path]).namespaces["default"].definitions.features["f"]
    assert list(feature) == ["description", "variablesSchema", "bucketBy", "zNew"]
    assert list(feature["variablesSchema"]) == ["b", "a"]


def test_without_hint_keys_are_sorted(tmp_path: Path) -> None:
    write(tmp_path / "f.yaml", obj("Feature", "f", "  z: 1\n  b: {w: 1, v: 2}\n"))
    feature = load_manifests([tmp_path]).namespaces["default"].definitions.features["f"]
    assert list(feature) == ["b", "z"]
    assert list(feature["b"]) == ["v", "w"]


@pytest.mark.parametrize(
    ("document", "path", "words"),
    [
        ("apiVersion: kubevisor.io/v1alpha1\nkind: Feature\nspec: {}\n", "metadata", "missing"),
        (obj("Feature", "Bad_Name", "  a: 1\n"), "metadata.name", "valid Kubernetes name"),
        ("apiVersion: kubevisor.io/v1alpha1\nkind: Feature\nmetadata: {name: f}\n", "spec", ""),
        (obj("Feature", "f", "  key: 5\n"), "spec.key", "non-empty string"),
        (obj("Feature", "f", "  a: 1\n", "  namespace: Bad\n"), "metadata.namespace", ""),
        (
            obj("Feature", "f", "  a: 1\n", "  annotations: {kubevisor.io/key-order: '[1]'}\n"),
            "metadata.annotations.kubevisor.io/key-order",
            "key-order",
        ),
        (obj("Datafile", "d", "  stringify: maybe\n"), "spec.stringify", "boolean"),
        (obj("Datafile", "d", "  colour: red\n"), "spec.colour", "unknown field"),
        (obj("Datafile", "d", "  configMap: cm\n"), "spec.configMap", "mapping"),
        (obj("Feature", "f", "  a: 1\n  a: 2\n"), "", "duplicate key"),
    ],
)
def test_malformed_documents_are_problems(
    tmp_path: Path, document: str, path: str, words: str
) -> None:
    write(tmp_path / "bad.yaml", "a: 1\n---\n" + document)
    result = load_manifests([tmp_path])
    [problem] = result.problems
    assert problem.path == path
    assert words in problem.message
    assert str(tmp_path / "bad.yaml") in problem.origin
    assert "document 2" in problem.origin


def test_lists_are_unpacked(tmp_path: Path) -> None:
    items = [
        {
            "apiVersion": "kubevisor.io/v1alpha1",
            "kind": "Segment",
            "metadata": {"name": n},
            "spec": {"description": n, "conditions": "*"},
        }
        for n in ("b", "a")
    ]
    write(tmp_path / "list.json", json.dumps({"apiVersion": "v1", "kind": "List", "items": items}))
    segments = load_manifests([tmp_path]).namespaces["default"].definitions.segments
    assert list(segments) == ["a", "b"]

"""The fake API behaves as the API server does where the controller's tests rely on it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fake_api import FakeApi, merge
from kubevisor.controller.resources import RESOURCES
from lightkube.core.exceptions import ApiError
from lightkube.resources.core_v1 import ConfigMap
from lightkube.types import PatchType

FEATURE = RESOURCES["Feature"]


def feature(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "kubevisor.io/v1alpha1",
        "kind": "Feature",
        "metadata": {"name": "a", "namespace": "ns"},
        "spec": spec,
    }


def code(call: Any) -> int:
    with pytest.raises(ApiError) as raised:
        asyncio.run(call)
    return int(raised.value.status.code or 0)


def test_merge_patch_follows_rfc_7386() -> None:
    assert merge({"a": {"b": 1, "c": 2}, "d": [1]}, {"a": {"b": None, "e": 3}, "d": [2]}) == {
        "a": {"c": 2, "e": 3},
        "d": [2],
    }


def test_missing_objects_are_404_and_duplicates_409() -> None:
    api = FakeApi()
    assert code(api.get(FEATURE, "a", namespace="ns")) == 404
    assert code(api.delete(FEATURE, "a", namespace="ns")) == 404
    assert code(api.patch(FEATURE, "a", {}, namespace="ns", patch_type=PatchType.MERGE)) == 404
    api.put(feature())
    assert code(api.create(FEATURE.from_dict(feature()))) == 409


def test_status_and_spec_are_written_apart() -> None:
    api = FakeApi()
    api.put(feature(description="x"))
    body = {"spec": {"description": "y"}, "status": {"observedGeneration": 1}}
    asyncio.run(api.patch(FEATURE.Status, "a", body, namespace="ns", patch_type=PatchType.MERGE))
    stored = api.stored("Feature", "ns", "a")
    assert stored is not None
    assert stored["spec"] == {"description": "x"}
    assert stored["status"] == {"observedGeneration": 1}
    assert stored["metadata"]["generation"] == 1
    asyncio.run(api.patch(FEATURE, "a", body, namespace="ns", patch_type=PatchType.MERGE))
    stored = api.stored("Feature", "ns", "a")
    assert stored is not None and stored["spec"] == {"description": "y"}
    assert stored["metadata"]["generation"] == 2


def test_every_write_moves_the_resource_version_and_stale_replaces_fail() -> None:
    api = FakeApi()
    first = api.put(feature())
    read = asyncio.run(api.get(FEATURE, "a", namespace="ns"))
    asyncio.run(
        api.patch(FEATURE, "a", {"spec": {"x": 1}}, namespace="ns", patch_type=PatchType.MERGE)
    )
    stored = api.stored("Feature", "ns", "a")
    assert stored is not None
    assert stored["metadata"]["resourceVersion"] != first["metadata"]["resourceVersion"]
    assert code(api.replace(read)) == 409


def test_apply_creates_then_merges_and_json_patch_removes() -> None:
    api = FakeApi()
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "ns"}}
    asyncio.run(api.apply(ConfigMap.from_dict({**body, "data": {"a": "1"}})))
    asyncio.run(api.apply(ConfigMap.from_dict({**body, "binaryData": {"b": "Mg=="}})))
    stored = api.stored("ConfigMap", "ns", "c")
    assert stored is not None and stored["data"] == {"a": "1"}  # kept, as with a co-owner
    remove = [{"op": "remove", "path": "/data/a"}]
    asyncio.run(api.patch(ConfigMap, "c", remove, namespace="ns", patch_type=PatchType.JSON))
    stored = api.stored("ConfigMap", "ns", "c")
    assert stored is not None and stored["data"] == {}
    assert [call.verb for call in api.writes()] == ["apply", "apply", "patch"]

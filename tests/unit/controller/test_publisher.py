"""The publisher against a fake API: which outputs it writes, refuses and deletes, and how a
failure comes back (a result naming the output, never an exception)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from fake_api import FakeApi, api_error
from kubevisor.controller.metrics import Metrics
from kubevisor.controller.publisher import FINALIZER, Publisher
from kubevisor.controller.status import DatafileOutcome
from kubevisor.sinks.configmap import ANNOTATION_REVISION, ownership_labels
from kubevisor.sinks.configmap import DatafileRef as Ref
from kubevisor.sinks.policy import SecurityPolicy
from kubevisor.sources.compile_plan import DatafilePlan
from kubevisor.sources.manifests import read_datafile


def content(revision: str) -> bytes:
    datafile = {"schemaVersion": "2", "revision": revision, "segments": {}, "features": {}}
    return json.dumps(datafile, separators=(",", ":")).encode()


def datafile(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "kubevisor.io/v1alpha1",
        "kind": "Datafile",
        "metadata": {"name": "all", "namespace": "shop", "uid": "uid-all", "generation": 1},
        "spec": {"target": "all", "environment": "production", "tag": "all", **spec},
    }


def plan_of(obj: dict[str, Any], revision: str = "1") -> DatafilePlan:
    resource = read_datafile(obj)
    assert resource is not None
    return DatafilePlan(resource, content=content(revision))


def publisher(api: FakeApi, policy: SecurityPolicy | None = None) -> Publisher:
    return Publisher(api.client, Metrics(), policy)


def publish(api: FakeApi, obj: dict[str, Any], **kwargs: Any) -> DatafileOutcome:
    """Publish as the reconciler does: with the Datafile as the API server has it."""
    stored = api.stored("Datafile", "shop", "all") or obj
    revision = kwargs.pop("revision", "1")
    return asyncio.run(publisher(api, **kwargs).publish(stored, plan_of(obj, revision)))


def configmap(name: str, namespace: str = "shop", labels: dict[str, str] | None = None) -> Any:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace, "labels": labels or {}},
        "data": {"other.json": "{}"},
    }


def test_an_absent_configmap_is_created_then_left_alone_while_current() -> None:
    api = FakeApi()
    obj = api.put(datafile(configMap={"name": "flags"}))
    outcome = publish(api, obj)
    [result] = outcome.outputs
    assert (result.type, result.target, result.ok, result.outcome) == (
        "configMap",
        "ConfigMap shop/flags",
        True,
        "written",
    )
    stored = api.stored("ConfigMap", "shop", "flags")
    assert stored is not None
    assert json.loads(stored["data"]["datafile.json"])["revision"] == "1"
    assert stored["metadata"]["ownerReferences"][0]["uid"] == "uid-all"
    assert [call.verb for call in api.writes("ConfigMap")] == ["create"]

    again = publish(api, obj)
    assert [r.outcome for r in again.outputs] == ["unchanged"]
    assert len(api.writes("ConfigMap")) == 1  # nothing written for the same bytes

    newer = publish(api, obj, revision="2")
    assert [r.outcome for r in newer.outputs] == ["written"]
    stored = api.stored("ConfigMap", "shop", "flags")
    assert stored is not None and stored["metadata"]["annotations"][ANNOTATION_REVISION] == "2"
    assert [call.verb for call in api.writes("ConfigMap")] == ["create", "apply"]


def test_a_foreign_configmap_is_refused_and_left_unchanged() -> None:
    api = FakeApi()
    foreign = api.put(configmap("flags", labels={"app": "payments"}))
    obj = api.put(datafile(configMap={"name": "flags"}))
    [result] = publish(api, obj).outputs
    assert not result.ok
    assert result.refusal == "OutputConflict"
    assert "ConfigMap shop/flags already exists" in result.message
    assert api.stored("ConfigMap", "shop", "flags") == foreign
    assert api.writes("ConfigMap") == []


def test_another_datafiles_output_is_refused_naming_that_datafile() -> None:
    api = FakeApi()
    api.put(configmap("flags", labels=ownership_labels(Ref("web", "shop"))))
    obj = api.put(datafile(configMap={"name": "flags"}))
    [result] = publish(api, obj).outputs
    assert result.refusal == "OutputConflict"
    assert "the output of Datafile shop/web" in result.message


def test_remove_deletes_only_what_the_datafile_owns() -> None:
    api = FakeApi()
    obj = api.put(datafile(configMap={"name": "flags"}))
    publish(api, obj)
    asyncio.run(publisher(api).remove(obj))
    assert api.stored("ConfigMap", "shop", "flags") is None

    foreign = api.put(configmap("flags", labels={"app": "payments"}))
    asyncio.run(publisher(api).remove(obj))
    assert api.stored("ConfigMap", "shop", "flags") == foreign


def test_copies_need_consent_and_hold_a_finalizer_until_removed() -> None:
    api = FakeApi()
    obj = api.put(datafile(configMap={"name": "flags", "namespaces": ["web"]}))
    refused = publish(api, obj)
    assert [(r.target, r.ok) for r in refused.outputs] == [
        ("ConfigMap shop/flags", True),
        ("ConfigMap web/flags", False),
    ]
    assert refused.outputs[1].refusal
    assert api.stored("ConfigMap", "web", "flags") is None
    stored = api.stored("Datafile", "shop", "all")
    assert stored is not None and stored["metadata"]["finalizers"] == [FINALIZER]

    allowed = publish(api, obj, policy=SecurityPolicy(allow_cross_namespace_copies=True))
    assert all(r.ok for r in allowed.outputs)
    assert api.stored("ConfigMap", "web", "flags") is not None

    stored = api.stored("Datafile", "shop", "all")
    assert stored is not None
    asyncio.run(publisher(api).remove(stored))
    assert api.stored("ConfigMap", "web", "flags") is None
    assert api.stored("ConfigMap", "shop", "flags") is None
    released = api.stored("Datafile", "shop", "all")
    assert released is not None and released["metadata"]["finalizers"] == []


def test_withdrawn_consent_deletes_our_copy() -> None:
    api = FakeApi()
    obj = api.put(datafile(configMap={"name": "flags", "namespaces": ["web"]}))
    publish(api, obj, policy=SecurityPolicy(allow_cross_namespace_copies=True))
    assert api.stored("ConfigMap", "web", "flags") is not None
    [_, copy] = publish(api, obj).outputs  # the default policy: no grant in `web`
    assert not copy.ok and copy.refusal
    assert api.stored("ConfigMap", "web", "flags") is None


def test_an_object_store_without_credentials_is_refused_by_the_default_policy() -> None:
    api = FakeApi()
    obj = api.put(datafile(objectStore={"url": "s3://bucket/flags"}))
    outcome = publish(api, obj)
    config_map, store = outcome.outputs
    assert config_map.ok
    assert (store.type, store.target, store.ok) == ("objectStore", "s3://bucket/flags", False)
    assert store.refusal == "ObjectStoreNotAllowed"
    assert "credentialsSecret is not set" in store.message


@pytest.mark.parametrize("code", [500, 409, 422, 403])
def test_api_errors_come_back_as_results_naming_the_output(code: int) -> None:
    api = FakeApi()
    obj = api.put(datafile(configMap={"name": "flags"}))
    api.fail(api_error(code, "Failure", "no"), verb="create", kind="ConfigMap")
    [result] = publish(api, obj).outputs
    assert (result.target, result.ok, result.outcome) == ("ConfigMap shop/flags", False, "failed")
    assert f"({code})" in result.message or f"API error {code}" in result.message
    assert not result.refusal


def test_an_unreachable_api_server_is_a_failed_result() -> None:
    api = FakeApi()
    obj = api.put(datafile())
    api.down = True
    [result] = asyncio.run(publisher(api).publish(obj, plan_of(obj))).outputs
    assert result.target == "ConfigMap shop/all"
    assert result.message.startswith("API server unreachable")


def test_unreadable_grants_fail_the_copy_only() -> None:
    api = FakeApi()
    obj = api.put(datafile(configMap={"name": "flags", "namespaces": ["web"]}))
    api.fail(api_error(403, "Forbidden", "no"), verb="list", kind="DatafileGrant")
    own, copy = publish(api, obj).outputs
    assert own.ok
    assert (copy.target, copy.ok) == ("ConfigMap web/flags", False)
    assert "cannot list DatafileGrants in web" in copy.message

"""The status writer against a fake API: it patches only real changes, leaves no stale keys,
shrugs off objects deleted meanwhile, and announces each state once as an Event."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest
from fake_api import FakeApi, api_error
from kubevisor.controller.status import DatafileOutcome, OutputResult
from kubevisor.controller.writer import StatusWriter
from lightkube.core.exceptions import ApiError


def feature(status: dict[str, Any] | None = None) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "apiVersion": "kubevisor.io/v1alpha1",
        "kind": "Feature",
        "metadata": {"name": "checkout", "namespace": "shop", "uid": "uid-1"},
        "spec": {"key": "checkout"},
    }
    if status is not None:
        obj["status"] = status
    return obj


def ready(status: str, reason: str, message: str = "", at: str = "2026-01-01T00:00:00Z") -> Any:
    condition = {"type": "Ready", "status": status, "reason": reason, "message": message}
    return {"observedGeneration": 1, "conditions": [{**condition, "lastTransitionTime": at}]}


def write(api: FakeApi, writer: StatusWriter, status: dict[str, Any], outcome: Any = None) -> None:
    """Write as the reconciler does: over the status the API server holds."""
    cached = api.stored("Feature", "shop", "checkout") or feature()
    asyncio.run(writer.write(cached, status, outcome))


def events(api: FakeApi) -> list[tuple[str, str, str]]:
    found = [obj for (_, kind, _, _), obj in sorted(api.objects.items()) if kind == "Event"]
    return [(e["type"], e["reason"], e["message"]) for e in found]


def test_a_status_that_differs_only_in_times_is_not_written() -> None:
    api = FakeApi()
    api.put(feature(ready("True", "Valid")))
    write(api, StatusWriter(api.client), ready("True", "Valid", at="2030-01-01T00:00:00Z"))
    assert api.writes("Feature") == []


def test_a_changed_status_is_written_and_keys_it_dropped_are_removed() -> None:
    api = FakeApi()
    api.put(feature({**ready("True", "Valid"), "revision": "3", "stale": "x"}))
    wanted = ready("False", "InvalidDefinition", "bad rule")
    write(api, StatusWriter(api.client), wanted)
    stored = api.stored("Feature", "shop", "checkout")
    assert stored is not None and stored["status"] == wanted
    [call] = api.writes("Feature")
    assert (call.verb, call.subresource) == ("patch", "status")


def test_an_object_deleted_meanwhile_is_skipped_without_an_event() -> None:
    api = FakeApi()  # the Feature is gone from the API server, still in the cache
    asyncio.run(StatusWriter(api.client).write(feature(), ready("False", "Invalid", "x"), None))
    assert events(api) == []


def test_other_api_errors_reach_the_caller() -> None:
    api = FakeApi()
    api.put(feature())
    api.fail(api_error(500, "InternalError", "etcd away"), verb="patch")
    with pytest.raises(ApiError):
        write(api, StatusWriter(api.client), ready("True", "Valid"))


def test_each_state_is_announced_once() -> None:
    api = FakeApi()
    api.put(feature())
    writer = StatusWriter(api.client)
    write(api, writer, ready("False", "InvalidDefinition", "bad rule"))
    write(api, writer, ready("False", "InvalidDefinition", "bad rule", at="2030-01-01T00:00:00Z"))
    assert events(api) == [("Warning", "InvalidDefinition", "bad rule")]
    write(api, writer, ready("True", "Valid"))  # ready, nothing published: no event
    write(api, writer, ready("False", "InvalidDefinition", "bad rule"))
    assert len(events(api)) == 2


def test_a_publish_is_announced_naming_what_was_written() -> None:
    api = FakeApi()
    api.put(feature())
    wrote = OutputResult("configMap", "ConfigMap shop/flags", True, "written")
    kept = OutputResult("configMap", "ConfigMap web/flags", True, "unchanged")
    outcome = DatafileOutcome(cast(Any, None), outputs=[wrote, kept])
    status = {**ready("True", "Published"), "revision": "4"}
    write(api, StatusWriter(api.client), status, outcome)
    assert events(api) == [
        ("Normal", "Published", "revision 4 published: configMap ConfigMap shop/flags")
    ]


def test_an_event_that_cannot_be_posted_is_not_an_error() -> None:
    api = FakeApi()
    api.put(feature())
    api.fail(api_error(403, "Forbidden", "no events for you"), verb="create", kind="Event")
    write(api, StatusWriter(api.client), ready("False", "InvalidDefinition", "bad"))
    stored = api.stored("Feature", "shop", "checkout")
    assert stored is not None and stored["status"]["conditions"][0]["status"] == "False"

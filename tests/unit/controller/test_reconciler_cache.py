"""The reconciler's watch cache: when it counts as complete, and what marks a namespace dirty."""

from __future__ import annotations

import copy
import pickle
from typing import Any, cast

import pytest
from kubevisor.controller.handlers import compact, fingerprint, on_object_event
from kubevisor.controller.metrics import Metrics
from kubevisor.controller.reconciler import Reconciler
from kubevisor.controller.settings import OperatorSettings
from kubevisor.core.keyorder import KEY_ORDER_ANNOTATION


def make_reconciler() -> Reconciler:
    settings = OperatorSettings(debounce_seconds=0.0, max_delay_seconds=0.0)
    # Store, publisher and writer are not used by the cache.
    none = cast(Any, None)
    return Reconciler(
        settings=settings,
        metrics=Metrics(),
        state_store=none,
        publisher=none,
        writer=none,
        compiler=none,
    )


def obj(kind: str, name: str, namespace: str = "ns", **spec: Any) -> dict[str, Any]:
    return compact(
        {
            "apiVersion": "kubevisor.io/v1alpha1",
            "kind": kind,
            "metadata": {"name": name, "namespace": namespace, "uid": f"uid-{kind}-{name}"},
            "spec": spec,
        }
    )


def remember(reconciler: Reconciler, value: dict[str, Any]) -> None:
    reconciler.remember(value, fingerprint(value))


def due(reconciler: Reconciler) -> list[str]:
    """The namespaces due now, as if each was then reconciled at once."""
    taken = reconciler._due()[0]
    for namespace in taken:
        reconciler.schedule.done(namespace)
    return sorted(taken)


def test_not_ready_until_every_listed_object_is_cached() -> None:
    reconciler = make_reconciler()
    remember(reconciler, obj("Feature", "a"))
    assert not reconciler.ready
    reconciler.expect(["uid-Feature-a", "uid-Feature-b"])
    assert not reconciler.ready
    assert due(reconciler) == []  # no compile of half a namespace
    remember(reconciler, obj("Feature", "b"))
    assert reconciler.ready
    assert due(reconciler) == ["ns"]


def test_an_object_deleted_before_it_was_seen_is_not_waited_for() -> None:
    reconciler = make_reconciler()
    reconciler.expect(["uid-Feature-a", "uid-Feature-gone"])
    remember(reconciler, obj("Feature", "a"))
    assert not reconciler.ready
    reconciler.forget("uid-Feature-gone", "ns")
    assert reconciler.ready


def test_a_newer_listing_replaces_what_is_waited_for() -> None:
    reconciler = make_reconciler()
    reconciler.expect(["uid-Feature-gone"])
    assert not reconciler.ready
    reconciler.expect([])
    assert reconciler.ready


def test_status_changes_do_not_mark_the_namespace_dirty() -> None:
    reconciler = make_reconciler()
    feature = obj("Feature", "a", description="x")
    remember(reconciler, feature)
    reconciler.expect(["uid-Feature-a"])
    assert due(reconciler) == ["ns"]
    with_status = {**feature, "status": {"observedGeneration": 1}}
    remember(reconciler, with_status)
    assert due(reconciler) == []
    assert reconciler.objects("ns") == [with_status]  # the cache still holds the newest
    remember(reconciler, obj("Feature", "a", description="y"))
    assert due(reconciler) == ["ns"]


def test_deleting_the_last_object_drops_the_namespace_but_still_compiles_it() -> None:
    reconciler = make_reconciler()
    reconciler.expect([])
    remember(reconciler, obj("Feature", "a", namespace="other"))
    assert due(reconciler) == ["other"]
    reconciler.forget("uid-Feature-a", "other")
    assert reconciler.namespaces() == set()
    assert due(reconciler) == ["other"]


@pytest.mark.parametrize("reverse", [False, True])
def test_objects_come_in_kind_then_name_order(reverse: bool) -> None:
    reconciler = make_reconciler()
    values = [obj("Datafile", "d"), obj("Feature", "b"), obj("Feature", "a"), obj("Attribute", "z")]
    for value in reversed(values) if reverse else values:
        remember(reconciler, value)
    names = [(o["kind"], o["metadata"]["name"]) for o in reconciler.objects("ns")]
    assert names == [("Attribute", "z"), ("Feature", "a"), ("Feature", "b"), ("Datafile", "d")]


def test_input_changes_after_the_first_listing_are_noted_for_the_reconciling_mark() -> None:
    reconciler = make_reconciler()
    remember(reconciler, obj("Feature", "a"))
    reconciler.expect(["uid-Feature-a"])
    assert reconciler.changes._pending == {}  # start-up rewrites no status
    remember(reconciler, obj("Feature", "a", description="new"))
    remember(reconciler, obj("Segment", "s", namespace="other"))
    assert reconciler.changes._pending == {
        "ns": "Feature a changed",
        "other": "Segment s changed",
    }
    reconciler.changes._pending.clear()
    status_only = obj("Feature", "a", description="new")
    status_only["status"] = {"observedGeneration": 1}
    remember(reconciler, status_only)
    assert reconciler.changes._pending == {}  # our own status writes come back as events
    reconciler.forget("uid-Feature-a", "ns")
    assert reconciler.changes._pending == {"ns": "Feature a was deleted"}


# Watch events (`handlers.on_object_event`): status-only echoes of our own writes take a short
# path, everything else the full compact; both leave the cache holding what the server holds.


def feature_body(generation: int = 1, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "kubevisor.io/v1alpha1",
        "kind": "Feature",
        "metadata": {
            "name": "a",
            "namespace": "ns",
            "uid": "uid-a",
            "generation": generation,
            "resourceVersion": str(100 + generation),
            "managedFields": [{"manager": "kubectl"}],
        },
        "spec": {"key": "a", "description": "x", **spec},
    }


def with_status(value: dict[str, Any], reason: str) -> dict[str, Any]:
    changed = copy.deepcopy(value)
    changed["status"] = {
        "observedGeneration": 1,
        "conditions": [{"type": "Ready", "reason": reason}],
    }
    changed["metadata"]["resourceVersion"] += "1"
    return changed


def event(reconciler: Any, value: dict[str, Any], kind: str | None = "MODIFIED") -> None:
    metadata = value["metadata"]
    on_object_event(
        reconciler, event=kind, uid=metadata["uid"], namespace=metadata["namespace"], body=value
    )


def started() -> Any:
    """A ready reconciler that has compiled `ns` once with Feature a."""
    reconciler = make_reconciler()
    event(reconciler, feature_body(), kind=None)
    reconciler.expect(["uid-a"])
    assert due(reconciler) == ["ns"]
    return reconciler


def test_a_status_echo_updates_the_cached_status_and_compiles_nothing() -> None:
    reconciler = started()
    echo = with_status(feature_body(), "Published")
    event(reconciler, echo)
    assert due(reconciler) == []
    assert reconciler.changes._pending == {}
    assert reconciler.cached("ns", "uid-a") == compact(echo)


def test_a_spec_change_after_a_status_echo_still_compiles_and_is_cached() -> None:
    reconciler = started()
    event(reconciler, with_status(feature_body(), "Published"))
    edited = with_status(feature_body(generation=2, description="y"), "Published")
    event(reconciler, edited)
    assert due(reconciler) == ["ns"]
    cached = reconciler.cached("ns", "uid-a")
    assert cached == compact(edited)
    assert cached is not None and cached["spec"]["description"] == "y"


def test_metadata_the_compile_reads_is_not_mistaken_for_a_status_change() -> None:
    reconciler = started()
    hinted = feature_body()
    hinted["metadata"]["annotations"] = {KEY_ORDER_ANNOTATION: '{"spec": ["key"]}'}
    event(reconciler, hinted)  # same generation: annotations never move it
    assert due(reconciler) == ["ns"]
    cached = reconciler.cached("ns", "uid-a")
    assert cached is not None and cached["metadata"]["annotations"] == {
        KEY_ORDER_ANNOTATION: '{"spec": ["key"]}'
    }
    deleting = copy.deepcopy(hinted)
    deleting["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    event(reconciler, deleting)
    assert due(reconciler) == ["ns"]


def test_an_echo_replaces_the_cached_object_instead_of_editing_it() -> None:
    reconciler = started()
    before = reconciler.cached("ns", "uid-a")
    snapshot = copy.deepcopy(before)
    event(reconciler, with_status(feature_body(), "Published"))
    assert before == snapshot  # a reconcile holding the old object sees it unchanged


def test_a_deleted_object_leaves_the_cache() -> None:
    reconciler = started()
    event(reconciler, feature_body(), kind="DELETED")
    assert reconciler.cached("ns", "uid-a") is None
    assert due(reconciler) == ["ns"]


def test_objects_with_equal_statuses_share_one_and_an_echo_changes_only_its_own() -> None:
    reconciler = started()
    other = feature_body()
    other["metadata"].update(name="b", uid="uid-b")
    event(reconciler, with_status(other, "Published"))
    event(reconciler, with_status(feature_body(), "Published"))
    a, b = reconciler.cached("ns", "uid-a"), reconciler.cached("ns", "uid-b")
    assert a is not None and b is not None
    assert a["status"] is b["status"]
    event(reconciler, with_status(feature_body(), "Stalled"))
    a = reconciler.cached("ns", "uid-a")
    assert a is not None and a["status"]["conditions"][0]["reason"] == "Stalled"
    assert b["status"]["conditions"][0]["reason"] == "Published"


def test_a_shared_status_reaches_a_compile_worker_as_a_plain_dict() -> None:
    cached = compact(with_status(feature_body(), "Published"))
    copied = pickle.loads(pickle.dumps(cached))
    assert type(copied["status"]) is dict
    assert copied == cached

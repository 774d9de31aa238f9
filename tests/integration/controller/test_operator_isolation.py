"""Issue 8: no object a tenant can write stops the operator for anyone else.

A Segment nested as deep as the API server accepts, or a variable `pattern` with catastrophic
backtracking, stalls its own namespace (the Datafile says why) while another namespace keeps
publishing, and the probes and the Lease keep answering.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from kubevisor.controller.handlers import MAX_DEPTH
from kubevisor.devcluster.state import ClusterInfo, KubectlError
from operator_helpers import (
    Kube,
    OperatorProcess,
    base_objects,
    feature,
    http_get,
    published_revision,
    resource,
    revision_of,
    wait_until,
)

TIMEOUT = 60.0


@pytest.fixture
def other(crds: ClusterInfo) -> Iterator[Kube]:
    """A second fresh namespace, watched by the same operator."""
    namespace = f"op-{uuid.uuid4().hex[:8]}"
    crds.kubectl("create", "namespace", namespace)
    yield Kube(crds, namespace)
    crds.kubectl("delete", "namespace", namespace, "--wait=false")


def both(kube: Kube, other: Kube, **env: str) -> dict[str, str]:
    return {"KUBEVISOR_NAMESPACES": f"{kube.namespace},{other.namespace}", **env}


def start_publishing(
    kube: Kube, other: Kube, operators: Callable[..., OperatorProcess], **env: str
) -> OperatorProcess:
    kube.apply(base_objects())
    other.apply(base_objects())
    operator = operators(extra_env=both(kube, other, **env))
    for namespace in (kube, other):
        wait_until(
            lambda ns=namespace: published_revision(ns) == "1",
            timeout=TIMEOUT,
            what=f"revision 1 in {namespace.namespace}",
        )
    return operator


def nested_and_segment(levels: int) -> str:
    """A Segment `deep` whose conditions nest `levels` `and`s, as JSON text (built as text:
    this process's own JSON encoder would hit its recursion limit)."""
    leaf = '{"attribute":"country","operator":"equals","value":"nl"}'
    conditions = '{"and":[' * levels + leaf + "]}" * levels
    head = json.dumps(resource("Segment", "deep", {"description": "deep", "conditions": 0}))
    return head.replace('"conditions": 0', f'"conditions": {conditions}')


def create_deepest_segment(kube: Kube) -> int:
    """Create a Segment `deep` with as many nested `and`s as the API server accepts (trying
    from the JSON decoder's limit down) and return that number."""
    rejected: list[str] = []
    for levels in (4_990, 2_000, 500, 200, 100, 50, 20, 10):
        try:
            kube.kubectl("create", "-f", "-", stdin=nested_and_segment(levels))
        except KubectlError as error:
            rejected.append(f"{levels}: {str(error)[:300]}")
            continue
        return levels
    raise AssertionError(f"no nesting depth was accepted: {rejected}")


def healthy(operator: OperatorProcess) -> bool:
    return all(http_get(operator.url + probe)[0] == 200 for probe in ("/healthz", "/readyz"))


def stalled_message(kube: Kube) -> str | None:
    stalled = kube.condition("datafile", "production", "Stalled")
    if stalled is None or stalled["status"] != "True":
        return None
    return str(stalled["message"])


def lease_renewed(kube: Kube) -> str:
    lease = json.loads(kube.kubectl("get", "lease", "kubevisor-operator", "-o", "json"))
    return str(lease["spec"]["renewTime"])


def test_a_segment_nested_as_deep_as_the_api_allows_stalls_only_its_namespace(
    kube: Kube, other: Kube, operators: Callable[..., OperatorProcess]
) -> None:
    operator = start_publishing(kube, other, operators)
    levels = create_deepest_segment(kube)
    kube.apply([feature("checkout", percentage=30)])  # A changes too: it must not publish it
    other.apply([feature("checkout", percentage=30)])

    wait_until(lambda: published_revision(other) == "2", timeout=TIMEOUT, what="B at revision 2")
    assert healthy(operator) and operator.running()
    if 2 * levels + 1 > MAX_DEPTH:
        message = wait_until(
            lambda: stalled_message(kube), timeout=TIMEOUT, what="A's Datafile to stall"
        )
        assert "deep" in message and "levels deep" in message, message
        assert "still serving revision 1" in message, message
        assert revision_of(kube.datafile_text("production")) == "1"
        # Read without its spec: this process's JSON decoder would hit its recursion limit.
        conditions = json.loads(
            kube.kubectl("get", "segment", "deep", "-o", "jsonpath={.status.conditions}")
        )
        ready = next(c for c in conditions if c["type"] == "Ready")
        assert ready["status"] == "False" and "levels deep" in ready["message"], ready
    else:  # the CRDs bound nesting below what the operator compiles: it is just a segment
        wait_until(lambda: published_revision(kube) == "2", timeout=TIMEOUT, what="A at 2")

    # Removing the object un-stalls A at once (no waiting out a retry backoff).
    kube.kubectl("delete", "segment", "deep")
    wait_until(lambda: published_revision(kube) == "2", timeout=TIMEOUT, what="A at revision 2")
    assert operator.running()


def catastrophic_feature() -> dict[str, Any]:
    obj = feature("checkout", percentage=30)
    obj["spec"]["variablesSchema"] = {
        "code": {"type": "string", "pattern": "^(a+)+$", "defaultValue": "a" * 36 + "!"}
    }
    return obj


def test_a_catastrophic_pattern_stalls_only_its_namespace_and_probes_stay_up(
    kube: Kube, other: Kube, operators: Callable[..., OperatorProcess]
) -> None:
    operator = start_publishing(
        kube, other, operators, KUBEVISOR_COMPILE_TIMEOUT_SECONDS="15", KUBEVISOR_LEASE_SECONDS="4"
    )
    before = lease_renewed(kube)
    kube.apply([catastrophic_feature()])
    other.apply([feature("checkout", percentage=30)])

    wait_until(lambda: published_revision(other) == "2", timeout=TIMEOUT, what="B at revision 2")
    wait_until(lambda: lease_renewed(kube) != before, timeout=TIMEOUT, what="a Lease renewal")
    message = wait_until(lambda: stalled_message(kube), timeout=120, what="A's Datafile to stall")
    # Either the compile was stopped, or the core (RE2, linear time) found that the default
    # does not match.
    assert "longer than 15 s" in message or 'does not match "^(a+)+$"' in message, message
    assert revision_of(kube.datafile_text("production")) == "1"
    assert healthy(operator) and operator.running()

    # The other namespace still publishes while A stays broken.
    other.apply([feature("checkout", percentage=40)])
    wait_until(lambda: published_revision(other) == "3", timeout=TIMEOUT, what="B at revision 3")
    assert healthy(operator)

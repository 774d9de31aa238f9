"""The product end to end on a real node: the operator installed from the chart (release
`kubevisor`, so its metrics Service is `kubevisor-metrics`) with the image built from the
Dockerfile, the bundled example published, and the example app's official SDK deciding from
the mounted ConfigMap as `kubevisor evaluate` does, following edits and a leader change."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from kubevisor.core.evaluate.evaluator import variation_of
from kubevisor.devcluster.node import workloads
from kubevisor.devcluster.probes import http_body
from kubevisor.devcluster.state import ClusterInfo

ROOT = Path(__file__).resolve().parents[3]
SHOP = ROOT / "examples" / "shop"
APP = ROOT / "examples" / "app" / "deployment.yaml"
OPERATOR_LABELS = "app.kubernetes.io/name=kubevisor"
APP_LABELS = "app.kubernetes.io/name=flags-demo"
TIMEOUT = 300.0
"""Generous: two cores shared with builds and other test runs."""

T = TypeVar("T")


def eventually(what: str, probe: Callable[[], T | None], timeout: float = TIMEOUT) -> T:
    """Poll `probe` until it returns something other than None (or False)."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = probe()
            if value is not None and value is not False:
                return value
        except Exception as error:  # the cluster is still converging
            last = error
        time.sleep(1.0)
    raise AssertionError(f"{what}: not after {timeout:.0f} s (last error: {last})")


def pods(cluster: ClusterInfo, namespace: str, labels: str) -> list[dict[str, Any]]:
    listed = json.loads(cluster.kubectl("get", "pods", "-n", namespace, "-l", labels, "-o", "json"))
    items: list[dict[str, Any]] = listed["items"]
    return [pod for pod in items if not pod["metadata"].get("deletionTimestamp")]


def ready(pod: dict[str, Any]) -> bool:
    conditions = pod.get("status", {}).get("conditions") or []
    return any(c["type"] == "Ready" and c["status"] == "True" for c in conditions)


@pytest.fixture(scope="module")
def installed(node_cluster: ClusterInfo) -> ClusterInfo:
    workloads.load_images(node_cluster.run_dir)
    workloads.install_operator(node_cluster.kubeconfig)
    return node_cluster


@pytest.fixture(scope="module")
def shop(installed: ClusterInfo) -> ClusterInfo:
    installed.kubectl("create", "namespace", "shop")
    installed.kubectl("apply", "--server-side", "-f", str(SHOP))
    eventually("the shop's staging datafile published", lambda: published(installed))
    installed.kubectl("apply", "-f", str(APP))
    return installed


def published(cluster: ClusterInfo) -> dict[str, Any] | None:
    """The `shop-flags` ConfigMap's revision and datafile, once the operator wrote it."""
    configmap = json.loads(
        cluster.kubectl("get", "configmap", "shop-flags", "-n", "shop", "-o", "json")
    )
    revision = configmap["metadata"]["annotations"]["kubevisor.io/revision"]
    return {"revision": revision, "datafile": json.loads(configmap["data"]["datafile.json"])}


def app_lines(cluster: ClusterInfo) -> list[dict[str, Any]]:
    """The decision lines the app logged so far (one per datafile it saw)."""
    running = [pod for pod in pods(cluster, "shop", APP_LABELS) if ready(pod)]
    if not running:
        return []
    log = cluster.kubectl("logs", "-n", "shop", running[0]["metadata"]["name"])
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    return [line for line in lines if "decisions" in line]


def app_decided(cluster: ClusterInfo, revision: str) -> dict[str, Any] | None:
    return next((line for line in app_lines(cluster) if line["revision"] == revision), None)


def evaluate(
    datafile: dict[str, Any], feature: str, context: dict[str, Any], tmp: Path
) -> dict[str, Any]:
    """`kubevisor evaluate --json` on the same datafile: enabled and variation."""
    path = tmp / "datafile.json"
    path.write_text(json.dumps(datafile))
    output = subprocess.run(
        [sys.executable, "-m", "kubevisor", "evaluate", "--datafile", str(path),
         "--feature", feature, "--context", json.dumps(context), "--json"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    result = json.loads(output)
    return {
        "enabled": result["flag"].get("enabled") is True,
        "variation": variation_of(result["variation"]),
    }


def assert_same_decisions(line: dict[str, Any], datafile: dict[str, Any], tmp: Path) -> None:
    assert line["decisions"], "the app decided nothing"
    for user, features in line["decisions"].items():
        context = {"country": "nl", "userId": user}
        for feature, decision in features.items():
            assert decision == evaluate(datafile, feature, context, tmp), (user, feature)


def ready_operators(cluster: ClusterInfo) -> list[dict[str, Any]] | None:
    found = [pod for pod in pods(cluster, "kubevisor", OPERATOR_LABELS) if ready(pod)]
    return found if len(found) == 2 else None


def test_operator_pods_are_ready_with_only_the_chart_service_account(
    installed: ClusterInfo,
) -> None:
    operators = eventually("two Ready operator pods", lambda: ready_operators(installed))
    for pod in operators:
        spec = pod["spec"]
        assert spec["serviceAccountName"] == "kubevisor"
        assert spec["enableServiceLinks"] is False
        assert spec["containers"][0]["image"] == workloads.OPERATOR_IMAGE
        assert spec["containers"][0]["securityContext"]["readOnlyRootFilesystem"] is True
        assert pod["status"]["containerStatuses"][0]["restartCount"] == 0
        metrics = http_body(f"http://{pod['status']['podIP']}:8080/metrics").decode()
        assert "kubevisor_" in metrics
    names = {pod["metadata"]["name"] for pod in operators}
    eventually(
        "a replica holding the Lease",
        lambda: any(holder(installed).startswith(name) for name in names),
    )


def test_the_app_decides_as_kubevisor_evaluate_and_follows_an_edit(
    shop: ClusterInfo, tmp_path: Path
) -> None:
    first = eventually("the shop's staging datafile published", lambda: published(shop))
    line = eventually(
        "the app's decisions on the published revision",
        lambda: app_decided(shop, first["revision"]),
    )
    assert_same_decisions(line, first["datafile"], tmp_path)
    assert any(d["checkout"]["enabled"] for d in line["decisions"].values())

    # Staging checkout goes from 100 % to 0 %: every user loses it.
    shop.kubectl(
        "patch", "feature", "checkout", "-n", "shop", "--type=json",
        "-p", '[{"op": "replace", "path": "/spec/rules/staging/0/percentage", "value": 0}]',
    )  # fmt: skip
    second = eventually(
        "a new revision published",
        lambda: (p := published(shop)) and p["revision"] != first["revision"] and p,
    )
    line = eventually(
        "the app's decisions on the new revision", lambda: app_decided(shop, second["revision"])
    )
    assert_same_decisions(line, second["datafile"], tmp_path)
    assert not any(d["checkout"]["enabled"] for d in line["decisions"].values())


def test_deleting_the_leader_hands_over_and_loses_no_update(shop: ClusterInfo) -> None:
    current = holder(shop)
    leader = next(
        p["metadata"]["name"]
        for p in pods(shop, "kubevisor", OPERATOR_LABELS)
        if current.startswith(p["metadata"]["name"])
    )
    before = eventually("the current revision", lambda: published(shop))
    shop.kubectl("delete", "pod", leader, "-n", "kubevisor", "--wait=false")
    # Edited while the leader goes away: the new leader must publish it.
    shop.kubectl(
        "patch", "feature", "checkout", "-n", "shop", "--type=json",
        "-p", '[{"op": "replace", "path": "/spec/rules/staging/0/percentage", "value": 100}]',
    )  # fmt: skip
    after = eventually(
        "the edit published by the new leader",
        lambda: (p := published(shop)) and p["revision"] != before["revision"] and p,
    )
    rules = after["datafile"]["features"]["checkout"]["traffic"]
    assert rules[0]["percentage"] == 100000
    eventually("another replica holding the Lease", lambda: not holder(shop).startswith(leader))


def holder(cluster: ClusterInfo) -> str:
    lease = json.loads(
        cluster.kubectl("get", "lease", "kubevisor-operator", "-n", "kubevisor", "-o", "json")
    )
    return str(lease["spec"].get("holderIdentity") or "")

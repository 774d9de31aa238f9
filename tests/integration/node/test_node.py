"""The node itself: Ready and schedulable, and a second node cluster on the same machine
starts beside it and leaves nothing behind."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from kubevisor.devcluster.binaries import control_plane_bin_dir, find_weed
from kubevisor.devcluster.cluster import Cluster, remove_run_dir
from kubevisor.devcluster.node import network
from kubevisor.devcluster.node.kubelet import NODE_NAME
from kubevisor.devcluster.node.node import leftovers, recorded_slot
from kubevisor.devcluster.state import ClusterInfo


def test_the_node_is_ready_and_schedulable(node_cluster: ClusterInfo) -> None:
    node = json.loads(node_cluster.kubectl("get", "node", NODE_NAME, "-o", "json"))
    conditions = {c["type"]: c["status"] for c in node["status"]["conditions"]}
    assert conditions["Ready"] == "True"
    assert not [t for t in node["spec"].get("taints") or [] if t["effect"] == "NoSchedule"]


def test_a_second_node_cluster_runs_beside_and_leaves_nothing(node_cluster: ClusterInfo) -> None:
    first = recorded_slot(node_cluster.run_dir)
    run_dir = Path(tempfile.mkdtemp(prefix="kubevisor-dev-"))
    try:
        cluster = Cluster(
            run_dir, control_plane_bin=control_plane_bin_dir(), weed=find_weed(), node=True
        )
        with cluster as info:
            second = recorded_slot(run_dir)
            assert second is not None and first is not None
            assert second.bridge != first.bridge
            assert second.pod_subnet != first.pod_subnet
            node = json.loads(info.kubectl("get", "node", NODE_NAME, "-o", "json"))
            assert {c["type"]: c["status"] for c in node["status"]["conditions"]}["Ready"] == "True"
        assert leftovers(run_dir, second) == []
    finally:
        remove_run_dir(run_dir)
    # The first cluster's node is untouched.
    assert network.bridge_exists(first)
    assert network.chain_exists(first)

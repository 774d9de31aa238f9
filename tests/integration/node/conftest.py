"""Node tests: one dev cluster with a real node (containerd, kubelet, scheduler, pod network)
for the session, torn down at the end with a check that nothing of it is left.

They need root and tools/node/install.sh's packages (`make test` installs them as root); as
another user they skip, saying so. Every test here gets the `node` marker.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from kubevisor.devcluster.cluster import Cluster, temporary_cluster_control
from kubevisor.devcluster.node.node import leftovers, recorded_slot
from kubevisor.devcluster.state import ClusterInfo

_HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in item.path.parents:
            item.add_marker(pytest.mark.node)


@pytest.fixture(scope="session")
def node_control() -> Iterator[Cluster]:
    if os.geteuid() != 0:
        pytest.skip("a real node needs root (containerd, cgroups, a bridge, iptables)")
    with temporary_cluster_control(node=True) as control:
        slot = recorded_slot(control.run_dir)
        assert slot is not None
        yield control
    left = leftovers(control.run_dir, slot)
    assert left == [], f"the node left {left} behind"


@pytest.fixture(scope="session")
def node_cluster(node_control: Cluster) -> ClusterInfo:
    """A dev cluster whose pods run: `kubectl`, `env()` as for `cluster`, plus the node."""
    assert node_control.info is not None
    return node_control.info

"""Integration tests run against a real control plane and S3 server, started once per session.

Every test under tests/integration gets the `integration` marker, so `pytest -m "not
integration"` skips them all.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from kubevisor.devcluster.cluster import temporary_cluster
from kubevisor.devcluster.state import ClusterInfo

_HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in item.path.parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def cluster() -> Iterator[ClusterInfo]:
    """etcd + kube-apiserver + kube-controller-manager + SeaweedFS S3 on loopback ports.

    The object has `kubeconfig`, `s3_endpoint`, `s3_access_key`, `s3_secret_key`, `s3_region`,
    `env()` and `kubectl(*args)`. Binaries come from tools/controlplane/build.sh (built once and
    cached) or from $KUBEVISOR_CONTROLPLANE_BIN.
    """
    with temporary_cluster() as info:
        yield info

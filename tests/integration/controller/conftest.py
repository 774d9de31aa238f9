"""Fixtures of the operator's integration tests: CRDs installed once, a fresh namespace per test,
and operator subprocesses that every test can start, kill and restart."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from kubevisor.crds import KINDS
from kubevisor.devcluster.state import ClusterInfo
from operator_helpers import REPO, Kube, OperatorProcess, wait_until
from s3_helpers import s3_client


@pytest.fixture(scope="session")
def crds(cluster: ClusterInfo) -> ClusterInfo:
    """The cluster with the CRDs installed and Established."""
    crd_files = [f"--filename={REPO / 'crds' / (info.crd_name + '.yaml')}" for info in KINDS]
    cluster.kubectl("apply", "--server-side", "--field-manager=kubevisor-tests", *crd_files)
    names = [f"crd/{info.crd_name}" for info in KINDS]
    cluster.kubectl("wait", "--for=condition=Established", "--timeout=60s", *names)
    # Established is not yet listable: the API server answers 429 "storage is (re)initializing"
    # for a moment, and the operator under test should start on a settled API.
    plurals = ",".join(info.crd_name for info in KINDS)
    wait_until(
        lambda: cluster.kubectl("get", plurals, "-A", "-o", "name") is not None,
        timeout=60,
        what="the new kinds to be listable",
    )
    return cluster


@pytest.fixture
def kube(crds: ClusterInfo) -> Iterator[Kube]:
    """A fresh namespace for one test (deleted afterwards, without waiting)."""
    namespace = f"op-{uuid.uuid4().hex[:8]}"
    crds.kubectl("create", "namespace", namespace)
    yield Kube(crds, namespace)
    crds.kubectl("delete", "namespace", namespace, "--wait=false")


@pytest.fixture
def operators(kube: Kube, tmp_path: Path) -> Iterator[Callable[..., OperatorProcess]]:
    """Start operator processes for the test namespace: `operators()` starts one and waits
    until it is ready; keyword arguments go to `OperatorProcess`. All are killed at the end."""
    started: list[OperatorProcess] = []

    def start(*, wait: bool = True, **options: Any) -> OperatorProcess:
        options.setdefault("name", f"operator-{len(started)}")
        process = OperatorProcess(kube.cluster, kube.namespace, tmp_path, **options)
        started.append(process.start())
        return process.wait_ready() if wait else process

    yield start
    for process in started:
        process.kill()


@pytest.fixture
def bucket(cluster: ClusterInfo) -> str:
    """A fresh bucket on the test S3 server."""
    name = f"kv-{uuid.uuid4().hex[:10]}"
    s3_client(cluster).create_bucket(Bucket=name)
    return name

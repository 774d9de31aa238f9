"""Fixtures of the GitOps tests: Flux's real source-controller and kustomize-controller (built
by tools/flux/build.sh) and a loopback Git server, started once per session against the test
cluster, and a fresh Git repository per test to push to.

Every test here gets the `gitops` marker: `pytest -m gitops` runs them, `-m "not gitops"` skips
them (and the Flux build they need).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flux_helpers import GitRepository
from kubevisor.devcluster.gitops import GitOpsInfo, temporary_gitops
from kubevisor.devcluster.state import ClusterInfo

_HERE = Path(__file__).parent
# The operator helpers (OperatorProcess, Kube, wait_until) live with the operator's tests.
sys.path.insert(0, str(_HERE.parent / "controller"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in item.path.parents:
            item.add_marker(pytest.mark.gitops)


@pytest.fixture(scope="session")
def flux(cluster: ClusterInfo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GitOpsInfo]:
    """source-controller, kustomize-controller and the Git server, with Flux's CRDs installed
    and the `flux-system` namespace created; stopped at the end of the session."""
    with temporary_gitops(cluster, tmp_path_factory.mktemp("gitops")) as info:
        yield info


@pytest.fixture
def git_repository(flux: GitOpsInfo, tmp_path: Path) -> GitRepository:
    """A fresh, empty repository on the loopback Git server (branch `main`)."""
    return GitRepository(flux, tmp_path / "work")

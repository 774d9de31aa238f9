"""Variation weights that do not add up to 100: upstream builds them, so the API server accepts
them, but `kubectl apply` prints a warning (a ValidatingAdmissionPolicy bound with Warn)."""

from __future__ import annotations

import subprocess
import time

import yaml
from kubevisor.devcluster.state import ClusterInfo
from packaging_tools import ensure_namespace, install_crds

NAMESPACE = "weights"
TIMEOUT = 120.0


def apply_feature(
    cluster: ClusterInfo, weights: tuple[int, int]
) -> subprocess.CompletedProcess[str]:
    manifest = {
        "apiVersion": "kubevisor.io/v1alpha1",
        "kind": "Feature",
        "metadata": {"name": "split", "namespace": NAMESPACE},
        "spec": {
            "description": "two variations",
            "tags": ["all"],
            "bucketBy": "userId",
            "variations": [
                {"value": "control", "weight": weights[0]},
                {"value": "treatment", "weight": weights[1]},
            ],
            "rules": [{"key": "everyone", "segments": "*", "percentage": 100}],
        },
    }
    return subprocess.run(
        ["kubectl", f"--kubeconfig={cluster.kubeconfig}", "apply", "--dry-run=server", "-f", "-"],
        input=yaml.safe_dump(manifest),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )


def test_apply_warns_but_accepts_weights_that_do_not_add_up(cluster: ClusterInfo) -> None:
    install_crds(cluster)
    ensure_namespace(cluster, NAMESPACE)
    # The policy takes effect a moment after it is created: poll until kubectl prints it.
    deadline = time.monotonic() + TIMEOUT
    while True:
        result = apply_feature(cluster, (50, 40))
        if "weights do not add up to 100" in result.stderr or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert "Warning:" in result.stderr and "spec.variations" in result.stderr, result.stderr
    assert "split" in result.stdout  # accepted all the same
    assert "add up to 100" not in apply_feature(cluster, (50, 50)).stderr

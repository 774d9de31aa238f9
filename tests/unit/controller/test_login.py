"""The in-cluster address the operator dials: the kubelet's KUBERNETES_SERVICE_* variables."""

from __future__ import annotations

import pytest
from kubevisor.controller.login import in_cluster_server


@pytest.mark.parametrize(
    ("host", "port", "server"),
    [
        ("10.0.0.1", "443", "https://10.0.0.1:443"),
        ("fd00::1", "443", "https://[fd00::1]:443"),
        ("api.internal", "6443", "https://api.internal:6443"),
    ],
)
def test_the_kubelet_variables_name_the_server(
    monkeypatch: pytest.MonkeyPatch, host: str, port: str, server: str
) -> None:
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", host)
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", port)
    assert in_cluster_server() == server


def test_outside_a_pod_there_is_no_in_cluster_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    monkeypatch.delenv("KUBERNETES_SERVICE_PORT", raising=False)
    assert in_cluster_server() is None

"""etcd for the local API server: one member, loopback only, no fsync (data is throw-away)."""

from __future__ import annotations

import json
from pathlib import Path

from kubevisor.devcluster.ports import LOOPBACK
from kubevisor.devcluster.probes import http_body


def etcd_argv(binary: Path, *, data_dir: Path, client_port: int, peer_port: int) -> list[str]:
    client_url = f"http://{LOOPBACK}:{client_port}"
    peer_url = f"http://{LOOPBACK}:{peer_port}"
    return [
        str(binary),
        "--name=kubevisor-dev",
        f"--data-dir={data_dir}",
        f"--listen-client-urls={client_url}",
        f"--advertise-client-urls={client_url}",
        # Set explicitly: the default peer port 2380 would clash between parallel runs.
        f"--listen-peer-urls={peer_url}",
        f"--initial-advertise-peer-urls={peer_url}",
        f"--initial-cluster=kubevisor-dev={peer_url}",
        "--unsafe-no-fsync",
        "--log-level=warn",
    ]


def etcd_healthy(client_port: int) -> bool:
    """etcd's own health endpoint says {"health": "true"}."""
    body = http_body(f"http://{LOOPBACK}:{client_port}/health")
    return bool(json.loads(body).get("health") == "true")

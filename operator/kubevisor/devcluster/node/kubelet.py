"""The kubelet and kube-scheduler of a node: their config and command lines."""

from __future__ import annotations

import json
import ssl
from pathlib import Path

from kubevisor.devcluster.ports import LOOPBACK
from kubevisor.devcluster.probes import http_body, http_status

NODE_NAME = "kubevisor-node"

DEV_SYNC_FREQUENCY = "1s"
"""How often the kubelet re-syncs every pod, mounted ConfigMaps included. The default (1m)
makes a ConfigMap edit take up to a minute or more to reach a mounted file."""


def kubelet_config(
    *,
    run_dir: Path,
    containerd_socket: Path,
    cgroup_root: str,
    address: str,
    port: int,
    healthz_port: int,
    sync_frequency: str = DEV_SYNC_FREQUENCY,
) -> str:
    """A KubeletConfiguration (JSON is YAML) for a dev node on this kind of machine."""
    config = {
        "apiVersion": "kubelet.config.k8s.io/v1beta1",
        "kind": "KubeletConfiguration",
        "containerRuntimeEndpoint": f"unix://{containerd_socket}",
        "cgroupDriver": "cgroupfs",
        # Every pod lives under the node's own cgroup, so teardown finds all of them.
        "cgroupRoot": f"/{cgroup_root}",
        "failSwapOn": False,
        # The API server reaches the kubelet (logs, exec) at the node's address.
        "address": address,
        "port": port,
        "readOnlyPort": 0,
        "healthzBindAddress": LOOPBACK,
        "healthzPort": healthz_port,
        # Dev only: lets `kubectl logs` and `exec` reach the kubelet without kubelet certs.
        "authentication": {
            "anonymous": {"enabled": True},
            "webhook": {"enabled": False},
        },
        "authorization": {"mode": "AlwaysAllow"},
        "podLogsDir": str(run_dir / "pod-logs"),
        "staticPodPath": "",
        "syncFrequency": sync_frequency,
        "configMapAndSecretChangeDetectionStrategy": "Watch",
        "fileCheckFrequency": "20s",
        "nodeStatusUpdateFrequency": "5s",
        "serializeImagePulls": False,
        "resolvConf": "/etc/resolv.conf",
        "evictionHard": {
            "memory.available": "1Mi",
            "nodefs.available": "1%",
            "imagefs.available": "1%",
        },
        "imageGCHighThresholdPercent": 100,
        "imageGCLowThresholdPercent": 99,
        "maxPods": 50,
        "registerWithTaints": [],
        "localStorageCapacityIsolation": True,
        "protectKernelDefaults": False,
        "makeIPTablesUtilChains": False,
    }
    return json.dumps(config, indent=2) + "\n"


def kubelet_argv(
    binary: Path, *, config: Path, kubeconfig: Path, run_dir: Path, node_ip: str
) -> list[str]:
    return [
        str(binary),
        f"--config={config}",
        f"--kubeconfig={kubeconfig}",
        f"--root-dir={run_dir / 'kubelet'}",
        f"--cert-dir={run_dir / 'kubelet' / 'pki'}",
        f"--hostname-override={NODE_NAME}",
        f"--node-ip={node_ip}",
        "--v=1",
    ]


def scheduler_argv(binary: Path, *, kubeconfig: Path, port: int) -> list[str]:
    return [
        str(binary),
        f"--kubeconfig={kubeconfig}",
        f"--authentication-kubeconfig={kubeconfig}",
        f"--authorization-kubeconfig={kubeconfig}",
        f"--bind-address={LOOPBACK}",
        f"--secure-port={port}",
        "--leader-elect=false",
        "--v=1",
    ]


def kubelet_healthy(healthz_port: int) -> bool:
    return http_status(f"http://{LOOPBACK}:{healthz_port}/healthz") == 200


def scheduler_healthy(port: int) -> bool:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return http_status(f"https://{LOOPBACK}:{port}/healthz", context=context) == 200


def node_ready(api_server: str, context: ssl.SSLContext) -> bool:
    """The node is registered, Ready, and has lost the not-ready taint (pods can land)."""
    node = json.loads(http_body(f"{api_server}/api/v1/nodes/{NODE_NAME}", context=context))
    ready = any(
        c["type"] == "Ready" and c["status"] == "True"
        for c in node.get("status", {}).get("conditions", [])
    )
    taints = node.get("spec", {}).get("taints") or []
    return ready and not any(t["key"] == "node.kubernetes.io/not-ready" for t in taints)

"""Start and tear down a node: network, cgroup, containerd, pause image, kubelet, scheduler.

The control plane (cluster.py) starts first, with the node's extras (see apiserver.py); then
`start_node` brings up the rest through the cluster's own process spawner, so the processes are
recorded in the cluster's state and stopped with it. `tear_down_node` removes what outlives the
processes: containers (by cgroup), mounts under the run directory, the bridge and nat chain,
and the slot claim. It is idempotent and works from another process (`dev cluster down`).
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from pathlib import Path

from kubevisor.devcluster.node import cgroups, containerd, kubelet, mounts, network
from kubevisor.devcluster.node.errors import NodeError
from kubevisor.devcluster.node.images import pause_image
from kubevisor.devcluster.node.slot import NodeSlot, claim_slot, release_slot
from kubevisor.devcluster.ports import pick_ports
from kubevisor.devcluster.process import ServerProcess

CONTAINERD_TIMEOUT = 60.0
KUBELET_TIMEOUT = 90.0
NODE_READY_TIMEOUT = 120.0
SCHEDULER_TIMEOUT = 60.0

Spawn = Callable[[str, list[str]], ServerProcess]
"""The cluster's way to start a recorded server process: (name, argv) -> process."""


def check_node_possible() -> None:
    """Root and the node packages (tools/node/install.sh); raises NodeError otherwise."""
    import os
    import shutil

    if os.geteuid() != 0:
        raise NodeError("a node needs root (containerd, cgroups, a bridge, iptables)")
    missing = [tool for tool in ("containerd", "runc", "iptables", "ctr") if not shutil.which(tool)]
    if not (network.CNI_BIN_DIR / "bridge").exists():
        missing.append("CNI plugins")
    if missing:
        raise NodeError(f"missing {', '.join(missing)}: run tools/node/install.sh as root")


def start_node(
    *,
    run_dir: Path,
    bin_dir: Path,
    kubeconfig: Path,
    api_server: str,
    api_port: int,
    service_ip: str,
    tls: ssl.SSLContext,
    spawn: Spawn,
) -> NodeSlot:
    """Everything of the node up, and the node Ready and schedulable. On failure the caller
    tears down (the returned slot is recorded before anything machine-wide is created)."""
    slot = claim_slot(run_dir)
    (run_dir / "node-slot").write_text(f"{slot.number}\n")
    network.set_up(slot, service_ip=service_ip, api_port=api_port)
    cgroups.create(slot.cgroup)

    paths = containerd.ContainerdPaths(run_dir)
    for folder in (paths.folder, paths.cni_conf_dir, paths.cni_ipam_dir):
        folder.mkdir(parents=True, exist_ok=True)
    paths.config.write_text(containerd.config_toml(paths))
    (paths.cni_conf_dir / "10-kubevisor.conflist").write_text(
        network.cni_conflist(slot, paths.cni_ipam_dir)
    )
    containerd_process = spawn("containerd", containerd.containerd_argv(paths))
    cgroups.enter(slot.cgroup, containerd_process.pid)  # shims and containers follow it
    containerd_process.wait_ready(lambda: containerd.containerd_ready(paths), CONTAINERD_TIMEOUT)
    containerd.import_image(paths, pause_image())

    kubelet_port, healthz_port, scheduler_port = pick_ports(3)
    config = run_dir / "kubelet-config.json"
    config.write_text(
        kubelet.kubelet_config(
            run_dir=run_dir,
            containerd_socket=paths.socket,
            cgroup_root=slot.cgroup,
            address=slot.gateway,
            port=kubelet_port,
            healthz_port=healthz_port,
        )
    )
    kubelet_process = spawn(
        "kubelet",
        kubelet.kubelet_argv(
            bin_dir / "kubelet",
            config=config,
            kubeconfig=kubeconfig,
            run_dir=run_dir,
            node_ip=slot.gateway,
        ),
    )
    cgroups.enter(slot.cgroup, kubelet_process.pid)
    scheduler_process = spawn(
        "kube-scheduler",
        kubelet.scheduler_argv(
            bin_dir / "kube-scheduler", kubeconfig=kubeconfig, port=scheduler_port
        ),
    )
    kubelet_process.wait_ready(lambda: kubelet.kubelet_healthy(healthz_port), KUBELET_TIMEOUT)
    scheduler_process.wait_ready(
        lambda: kubelet.scheduler_healthy(scheduler_port), SCHEDULER_TIMEOUT
    )
    kubelet_process.wait_ready(lambda: kubelet.node_ready(api_server, tls), NODE_READY_TIMEOUT)
    return slot


def recorded_slot(run_dir: Path) -> NodeSlot | None:
    try:
        return NodeSlot(int((run_dir / "node-slot").read_text()))
    except (OSError, ValueError):
        return None


def tear_down_node(run_dir: Path) -> None:
    """Kill every process of the node (kubelet, containerd, shims, containers), unmount what
    they mounted, remove the network and the cgroup, release the slot."""
    slot = recorded_slot(run_dir)
    if slot is None:
        return
    cgroups.kill_and_remove(slot.cgroup)
    mounts.unmount_all(run_dir)
    network.tear_down(slot)
    release_slot(slot)
    (run_dir / "node-slot").unlink(missing_ok=True)


def leftovers(run_dir: Path, slot: NodeSlot) -> list[str]:
    """What of a torn-down node is still there (empty when teardown was complete)."""
    found = []
    if cgroups.exists(slot.cgroup):
        found.append(f"cgroup {slot.cgroup} ({len(cgroups.pids(slot.cgroup))} processes)")
    found += [f"mount {point}" for point in mounts.mounts_under(run_dir)]
    if network.bridge_exists(slot):
        found.append(f"bridge {slot.bridge}")
    if network.chain_exists(slot):
        found.append(f"iptables chain {slot.chain}")
    found += [f"CNI cache {path}" for path in network.cached_results(slot)]
    if slot.claim.exists():
        found.append(f"slot claim {slot.claim}")
    return found

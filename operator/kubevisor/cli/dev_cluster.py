"""The local cluster every `kubevisor dev` command stands on: started or reused, stopped,
shown; and `DevError`, what a dev step raises when the developer has something to fix."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kubevisor.cli.dev_operator import stop_operator
from kubevisor.cli.output import say

if TYPE_CHECKING:
    from kubevisor.devcluster.state import ClusterInfo


class DevError(RuntimeError):
    """Something the developer has to fix; the message says what."""


def add_node_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--node",
        action="store_true",
        help="also run a real node (containerd, kubelet, kube-scheduler, pod network) so pods "
        "run; needs root and the packages of tools/node/install.sh",
    )


def ensure_cluster(run_dir: Path, *, node: bool = False) -> ClusterInfo:
    """The dev cluster in `run_dir`: the running one, or a new one (binaries built on first
    use), with a real node if `node`. Raises DevError with the reason when it cannot start."""
    try:
        from kubevisor.devcluster.binaries import BinariesError, control_plane_bin_dir, find_weed
        from kubevisor.devcluster.cluster import Cluster, remove_run_dir
        from kubevisor.devcluster.node.errors import NodeError
        from kubevisor.devcluster.process import StartError
        from kubevisor.devcluster.state import load_state
    except ImportError as error:
        raise DevError(
            f"{error}; install the dev cluster extras: "
            "pip install 'kubevisor[dev-cluster,operator]'"
        ) from None

    previous = load_state(run_dir)
    if previous is not None:
        if len(previous.running()) == len(previous.processes):
            if node and not previous.node:
                raise DevError(
                    f"the dev cluster in {run_dir} runs without a node; "
                    "stop it (kubevisor dev down) and start it again with --node"
                )
            say(f"dev cluster already running (run dir {run_dir})")
            return previous
        say(f"cleaning up a dev cluster that is partly gone (run dir {run_dir})")
        previous.stop()
    remove_run_dir(run_dir)
    try:
        bin_dir = control_plane_bin_dir()
        weed = find_weed()
        say(f"starting dev cluster{' with a node' if node else ''} in {run_dir}")
        info = Cluster(
            run_dir, control_plane_bin=bin_dir, weed=weed, die_with_parent=False, node=node
        ).start()
    except (BinariesError, StartError, NodeError) as error:
        raise DevError(str(error)) from None
    say(f"dev cluster ready: API server {info.api_server}, S3 {info.s3_endpoint}")
    return info


def cluster_down(run_dir: Path) -> int:
    """Stop everything in `run_dir`: the operator `dev up` started, Flux, then the cluster."""
    from kubevisor.devcluster.cluster import remove_run_dir
    from kubevisor.devcluster.gitops import gitops_dir, stop_gitops
    from kubevisor.devcluster.state import load_state

    stop_operator(run_dir)  # an operator started by `kubevisor dev up` must not outlive it
    if stop_gitops(gitops_dir(run_dir)):
        say("Flux and the Git server stopped")

    info = load_state(run_dir)
    if info is None:
        say(f"no dev cluster in {run_dir}")
        return 0
    info.stop()
    remove_run_dir(run_dir)
    say(f"dev cluster stopped, {run_dir} removed")
    return 0


def cluster_status(run_dir: Path) -> int:
    from kubevisor.devcluster.state import load_state

    info = load_state(run_dir)
    if info is None:
        print(f"no dev cluster in {run_dir}")
        return 1
    running = {record.pid for record in info.running()}
    print(f"run dir:    {info.run_dir}")
    print(f"kubeconfig: {info.kubeconfig}")
    print(f"API server: {info.api_server}")
    print(f"S3:         {info.s3_endpoint}")
    for record in info.processes:
        state = "running" if record.pid in running else "stopped"
        print(f"{record.name:<24} pid {record.pid:<8} {state}")
    return 0 if len(running) == len(info.processes) else 1


def kubectl(info: ClusterInfo, *args: str, stdin: str | None = None) -> str:
    """kubectl against the dev cluster; its stdout, or DevError with the command and stderr."""
    from kubevisor.devcluster.state import KubectlError

    try:
        return info.kubectl(*args, stdin=stdin)
    except KubectlError as error:
        raise DevError(str(error)) from None

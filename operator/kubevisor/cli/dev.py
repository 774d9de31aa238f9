"""`kubevisor dev cluster up|down|status`: a local control plane and S3 server for development.

`up` prints shell `export` lines on stdout (everything else goes to stderr), so
`eval "$(kubevisor dev cluster up)"` points kubectl, kopf and boto3 at it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kubevisor.devcluster.state import ClusterInfo


def register(subparsers: Any) -> None:
    from kubevisor.cli import playground

    parser = subparsers.add_parser(
        "dev", help="development helpers: a local Kubernetes control plane and S3 server"
    )
    dev_commands = parser.add_subparsers(dest="dev_command", metavar="COMMAND", required=True)
    playground.register(dev_commands)
    cluster = dev_commands.add_parser(
        "cluster", help="etcd + kube-apiserver + kube-controller-manager + S3, in the background"
    )
    actions = cluster.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, handler, help_text in (
        ("up", _up, "start it (building the binaries on first use) and print export lines"),
        ("down", _down, "stop it and remove its run directory"),
        ("status", _status, "show whether it runs and where"),
    ):
        action = actions.add_parser(name, help=help_text)
        action.add_argument(
            "--run-dir",
            type=Path,
            default=None,
            help="folder holding the cluster's state, logs and data "
            "(default: $XDG_RUNTIME_DIR/kubevisor/dev or ~/.cache/kubevisor/dev)",
        )
        if name == "up":
            add_node_option(action)
        action.set_defaults(handler=handler)
        if name == "up":
            action.add_argument(
                "--gitops",
                action="store_true",
                help="also start Flux (source-controller, kustomize-controller; built on first "
                "use) and a Git server on loopback to sync from; see docs/gitops.md",
            )


def add_node_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--node",
        action="store_true",
        help="also run a real node (containerd, kubelet, kube-scheduler, pod network) so pods "
        "run; needs root and the packages of tools/node/install.sh",
    )


def _say(message: str) -> None:
    print(message, file=sys.stderr)


class DevError(RuntimeError):
    """Something the developer has to fix; the message says what."""


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
            _say(f"dev cluster already running (run dir {run_dir})")
            return previous
        _say(f"cleaning up a dev cluster that is partly gone (run dir {run_dir})")
        previous.stop()
    remove_run_dir(run_dir)
    try:
        bin_dir = control_plane_bin_dir()
        weed = find_weed()
        _say(f"starting dev cluster{' with a node' if node else ''} in {run_dir}")
        info = Cluster(
            run_dir, control_plane_bin=bin_dir, weed=weed, die_with_parent=False, node=node
        ).start()
    except (BinariesError, StartError, NodeError) as error:
        raise DevError(str(error)) from None
    _say(f"dev cluster ready: API server {info.api_server}, S3 {info.s3_endpoint}")
    return info


def _up(args: argparse.Namespace) -> int:
    from kubevisor.devcluster.state import default_run_dir

    run_dir: Path = args.run_dir or default_run_dir()
    try:
        info = ensure_cluster(run_dir, node=args.node)
        if args.gitops:
            from kubevisor.cli.dev_gitops import ensure_gitops

            ensure_gitops(info)
    except DevError as error:
        _say(f"kubevisor dev cluster up: {error}")
        return 1
    again = "kubevisor dev cluster up" + (f" --run-dir {run_dir}" if args.run_dir else "")
    _say(f'point this shell at it with: eval "$({again})"')
    print("\n".join(info.export_lines()))
    return 0


def _down(args: argparse.Namespace) -> int:
    from kubevisor.devcluster.state import default_run_dir

    return cluster_down(args.run_dir or default_run_dir())


def cluster_down(run_dir: Path) -> int:
    from kubevisor.cli.playground import stop_operator
    from kubevisor.devcluster.cluster import remove_run_dir
    from kubevisor.devcluster.state import load_state

    stop_operator(run_dir)  # an operator started by `kubevisor dev up` must not outlive it
    from kubevisor.devcluster.gitops import gitops_dir, stop_gitops

    if stop_gitops(gitops_dir(run_dir)):
        _say("Flux and the Git server stopped")

    info = load_state(run_dir)
    if info is None:
        _say(f"no dev cluster in {run_dir}")
        return 0
    info.stop()
    remove_run_dir(run_dir)
    _say(f"dev cluster stopped, {run_dir} removed")
    return 0


def _status(args: argparse.Namespace) -> int:
    from kubevisor.devcluster.state import default_run_dir

    return cluster_status(args.run_dir or default_run_dir())


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

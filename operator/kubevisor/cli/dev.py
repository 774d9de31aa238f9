"""`kubevisor dev`: the playground (`dev up|down|status`) and the bare local cluster
(`dev cluster up|down|status`): a local control plane and S3 server for development.

`dev cluster up` prints shell `export` lines on stdout (everything else goes to stderr), so
`eval "$(kubevisor dev cluster up)"` points kubectl, kopf and boto3 at it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kubevisor.cli import playground
from kubevisor.cli.dev_cluster import (
    DevError,
    add_node_option,
    cluster_down,
    cluster_status,
    ensure_cluster,
)
from kubevisor.cli.dev_gitops import ensure_gitops
from kubevisor.cli.output import say


def register(subparsers: Any) -> None:
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


def _up(args: argparse.Namespace) -> int:
    from kubevisor.devcluster.state import default_run_dir

    run_dir: Path = args.run_dir or default_run_dir()
    try:
        info = ensure_cluster(run_dir, node=args.node)
        if args.gitops:
            ensure_gitops(info)
    except DevError as error:
        say(f"kubevisor dev cluster up: {error}")
        return 1
    again = "kubevisor dev cluster up" + (f" --run-dir {run_dir}" if args.run_dir else "")
    say(f'point this shell at it with: eval "$({again})"')
    print("\n".join(info.export_lines()))
    return 0


def _down(args: argparse.Namespace) -> int:
    from kubevisor.devcluster.state import default_run_dir

    return cluster_down(args.run_dir or default_run_dir())


def _status(args: argparse.Namespace) -> int:
    from kubevisor.devcluster.state import default_run_dir

    return cluster_status(args.run_dir or default_run_dir())

"""`kubevisor dev up|down|status`: the whole product on one machine, for a first look.

`up` starts the local control plane and S3 server (`kubevisor dev cluster`), installs the CRDs
and admission policies, runs the operator in the background, applies an example (the bundled
shop by default) with server-side apply, waits until every Datafile is Ready and shows what was
published. Everything stays running until `kubevisor dev down`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kubevisor.cli import playground_node
from kubevisor.cli.dev_cluster import (
    DevError,
    add_node_option,
    cluster_down,
    cluster_status,
    ensure_cluster,
    kubectl,
)
from kubevisor.cli.dev_operator import is_alive, operator_record, start_operator
from kubevisor.cli.output import say

if TYPE_CHECKING:
    from kubevisor.devcluster.state import ClusterInfo

BUNDLED_EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "shop"
READY_TIMEOUT_SECONDS = 120


def register(dev_commands: Any) -> None:
    for name, handler, help_text in (
        ("up", _up, "cluster + CRDs + operator + an example, then show what was published"),
        ("down", _down, "stop the operator and the cluster"),
        ("status", _status, "show whether the cluster and the operator run"),
    ):
        action = dev_commands.add_parser(name, help=help_text, description=help_text)
        action.add_argument(
            "--run-dir",
            type=Path,
            default=None,
            help="folder of the dev cluster (default: $XDG_RUNTIME_DIR/kubevisor/dev or "
            "~/.cache/kubevisor/dev)",
        )
        if name == "up":
            action.add_argument(
                "--example",
                type=Path,
                default=BUNDLED_EXAMPLE,
                help="manifests to apply (default: the bundled examples/shop)",
            )
            add_node_option(action)
        action.set_defaults(handler=handler)


def _run_dir(args: argparse.Namespace) -> Path:
    from kubevisor.devcluster.state import default_run_dir

    return Path(args.run_dir) if args.run_dir else default_run_dir()


def _up(args: argparse.Namespace) -> int:
    example: Path = args.example
    if not example.exists():
        say(f"kubevisor dev up: {example} does not exist; pass --example MANIFESTS")
        return 1
    try:
        info = ensure_cluster(_run_dir(args), node=args.node)
        if args.node:
            playground_node.start_operator_on_node(info)
        else:
            install_crds(info)
            start_operator(info)
        namespaces = apply_example(info, example)
        wait_ready(info, namespaces)
        if args.node:
            playground_node.start_example_app(info)
    except DevError as error:
        say(f"kubevisor dev up: {error}")
        return 1
    show(info, namespaces)
    if args.node:
        playground_node.show_how_to_watch(info, _command_name())
    return 0


def install_crds(info: ClusterInfo) -> None:
    from kubevisor.crds.render import generated_stream

    say("installing the CRDs and admission policies")
    kubectl(info, "apply", "--server-side", "-f", "-", stdin=generated_stream())
    kubectl(
        info,
        "wait",
        "--for=condition=Established",
        "crd",
        "-l",
        "app.kubernetes.io/name=kubevisor",
        "--timeout=60s",
    )


def apply_example(info: ClusterInfo, example: Path) -> list[str]:
    """Create the example's namespaces and apply it; returns those namespaces."""
    from kubevisor.sources.manifests import load_manifests

    manifests = load_manifests([example])
    if manifests.problems:
        details = "; ".join(problem.render() for problem in manifests.problems[:3])
        raise DevError(f"{example} has problems: {details}")
    namespaces = sorted(manifests.namespaces)
    for namespace in namespaces:
        manifest = json.dumps(
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}}
        )
        kubectl(info, "apply", "--server-side", "-f", "-", stdin=manifest)
    say(f"applying {example}")
    kubectl(info, "apply", "--server-side", "-f", str(example))
    return namespaces


def wait_ready(info: ClusterInfo, namespaces: list[str]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    pending: list[str] = []
    while time.monotonic() < deadline:
        pending = [
            f"{namespace}/{item['metadata']['name']}"
            for namespace in namespaces
            for item in json.loads(
                kubectl(info, "get", "datafiles", "-n", namespace, "-o", "json")
            )["items"]
            if not _ready(item)
        ]
        if not pending:
            return
        time.sleep(0.5)
    raise DevError(
        f"Datafiles not Ready after {READY_TIMEOUT_SECONDS} s: {', '.join(pending)}; see "
        f"`kubectl describe datafile` and {info.run_dir / 'operator.log'}"
    )


def show(info: ClusterInfo, namespaces: list[str]) -> None:
    for namespace in namespaces:
        print(kubectl(info, "get", "featurevisor", "-n", namespace))
        datafiles = json.loads(kubectl(info, "get", "datafiles", "-n", namespace, "-o", "json"))
        for item in datafiles["items"]:
            name = (item["spec"].get("configMap") or {}).get("name") or item["metadata"]["name"]
            configmap = json.loads(
                kubectl(info, "get", "configmap", name, "-n", namespace, "-o", "json")
            )
            content = (configmap.get("data") or {}).get("datafile.json", "(gzipped in binaryData)")
            print(f"ConfigMap {namespace}/{name} (revision {item['status'].get('revision')}):")
            print(f"  {content[:400]}{' …' if len(content) > 400 else ''}\n")
    kubevisor = _command_name()
    print("The cluster and the operator keep running. In this shell:")
    print(f'  eval "$({kubevisor} dev cluster up --run-dir {info.run_dir})"  # kubectl talks to it')
    print("  kubectl edit feature checkout -n shop  # the ConfigMap follows")
    print(f"  {kubevisor} dev down  # stop everything")


def _command_name() -> str:
    """How to call kubevisor from this shell: the script beside this Python when that is not
    the one on PATH (a fresh clone's `.venv/bin/kubevisor`)."""
    script = Path(sys.executable).with_name("kubevisor")
    if not script.exists() or shutil.which("kubevisor") == str(script):
        return "kubevisor"
    relative = os.path.relpath(script)
    return str(script) if relative.startswith("..") else relative


def _ready(item: dict[str, Any]) -> bool:
    conditions = (item.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def _down(args: argparse.Namespace) -> int:
    return cluster_down(_run_dir(args))


def _status(args: argparse.Namespace) -> int:
    from kubevisor.devcluster.state import load_state

    run_dir = _run_dir(args)
    code = cluster_status(run_dir)
    info = load_state(run_dir)
    record = operator_record(info.run_dir) if info is not None else None
    if record is None:
        print("operator                 not started")
        return 1
    alive = is_alive(int(record["pid"]))
    state = "running" if alive else "stopped"
    print(f"operator                 pid {record['pid']:<8} {state}, metrics {record['metrics']}")
    return code if alive else 1

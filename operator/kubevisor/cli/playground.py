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
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kubevisor.devcluster.state import ClusterInfo

BUNDLED_EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "shop"
OPERATOR_STATE = "operator.json"
READY_TIMEOUT_SECONDS = 120


class PlaygroundError(RuntimeError):
    """A step of `dev up` failed; the message says which and why."""


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
            from kubevisor.cli.dev import add_node_option

            add_node_option(action)
        action.set_defaults(handler=handler)


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _run_dir(args: argparse.Namespace) -> Path:
    from kubevisor.devcluster.state import default_run_dir

    return Path(args.run_dir) if args.run_dir else default_run_dir()


def _up(args: argparse.Namespace) -> int:
    from kubevisor.cli.dev import DevError, ensure_cluster

    example: Path = args.example
    if not example.exists():
        _say(f"kubevisor dev up: {example} does not exist; pass --example MANIFESTS")
        return 1
    try:
        info = ensure_cluster(_run_dir(args), node=args.node)
        if args.node:
            from kubevisor.cli import playground_node

            playground_node.start_operator_on_node(info)
        else:
            install_crds(info)
            start_operator(info)
        namespaces = apply_example(info, example)
        wait_ready(info, namespaces)
        if args.node:
            playground_node.start_example_app(info)
    except (DevError, PlaygroundError) as error:
        _say(f"kubevisor dev up: {error}")
        return 1
    show(info, namespaces)
    if args.node:
        playground_node.show_how_to_watch(info, _command_name())
    return 0


def install_crds(info: ClusterInfo) -> None:
    from kubevisor.crds.render import generated_stream

    _say("installing the CRDs and admission policies")
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


def start_operator(info: ClusterInfo) -> None:
    """Run `kubevisor operator` detached, logging into the run dir; reuse a running one."""
    record = _operator_record(info)
    if record is not None and _alive(record["pid"]):
        _say(f"operator already running (pid {record['pid']})")
        return
    from kubevisor.devcluster.ports import pick_ports

    port = pick_ports(1)[0]
    log = (info.run_dir / "operator.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "kubevisor", "operator", "--metrics-port", str(port)],
        env={**os.environ, **info.env(), "KUBEVISOR_METRICS_HOST": "127.0.0.1"},
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    (info.run_dir / OPERATOR_STATE).write_text(
        json.dumps({"pid": process.pid, "metrics": f"http://127.0.0.1:{port}"})
    )
    _say(f"operator started (pid {process.pid}), log {info.run_dir / 'operator.log'}")


def apply_example(info: ClusterInfo, example: Path) -> list[str]:
    """Create the example's namespaces and apply it; returns those namespaces."""
    from kubevisor.sources.manifests import load_manifests

    manifests = load_manifests([example])
    if manifests.problems:
        details = "; ".join(problem.render() for problem in manifests.problems[:3])
        raise PlaygroundError(f"{example} has problems: {details}")
    namespaces = sorted(manifests.namespaces)
    for namespace in namespaces:
        manifest = json.dumps(
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}}
        )
        kubectl(info, "apply", "--server-side", "-f", "-", stdin=manifest)
    _say(f"applying {example}")
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
    raise PlaygroundError(
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


def kubectl(info: ClusterInfo, *args: str, stdin: str | None = None) -> str:
    from kubevisor.devcluster.state import KubectlError

    try:
        return info.kubectl(*args, stdin=stdin)
    except KubectlError as error:
        raise PlaygroundError(str(error)) from None


def _ready(item: dict[str, Any]) -> bool:
    conditions = (item.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def _operator_record(info: ClusterInfo) -> dict[str, Any] | None:
    path = info.run_dir / OPERATOR_STATE
    if not path.exists():
        return None
    record: dict[str, Any] = json.loads(path.read_text())
    return record


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def stop_operator(run_dir: Path) -> None:
    path = run_dir / OPERATOR_STATE
    if not path.exists():
        return
    pid = int(json.loads(path.read_text())["pid"])
    if _alive(pid):
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _alive(pid):
            os.killpg(pid, signal.SIGKILL)
    path.unlink()
    _say(f"operator (pid {pid}) stopped")


def _down(args: argparse.Namespace) -> int:
    from kubevisor.cli.dev import cluster_down

    return cluster_down(_run_dir(args))


def _status(args: argparse.Namespace) -> int:
    from kubevisor.cli.dev import cluster_status
    from kubevisor.devcluster.state import load_state

    run_dir = _run_dir(args)
    code = cluster_status(run_dir)
    info = load_state(run_dir)
    record = _operator_record(info) if info is not None else None
    if record is None:
        print("operator                 not started")
        return 1
    alive = _alive(int(record["pid"]))
    state = "running" if alive else "stopped"
    print(f"operator                 pid {record['pid']:<8} {state}, metrics {record['metrics']}")
    return code if alive else 1

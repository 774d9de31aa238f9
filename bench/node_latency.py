"""Edit → ConfigMap → file in the pod → the official SDK's decision, on a running
`kubevisor dev up --node` (the example app logs a line per datafile it sees).

    .venv/bin/kubevisor dev up --node
    .venv/bin/python bench/node_latency.py [EDITS] [--run-dir DIR]

Each edit flips the staging percentage of `checkout` in namespace `shop`; prints, per edit, when
the operator's ConfigMap carried the new revision and when the app logged a decision on it
(kubectl logs --timestamps), measured from the moment the patch returned.
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import time
from pathlib import Path

from kubevisor.devcluster.state import ClusterInfo, default_run_dir, load_state

TIMEOUT = 180.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("edits", type=int, nargs="?", default=5)
    parser.add_argument("--run-dir", type=Path, default=None)
    args = parser.parse_args()
    info = load_state(args.run_dir or default_run_dir())
    if info is None or not info.node:
        raise SystemExit("no dev cluster with a node: run `kubevisor dev up --node` first")
    to_configmap: list[float] = []
    to_app: list[float] = []
    for edit in range(args.edits):
        before = revision(info)
        percentage = 0 if edit % 2 == 0 else 100
        patch = [{"op": "replace", "path": "/spec/rules/staging/0/percentage", "value": percentage}]
        info.kubectl(
            "patch", "feature", "checkout", "-n", "shop", "--type=json", "-p", json.dumps(patch)
        )
        patched = datetime.datetime.now(datetime.UTC)
        started = time.monotonic()
        while (current := revision(info)) == before:
            if time.monotonic() - started > TIMEOUT:
                raise SystemExit("the ConfigMap did not change")
            time.sleep(0.05)
        configmap_seconds = time.monotonic() - started
        logged = app_logged_at(info, current, started)
        app_seconds = (logged - patched).total_seconds()
        to_configmap.append(configmap_seconds)
        to_app.append(app_seconds)
        print(
            f"edit {edit + 1}: ConfigMap {configmap_seconds:.2f} s, "
            f"app decision {app_seconds:.2f} s"
        )
    print(
        f"median: ConfigMap {statistics.median(to_configmap):.2f} s, "
        f"app decision {statistics.median(to_app):.2f} s over {args.edits} edits"
    )


def revision(info: ClusterInfo) -> str:
    configmap = json.loads(
        info.kubectl("get", "configmap", "shop-flags", "-n", "shop", "-o", "json")
    )
    return str(configmap["metadata"]["annotations"]["kubevisor.io/revision"])


def app_logged_at(info: ClusterInfo, revision: str, started: float) -> datetime.datetime:
    while time.monotonic() - started < TIMEOUT:
        log = info.kubectl("logs", "-n", "shop", "deploy/flags-demo", "--timestamps")
        for line in log.splitlines():
            stamp, _, text = line.partition(" ")
            if text.startswith("{") and json.loads(text).get("revision") == revision:
                return datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        time.sleep(0.2)
    raise SystemExit(f"the app never logged revision {revision}")


if __name__ == "__main__":
    main()

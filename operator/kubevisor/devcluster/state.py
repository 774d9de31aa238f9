"""What a running dev cluster is: addresses, credentials and processes. Saved as JSON in its
run directory so `kubevisor dev cluster down` (another process) can find and stop it."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kubevisor.devcluster.process import ProcessRecord

STATE_FILE = "state.json"


class KubectlError(RuntimeError):
    """kubectl exited non-zero; the message carries the command and its stderr."""


@dataclass(frozen=True)
class ClusterInfo:
    run_dir: Path
    kubeconfig: Path
    api_server: str
    s3_endpoint: str
    s3_access_key: str
    s3_secret_key: str
    s3_region: str
    processes: tuple[ProcessRecord, ...]
    leftover_files: tuple[Path, ...] = ()
    """Files outside the run dir that the servers leave behind, removed on stop."""
    node: bool = False
    """Has a real node (devcluster/node), torn down before the processes stop."""

    @property
    def state_file(self) -> Path:
        return self.run_dir / STATE_FILE

    def env(self) -> dict[str, str]:
        """The environment a client needs: kubectl, kopf and boto3 all read these."""
        return {
            "KUBECONFIG": str(self.kubeconfig),
            "AWS_ENDPOINT_URL": self.s3_endpoint,
            "AWS_ACCESS_KEY_ID": self.s3_access_key,
            "AWS_SECRET_ACCESS_KEY": self.s3_secret_key,
            "AWS_REGION": self.s3_region,
        }

    def export_lines(self) -> list[str]:
        """`export NAME=value` lines for `eval "$(kubevisor dev cluster up)"`."""
        return [f"export {name}={shlex.quote(value)}" for name, value in self.env().items()]

    def running(self) -> list[ProcessRecord]:
        return [record for record in self.processes if record.is_running()]

    def stop(self) -> None:
        """Stop every process, the last started first (a node's containers, mounts and network
        before anything else)."""
        if self.node:
            from kubevisor.devcluster.node.node import tear_down_node

            tear_down_node(self.run_dir)
        for record in reversed(self.processes):
            record.stop()
        remove_files(self.leftover_files)

    def kubectl(self, *args: str, stdin: str | None = None) -> str:
        """Run the installed kubectl against this cluster and return its stdout."""
        command = ["kubectl", f"--kubeconfig={self.kubeconfig}", *args]
        result = subprocess.run(
            command, input=stdin, capture_output=True, text=True, check=False, timeout=120
        )
        if result.returncode != 0:
            raise KubectlError(
                f"{shlex.join(command)} exited with {result.returncode}: {result.stderr.strip()}"
            )
        return result.stdout

    def to_json(self) -> str:
        data = {
            "run_dir": str(self.run_dir),
            "kubeconfig": str(self.kubeconfig),
            "api_server": self.api_server,
            "s3_endpoint": self.s3_endpoint,
            "s3_access_key": self.s3_access_key,
            "s3_secret_key": self.s3_secret_key,
            "s3_region": self.s3_region,
            "processes": [record.to_json() for record in self.processes],
            "leftover_files": [str(path) for path in self.leftover_files],
            "node": self.node,
        }
        return json.dumps(data, indent=2) + "\n"

    @staticmethod
    def from_json(text: str) -> ClusterInfo:
        data = json.loads(text)
        return ClusterInfo(
            run_dir=Path(data["run_dir"]),
            kubeconfig=Path(data["kubeconfig"]),
            api_server=data["api_server"],
            s3_endpoint=data["s3_endpoint"],
            s3_access_key=data["s3_access_key"],
            s3_secret_key=data["s3_secret_key"],
            s3_region=data["s3_region"],
            processes=tuple(ProcessRecord.from_json(record) for record in data["processes"]),
            leftover_files=tuple(Path(path) for path in data.get("leftover_files", [])),
            node=bool(data.get("node", False)),
        )

    def save(self) -> None:
        self.state_file.touch(mode=0o600)
        self.state_file.write_text(self.to_json())


def load_state(run_dir: Path) -> ClusterInfo | None:
    """The saved cluster of `run_dir`, or None if there is none (or it is unreadable)."""
    try:
        return ClusterInfo.from_json((run_dir / STATE_FILE).read_text())
    except (OSError, ValueError, KeyError, TypeError):
        return None


def default_run_dir() -> Path:
    """Where `kubevisor dev cluster` keeps its one cluster: $XDG_RUNTIME_DIR/kubevisor/dev when
    the session has a runtime dir (tmpfs, private), else ~/.cache/kubevisor/dev."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        return Path(runtime) / "kubevisor" / "dev"
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "kubevisor" / "dev"


def remove_files(paths: tuple[Path, ...]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)

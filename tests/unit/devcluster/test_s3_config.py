from __future__ import annotations

import json
from pathlib import Path

import pytest
from kubevisor.devcluster.s3 import (
    WEED_PORT_FLAGS,
    S3Credentials,
    grpc_socket_files,
    identities_config,
    weed_argv,
)


def test_identities_config_holds_the_credentials() -> None:
    credentials = S3Credentials("AKEY", "SECRET")
    config = json.loads(identities_config(credentials))
    (identity,) = config["identities"]
    assert identity["credentials"] == [{"accessKey": "AKEY", "secretKey": "SECRET"}]
    assert {"Read", "Write", "List"} <= set(identity["actions"])


def test_generated_credentials_differ_each_time() -> None:
    assert S3Credentials.generate() != S3Credentials.generate()


def test_weed_binds_loopback_without_telemetry_on_the_given_ports() -> None:
    ports = {flag: 20000 + index for index, flag in enumerate(WEED_PORT_FLAGS)}
    argv = weed_argv(
        Path("/bin/weed"),
        data_dir=Path("/run/s3"),
        config_file=Path("/run/s3.json"),
        s3_port=19999,
        other_ports=ports,
    )
    assert argv[:2] == ["/bin/weed", "mini"]
    assert "-master.telemetry=false" in argv
    assert "-ip.bind=127.0.0.1" in argv
    assert "-s3.port=19999" in argv
    assert "-s3.config=/run/s3.json" in argv
    for flag, port in ports.items():
        assert f"-{flag}={port}" in argv


def test_weed_argv_refuses_a_missing_port() -> None:
    with pytest.raises(ValueError, match=r"master\.port"):
        weed_argv(
            Path("/bin/weed"),
            data_dir=Path("/d"),
            config_file=Path("/c"),
            s3_port=1,
            other_ports={},
        )


def test_grpc_socket_files_are_named_by_the_grpc_ports_only() -> None:
    ports = {"master.port": 1, "master.port.grpc": 2, "filer.port.grpc": 3}
    assert grpc_socket_files(ports) == (
        Path("/tmp/seaweedfs-filer-grpc-3.sock"),
        Path("/tmp/seaweedfs-master-grpc-2.sock"),
    )

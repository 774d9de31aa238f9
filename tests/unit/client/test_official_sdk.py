"""What the ConfigMap sink writes, the kubelet mounts and the watcher hands to the official SDK."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from featurevisor import create_featurevisor
from kubevisor.sinks.configmap import (
    GZIP_THRESHOLD_BYTES,
    ConfigMapTarget,
    DatafileRef,
    render_configmap,
)
from kubevisor.sinks.payload import Payload
from kubevisor_client import DirectoryWatcher

from .kubelet import KubeletVolume

OFFICIAL = Path("tests/conformance/fixtures/example-1/official/datafiles")
TARGET = ConfigMapTarget("featurevisor-all", "shop", DatafileRef("all", "shop"))


def mounted_files(payload: Payload) -> dict[str, bytes]:
    """The files the kubelet writes for the rendered ConfigMap's data and binaryData."""
    rendered = render_configmap(TARGET, payload)
    assert isinstance(rendered, dict)
    files = {key: value.encode() for key, value in rendered.get("data", {}).items()}
    for key, value in rendered.get("binaryData", {}).items():
        files[key] = base64.b64decode(value)
    return files


def padded(content: bytes) -> Payload:
    """The same datafile made large enough for the sink to gzip it (padding is ignored)."""
    value = json.loads(content)
    value["padding"] = "x" * GZIP_THRESHOLD_BYTES
    return Payload.from_bytes(json.dumps(value).encode())


def decisions(sdk: Any, datafile: dict[str, Any]) -> dict[str, Any]:
    contexts = [{"userId": f"user-{n}", "country": "nl", "deviceId": f"d{n}"} for n in range(10)]
    return {
        (key, index): sdk.get_variation(key, context)
        for key in datafile["features"]
        for index, context in enumerate(contexts)
    }


def test_official_sdk_gets_each_mounted_datafile(tmp_path: Path) -> None:
    production = (OFFICIAL / "production" / "featurevisor-all.json").read_bytes()
    staging = (OFFICIAL / "staging" / "featurevisor-all.json").read_bytes()
    volume = KubeletVolume(tmp_path)
    sdk = create_featurevisor({})
    watcher = DirectoryWatcher(tmp_path, lambda d: sdk.set_datafile(d, replace=True))

    volume.publish(mounted_files(Payload.from_bytes(production)))
    assert (tmp_path / "datafile.json").exists()
    watcher.load()
    production_sdk = create_featurevisor({"datafile": json.loads(production)})
    expected = decisions(production_sdk, json.loads(production))
    assert decisions(sdk, json.loads(production)) == expected

    volume.publish(mounted_files(padded(staging)))
    assert (tmp_path / "datafile.json.gz").exists()
    watcher.load()
    staging_value = json.loads(staging)
    reference = create_featurevisor({"datafile": staging_value})
    expected_staging = decisions(reference, staging_value)
    assert expected_staging != decisions(production_sdk, staging_value)  # a real change
    assert decisions(sdk, staging_value) == expected_staging

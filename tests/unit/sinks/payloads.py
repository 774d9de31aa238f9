"""Datafile payloads of chosen sizes for the sink tests."""

from __future__ import annotations

import base64
import json
import random

from kubevisor.sinks.payload import Payload


def payload(revision: str = "1", *, padding: str = "") -> Payload:
    value = {
        "schemaVersion": "2",
        "revision": revision,
        "segments": {},
        "features": {"checkout": {"key": "checkout", "bucketBy": "userId", "padding": padding}},
    }
    return Payload.from_bytes(json.dumps(value, separators=(",", ":")).encode())


def payload_of_size(size: int, *, compressible: bool = True, revision: str = "1") -> Payload:
    """A datafile of exactly `size` bytes; incompressible padding makes gzip useless."""
    overhead = len(payload(revision).content)
    if compressible:
        padding = "x" * (size - overhead)
    else:
        noise = random.Random(size).randbytes(size)
        padding = base64.b64encode(noise).decode()[: size - overhead]
    result = payload(revision, padding=padding)
    assert len(result.content) == size
    return result

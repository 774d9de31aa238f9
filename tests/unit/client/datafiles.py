"""Small datafiles for the client tests."""

from __future__ import annotations

import json


def datafile_bytes(revision: str, *, feature: str = "checkout") -> bytes:
    """A minimal valid datafile whose content differs per revision and feature."""
    value = {
        "schemaVersion": "2",
        "revision": revision,
        "segments": {},
        "features": {feature: {"key": feature, "bucketBy": "userId", "traffic": []}},
    }
    return json.dumps(value, separators=(",", ":")).encode()

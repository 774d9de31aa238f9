"""An application pod's view of its flags: the official Featurevisor Python SDK reading the
datafile the operator publishes to a ConfigMap, mounted as a directory.

Whenever the file changes (the kubelet swaps the mounted directory atomically), the SDK gets the
new datafile and the app logs one JSON line with its decisions for a few users, so
`kubectl logs -f` shows an edit to a Feature reaching the pod.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from featurevisor import create_featurevisor

DATAFILE = Path(os.environ.get("DATAFILE", "/etc/featurevisor/datafile.json"))
FEATURES = os.environ.get("FEATURES", "checkout,freeShipping,recommendations").split(",")
USERS = os.environ.get("USERS", "user-1,user-2,user-3,user-4").split(",")
CONTEXT = json.loads(os.environ.get("CONTEXT", '{"country": "nl"}'))
POLL_SECONDS = float(os.environ.get("POLL_SECONDS", "0.5"))


def decisions(sdk: Any) -> dict[str, dict[str, dict[str, Any]]]:
    """For each user, each feature: enabled and variation, as the SDK decides them."""
    result: dict[str, dict[str, dict[str, Any]]] = {}
    for user in USERS:
        context = {**CONTEXT, "userId": user}
        result[user] = {
            feature: {
                "enabled": sdk.is_enabled(feature, context),
                "variation": sdk.get_variation(feature, context),
            }
            for feature in FEATURES
        }
    return result


def main() -> None:
    sdk = None
    seen = b""
    while True:
        try:
            content = DATAFILE.read_bytes()
        except OSError as error:
            print(json.dumps({"waiting": str(error)}), flush=True)
            time.sleep(5)
            continue
        if content != seen:
            seen = content
            datafile = json.loads(content)
            if sdk is None:
                sdk = create_featurevisor({"datafile": datafile, "logLevel": "warn"})
            else:
                sdk.set_datafile(datafile)
            line = {"revision": sdk.get_revision(), "decisions": decisions(sdk)}
            print(json.dumps(line, sort_keys=True), flush=True)
        time.sleep(POLL_SECONDS)


if __name__ == "__main__":
    sys.exit(main())

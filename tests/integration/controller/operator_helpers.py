"""Helpers for the operator's integration tests: the operator as a real subprocess, waiting with
deadlines, reading outputs, and counting writes to ConfigMaps through a watch.

Nothing here sleeps to assert: every wait polls a condition until a deadline and fails with
what it last saw.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from botocore.exceptions import ClientError, EndpointConnectionError
from kubevisor.devcluster.ports import LOOPBACK, pick_ports
from kubevisor.devcluster.state import ClusterInfo, KubectlError
from lightkube import Client
from lightkube.config.kubeconfig import KubeConfig
from lightkube.resources.core_v1 import ConfigMap
from s3_helpers import s3_client

T = TypeVar("T")

REPO = Path(__file__).resolve().parents[3]


class Timeout(AssertionError):
    """A condition did not come true before its deadline."""


def wait_until(
    check: Callable[[], T | None],
    *,
    timeout: float,
    what: str,
    interval: float = 0.1,
) -> T:
    """Poll `check` until it returns something truthy (returned), or fail after `timeout` s.

    Exceptions of `check` count as "not yet" (the last one is shown on failure), so a check may
    read objects that do not exist yet.
    """
    deadline = time.monotonic() + timeout
    last: object = None
    while True:
        try:
            value = check()
        except (KubectlError, KeyError, LookupError, OSError, ValueError) as error:
            value, last = None, error
        else:
            last = value
        if value:
            return value
        if time.monotonic() > deadline:
            raise Timeout(f"waited {timeout:.0f} s for {what}; last seen: {last!r}")
        time.sleep(interval)


def http_get(url: str, timeout: float = 5.0) -> tuple[int, str, str]:
    """(status, content type, body) of a GET; HTTP errors are answers too."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return (
                response.status,
                response.headers.get("Content-Type", ""),
                response.read().decode(),
            )
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode()


class OperatorProcess:
    """`python -m kubevisor operator` with the cluster's kubeconfig, watching one namespace.

    Its Lease lives in that namespace, so tests never compete for leadership. No object-store
    credentials come from the environment: the operator must read them from the Datafile's
    Secret, as in a cluster.
    """

    def __init__(
        self,
        cluster: ClusterInfo,
        namespace: str,
        log_dir: Path,
        *,
        name: str = "operator",
        lease_seconds: int = 4,
        debounce_seconds: float = 0.3,
        max_delay_seconds: float = 5.0,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.port = pick_ports(1)[0]
        self.log_path = log_dir / f"{name}.log"
        inherited = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("AWS_", "KUBEVISOR_", "KUBECONFIG"))
        }
        self.env = {
            **inherited,
            "KUBECONFIG": str(cluster.kubeconfig),
            "KUBEVISOR_NAMESPACES": namespace,
            "KUBEVISOR_METRICS_HOST": LOOPBACK,
            "KUBEVISOR_METRICS_PORT_NUMBER": str(self.port),
            "KUBEVISOR_LEASE_NAMESPACE": namespace,
            "KUBEVISOR_LEASE_NAME": "kubevisor-operator",
            "KUBEVISOR_LEASE_SECONDS": str(lease_seconds),
            "KUBEVISOR_DEBOUNCE_SECONDS": str(debounce_seconds),
            "KUBEVISOR_MAX_DELAY_SECONDS": str(max_delay_seconds),
            "POD_NAME": name,
            # What these tests are about is not tenancy (tests/integration/security is): the
            # admin allows the test S3 server's endpoint and copies into other namespaces.
            "KUBEVISOR_OBJECT_STORE_ALLOWED_ENDPOINTS": cluster.s3_endpoint,
            "KUBEVISOR_ALLOW_CROSS_NAMESPACE_COPIES": "true",
            **(extra_env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> OperatorProcess:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "kubevisor", "operator"],
                cwd=REPO,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_ready(self, timeout: float = 60.0) -> OperatorProcess:
        def ready() -> bool:
            if not self.running():
                raise Timeout(f"{self.name} exited{self.log_tail()}")
            return http_get(self.url + "/readyz", timeout=2.0)[0] == 200

        wait_until(ready, timeout=timeout, what=f"{self.name} /readyz")
        return self

    def kill(self) -> None:
        """SIGKILL: no cleanup, no Lease release, like a node that dies."""
        if self.running():
            os.killpg(self.pid, signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM, like a rolling update; SIGKILL if it does not exit in time."""
        if self.running():
            os.killpg(self.pid, signal.SIGTERM)
            try:
                assert self.process is not None
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def metrics(self) -> str:
        status, _, body = http_get(self.url + "/metrics")
        assert status == 200, body
        return body

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            return ""
        return f"\n--- last lines of {self.log_path} ---\n" + "\n".join(text)


def metric_value(text: str, name: str, labels: dict[str, str] | None = None) -> float | None:
    """The value of one sample in Prometheus text format, or None if absent."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        head, _, value = line.rpartition(" ")
        sample, _, label_text = head.partition("{")
        if sample != name:
            continue
        found = dict(
            item.split("=", 1) for item in label_text.rstrip("}").split(",") if "=" in item
        )
        found = {key: val.strip('"') for key, val in found.items()}
        if all(found.get(key) == val for key, val in (labels or {}).items()):
            return float(value)
    return None


class Kube:
    """A synchronous API client plus kubectl, for one test namespace."""

    def __init__(self, cluster: ClusterInfo, namespace: str) -> None:
        self.cluster = cluster
        self.namespace = namespace
        self.client = Client(KubeConfig.from_file(cluster.kubeconfig), field_manager="tests")

    def kubectl(self, *args: str, stdin: str | None = None) -> str:
        return self.cluster.kubectl("-n", self.namespace, *args, stdin=stdin)

    def apply(self, documents: Iterable[dict[str, Any]] | str) -> None:
        """Server-side apply of manifests (a YAML/JSON text or objects) into the namespace."""
        if isinstance(documents, str):
            text = documents
        else:
            text = json.dumps({"apiVersion": "v1", "kind": "List", "items": list(documents)})
        self.kubectl("apply", "--server-side", "--field-manager=tests", "-f", "-", stdin=text)

    def get(self, kind: str, name: str) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(self.kubectl("get", kind, name, "-o", "json"))
        return found

    def exists(self, kind: str, name: str, namespace: str | None = None) -> bool:
        output = self.cluster.kubectl(
            "-n",
            namespace or self.namespace,
            "get",
            kind,
            name,
            "--ignore-not-found",
            "-o",
            "name",
        )
        return bool(output.strip())

    def configmap(self, name: str, namespace: str | None = None) -> ConfigMap:
        return self.client.get(ConfigMap, name, namespace=namespace or self.namespace)

    def datafile_text(self, configmap: str, namespace: str | None = None) -> str:
        data = self.configmap(configmap, namespace).data or {}
        return data["datafile.json"]

    def condition(self, kind: str, name: str, condition: str) -> dict[str, Any] | None:
        status = self.get(kind, name).get("status") or {}
        for item in status.get("conditions") or []:
            if item.get("type") == condition:
                found: dict[str, Any] = item
                return found
        return None


class WriteCounter:
    """Counts ADDED and MODIFIED watch events per ConfigMap name in a namespace.

    Started before the action under test, from the namespace's current resourceVersion, so
    every write after that moment is seen exactly once (the API server sends one event per
    write, and a watch never merges writes).
    """

    def __init__(self, kube: Kube, namespace: str | None = None) -> None:
        self.kube = kube
        self.namespace = namespace or kube.namespace
        self.writes: Counter[str] = Counter()
        self.revisions: dict[str, list[str]] = {}
        """The `kubevisor.io/revision` annotation of each write, in order, per name."""
        self.events: list[tuple[str, str, str, str]] = []
        """(event type, name, resourceVersion, revision) of every write seen."""
        self._stop = threading.Event()
        self._error: BaseException | None = None
        listing = kube.client.list(ConfigMap, namespace=self.namespace)
        list(listing)  # the list's resourceVersion is known once it is read
        self._version = str(listing.resourceVersion)  # type: ignore[attr-defined]
        assert self._version, "the ConfigMap list carried no resourceVersion"
        self.start_version = self._version
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> WriteCounter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()

    def _run(self) -> None:
        client = Client(KubeConfig.from_file(self.kube.cluster.kubeconfig))
        try:
            while not self._stop.is_set():
                for event, obj in client.watch(
                    ConfigMap,
                    namespace=self.namespace,
                    resource_version=self._version,
                    server_timeout=5,
                ):
                    assert obj.metadata is not None
                    self._version = str(obj.metadata.resourceVersion)
                    if event in ("ADDED", "MODIFIED"):
                        name = str(obj.metadata.name)
                        self.writes[name] += 1
                        revision = (obj.metadata.annotations or {}).get("kubevisor.io/revision")
                        self.revisions.setdefault(name, []).append(str(revision))
                        self.events.append((event, name, self._version, str(revision)))
                    if self._stop.is_set():
                        return
        except BaseException as error:  # reported by `count`
            self._error = error

    def count(self, name: str) -> int:
        if self._error is not None:
            raise AssertionError(f"the ConfigMap watch failed: {self._error!r}")
        return self.writes[name]


def resource_versions(kube: Kube, names: Iterable[str]) -> dict[str, str]:
    """resourceVersion of each named ConfigMap of the namespace."""
    versions = {}
    for name in names:
        metadata = kube.configmap(name).metadata
        assert metadata is not None
        versions[name] = str(metadata.resourceVersion)
    return versions


API_VERSION = "kubevisor.io/v1alpha1"
ENVIRONMENT = "production"


def resource(kind: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": {"name": name}, "spec": spec}


def feature(key: str, *, percentage: float = 100, segments: Any = "*") -> dict[str, Any]:
    """A Feature whose one production rule lets `percentage` % of `segments` in."""
    name = key.lower()
    spec = {
        "key": key,
        "description": f"Feature {key}",
        "tags": ["all"],
        "bucketBy": "userId",
        "rules": {ENVIRONMENT: [{"key": "main", "segments": segments, "percentage": percentage}]},
    }
    return resource("Feature", name, spec)


def base_objects(
    *, features: Iterable[str] = ("checkout", "banner"), datafile: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """A small project: two attributes, one segment, some features and one Datafile named
    `production` (ConfigMap `production`) with extra `datafile` spec fields."""
    return [
        resource("Attribute", "userid", {"key": "userId", "description": "User", "type": "string"}),
        resource("Attribute", "country", {"description": "Country", "type": "string"}),
        resource(
            "Segment",
            "nl",
            {
                "description": "Dutch users",
                "conditions": [{"attribute": "country", "operator": "equals", "value": "nl"}],
            },
        ),
        *(feature(key) for key in features),
        resource(
            "Datafile",
            "production",
            {
                "target": "all",
                "environment": ENVIRONMENT,
                "description": "All features",
                "tag": "all",
                **(datafile or {}),
            },
        ),
    ]


def object_store_spec(cluster: ClusterInfo, bucket: str, secret: str = "s3") -> dict[str, Any]:
    return {
        "url": f"s3://{bucket}/flags",
        "endpoint": cluster.s3_endpoint,
        "region": cluster.s3_region,
        "credentialsSecret": {"name": secret},
    }


def credentials_secret(cluster: ClusterInfo, name: str = "s3") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": name},
        "stringData": {
            "AWS_ACCESS_KEY_ID": cluster.s3_access_key,
            "AWS_SECRET_ACCESS_KEY": cluster.s3_secret_key,
        },
    }


POLLED_KEY = f"flags/{ENVIRONMENT}/featurevisor-all.json"


def s3_text(cluster: ClusterInfo, bucket: str, key: str = POLLED_KEY) -> str | None:
    """The object's text, or None while it does not exist or the server cannot serve it yet
    (a restarted S3 server answers InternalError for a moment; callers poll)."""
    client = s3_client(cluster)
    try:
        body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
    except client.exceptions.NoSuchKey:
        return None
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in TRANSIENT_S3_ERRORS:
            return None
        raise
    except EndpointConnectionError:
        return None
    return str(body.decode())


TRANSIENT_S3_ERRORS = ("InternalError", "ServiceUnavailable", "SlowDown")


def revision_of(text: str) -> str:
    return str(json.loads(text)["revision"])


def published_revision(kube: Kube, name: str = "production") -> str | None:
    """The revision the Datafile's status says is served, once Ready."""
    status = kube.get("datafile", name).get("status") or {}
    ready = next((c for c in status.get("conditions") or [] if c["type"] == "Ready"), None)
    if ready is None or ready["status"] != "True":
        return None
    return str(status.get("revision"))

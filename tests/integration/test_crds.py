"""The CRDs against a real kube-apiserver: install, validate, explain, round-trip."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from crd_cases import INVALID_CASES, VALID_SPECS, VALID_VARIANTS, InvalidCase
from kubevisor.cli import main as kubevisor_main
from kubevisor.crds import GROUP, KINDS, VERSION
from kubevisor.devcluster.state import ClusterInfo, KubectlError

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "conformance" / "fixtures"
CONFORMANCE_PROJECTS = {
    "example-1": FIXTURES / "example-1" / "project",
    "example-yml": FIXTURES / "example-yml" / "project",
    "example-json": FIXTURES / "example-json" / "project",
    "mini": FIXTURES / "mini" / "input",
}
CRDS_DIR = REPO / "crds"
NAMESPACE = "crds-test"
# Server-side apply: client-side `kubectl apply` strips `null` values (null means "delete" in
# its merge patches), so Featurevisor nulls such as `defaultValue: null` only survive SSA.
SERVER_SIDE_APPLY = ("apply", "--server-side", "--field-manager=kubevisor-tests", "-f", "-")
SERVER_SIDE_DRY_RUN = (*SERVER_SIDE_APPLY, "--dry-run=server")
POLICY_SYNC_TIMEOUT = 60.0


def manifest(kind: str, name: str, spec: dict[str, Any], namespace: str = NAMESPACE) -> str:
    return json.dumps(
        {
            "apiVersion": f"{GROUP}/{VERSION}",
            "kind": kind,
            "metadata": {"name": name, "namespace": namespace},
            "spec": spec,
        }
    )


@pytest.fixture(scope="module")
def kube(cluster: ClusterInfo) -> Iterator[ClusterInfo]:
    """The cluster with the CRDs installed and Established, and a test namespace."""
    cluster.kubectl(
        "apply", "--server-side", "--field-manager=kubevisor-tests", "-f", str(CRDS_DIR)
    )
    names = [f"crd/{info.crd_name}" for info in KINDS]
    cluster.kubectl("wait", "--for=condition=Established", "--timeout=60s", *names)
    cluster.kubectl("create", "namespace", NAMESPACE)
    _wait_until_policies_enforce(cluster)
    yield cluster
    cluster.kubectl("delete", "namespace", NAMESPACE, "--wait=false")


def _wait_until_policies_enforce(cluster: ClusterInfo) -> None:
    """Admission policies take effect a moment after they are created: probe until they do."""
    probe = {**VALID_SPECS["Feature"], "bucketBy": 7}
    deadline = time.monotonic() + POLICY_SYNC_TIMEOUT
    while time.monotonic() < deadline:
        try:
            cluster.kubectl(*SERVER_SIDE_DRY_RUN, stdin=manifest("Feature", "probe", probe))
        except KubectlError as error:
            if "ValidatingAdmissionPolicy" in str(error):
                return
            raise
        time.sleep(0.5)
    raise AssertionError(f"admission policies not enforced after {POLICY_SYNC_TIMEOUT} s")


def test_crds_are_established_with_names_accepted(kube: ClusterInfo) -> None:
    for info in KINDS:
        crd = json.loads(kube.kubectl("get", f"crd/{info.crd_name}", "-o", "json"))
        statuses = {c["type"]: c["status"] for c in crd["status"]["conditions"]}
        assert statuses.get("Established") == "True", info.kind
        assert statuses.get("NamesAccepted") == "True", info.kind


@pytest.mark.parametrize("kind", sorted(VALID_SPECS))
def test_valid_base_objects_are_accepted(kube: ClusterInfo, kind: str) -> None:
    out = kube.kubectl(*SERVER_SIDE_DRY_RUN, stdin=manifest(kind, "valid", VALID_SPECS[kind]))
    assert "serverside-applied (server dry run)" in out


@pytest.mark.parametrize("variant", sorted(VALID_VARIANTS))
def test_other_valid_shapes_are_accepted(kube: ClusterInfo, variant: str) -> None:
    kind, spec = VALID_VARIANTS[variant]
    out = kube.kubectl(*SERVER_SIDE_DRY_RUN, stdin=manifest(kind, "variant", spec))
    assert "serverside-applied (server dry run)" in out


@pytest.mark.parametrize("case", INVALID_CASES, ids=[case.name for case in INVALID_CASES])
def test_invalid_objects_are_rejected_naming_the_field(
    kube: ClusterInfo, case: InvalidCase
) -> None:
    with pytest.raises(KubectlError) as rejected:
        kube.kubectl(*SERVER_SIDE_DRY_RUN, stdin=manifest(case.kind, "bad", case.spec()))
    message = str(rejected.value)
    assert case.field in message, message
    assert case.words in message, message


def test_get_featurevisor_lists_every_kind(kube: ClusterInfo) -> None:
    for kind, spec in VALID_SPECS.items():
        kube.kubectl(*SERVER_SIDE_APPLY, stdin=manifest(kind, f"listed-{kind.lower()}", spec))
    names = kube.kubectl("get", "featurevisor", "-n", NAMESPACE, "-o", "name").split()
    kinds = {name.split("/")[0].split(".")[0] for name in names}
    assert kinds == {info.kind.lower() for info in KINDS}


def test_explain_describes_feature_rules(kube: ClusterInfo) -> None:
    out = kube.kubectl("explain", "feature.spec.rules")
    assert "Rollout rules" in out
    assert "environments mode" in out


def _assert_sorted_keys(value: Any, path: str = "") -> None:
    if isinstance(value, dict):
        assert list(value) == sorted(value), f"keys at {path or '.'} are not sorted: {list(value)}"
        for name, child in value.items():
            _assert_sorted_keys(child, f"{path}.{name}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            _assert_sorted_keys(child, f"{path}[{index}]")


def test_feature_round_trips_with_nulls_and_sorted_keys(kube: ClusterInfo) -> None:
    spec = {
        "key": "roundTrip",
        "description": "Nulls and nested values survive the API server",
        "bucketBy": {"or": ["userId", "deviceId"]},
        "variablesSchema": {
            "zeta": {"type": "object", "defaultValue": {"b": None, "a": [1, None]}},
            "alpha": {"type": "string", "defaultValue": None, "disabledValue": None},
        },
        "variations": [
            {"value": "on", "weight": 100, "variables": {"zeta": {"b": 2, "a": None}}},
        ],
        "rules": [
            {
                "key": "everyone",
                "segments": {"or": ["beta", {"not": ["internal"]}]},
                "percentage": 100,
                "variables": {"alpha": None},
                "variableOverrides": {
                    "alpha": [
                        {
                            "conditions": [
                                {"attribute": "country", "operator": "equals", "value": None}
                            ],
                            "value": None,
                        }
                    ]
                },
            }
        ],
        "force": [{"conditions": {"attribute": "x", "operator": "exists"}, "variables": {}}],
    }
    kube.kubectl(*SERVER_SIDE_APPLY, stdin=manifest("Feature", "round-trip", spec))
    stored = json.loads(
        kube.kubectl("get", "features.kubevisor.io/round-trip", "-n", NAMESPACE, "-o", "json")
    )
    assert stored["spec"] == spec
    _assert_sorted_keys(stored["spec"])


def test_client_side_apply_loses_nulls_and_fails_loudly(kube: ClusterInfo) -> None:
    """kubectl's client-side apply drops `defaultValue: null`; the schema then refuses the
    object instead of storing a different feature."""
    spec = {
        "description": "d",
        "bucketBy": "userId",
        "variablesSchema": {"a": {"type": "string", "defaultValue": None}},
        "rules": [{"key": "all", "segments": "*", "percentage": 100}],
    }
    with pytest.raises(KubectlError) as rejected:
        kube.kubectl("apply", "--dry-run=server", "-f", "-", stdin=manifest("Feature", "cs", spec))
    assert "spec.variablesSchema.a.defaultValue: Required value" in str(rejected.value)
    kube.kubectl(*SERVER_SIDE_DRY_RUN, stdin=manifest("Feature", "cs", spec))


def _documents(paths: list[Path]) -> list[dict[str, Any]]:
    return [
        doc for path in paths for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc
    ]


def _object_name(doc: dict[str, Any]) -> str:
    """The name `kubectl get -o name` prints for this manifest."""
    return f"{doc['kind'].lower()}.{GROUP}/{doc['metadata']['name']}"


@pytest.mark.parametrize("name", sorted(CONFORMANCE_PROJECTS))
def test_imported_conformance_manifests_apply_cleanly(
    kube: ClusterInfo, tmp_path: Path, name: str
) -> None:
    """Every object `kubevisor import` writes passes the schemas, CEL and admission policies."""
    namespace = f"crds-import-{name}"
    out = tmp_path / "manifests"
    command = [
        "import",
        str(CONFORMANCE_PROJECTS[name]),
        "--out",
        str(out),
        "--namespace",
        namespace,
    ]
    assert kubevisor_main(command) == 0
    objects = [path for path in sorted(out.rglob("*.yaml")) if path.name != "kustomization.yaml"]
    written = [_object_name(doc) for doc in _documents(objects)]
    assert written, f"kubevisor import wrote no manifests for {name}"
    kube.kubectl("create", "namespace", namespace)
    try:
        kube.kubectl("apply", "--server-side", "--field-manager=kubevisor-tests", "-k", str(out))
        stored = kube.kubectl("get", "featurevisor", "-n", namespace, "-o", "name").split()
        assert sorted(stored) == sorted(written)
    finally:
        kube.kubectl("delete", "namespace", namespace, "--wait=false")


def _status_patch(conditions: list[dict[str, Any]], **fields: Any) -> str:
    return json.dumps({"status": {"observedGeneration": 1, "conditions": conditions, **fields}})


READY = {
    "type": "Ready",
    "status": "True",
    "reason": "Published",
    "message": "revision 7 published",
    "lastTransitionTime": "2026-01-01T00:00:00Z",
    "observedGeneration": 1,
}


def test_status_subresource_and_printer_columns(kube: ClusterInfo) -> None:
    kube.kubectl(*SERVER_SIDE_APPLY, stdin=manifest("Datafile", "columns", VALID_SPECS["Datafile"]))
    kube.kubectl(*SERVER_SIDE_APPLY, stdin=manifest("Feature", "columns", VALID_SPECS["Feature"]))
    datafile_status = _status_patch(
        [READY],
        revision="7",
        digest="sha256:" + "0" * 64,
        sizeBytes=1234,
        features=1,
        segments=0,
        publishedAt="2026-01-01T00:00:00Z",
        outputs=[{"output": "configMap", "location": f"{NAMESPACE}/featurevisor-web"}],
    )
    for resource, patch in (
        ("datafile/columns", datafile_status),
        ("feature/columns", _status_patch([READY])),
    ):
        kube.kubectl(
            "patch", resource, "-n", NAMESPACE, "--subresource=status", "--type=merge", "-p", patch
        )
    datafiles = kube.kubectl("get", "fvd", "columns", "-n", NAMESPACE).splitlines()
    assert datafiles[0].split() == ["NAME", "TARGET", "ENVIRONMENT", "READY", "REVISION", "AGE"]
    assert datafiles[1].split()[:5] == ["columns", "web", "production", "True", "7"]
    features = kube.kubectl("get", "fvf", "columns", "-n", NAMESPACE).splitlines()
    assert features[0].split() == ["NAME", "KEY", "READY", "AGE"]
    assert features[1].split()[:3] == ["columns", "checkout/newFlow", "True"]


def test_status_conditions_are_validated(kube: ClusterInfo) -> None:
    kube.kubectl(*SERVER_SIDE_APPLY, stdin=manifest("Segment", "status", VALID_SPECS["Segment"]))
    bad = _status_patch([{**READY, "status": "Maybe"}])
    with pytest.raises(KubectlError) as rejected:
        kube.kubectl(
            "patch",
            "segment/status",
            "-n",
            NAMESPACE,
            "--subresource=status",
            "--type=merge",
            "-p",
            bad,
        )
    assert "status.conditions[0].status" in str(rejected.value)
    assert "Unsupported value" in str(rejected.value)


def test_example_manifests_apply_cleanly(kube: ClusterInfo) -> None:
    """The hand-written example project in examples/shop passes every schema and policy."""
    example = REPO / "examples" / "shop"
    documents = _documents(sorted(example.glob("*.yaml")))
    written = [_object_name(doc) for doc in documents]
    namespaces = {doc["metadata"]["namespace"] for doc in documents}
    assert written and len(namespaces) == 1
    (namespace,) = namespaces
    kube.kubectl("create", "namespace", namespace)
    try:
        kube.kubectl(
            "apply", "--server-side", "--field-manager=kubevisor-tests", "-f", str(example)
        )
        stored = kube.kubectl("get", "featurevisor", "-n", namespace, "-o", "name").split()
        assert sorted(stored) == sorted(written)
    finally:
        kube.kubectl("delete", "namespace", namespace, "--wait=false")

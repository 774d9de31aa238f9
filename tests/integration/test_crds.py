"""The CRDs against a real kube-apiserver: install, validate, explain, round-trip."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from crd_cases import INVALID_CASES, VALID_SPECS, InvalidCase
from kubevisor.crds import GROUP, KINDS, VERSION

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
CRDS_DIR = REPO / "crds"
NAMESPACE = "crds-test"


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
def kube(cluster: Any) -> Iterator[Any]:
    """The cluster with the CRDs installed and Established, and a test namespace."""
    cluster.kubectl(
        "apply", "--server-side", "--field-manager=kubevisor-tests", "-f", str(CRDS_DIR)
    )
    names = [f"crd/{info.crd_name}" for info in KINDS]
    cluster.kubectl("wait", "--for=condition=Established", "--timeout=60s", *names)
    cluster.kubectl("create", "namespace", NAMESPACE)
    yield cluster
    cluster.kubectl("delete", "namespace", NAMESPACE, "--wait=false")


def test_crds_are_established_with_names_accepted(kube: Any) -> None:
    for info in KINDS:
        crd = json.loads(kube.kubectl("get", f"crd/{info.crd_name}", "-o", "json"))
        statuses = {c["type"]: c["status"] for c in crd["status"]["conditions"]}
        assert statuses.get("Established") == "True", info.kind
        assert statuses.get("NamesAccepted") == "True", info.kind


@pytest.mark.parametrize("kind", sorted(VALID_SPECS))
def test_valid_base_objects_are_accepted(kube: Any, kind: str) -> None:
    out = kube.kubectl(
        "apply", "--dry-run=server", "-f", "-", stdin=manifest(kind, "valid", VALID_SPECS[kind])
    )
    assert "created (server dry run)" in out


@pytest.mark.parametrize("case", INVALID_CASES, ids=[case.name for case in INVALID_CASES])
def test_invalid_objects_are_rejected_naming_the_field(kube: Any, case: InvalidCase) -> None:
    with pytest.raises(Exception) as rejected:
        kube.kubectl(
            "apply", "--dry-run=server", "-f", "-", stdin=manifest(case.kind, "bad", case.spec())
        )
    message = str(rejected.value)
    assert case.field in message, message
    assert case.words in message, message


def test_get_featurevisor_lists_every_kind(kube: Any) -> None:
    for kind, spec in VALID_SPECS.items():
        kube.kubectl("apply", "-f", "-", stdin=manifest(kind, f"listed-{kind.lower()}", spec))
    names = kube.kubectl("get", "featurevisor", "-n", NAMESPACE, "-o", "name").split()
    kinds = {name.split("/")[0].split(".")[0] for name in names}
    assert kinds == {info.kind.lower() for info in KINDS}


def test_explain_describes_feature_rules(kube: Any) -> None:
    out = kube.kubectl("explain", "features.spec.rules", f"--api-version={GROUP}/{VERSION}")
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


def test_feature_round_trips_with_nulls_and_sorted_keys(kube: Any) -> None:
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
    kube.kubectl("apply", "-f", "-", stdin=manifest("Feature", "round-trip", spec))
    stored = json.loads(
        kube.kubectl("get", "features.kubevisor.io/round-trip", "-n", NAMESPACE, "-o", "json")
    )
    assert stored["spec"] == spec
    _assert_sorted_keys(stored["spec"])

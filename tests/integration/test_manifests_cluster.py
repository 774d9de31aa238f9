"""Imported manifests applied with kubectl to a real API server build the official datafiles.

This is the trip the annotation `kubevisor.io/key-order` exists for: kubectl reads the YAML as
YAML 1.1, the API server validates against the CRDs and returns every map sorted; building what
`kubectl get -o json` returns must still give upstream's bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kubevisor.cli import main
from kubevisor.crds import KINDS

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "conformance" / "fixtures"
PROJECTS = [
    ("example-1", FIXTURES / "example-1" / "project", FIXTURES / "example-1" / "official", "3.1.0"),
    (
        "example-yml",
        FIXTURES / "example-yml" / "project",
        FIXTURES / "example-yml" / "official",
        "3.1.0",
    ),
    (
        "example-json",
        FIXTURES / "example-json" / "project",
        FIXTURES / "example-json" / "official",
        "3.1.0",
    ),
    ("mini", FIXTURES / "mini" / "input", FIXTURES / "mini" / "expected", "unknown"),
]


def tree(directory: Path) -> dict[str, bytes]:
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def kube(cluster: Any) -> Iterator[Any]:
    """The cluster with the CRDs installed and Established."""
    crd_files = [f"--filename={REPO / 'crds' / (info.crd_name + '.yaml')}" for info in KINDS]
    cluster.kubectl("apply", "--server-side", "--field-manager=kubevisor-tests", *crd_files)
    names = [f"crd/{info.crd_name}" for info in KINDS]
    cluster.kubectl("wait", "--for=condition=Established", "--timeout=60s", *names)
    yield cluster


def round_trip(kube: Any, project: Path, namespace: str, tmp_path: Path) -> Path:
    """Import, apply with kubectl, list back as JSON: the file the cluster's objects give."""
    manifests = tmp_path / "manifests"
    assert main(["import", str(project), "--out", str(manifests), "--namespace", namespace]) == 0
    kube.kubectl("apply", "--server-side", "--field-manager=kubevisor-tests", "-k", str(manifests))
    resources = ",".join(info.crd_name for info in KINDS)
    listed = tmp_path / "cluster.json"
    listed.write_text(kube.kubectl("get", resources, "-n", namespace, "-o", "json"), "utf-8")
    return listed


@pytest.fixture
def namespace(kube: Any, request: pytest.FixtureRequest) -> Iterator[str]:
    name = "import-" + request.node.callspec.id if hasattr(request.node, "callspec") else "import"
    kube.kubectl("create", "namespace", name)
    yield name
    kube.kubectl("delete", "namespace", name, "--wait=false")


@pytest.mark.parametrize(
    ("project", "official", "version"),
    [project[1:] for project in PROJECTS],
    ids=[project[0] for project in PROJECTS],
)
def test_manifests_read_back_from_the_cluster_build_the_official_datafiles(
    kube: Any, namespace: str, tmp_path: Path, project: Path, official: Path, version: str
) -> None:
    listed = round_trip(kube, project, namespace, tmp_path)
    out = tmp_path / "out"
    assert main(["build", str(listed), "--out", str(out), "--featurevisor-version", version]) == 0
    assert tree(out / namespace) == tree(official / "datafiles")
    assert tree(out / ".kubevisor-state" / namespace) == tree(official / "state")


def test_yaml_1_1_pitfalls_survive_kubectl_and_the_api_server(
    kube: Any, namespace: str, tmp_path: Path
) -> None:
    project = REPO / "tests" / "conformance" / "yaml11-pitfalls" / "project"
    expected = tmp_path / "expected"
    build = ["build", str(project), "--out", str(expected), "--state-dir", str(tmp_path / "st")]
    assert main(build) == 0
    listed = round_trip(kube, project, namespace, tmp_path)
    assert main(["build", str(listed), "--out", str(tmp_path / "out")]) == 0
    assert tree(tmp_path / "out" / namespace) == tree(expected)

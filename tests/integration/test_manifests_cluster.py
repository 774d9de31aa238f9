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


@pytest.mark.parametrize(
    ("name", "project", "official", "version"), PROJECTS, ids=[p[0] for p in PROJECTS]
)
def test_manifests_read_back_from_the_cluster_build_the_official_datafiles(
    kube: Any, tmp_path: Path, name: str, project: Path, official: Path, version: str
) -> None:
    namespace = f"import-{name}"
    kube.kubectl("create", "namespace", namespace)
    try:
        manifests = tmp_path / "manifests"
        assert (
            main(["import", str(project), "--out", str(manifests), "--namespace", namespace]) == 0
        )
        kube.kubectl(
            "apply", "--server-side", "--field-manager=kubevisor-tests", "-R", "-f", str(manifests)
        )
        resources = ",".join(info.crd_name for info in KINDS)
        listed = kube.kubectl("get", resources, "-n", namespace, "-o", "json")
        (tmp_path / "cluster.json").write_text(listed, encoding="utf-8")
        out = tmp_path / "out"
        assert (
            main(
                [
                    "build",
                    str(tmp_path / "cluster.json"),
                    "--out",
                    str(out),
                    "--featurevisor-version",
                    version,
                ]
            )
            == 0
        )
        assert tree(out / namespace) == tree(official / "datafiles")
        assert tree(out / ".kubevisor-state" / namespace) == tree(official / "state")
    finally:
        kube.kubectl("delete", "namespace", namespace, "--wait=false")

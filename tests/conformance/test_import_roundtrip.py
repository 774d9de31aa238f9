"""`kubevisor import` then `kubevisor build` of the manifests gives the official datafiles.

Three ways to the same bytes: the manifest files as written, the same objects after a trip
through the API server (every map sorted, JSON), and the manifests read by other YAML readers.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from kubevisor.cli import main
from kubevisor.core.definitions import JSON, Kind
from kubevisor.core.keyorder import sort_like_apiserver
from kubevisor.sources.kubectl_yaml import iter_documents
from kubevisor.sources.project import load_project
from kubevisor.sources.yaml12 import load_yaml

FIXTURES = Path("tests/conformance/fixtures")
# project folder, official output folder, featurevisorVersion of that output
PROJECTS = [
    (FIXTURES / "example-1" / "project", FIXTURES / "example-1" / "official", "3.1.0"),
    (FIXTURES / "example-yml" / "project", FIXTURES / "example-yml" / "official", "3.1.0"),
    (FIXTURES / "example-json" / "project", FIXTURES / "example-json" / "official", "3.1.0"),
    (FIXTURES / "mini" / "input", FIXTURES / "mini" / "expected", "unknown"),
]
IDS = ["example-1", "example-yml", "example-json", "mini"]
FOLDERS = {
    Kind.ATTRIBUTE: "attributes",
    Kind.SEGMENT: "segments",
    Kind.FEATURE: "features",
    Kind.GROUP: "groups",
    Kind.SCHEMA: "schemas",
}


def tree(directory: Path) -> dict[str, bytes]:
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def run(*argv: str) -> None:
    assert main(list(argv)) == 0


def import_project(project: Path, out: Path) -> None:
    run("import", str(project), "--out", str(out))


def build(manifests: Path, out: Path, version: str, *options: str) -> None:
    run("build", str(manifests), "--out", str(out), "--featurevisor-version", version, *options)


def assert_official(out: Path, official: Path) -> None:
    assert tree(out / "default") == tree(official / "datafiles")
    assert tree(out / ".kubevisor-state" / "default") == tree(official / "state")


def through_apiserver(manifests: Path, destination: Path) -> None:
    """What the cluster returns for the applied manifests: kubectl's reading, maps sorted, JSON."""
    for path in sorted(manifests.rglob("*.yaml")):
        [document] = iter_documents(path.read_text(encoding="utf-8"))
        assert not document.error
        returned = json.loads(json.dumps(sort_like_apiserver(document.value)))
        target = destination / path.relative_to(manifests).with_suffix(".json")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(returned), encoding="utf-8")


@pytest.mark.parametrize(("project", "official", "version"), PROJECTS, ids=IDS)
def test_import_then_build_gives_the_official_datafiles(
    tmp_path: Path, project: Path, official: Path, version: str
) -> None:
    import_project(project, tmp_path / "manifests")
    build(tmp_path / "manifests", tmp_path / "out", version)
    assert_official(tmp_path / "out", official)


@pytest.mark.parametrize(("project", "official", "version"), PROJECTS, ids=IDS)
def test_same_bytes_after_the_api_server_sorted_everything(
    tmp_path: Path, project: Path, official: Path, version: str
) -> None:
    import_project(project, tmp_path / "manifests")
    through_apiserver(tmp_path / "manifests", tmp_path / "cluster")
    assert not list((tmp_path / "cluster").rglob("*.yaml"))
    build(tmp_path / "cluster", tmp_path / "out", version)
    assert_official(tmp_path / "out", official)


def test_incremental_build_keeps_state_like_upstream(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "mini" / "input", project)
    import_project(project, tmp_path / "manifests")
    build(tmp_path / "manifests", tmp_path / "out", "unknown")
    shutil.copy(FIXTURES / "mini" / "step2" / "checkout.yml", project / "features")
    import_project(project, tmp_path / "manifests")
    # step2 raises a percentage to 300 on purpose (upstream builds it; lint would refuse)
    build(tmp_path / "manifests", tmp_path / "out", "unknown", "--no-lint")
    assert_official(tmp_path / "out", FIXTURES / "mini" / "step2" / "expected")


def same(left: JSON, right: JSON) -> bool:
    """Equal values of equal types (True is not 1, 1.0 is not 1) with equal key order."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return list(left) == list(right) and all(same(left[k], right[k]) for k in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(map(same, left, right))
    return bool(left == right)


def pyyaml(text: str) -> JSON:
    return yaml.safe_load(text)


def kubectl(text: str) -> JSON:
    [document] = iter_documents(text)
    return document.value


def featurevisor(text: str) -> JSON:
    return load_yaml(text, "manifest")


@pytest.mark.parametrize("reader", [pyyaml, kubectl, featurevisor])
@pytest.mark.parametrize(("project", "official", "version"), PROJECTS, ids=IDS)
def test_yaml_readers_read_back_exactly_the_definitions(
    tmp_path: Path,
    project: Path,
    official: Path,
    version: str,
    reader: Callable[[str], JSON],
) -> None:
    definitions = load_project(project)
    import_project(project, tmp_path)
    compared = 0
    for kind, folder in FOLDERS.items():
        for path in sorted((tmp_path / folder).glob("*.yaml")):
            manifest = reader(path.read_text(encoding="utf-8"))
            spec = dict(manifest["spec"])
            key = spec.pop("key")
            assert same(spec, definitions.of_kind(kind)[key]), (path, key)
            compared += 1
    assert compared == sum(len(definitions.of_kind(kind)) for kind in FOLDERS)


PITFALLS = Path("tests/conformance/yaml11-pitfalls/project")


def test_yaml_1_1_pitfalls_build_like_the_project(tmp_path: Path) -> None:
    """Values kubectl would misread build the same bytes from manifests as from the project."""
    run(
        "build",
        str(PITFALLS),
        "--out",
        str(tmp_path / "expected"),
        "--state-dir",
        str(tmp_path / "expected-state"),
    )
    import_project(PITFALLS, tmp_path / "manifests")
    build(tmp_path / "manifests", tmp_path / "out", "3.1.0")
    through_apiserver(tmp_path / "manifests", tmp_path / "cluster")
    build(tmp_path / "cluster", tmp_path / "cluster-out", "3.1.0")
    expected = tree(tmp_path / "expected")
    datafile = expected["production/featurevisor-all.json"]
    assert b'[\\"no\\",\\"on\\",\\"2024-01-01\\",\\"~\\",\\"y\\",\\"n\\"]' in datafile
    assert b'\\"attribute\\":\\"age\\",\\"operator\\":\\"equals\\",\\"value\\":12}' in datafile
    assert tree(tmp_path / "out" / "default") == expected
    assert tree(tmp_path / "cluster-out" / "default") == expected
    assert tree(tmp_path / "out" / ".kubevisor-state" / "default") == tree(
        tmp_path / "expected-state"
    )

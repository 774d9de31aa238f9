"""Issue 4, first "done when": the imported example-1 project, applied to a real API server, is
published by the operator byte for byte like `kubevisor build`, to its ConfigMaps and to S3, and
the official Python SDK loaded from those ConfigMaps passes every example-1 test spec."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from featurevisor import create_featurevisor
from featurevisor import tester as official_tester
from kubevisor.core.testing.matrix import expand_feature_assertions, expand_segment_assertions
from kubevisor.sources.project import load_project
from operator_helpers import REPO, Kube, OperatorProcess, wait_until
from s3_helpers import s3_client

PROJECT = REPO / "tests" / "conformance" / "fixtures" / "example-1" / "project"
ENVIRONMENTS = ("staging", "production")
TARGETS = ("all", "checkout")
EVERYTHING = "everything"
"""An extra Datafile per environment with no selectors: the all-features datafile that test
specs without a target read (upstream's tester builds it in memory)."""
S3_PREFIX = "example-1"
SECRET = "s3-credentials"


def kubevisor(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "kubevisor", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, f"kubevisor {' '.join(args)}: {result.stderr}"
    return result.stdout


def import_example(kube: Kube, out: Path, bucket: str) -> None:
    """`kubevisor import` the project, then add the all-features Datafiles and an object-store
    output on production-all, as a user would edit the manifests."""
    kubevisor("import", str(PROJECT), "--out", str(out), "--namespace", kube.namespace)
    # applied below with `-R -f` together with added files: keep only the objects
    (out / "kustomization.yaml").unlink()
    shutil.rmtree(out / "tests")
    datafiles = out / "datafiles"
    production_all = datafiles / "production-all.yaml"
    manifest = yaml.safe_load(production_all.read_text())
    manifest["spec"]["objectStore"] = {
        "url": f"s3://{bucket}/{S3_PREFIX}",
        "endpoint": kube.cluster.s3_endpoint,
        "region": kube.cluster.s3_region,
        "credentialsSecret": {"name": SECRET},
    }
    production_all.write_text(yaml.safe_dump(manifest, sort_keys=False))
    for environment in ENVIRONMENTS:
        base = yaml.safe_load((datafiles / f"{environment}-all.yaml").read_text())
        spec = {
            key: value
            for key, value in base["spec"].items()
            if key not in ("tag", "tags", "objectStore")
        }
        spec["description"] = "Every feature (the datafile of test specs without a target)"
        spec["target"] = EVERYTHING
        everything = {
            "apiVersion": base["apiVersion"],
            "kind": "Datafile",
            "metadata": {"name": f"{environment}-{EVERYTHING}", "namespace": kube.namespace},
            "spec": spec,
        }
        (datafiles / f"{environment}-{EVERYTHING}.yaml").write_text(yaml.safe_dump(everything))


def credentials_secret(kube: Kube) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": SECRET},
        "stringData": {
            "AWS_ACCESS_KEY_ID": kube.cluster.s3_access_key,
            "AWS_SECRET_ACCESS_KEY": kube.cluster.s3_secret_key,
        },
    }


def all_published(kube: Kube, names: list[str]) -> bool:
    for name in names:
        ready = kube.condition("datafile", name, "Ready")
        if not ready or ready["status"] != "True":
            raise LookupError(f"Datafile {name} not Ready: {ready}")
    return True


def official_sdk(datafile_text: str, assertion: dict[str, Any]) -> Any:
    """The official SDK as upstream's tester sets it up, fed the published bytes."""
    at = assertion.get("at")
    sdk = create_featurevisor(
        {
            "stickyFeatures": assertion.get("stickyFeatures") or assertion.get("sticky", {}),
            "modules": [
                {
                    "name": "tester",
                    "bucketValue": lambda opts: (
                        int(at * 1000) if at is not None else opts["bucketValue"]
                    ),
                }
            ],
            "logLevel": "fatal",
        }
    )
    sdk.set_datafile(datafile_text)
    assert sdk.get_revision() == json.loads(datafile_text)["revision"]
    return sdk


def run_feature_spec(
    spec: dict[str, Any], datafile_for: Callable[[str, str | None], str]
) -> list[str]:
    """Failures of one feature test spec, evaluated by the official SDK's own assertion code."""
    failures: list[str] = []
    feature_key = spec["feature"]
    for assertion in expand_feature_assertions(spec["assertions"]):
        text = datafile_for(assertion["environment"], assertion.get("target"))
        sdk = official_sdk(text, assertion)
        context = dict(assertion.get("context") or {})
        if context:
            sdk.set_context(context)
        result: dict[str, Any] = {"passed": True}
        outcome: dict[str, Any] = {"passed": True, "errors": []}
        datafile = json.loads(text)
        official_tester._assert_feature(
            sdk, feature_key, {**assertion, "context": context}, datafile, result, outcome
        )
        for index, child in enumerate(assertion.get("children") or []):
            sticky = child.get("sticky") or assertion.get("sticky")
            spawned = sdk.spawn(child.get("context", {}), {"stickyFeatures": sticky})
            official_tester._assert_feature(
                spawned, feature_key, child, datafile, result, outcome, child_index=index
            )
        sdk.close()
        if not outcome["passed"]:
            failures.append(f"{feature_key} {assertion['description']}: {outcome['errors']}")
    return failures


def test_example_1_is_published_byte_identical_and_passes_its_specs_in_the_official_sdk(
    kube: Kube,
    operators: Callable[..., OperatorProcess],
    bucket: str,
    tmp_path: Path,
) -> None:
    manifests = tmp_path / "manifests"
    import_example(kube, manifests, bucket)
    kube.apply([credentials_secret(kube)])
    operators()
    kube.cluster.kubectl(
        "apply", "--server-side", "--field-manager=tests", "-R", "-f", str(manifests)
    )

    names = [f"{env}-{target}" for env in ENVIRONMENTS for target in (*TARGETS, EVERYTHING)]
    wait_until(lambda: all_published(kube, names), timeout=90, what="every Datafile Ready")

    # Offline builds: of the very manifests applied, and of the project folder.
    kubevisor(
        "build",
        str(manifests),
        "--out",
        str(tmp_path / "built"),
        "--state-dir",
        str(tmp_path / "s1"),
    )
    kubevisor(
        "build",
        str(PROJECT),
        "--out",
        str(tmp_path / "project"),
        "--state-dir",
        str(tmp_path / "s2"),
    )
    for env in ENVIRONMENTS:
        for target in (*TARGETS, EVERYTHING):
            published = kube.datafile_text(f"{env}-{target}").encode()
            offline = tmp_path / "built" / kube.namespace / env / f"featurevisor-{target}.json"
            assert published == offline.read_bytes(), (
                f"{env}-{target} differs from the manifests build"
            )
            if target != EVERYTHING:
                folder = tmp_path / "project" / env / f"featurevisor-{target}.json"
                assert published == folder.read_bytes(), (
                    f"{env}-{target} differs from the project build"
                )

    production_all = kube.datafile_text("production-all").encode()
    s3 = s3_client(kube.cluster)
    polled = s3.get_object(Bucket=bucket, Key=f"{S3_PREFIX}/production/featurevisor-all.json")
    assert polled["Body"].read() == production_all
    revision = json.loads(production_all)["revision"]
    kept = s3.get_object(
        Bucket=bucket, Key=f"{S3_PREFIX}/production/revisions/{revision}/featurevisor-all.json"
    )
    assert kept["Body"].read() == production_all
    status = kube.get("datafile", "production-all")["status"]
    assert {output["output"] for output in status["outputs"]} == {"configMap", "objectStore"}
    annotations = kube.configmap("production-all").metadata.annotations  # type: ignore[union-attr]
    assert status["digest"] == f"sha256:{annotations['kubevisor.io/digest']}"
    assert status["revision"] == annotations["kubevisor.io/revision"] == revision

    # The official SDK, fed from the ConfigMaps, against every test spec of the project.
    texts: dict[tuple[str, str | None], str] = {}

    def datafile_for(environment: str, target: str | None) -> str:
        key = (environment, target)
        if key not in texts:
            texts[key] = kube.datafile_text(f"{environment}-{target or EVERYTHING}")
        return texts[key]

    specs = load_project(PROJECT).tests
    failures: list[str] = []
    feature_specs = segment_specs = 0
    for spec in specs.values():
        if "feature" in spec:
            feature_specs += 1
            failures += run_feature_spec(spec, datafile_for)
        else:
            segment_specs += 1
            segment = kube.get("segment", _object_name(kube, "segment", spec["segment"]))
            result = official_tester.test_segment(
                {
                    "segment": spec["segment"],
                    "conditions": segment["spec"]["conditions"],
                    "assertions": expand_segment_assertions(spec["assertions"]),
                }
            )
            if not result["passed"]:
                failures.append(f"segment {spec['segment']}: {result['assertions']}")
    assert feature_specs > 20 and segment_specs > 5, (feature_specs, segment_specs)
    assert not failures, "\n".join(failures)


def _object_name(kube: Kube, kind: str, key: str) -> str:
    """metadata.name of the object whose Featurevisor key is `key`."""
    listed = json.loads(kube.kubectl("get", kind, "-o", "json"))["items"]
    for item in listed:
        if (item["spec"].get("key") or item["metadata"]["name"]) == key:
            return str(item["metadata"]["name"])
    raise LookupError(f"no {kind} with key {key}")

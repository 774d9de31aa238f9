"""Datafile status when outputs are refused, and status patches that drop stale keys."""

from __future__ import annotations

from typing import Any

from kubevisor.controller.status import (
    DatafileOutcome,
    OutputResult,
    datafile_status,
    input_status,
)
from kubevisor.controller.writer import status_patch
from kubevisor.sources.compile_plan import SavedState
from kubevisor.sources.namespace_compile import PER_DATAFILE, compile_namespace


def conditions(status: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["type"]: c for c in status["conditions"]}


def test_refused_output_stalls_the_datafile_with_its_reason(shop: list[dict[str, Any]]) -> None:
    plan = compile_namespace("shop", shop, SavedState(), revisions=PER_DATAFILE)
    datafile = next(p for p in plan.datafiles if p.content is not None)
    outcome = DatafileOutcome(datafile)
    outcome.outputs = [
        OutputResult("configMap", "ConfigMap shop/x", True, "written"),
        OutputResult(
            "configMap",
            "ConfigMap web/x",
            False,
            "failed",
            "namespace web does not accept copies",
            refusal="CopyNotGranted",
        ),
    ]
    status = datafile_status(outcome, {}, generation=3, now="t")
    by_type = conditions(status)
    assert by_type["Stalled"]["status"] == "True"
    assert by_type["Stalled"]["reason"] == "CopyNotGranted"
    assert "ConfigMap web/x" in by_type["Stalled"]["message"]
    assert by_type["ConfigMapPublished"]["reason"] == "CopyNotGranted"
    # what the allowed output serves is still reported
    assert status["revision"] == str(datafile.record.revision if datafile.record else "")


def test_status_patch_removes_keys_the_new_status_lacks() -> None:
    previous = {"revision": "3", "outputs": [{"output": "configMap"}], "observedGeneration": 1}
    new = {"observedGeneration": 2, "conditions": []}
    assert status_patch(previous, new) == {
        "revision": None,
        "outputs": None,
        "observedGeneration": 2,
        "conditions": [],
    }


def test_a_feature_published_nowhere_says_so_and_stays_ready() -> None:
    status = input_status([], {}, generation=1, now="t", selected=False)
    by_type = conditions(status)
    assert by_type["Ready"]["status"] == "True"
    assert by_type["Stalled"]["status"] == "False"
    assert by_type["Published"]["status"] == "False"
    assert by_type["Published"]["reason"] == "NotSelected"
    assert "published nowhere" in by_type["Ready"]["message"]
    selected = conditions(input_status([], {}, generation=1, now="t", selected=True))
    assert selected["Published"]["status"] == "True"
    assert "Published" not in conditions(input_status([], {}, generation=1, now="t"))


def test_warnings_show_on_the_status_and_keep_it_ready(shop: list[dict[str, Any]]) -> None:
    checkout = next(o for o in shop if o["kind"] == "Feature" and "variations" in o["spec"])
    checkout["spec"]["variations"][0]["weight"] += 5
    plan = compile_namespace("shop", shop, SavedState(), revisions=PER_DATAFILE)
    name = checkout["metadata"]["name"]
    warnings = plan.warnings[("Feature", name)]
    assert "not 100" in warnings[0].message
    assert all(p.content is not None for p in plan.datafiles)  # the build is not held back
    status = input_status([], {}, generation=1, now="t", warnings=warnings)
    by_type = conditions(status)
    assert by_type["Ready"]["status"] == "True"
    assert by_type["Warning"]["status"] == "True"
    assert "not 100" in by_type["Warning"]["message"]

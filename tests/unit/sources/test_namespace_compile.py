from __future__ import annotations

import json
from typing import Any

from kubevisor.sources.compile_plan import SavedState
from kubevisor.sources.namespace_compile import PER_DATAFILE, ProjectRevision, compile_namespace


def find(objects: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    return next(o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name)


def by_name(plan: Any) -> dict[str, Any]:
    return {datafile.name: datafile for datafile in plan.datafiles}


def test_first_plan_builds_every_datafile_at_revision_1(shop: list[dict[str, Any]]) -> None:
    plan = compile_namespace("shop", shop, SavedState(), revisions=PER_DATAFILE)
    datafiles = by_name(plan)
    assert sorted(datafiles) == ["production-all", "production-mobile", "staging-all"]
    for datafile in datafiles.values():
        assert datafile.held_by == []
        assert datafile.record is not None and datafile.record.revision == 1
        assert json.loads(datafile.content)["revision"] == "1"
    assert json.loads(datafiles["production-mobile"].content)["features"].keys() == {
        "freeShipping",
        "recommendations",
    }


def test_unchanged_inputs_keep_revision_and_bytes(shop: list[dict[str, Any]]) -> None:
    first = compile_namespace("shop", shop, SavedState(), revisions=PER_DATAFILE)
    second = compile_namespace("shop", shop, first.state, revisions=PER_DATAFILE)
    for name, datafile in by_name(second).items():
        assert datafile.content == by_name(first)[name].content
        assert datafile.record == by_name(first)[name].record


def test_a_change_bumps_only_the_datafiles_it_touches(shop: list[dict[str, Any]]) -> None:
    first = compile_namespace("shop", shop, SavedState(), revisions=PER_DATAFILE)
    checkout = find(shop, "Feature", "checkout")
    checkout["spec"]["rules"]["production"][1]["percentage"] = 20
    second = by_name(compile_namespace("shop", shop, first.state, revisions=PER_DATAFILE))
    assert second["production-all"].record is not None
    assert second["production-all"].record.revision == 2
    assert second["staging-all"].record is not None
    assert second["staging-all"].record.revision == 1  # checkout's staging rules did not change
    assert second["production-mobile"].record is not None
    assert second["production-mobile"].record.revision == 1  # checkout is not tagged mobile


def test_invalid_input_holds_back_datafiles_that_use_it(shop: list[dict[str, Any]]) -> None:
    saved = compile_namespace("shop", shop, SavedState(), revisions=PER_DATAFILE).state
    checkout = find(shop, "Feature", "checkout")
    checkout["spec"]["rules"]["production"][0]["segments"] = ["nowhere"]
    plan = compile_namespace("shop", shop, saved, revisions=PER_DATAFILE)
    datafiles = by_name(plan)
    held = datafiles["production-all"]
    assert held.content is None
    assert any("nowhere" in problem.message for problem in held.held_by)
    assert datafiles["production-mobile"].content is not None  # does not select checkout
    problems = plan.problems[("Feature", "checkout")]
    assert any(problem.path.startswith("rules.production.0.segments") for problem in problems)
    # the held Datafile keeps its record, so the last good revision stays the served one
    assert plan.state.datafiles["production-all"] == saved.datafiles["production-all"]


def test_deleted_datafile_records_are_dropped(shop: list[dict[str, Any]]) -> None:
    saved = compile_namespace("shop", shop, SavedState(), revisions=PER_DATAFILE).state
    remaining = [o for o in shop if o["metadata"]["name"] != "production-mobile"]
    plan = compile_namespace("shop", remaining, saved, revisions=PER_DATAFILE)
    assert "production-mobile" not in plan.state.datafiles
    assert "production-all" in plan.state.datafiles


def test_duplicate_keys_are_placed_on_both_objects(shop: list[dict[str, Any]]) -> None:
    copy_of_checkout = json.loads(json.dumps(find(shop, "Feature", "checkout")))
    copy_of_checkout["metadata"]["name"] = "checkout-copy"
    copy_of_checkout["spec"]["key"] = "checkout"
    plan = compile_namespace(
        "shop", [*shop, copy_of_checkout], SavedState(), revisions=PER_DATAFILE
    )
    assert ("Feature", "checkout") in plan.problems
    assert ("Feature", "checkout-copy") in plan.problems


def test_a_datafile_named_like_another_ones_target_does_not_hold_it_back(
    shop: list[dict[str, Any]],
) -> None:
    broken = {
        "apiVersion": "kubevisor.io/v1alpha1",
        "kind": "Datafile",
        "metadata": {"name": "all", "namespace": "shop", "uid": "uid-all", "generation": 1},
        "spec": {
            "target": "other",
            "environment": "production",
            "description": "named like the target of production-all",
            "tag": "all",
            "bogus": 1,
        },
    }
    plan = compile_namespace("shop", [*shop, broken], SavedState(), revisions=PER_DATAFILE)
    assert [p.path for p in plan.problems[("Datafile", "all")]] == ["spec.bogus"]
    datafiles = by_name(plan)
    assert datafiles["production-all"].held_by == []
    assert datafiles["production-all"].content is not None


def test_features_no_datafile_selects_are_listed(shop: list[dict[str, Any]]) -> None:
    assert compile_namespace("shop", shop, SavedState(), revisions=PER_DATAFILE).unselected == set()
    lonely = json.loads(json.dumps(find(shop, "Feature", "checkout")))
    lonely["metadata"]["name"] = "lonely"
    lonely["metadata"]["uid"] = "uid-lonely"
    lonely["spec"]["key"] = "lonely"
    lonely["spec"]["tags"] = ["nowhere"]
    plan = compile_namespace("shop", [*shop, lonely], SavedState(), revisions=PER_DATAFILE)
    assert plan.unselected == {"lonely"}


def test_a_project_revision_changes_only_the_revision_field(shop: list[dict[str, Any]]) -> None:
    saved = compile_namespace("shop", shop, SavedState(), revisions=PER_DATAFILE).state
    checkout = find(shop, "Feature", "checkout")
    checkout["spec"]["rules"]["production"][1]["percentage"] = 20  # a revision 2 somewhere
    per_datafile = by_name(compile_namespace("shop", shop, saved, revisions=PER_DATAFILE))
    project = compile_namespace("shop", shop, saved, revisions=ProjectRevision("7.1"))
    assert sorted(by_name(project)) == sorted(per_datafile)
    for name, datafile in by_name(project).items():
        own = per_datafile[name]
        assert datafile.content is not None and own.content is not None and own.record
        assert json.loads(datafile.content)["revision"] == "7.1"
        expected = own.content.replace(
            f'"revision":"{own.record.revision}"'.encode(), b'"revision":"7.1"', 1
        )
        assert datafile.content == expected
        assert datafile.record is None  # no per-Datafile record under a project revision
    assert (
        project.state.environments
        == compile_namespace("shop", shop, saved, revisions=PER_DATAFILE).state.environments
    )
    assert project.state.datafiles == saved.datafiles

"""A lost state ConfigMap is rebuilt from the published datafiles: same revisions, same
allocations, so the next build publishes the same bytes; or the namespace stalls."""

from __future__ import annotations

import copy
import gzip
from typing import Any

import pytest
from kubevisor.controller.recovery import StateLost, recover_from_datafiles
from kubevisor.core.build.recovery import state_from_datafile
from kubevisor.core.jsjson import loads
from kubevisor.sources.compile_plan import SavedState
from kubevisor.sources.namespace_compile import PER_DATAFILE, compile_namespace


def datafile_objects(objects: list[dict[str, Any]], plan: Any) -> list[dict[str, Any]]:
    """The Datafile objects, with the status the operator would have written."""
    revisions = {d.name: str(d.record.revision) for d in plan.datafiles}
    found = []
    for obj in objects:
        if obj["kind"] == "Datafile":
            found.append({**obj, "status": {"revision": revisions[obj["metadata"]["name"]]}})
    return found


def raised(shop: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The shop with checkout's partial rules raised: the new ranges are appended after the
    existing ones, which only the existing state can tell."""
    changed = copy.deepcopy(shop)
    for obj in changed:
        if obj["kind"] == "Feature" and obj["metadata"]["name"] == "checkout":
            for rules in (obj["spec"].get("rules") or {}).values():
                for rule in rules:
                    if 0 < rule.get("percentage", 0) < 90:
                        rule["percentage"] += 10
    return changed


def test_the_rebuilt_state_gives_the_same_bytes_and_allocations(
    shop: list[dict[str, Any]],
) -> None:
    first = compile_namespace("shop", shop, SavedState(), revisions=PER_DATAFILE)
    second = compile_namespace(
        "shop", raised(shop), first.state, revisions=PER_DATAFILE
    )  # allocations with history
    published = [
        (obj, next(d.content for d in second.datafiles if d.name == obj["metadata"]["name"]))
        for obj in datafile_objects(shop, second)
    ]
    recovered = recover_from_datafiles(published)
    assert recovered.datafiles == second.state.datafiles
    again = compile_namespace("shop", raised(shop), recovered, revisions=PER_DATAFILE)
    assert [d.content for d in again.datafiles] == [d.content for d in second.datafiles]
    for environment, state in recovered.environments.items():
        kept = second.state.environments[environment]["features"]
        assert isinstance(kept, dict)
        for key, entry in state["features"].items():  # type: ignore[union-attr]
            assert entry == kept[key], key


def test_a_datafile_that_served_a_revision_but_lost_its_configmap_stalls(
    shop: list[dict[str, Any]],
) -> None:
    plan = compile_namespace("shop", shop, SavedState(), revisions=PER_DATAFILE)
    (first, *_) = datafile_objects(shop, plan)
    with pytest.raises(StateLost, match="restart its revisions"):
        recover_from_datafiles([(first, None)])
    never_published = {**first, "status": {}}
    assert recover_from_datafiles([(never_published, None)]) == SavedState()


def test_a_gzipped_datafile_is_read_back_too(shop: list[dict[str, Any]]) -> None:
    plan = compile_namespace("shop", shop, SavedState(), revisions=PER_DATAFILE)
    (obj, *_) = datafile_objects(shop, plan)
    content = next(d.content for d in plan.datafiles if d.name == obj["metadata"]["name"])
    assert content is not None
    unzipped = recover_from_datafiles([(obj, content)])
    zipped = recover_from_datafiles([(obj, gzip.compress(content))])
    assert zipped.environments == unzipped.environments


def test_state_entries_carry_allocations_and_hash(shop: list[dict[str, Any]]) -> None:
    plan = compile_namespace("shop", shop, SavedState(), revisions=PER_DATAFILE)
    content = plan.datafiles[0].content
    assert content is not None
    features = state_from_datafile(loads(content.decode()))["features"]
    assert features
    for entry in features.values():
        assert set(entry) <= {"variations", "traffic", "hash"} and "hash" in entry

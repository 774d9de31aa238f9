from __future__ import annotations

from typing import Any

from kubevisor.controller.statestore import decode_state, encode_state
from kubevisor.sources.compile_plan import SavedState
from kubevisor.sources.namespace_compile import PER_DATAFILE, compile_namespace


def test_state_round_trips_and_encodes_deterministically(shop: list[dict[str, Any]]) -> None:
    state = compile_namespace("shop", shop, SavedState(), revisions=PER_DATAFILE).state
    encoded = encode_state(state)
    assert encode_state(state) == encoded
    decoded = decode_state(*encoded)
    assert decoded.datafiles == state.datafiles
    assert decoded.environments == state.environments
    assert set(encoded[1]) == {
        "existing-state-production.json.gz",
        "existing-state-staging.json.gz",
    }


def test_restored_state_gives_the_same_bytes(shop: list[dict[str, Any]]) -> None:
    first = compile_namespace("shop", shop, SavedState(), revisions=PER_DATAFILE)
    restored = decode_state(*encode_state(first.state))
    again = compile_namespace("shop", shop, restored, revisions=PER_DATAFILE)
    assert [d.content for d in again.datafiles] == [d.content for d in first.datafiles]

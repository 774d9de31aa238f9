from __future__ import annotations

from typing import Any

from kubevisor.controller.plan import SavedState, plan_namespace
from kubevisor.controller.statestore import decode_state, encode_state


def test_state_round_trips_and_encodes_deterministically(shop: list[dict[str, Any]]) -> None:
    state = plan_namespace("shop", shop, SavedState()).state
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
    first = plan_namespace("shop", shop, SavedState())
    restored = decode_state(*encode_state(first.state))
    again = plan_namespace("shop", shop, restored)
    assert [d.content for d in again.datafiles] == [d.content for d in first.datafiles]

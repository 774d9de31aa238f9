from __future__ import annotations

import hashlib

import pytest
from kubevisor.sinks.payload import Payload
from kubevisor_client.format import InvalidDatafile

from .payloads import payload


def test_revision_and_digest_come_from_the_content() -> None:
    made = payload("42")
    assert made.revision == "42"
    assert made.digest == hashlib.sha256(made.content).hexdigest()


def test_invalid_content_cannot_become_a_payload() -> None:
    with pytest.raises(InvalidDatafile, match="half-written"):
        Payload.from_bytes(payload("1").content[:30])

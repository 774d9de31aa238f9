"""One finished datafile, checked once, ready for every sink."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from kubevisor_client.format import parse_datafile


@dataclass(frozen=True)
class Payload:
    """The exact bytes to publish, with the revision and digest the outputs are labelled with.

    Build it with `Payload.from_bytes`: it refuses bytes that consumers would reject, so no sink
    can ever replace a good datafile with an invalid one.
    """

    content: bytes
    revision: str
    digest: str
    """sha256 of `content`, lower-case hex."""

    @classmethod
    def from_bytes(cls, content: bytes) -> Payload:
        """Check `content` like the consumers do and read its revision from it.

        Raises `kubevisor_client.format.InvalidDatafile` when it is not a datafile.
        """
        datafile = parse_datafile(content)
        return cls(
            content=content,
            revision=datafile["revision"],
            digest=hashlib.sha256(content).hexdigest(),
        )

"""What one publish or delete did to one output: the value status and events are made from."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Outcome(enum.StrEnum):
    WRITTEN = "written"
    UNCHANGED = "unchanged"
    """The output already held these bytes (or, for a delete, was already gone)."""
    DELETED = "deleted"
    FAILED = "failed"


@dataclass(frozen=True)
class PublishResult:
    output: str
    """The output in words a person can look up: `ConfigMap shop/featurevisor-all`, an URL."""
    outcome: Outcome
    message: str
    retryable: bool = True
    """For FAILED: False when retrying with the same inputs cannot succeed (the Datafile is
    Stalled, e.g. too large for a ConfigMap); True for outages worth a retry with backoff."""
    reason: str = ""
    """For FAILED outputs refused on purpose (ownership, policy): the condition reason."""

    @property
    def ok(self) -> bool:
        return self.outcome is not Outcome.FAILED

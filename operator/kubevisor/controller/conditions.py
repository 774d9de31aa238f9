"""kstatus-compatible conditions, so Argo CD and Flux judge health without custom code.

`Ready` says whether the object is what it should be; `Reconciling` and `Stalled` are the
"abnormal-true" conditions kstatus reads. Each carries `observedGeneration`, and a condition's
`lastTransitionTime` only moves when its status flips.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Condition:
    type: str
    status: bool
    reason: str
    message: str = ""


def render_conditions(
    wanted: Sequence[Condition],
    previous: Sequence[Mapping[str, Any]],
    *,
    generation: int,
    now: str,
) -> list[dict[str, Any]]:
    """The `status.conditions` list: `wanted`, keeping transition times that did not flip."""
    before = {str(item.get("type")): item for item in previous if isinstance(item, Mapping)}
    rendered = []
    for condition in wanted:
        status = "True" if condition.status else "False"
        old = before.get(condition.type)
        since = now
        if old is not None and old.get("status") == status and old.get("lastTransitionTime"):
            since = str(old["lastTransitionTime"])
        rendered.append(
            {
                "type": condition.type,
                "status": status,
                "reason": condition.reason,
                "message": condition.message,
                "lastTransitionTime": since,
                "observedGeneration": generation,
            }
        )
    return rendered


def ready(reason: str = "Ready", message: str = "") -> list[Condition]:
    """Conditions of an object that is fully reconciled."""
    return [
        Condition("Ready", True, reason, message),
        Condition("Reconciling", False, reason, ""),
        Condition("Stalled", False, reason, ""),
    ]


def stalled(reason: str, message: str) -> list[Condition]:
    """Conditions of an object that cannot progress until someone changes it."""
    return [
        Condition("Ready", False, reason, message),
        Condition("Reconciling", False, reason, ""),
        Condition("Stalled", True, reason, message),
    ]


def reconciling(reason: str, message: str) -> list[Condition]:
    """Conditions of an object that is being worked on and is expected to get there."""
    return [
        Condition("Ready", False, reason, message),
        Condition("Reconciling", True, reason, message),
        Condition("Stalled", False, reason, ""),
    ]

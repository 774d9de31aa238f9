"""Promoting features between environments: copy `rules`, `force` and `expose` of one
environment to another (what `kubevisor promote --from ENV --to ENV` plans).

Upstream's `featurevisor promote` moves definitions between sets; kubevisor's moves a
feature's targeting between environments of one project, which is what a staging-to-production
release needs. A destination that already holds something different is a conflict, settled by
the policy: `fail` (change nothing, report), `overwrite` (take the source) or `skip` (keep the
destination, promote the rest).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from kubevisor.core.definitions import JSON, Definitions

PROMOTED_FIELDS = ("rules", "force", "expose")


class OnConflict(enum.StrEnum):
    FAIL = "fail"
    OVERWRITE = "overwrite"
    SKIP = "skip"


class Action(enum.StrEnum):
    ADD = "add"
    """The destination had nothing: the source's value is copied."""
    OVERWRITE = "overwrite"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"
    """Different at the destination, and the policy does not allow replacing it."""


@dataclass(frozen=True)
class Change:
    feature: str
    field: str
    action: Action
    value: JSON
    """The source environment's value (what the destination gets, for add/overwrite)."""
    previous: JSON
    """The destination's value before (None when it had none)."""

    @property
    def writes(self) -> bool:
        return self.action in (Action.ADD, Action.OVERWRITE)

    def as_json(self) -> dict[str, JSON]:
        return {
            "feature": self.feature,
            "field": self.field,
            "action": self.action.value,
            "value": self.value,
            "previous": self.previous,
        }


class PromotionError(ValueError):
    """The promotion cannot be planned; the message says what to fix."""


def plan_promotion(
    defs: Definitions,
    source: str,
    destination: str,
    *,
    features: list[str] | None = None,
    on_conflict: OnConflict = OnConflict.FAIL,
) -> list[Change]:
    """What promoting `source` to `destination` does to each feature field, in listing order.

    Fields the source environment does not have are left alone. With `on_conflict=fail` the
    conflicts are listed and nothing should be written (see `blocked`)."""
    environments = defs.config.environments
    if environments is None:
        raise PromotionError(
            "the project has no environments (no-environments mode): nothing to promote"
        )
    for name, role in ((source, "--from"), (destination, "--to")):
        if name not in environments:
            raise PromotionError(
                f"{role} {name!r} is not an environment of the project ({', '.join(environments)})"
            )
    if source == destination:
        raise PromotionError("--from and --to name the same environment")
    keys = list(defs.features) if features is None else features
    unknown = [key for key in keys if key not in defs.features]
    if unknown:
        raise PromotionError(f"no such feature(s): {', '.join(unknown)}")
    changes = []
    for key in keys:
        feature = defs.features[key]
        for field in PROMOTED_FIELDS:
            per_environment = feature.get(field)
            if not isinstance(per_environment, dict) or source not in per_environment:
                continue
            value = per_environment[source]
            if destination not in per_environment:
                action = Action.ADD
            elif per_environment[destination] == value:
                action = Action.UNCHANGED
            elif on_conflict is OnConflict.OVERWRITE:
                action = Action.OVERWRITE
            else:
                action = Action.CONFLICT
            changes.append(Change(key, field, action, value, per_environment.get(destination)))
    return changes


def blocked(changes: list[Change], on_conflict: OnConflict) -> bool:
    """Whether nothing may be written: a conflict under the `fail` policy."""
    return on_conflict is OnConflict.FAIL and any(c.action is Action.CONFLICT for c in changes)

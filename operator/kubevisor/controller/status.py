"""The `status` every object reports, derived from a namespace plan and publish results."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kubevisor.controller.conditions import (
    Condition,
    ready,
    reconciling,
    render_conditions,
    stalled,
)
from kubevisor.core.definitions import Problem
from kubevisor.sinks.results import Outcome, PublishResult
from kubevisor.sources.compile_plan import DatafilePlan


@dataclass(frozen=True)
class OutputResult:
    """One output of one Datafile after a publish attempt."""

    type: str
    """`configMap` or `objectStore`."""
    target: str
    """Where, in words a person can look up: `ConfigMap ns/name`, an object URL."""
    ok: bool
    outcome: str
    message: str = ""
    refusal: str = ""
    """For outputs refused by ownership or policy: the reason (the Datafile is Stalled)."""

    @property
    def wrote(self) -> bool:
        return self.outcome == Outcome.WRITTEN

    @classmethod
    def of(cls, type_: str, result: PublishResult) -> OutputResult:
        return cls(
            type_, result.output, result.ok, str(result.outcome), result.message, result.reason
        )

    def as_json(
        self, *, revision: str, digest: str, previous: Mapping[str, Any] | None, now: str
    ) -> dict[str, Any]:
        rendered: dict[str, Any] = {
            "output": self.type,
            "location": self.target,
            "ready": "True" if self.ok else "False",
        }
        if not self.ok:
            rendered["message"] = self.message
        else:
            # No message when current: whether this pass wrote it or found it current must
            # not change the status, or a restart would rewrite every Datafile's status.
            rendered.update(revision=revision, digest=digest)
            published = (previous or {}).get("publishedAt")
            same = previous is not None and previous.get("digest") == digest
            rendered["publishedAt"] = published if same and published else now
        return rendered


@dataclass
class DatafileOutcome:
    plan: DatafilePlan
    outputs: list[OutputResult] = field(default_factory=list)
    too_large: str = ""


def describe(problems: Sequence[Problem], limit: int = 5) -> str:
    shown = "; ".join(problem.render() for problem in problems[:limit])
    more = len(problems) - limit
    return f"{shown}; and {more} more" if more > 0 else shown


NOT_SELECTED = (
    "no Datafile in this namespace selects this feature, so it is published nowhere; "
    "add its tag to a Datafile's `tag`/`tags`, or its key to `includeFeatures`"
)


@dataclass(frozen=True)
class InputVerdict:
    """What `input_status` derives an input's status from, besides its previous status and the
    time: equal verdicts over the same previous status give the same status."""

    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    selected: bool | None
    generation: int


def input_status(
    problems: Sequence[Problem],
    previous: Mapping[str, Any],
    *,
    generation: int,
    now: str,
    selected: bool | None = None,
    warnings: Sequence[Problem] = (),
) -> dict[str, Any]:
    """Status of an Attribute, Segment, Feature, Group or Schema (or of a Datafile that could
    not be read, which has no build to report). `selected` (Features only): whether some
    Datafile selects it; False adds `Published=False` (reason `NotSelected`), which does not
    make the Feature unhealthy: it may be waiting for its Datafile. `warnings` (e.g. variation
    weights that do not add up to 100) add `Warning=True` and stay Ready too."""
    if problems:
        wanted = [
            *stalled("InvalidDefinition", describe(problems)),
            Condition("Valid", False, "InvalidDefinition", describe(problems)),
        ]
    else:
        wanted = [
            *ready("Valid", NOT_SELECTED if selected is False else ""),
            Condition("Valid", True, "Valid"),
        ]
        if warnings:
            wanted.append(Condition("Warning", True, "SuspiciousDefinition", describe(warnings)))
        if selected is not None:
            wanted.append(
                Condition("Published", True, "Selected")
                if selected
                else Condition("Published", False, "NotSelected", NOT_SELECTED)
            )
    return {
        "observedGeneration": generation,
        "conditions": render_conditions(
            wanted, previous.get("conditions") or [], generation=generation, now=now
        ),
    }


def datafile_status(
    outcome: DatafileOutcome, previous: Mapping[str, Any], *, generation: int, now: str
) -> dict[str, Any]:
    """Status of a Datafile: what it serves, where, and whether that is current."""
    plan = outcome.plan
    status: dict[str, Any] = {"observedGeneration": generation}
    for name in ("revision", "digest", "sizeBytes", "features", "segments", "publishedAt"):
        if name in previous:
            status[name] = previous[name]
    wanted: list[Condition]
    if plan.held_by:
        serving = (
            f"still serving revision {previous['revision']}"
            if previous.get("revision")
            else "nothing published yet"
        )
        message = f"held back by invalid input ({serving}): {describe(plan.held_by)}"
        wanted = [
            *stalled("InputInvalid", message),
            Condition("Valid", False, "InputInvalid", message),
        ]
    elif outcome.too_large:
        wanted = [*stalled("TooLarge", outcome.too_large), Condition("Valid", True, "Valid")]
    else:
        assert plan.record is not None and plan.content is not None
        failed = [result for result in outcome.outputs if not result.ok]
        refused = [result for result in failed if result.refusal]
        if refused:
            # Retrying cannot help: someone must change the Datafile, a grant or the policy.
            message = "; ".join(f"{r.type} {r.target}: {r.message}" for r in refused)
            wanted = stalled(refused[0].refusal, message)
        elif failed:
            message = "; ".join(f"{r.type} {r.target}: {r.message}" for r in failed) + "; retrying"
            wanted = reconciling("OutputBehind", message)
        else:
            wanted = ready("Published", f"revision {plan.record.revision} is served")
        wanted.append(Condition("Valid", True, "Valid"))
        # Refused outputs are never written: the others say what is served.
        behind = [result for result in failed if not result.refusal]
        if status.get("digest") != f"sha256:{plan.record.digest}" and not behind:
            status["publishedAt"] = now
        if not behind:
            status.update(
                revision=str(plan.record.revision),
                digest=f"sha256:{plan.record.digest}",
                sizeBytes=len(plan.content),
                features=plan.features,
                segments=plan.segments,
            )
    for kind, condition_type in (
        ("configMap", "ConfigMapPublished"),
        ("objectStore", "ObjectStorePublished"),
    ):
        results = [result for result in outcome.outputs if result.type == kind]
        if results:
            bad = [r for r in results if not r.ok]
            wanted.append(
                Condition(
                    condition_type,
                    not bad,
                    (bad[0].refusal or "Failed") if bad else "Published",
                    "; ".join(f"{r.target}: {r.message}" for r in bad),
                )
            )
    if outcome.outputs and plan.record is not None:
        before = {
            (item.get("output"), item.get("location")): item
            for item in previous.get("outputs") or []
        }
        status["outputs"] = [
            result.as_json(
                revision=str(plan.record.revision),
                digest=f"sha256:{plan.record.digest}",
                previous=before.get((result.type, result.target)),
                now=now,
            )
            for result in outcome.outputs
        ]
    elif "outputs" in previous:
        status["outputs"] = previous["outputs"]
    status["conditions"] = render_conditions(
        wanted, previous.get("conditions") or [], generation=generation, now=now
    )
    return status

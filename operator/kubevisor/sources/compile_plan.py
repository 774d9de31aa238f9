"""What a namespace compile decides (`sources.namespace_compile`), and the state it carries.

Plain dataclasses, picklable: the operator's worker processes send a `NamespacePlan` back over
a pipe (`controller.compiler`), and `SavedState` goes the other way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from kubevisor.core.datafile_shapes import State
from kubevisor.core.definitions import JSON, Problem
from kubevisor.sources.manifests import DatafileResource


@dataclass(frozen=True)
class DatafileRecord:
    """What was last built for a Datafile: enough to keep its revision stable."""

    revision: int
    content_digest: str
    """sha256 of the datafile with an empty revision: changes only when the content does."""
    digest: str
    """sha256 of the published bytes."""

    def as_json(self) -> dict[str, JSON]:
        return {
            "revision": self.revision,
            "contentDigest": self.content_digest,
            "digest": self.digest,
        }

    @classmethod
    def from_json(cls, value: Mapping[str, JSON]) -> DatafileRecord:
        revision = value["revision"]
        if isinstance(revision, bool) or not isinstance(revision, (int, str)):
            raise ValueError(f"a Datafile record's revision must be a number, not {revision!r}")
        return cls(int(revision), str(value["contentDigest"]), str(value["digest"]))


@dataclass
class SavedState:
    """The namespace's persisted state: upstream's existing state per environment, plus our
    per-Datafile records. Environment `""` stands for no-environments mode."""

    environments: dict[str, State] = field(default_factory=dict)
    datafiles: dict[str, DatafileRecord] = field(default_factory=dict)

    def records_json(self) -> str:
        """The per-Datafile records as stored (the state ConfigMap, the CLI's state folder):
        deterministic, so unchanged records are no write."""
        records = {name: record.as_json() for name, record in sorted(self.datafiles.items())}
        return json.dumps(records, indent=2, sort_keys=True)

    @staticmethod
    def records_from_json(text: str) -> dict[str, DatafileRecord]:
        return {name: DatafileRecord.from_json(value) for name, value in json.loads(text).items()}


@dataclass
class DatafilePlan:
    resource: DatafileResource
    content: bytes | None = None
    """The bytes to serve, or None while an input is invalid (the last good bytes stay)."""
    record: DatafileRecord | None = None
    """Set with `content` under per-Datafile revisions; None under one project revision."""
    features: int = 0
    segments: int = 0
    held_by: list[Problem] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.resource.name


@dataclass
class NamespacePlan:
    namespace: str
    datafiles: list[DatafilePlan]
    """Sorted by Datafile name."""
    problems: dict[tuple[str, str], list[Problem]]
    """Problems per object, keyed by (Kubernetes kind, metadata.name)."""
    unplaced: list[Problem]
    """Problems that name no object we know (reported on every Datafile)."""
    state: SavedState
    unselected: set[str] = field(default_factory=set)
    """Names of Feature objects that no Datafile of the namespace selects: published nowhere."""
    warnings: dict[tuple[str, str], list[Problem]] = field(default_factory=dict)
    """Warnings per object (they never hold a build back), keyed like `problems`."""

    def all_problems(self) -> list[Problem]:
        """Every problem found, once each, in a stable order: what a strict caller (the CLI)
        refuses on, whether or not it held a Datafile back."""
        found: list[Problem] = list(self.unplaced)
        for place in sorted(self.problems):
            found.extend(self.problems[place])
        for datafile in self.datafiles:
            found.extend(datafile.held_by)
        return list(dict.fromkeys(found))

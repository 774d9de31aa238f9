"""The in-memory model every part of kubevisor shares: one Featurevisor project.

Definitions are kept as JSON-like values (dict, list, str, int, float, bool, None) exactly as
parsed, because upstream emits most fields verbatim and in their original key order. Each map
below is keyed by the Featurevisor key and ordered like upstream's directory listing, which is
the order features and segments appear in datafiles.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TypeAlias

JSON: TypeAlias = "bool | int | float | str | list[JSON] | dict[str, JSON] | None"
"""A JSON-like value as parsed: null, boolean, number, string, array or object (recursive, so
mypy checks what the core does with definitions and datafiles)."""

JSONObject: TypeAlias = dict[str, JSON]
"""A JSON object, e.g. one definition."""


class Kind(enum.StrEnum):
    """A kind of definition, named like upstream's entity types."""

    ATTRIBUTE = "attribute"
    SEGMENT = "segment"
    FEATURE = "feature"
    GROUP = "group"
    SCHEMA = "schema"
    TARGET = "target"
    TEST = "test"


@dataclass(frozen=True)
class ProjectConfig:
    """The settings of `featurevisor.config.js` that change lint or build output."""

    environments: tuple[str, ...] | None = None
    """None means no-environments mode (rules, force, expose are plain lists/values)."""
    tags: tuple[str, ...] = ("all",)
    namespace_character: str = "."
    default_bucket_by: str = "userId"
    stringify: bool = True
    pretty_datafile: bool = False
    pretty_state: bool = True
    datafile_name_pattern: str = "featurevisor-%s.json"
    revision_file_name: str = "REVISION"
    parser: str = "yml"
    enforce_catch_all_rule: bool = False
    max_variable_string_length: int | None = None
    max_variable_array_stringified_length: int | None = None
    max_variable_object_stringified_length: int | None = None
    max_variable_json_stringified_length: int | None = None


@dataclass
class Definitions:
    """All definitions of one project (a Featurevisor folder, or one Kubernetes namespace)."""

    config: ProjectConfig = field(default_factory=ProjectConfig)
    attributes: dict[str, dict[str, JSON]] = field(default_factory=dict)
    segments: dict[str, dict[str, JSON]] = field(default_factory=dict)
    features: dict[str, dict[str, JSON]] = field(default_factory=dict)
    groups: dict[str, dict[str, JSON]] = field(default_factory=dict)
    schemas: dict[str, dict[str, JSON]] = field(default_factory=dict)
    targets: dict[str, dict[str, JSON]] = field(default_factory=dict)
    tests: dict[str, dict[str, JSON]] = field(default_factory=dict)
    origins: dict[tuple[Kind, str], str] = field(default_factory=dict)
    """Where each definition came from, for messages: a file path or `Feature ns/name`."""

    def of_kind(self, kind: Kind) -> dict[str, dict[str, JSON]]:
        """The definitions of one kind, keyed by Featurevisor key."""
        return {
            Kind.ATTRIBUTE: self.attributes,
            Kind.SEGMENT: self.segments,
            Kind.FEATURE: self.features,
            Kind.GROUP: self.groups,
            Kind.SCHEMA: self.schemas,
            Kind.TARGET: self.targets,
            Kind.TEST: self.tests,
        }[kind]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the definitions. Errors are values, never exceptions."""

    kind: Kind
    key: str
    path: str
    """Dotted field path inside the definition, e.g. `rules.production.0.percentage`."""
    message: str
    hint: str = ""
    """What to do about it."""
    origin: str = ""
    """Where the definition came from (file path or Kubernetes object), when known."""

    def render(self) -> str:
        where = f" ({self.origin})" if self.origin else ""
        field_part = f" at `{self.path}`" if self.path else ""
        text = f"{self.kind.value} `{self.key}`{where}{field_part}: {self.message}"
        return f"{text}. Fix: {self.hint}" if self.hint else text

    def as_json(self) -> dict[str, str]:
        return {
            "kind": self.kind.value,
            "key": self.key,
            "path": self.path,
            "message": self.message,
            "hint": self.hint,
            "origin": self.origin,
        }

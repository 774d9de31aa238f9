"""Collecting problems for one definition while walking it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kubevisor.core.definitions import Kind, Problem

FieldPath = tuple[str | int, ...]
"""Where a value sits inside a definition: keys and list indexes, joined with dots for people."""


def dotted(path: FieldPath) -> str:
    return ".".join(str(part) for part in path)


@dataclass
class Report:
    """The problems of one definition (kind + key), in the order they were found."""

    kind: Kind
    key: str
    origin: str = ""
    problems: list[Problem] = field(default_factory=list)

    def error(self, path: Sequence[str | int], message: str, hint: str) -> None:
        self.problems.append(
            Problem(
                kind=self.kind,
                key=self.key,
                path=dotted(tuple(path)),
                message=message,
                hint=hint,
                origin=self.origin,
            )
        )

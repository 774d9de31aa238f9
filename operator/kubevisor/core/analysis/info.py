"""Project counts (`featurevisor info`)."""

from __future__ import annotations

from dataclasses import dataclass

from kubevisor.core.definitions import Definitions
from kubevisor.core.testing.matrix import combinations


@dataclass(frozen=True)
class ProjectCounts:
    attributes: int
    segments: int
    features: int
    variables: int
    groups: int
    schemas: int
    targets: int
    test_specs: int
    assertions: int
    """Matrix assertions count once per combination, like the test runner runs them."""


def _assertion_count(assertions: object) -> int:
    if not isinstance(assertions, list):
        return 0
    count = 0
    for assertion in assertions:
        matrix = assertion.get("matrix") if isinstance(assertion, dict) else None
        count += len(combinations(matrix)) if isinstance(matrix, dict) and matrix else 1
    return count


def project_counts(defs: Definitions) -> ProjectCounts:
    return ProjectCounts(
        attributes=len(defs.attributes),
        segments=len(defs.segments),
        features=len(defs.features),
        variables=sum(
            len(schema)
            for feature in defs.features.values()
            if isinstance(schema := feature.get("variablesSchema"), dict)
        ),
        groups=len(defs.groups),
        schemas=len(defs.schemas),
        targets=len(defs.targets),
        test_specs=len(defs.tests),
        assertions=sum(_assertion_count(spec.get("assertions")) for spec in defs.tests.values()),
    )

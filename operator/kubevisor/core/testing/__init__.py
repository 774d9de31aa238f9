"""Featurevisor test-spec runner (docs/featurevisor.md §8.3): pure, fed with definitions and
datafiles."""

from __future__ import annotations

from kubevisor.core.testing.results import AssertionResult, SpecResult, TestReport
from kubevisor.core.testing.runner import DatafileSource, deep_equal, run_tests

__all__ = [
    "AssertionResult",
    "DatafileSource",
    "SpecResult",
    "TestReport",
    "deep_equal",
    "run_tests",
]

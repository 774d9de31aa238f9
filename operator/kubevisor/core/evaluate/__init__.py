"""SDK evaluation semantics (flag, variation, variable), decision-for-decision like the official
Python SDK `featurevisor==3.1.0` (spec §6, §7)."""

from __future__ import annotations

from kubevisor.core.evaluate.bucketing import bucket_value
from kubevisor.core.evaluate.compiled import CompiledDatafile
from kubevisor.core.evaluate.evaluation import Evaluation, Reason
from kubevisor.core.evaluate.evaluator import (
    BucketValueHook,
    Evaluator,
    Sticky,
    variable_of,
    variation_of,
)

__all__ = [
    "BucketValueHook",
    "CompiledDatafile",
    "Evaluation",
    "Evaluator",
    "Reason",
    "Sticky",
    "bucket_value",
    "variable_of",
    "variation_of",
]

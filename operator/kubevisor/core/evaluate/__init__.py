"""SDK evaluation semantics (flag, variation, variable), decision-for-decision like the official
Python SDK `featurevisor==3.1.0` (docs/featurevisor.md §6, §7), checked by
`tests/conformance/test_sdk_parity.py`.

Where that SDK and the JavaScript SDK differ we follow Python. Beyond the condition differences
listed in `kubevisor.core.conditions`:

* A variable evaluation's flag step already stops at a sticky or forced value of that variable
  and at a missing variable schema, so those win over a disabled flag (`variable_not_found`
  rather than `disabled` for an unknown variable of a disabled feature).
* `disabledVariationValue` applies when the key is present (JavaScript: when truthy).
* A variable override with both `conditions` and `segments` needs both to match.
* Feature-level `required` works for any variable (the JS SDK 3.0.1 quirk is not reproduced).
* Bucket keys print Python ints exactly, also from 10**21 on (JavaScript would use exponents).
"""

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

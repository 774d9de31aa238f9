"""Simulated traffic for one feature (`featurevisor assess-distribution`).

Evaluates a feature for N contexts (the given context with some attributes replaced by a fresh
identifier each time) and counts flags and variations. Beyond upstream, each evaluation is
attributed to the datafile rule whose segments its context matches, and every rule's observed
split is compared with what its percentage and allocation ranges promise: a share that differs
by more than both the tolerance and four standard deviations of chance is reported.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from kubevisor.core.datafile_shapes import Traffic
from kubevisor.core.definitions import JSON
from kubevisor.core.evaluate import Evaluator, variation_of
from kubevisor.core.jsjson import dumps

BUCKET_SIZE = 100_000
"""Datafile percentages and allocation ranges are in thousandths of a percent."""


@dataclass
class RuleTally:
    """What happened to the evaluations whose context matched one rule's segments."""

    percentage: float
    """The rule's percentage (0-100)."""
    expected_variations: dict[str, float]
    """Variation -> percentage of all users of the rule, from the allocation ranges."""
    total: int = 0
    enabled: int = 0
    variations: dict[str, int] = field(default_factory=dict)


@dataclass
class Distribution:
    n: int
    flags: dict[str, int] = field(default_factory=lambda: {"enabled": 0, "disabled": 0})
    variations: dict[str, int] = field(default_factory=dict)
    """Variation value (JSON text of a non-string) -> count; `null` when there was none."""
    rules: dict[str, RuleTally] = field(default_factory=dict)
    forced: int = 0
    """Evaluations decided by `force` (not attributed to any rule)."""


@dataclass(frozen=True)
class Mismatch:
    rule: str
    what: str
    """`enabled` or `variation <value>`."""
    expected: float
    observed: float
    allowed: float
    """The largest deviation that still counts as chance (percentage points)."""

    def render(self) -> str:
        return (
            f'rule "{self.rule}": {self.what} is {self.observed:.2f}% of its users, expected '
            f"{self.expected:.2f}% (more than {self.allowed:.2f} points off)"
        )


def _value_text(value: JSON) -> str:
    return value if isinstance(value, str) else dumps(value)


def _tally_for(rule: Traffic) -> RuleTally:
    expected: dict[str, float] = {}
    for allocation in rule.get("allocation") or ():
        start, end = allocation["range"]
        name = _value_text(allocation["variation"])
        expected[name] = expected.get(name, 0.0) + (end - start) * 100 / BUCKET_SIZE
    return RuleTally(rule.get("percentage", 0) * 100 / BUCKET_SIZE, expected)


def simulate(
    evaluator: Evaluator,
    feature_key: str,
    context: Mapping[str, JSON],
    n: int,
    *,
    populate: tuple[str, ...] = (),
    new_identifier: Callable[[], str],
) -> Distribution:
    """Evaluate `feature_key` n times; each `populate` attribute gets `new_identifier()`."""
    feature = evaluator.datafile.feature(feature_key)
    rules = feature.rules()
    result = Distribution(n)
    for _ in range(n):
        current = dict(context)
        for attribute in populate:
            current[attribute] = new_identifier()
        flag = evaluator.evaluate_flag(feature_key, current)
        enabled = flag.get("enabled") is True
        result.flags["enabled" if enabled else "disabled"] += 1
        variation = evaluator.evaluate_variation(feature_key, current)
        value = variation_of(variation)
        name = _value_text(value)
        result.variations[name] = result.variations.get(name, 0) + 1
        if flag.get("reason") == "forced":
            result.forced += 1
            continue
        merged = {**evaluator.context, **current}
        rule = next((traffic for traffic in rules if traffic.segments(merged)), None)
        if rule is None:
            continue
        key = str(rule.raw.get("key"))
        tally = result.rules.get(key) or result.rules.setdefault(key, _tally_for(rule.raw))
        tally.total += 1
        tally.enabled += enabled
        if enabled and value is not None:
            tally.variations[name] = tally.variations.get(name, 0) + 1
    return result


MIN_EXPECTED_USERS = 10
"""A split is judged only where at least this many users are expected on each side: below it
the normal approximation behind the 4-sigma bound does not hold (one user is 100% of a rule)."""


def _enough_users(expected_percent: float, total: int) -> bool:
    p = expected_percent / 100
    if p in (0, 1):
        return True  # exact: any user on the wrong side is a real mismatch
    return total * min(p, 1 - p) >= MIN_EXPECTED_USERS


def _allowed(expected_percent: float, total: int, tolerance: float) -> float:
    p = expected_percent / 100
    chance = 4 * math.sqrt(p * (1 - p) / total) * 100
    return max(tolerance, chance)


def mismatches(distribution: Distribution, tolerance: float = 1.0) -> list[Mismatch]:
    """Rules whose observed split is further from their weights than chance explains.

    Only meaningful for features outside groups and without `required` features, where the
    percentage and allocation alone decide."""
    found = []
    for key, tally in distribution.rules.items():
        if tally.total == 0:
            continue
        checks = [("enabled", tally.percentage, tally.enabled)]
        checks += [
            (f"variation {name}", expected, tally.variations.get(name, 0))
            for name, expected in tally.expected_variations.items()
        ]
        for what, expected, count in checks:
            if not _enough_users(expected, tally.total):
                continue
            observed = count * 100 / tally.total
            allowed = _allowed(expected, tally.total, tolerance)
            if abs(observed - expected) > allowed:
                found.append(Mismatch(key, what, expected, observed, allowed))
    return found

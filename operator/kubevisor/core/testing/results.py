"""Outcomes of running test specs, and their plain-text report."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class AssertionResult:
    description: str
    errors: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.errors


@dataclass
class SpecResult:
    key: str
    """The test spec's key (its path in the project)."""
    kind: str
    """`feature` or `segment`."""
    subject: str
    """The feature or segment key it tests."""
    not_found: bool = False
    assertions: list[AssertionResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.not_found and all(result.passed for result in self.assertions)


@dataclass
class TestReport:
    specs: list[SpecResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(spec.passed for spec in self.specs)

    def counts(self) -> tuple[int, int, int, int]:
        """(specs passed, specs failed, assertions passed, assertions failed)."""
        specs_passed = sum(spec.passed for spec in self.specs)
        assertions = [result for spec in self.specs for result in spec.assertions]
        assertions_passed = sum(result.passed for result in assertions)
        return (
            specs_passed,
            len(self.specs) - specs_passed,
            assertions_passed,
            len(assertions) - assertions_passed,
        )

    def render(self, *, only_failures: bool = False, key_suffix: str = "") -> str:
        """Upstream-like text (without timings, so the output is deterministic); with
        `only_failures`, only the specs that failed (each with all its assertions).

        `key_suffix` follows each spec key (upstream prints the file extension there)."""
        lines: list[str] = []
        for spec in self.specs:
            if only_failures and spec.passed:
                continue
            lines += ["", f"Testing: {spec.key}{key_suffix}"]
            if spec.not_found:
                lines.append(f"  => {spec.kind} {spec.subject} not found")
                continue
            lines.append(f'  {spec.kind} "{spec.subject}":')
            for result in spec.assertions:  # a failing spec is shown whole, as upstream does
                lines.append(f"  {'✔' if result.passed else '✘'} {result.description}")
                lines += [f"    => {error}" for error in result.errors]
        specs_passed, specs_failed, assertions_passed, assertions_failed = self.counts()
        if not only_failures or not self.passed:
            lines += ["", "---"]
        lines += [
            "",
            f"Test specs: {specs_passed} passed, {specs_failed} failed",
            f"Assertions: {assertions_passed} passed, {assertions_failed} failed",
        ]
        return "\n".join(lines)

""" "Did you mean" and YAML 1.1 hints in lint problems."""

from __future__ import annotations

from kubevisor.core.definitions import Definitions, Kind
from kubevisor.core.lint import lint
from kubevisor.core.lint.suggest import closest, did_you_mean, text_expected_hint
from lint_baseline import valid_definitions


def _hint(defs: Definitions, kind: Kind, key: str, path: str) -> str:
    [problem] = [p for p in lint(defs) if (p.kind, p.key, p.path) == (kind, key, path)]
    return problem.hint


def test_closest() -> None:
    assert closest("descripton", ["description", "tags"]) == "description"
    assert closest("Equals", ["equals", "notEquals"]) == "equals"  # case only
    assert closest("zzz", ["equals"]) is None
    assert did_you_mean("qqq", ["equals"], "use one of equals") == "use one of equals"


def test_unknown_field_suggests_the_field() -> None:
    defs = valid_definitions()
    segment = defs.segments["germany"]
    segment["descripton"] = segment.pop("description")
    assert _hint(defs, Kind.SEGMENT, "germany", "descripton") == "did you mean `description`?"


def test_unknown_operator_suggests_the_operator() -> None:
    defs = valid_definitions()
    defs.segments["germany"]["conditions"][0]["operator"] = "equal"
    hint = _hint(defs, Kind.SEGMENT, "germany", "conditions.0.operator")
    assert hint == "did you mean `equals`?"


def test_boolean_where_text_belongs_explains_yaml_1_1() -> None:
    defs = valid_definitions()
    defs.segments["germany"]["conditions"][0]["value"] = False  # `value: no` read by kubectl
    hint = _hint(defs, Kind.SEGMENT, "germany", "conditions.0.value")
    assert hint.startswith("quote it: 'no'")
    assert "YAML 1.1" in text_expected_hint(True, "x") and text_expected_hint(1, "x") == "x"

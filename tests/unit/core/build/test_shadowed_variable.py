"""An override value `{theme: dark, width: 5}` on object variable `theme` whose properties are
`theme` and `width`: upstream reads the key `theme` as the whole variable, then sets `width` on
the string "dark" and its build throws. Lint and build say so instead of writing "dark"."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from kubevisor.core.build import BuildError, build_datafile
from kubevisor.core.definitions import Definitions, ProjectConfig
from kubevisor.core.lint import lint

THEME_SCHEMA = {
    "type": "object",
    "properties": {"theme": {"type": "string"}, "width": {"type": "integer"}},
    "defaultValue": {"theme": "light", "width": 1},
}


def project(value: Any) -> Definitions:
    feature = {
        "description": "d",
        "tags": ["all"],
        "bucketBy": "userId",
        "variablesSchema": {"theme": copy.deepcopy(THEME_SCHEMA)},
        "variations": [
            {"value": "control", "weight": 50},
            {
                "value": "treatment",
                "weight": 50,
                "variableOverrides": {"theme": [{"segments": "nl", "value": value}]},
            },
        ],
        "rules": [{"key": "all", "segments": "*", "percentage": 100}],
    }
    return Definitions(
        config=ProjectConfig(),
        attributes={"country": {"type": "string", "description": "c"}},
        segments={
            "nl": {
                "description": "nl",
                "conditions": [{"attribute": "country", "operator": "equals", "value": "nl"}],
            }
        },
        features={"page": feature},
        targets={"all": {"description": "all"}},
    )


def build(defs: Definitions) -> dict[str, Any]:
    return build_datafile(
        defs, target_key="all", environment=None, state={"features": {}}, revision="1"
    )


def test_build_refuses_what_upstream_throws_on() -> None:
    with pytest.raises(BuildError) as raised:
        build(project({"theme": "dark", "width": 5}))
    (problem,) = raised.value.problems
    assert problem.key == "page"
    assert problem.path == "variations.1.variableOverrides.theme.0.value.theme"
    assert 'key "theme"' in problem.message and "throws" in problem.message
    assert 'rename the property "theme"' in problem.hint


def test_lint_names_feature_variable_field_and_fix() -> None:
    problems = lint(project({"theme": "dark", "width": 5}))
    (problem,) = [p for p in problems if p.path.endswith("value.theme")]
    assert problem.key == "page"
    assert problem.path == "variations.1.variableOverrides.theme.0.value.theme"
    assert 'object variable "theme"' in problem.message
    assert "rename the property" in problem.hint


def test_lint_flags_the_key_alone_too() -> None:
    """`{theme: dark}` builds upstream, but gives the object variable the string "dark"."""
    assert any(p.path.endswith("value.theme") for p in lint(project({"theme": "dark"})))


def test_other_path_maps_still_build() -> None:
    datafile = build(project({"width": 5}))
    override = datafile["features"]["page"]["variations"][1]["variableOverrides"]["theme"][0]
    assert override["value"] == {"theme": "light", "width": 5}
    assert not [p for p in lint(project({"width": 5})) if "value" in p.path]

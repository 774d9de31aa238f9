"""`kubevisor info SOURCE`: how many attributes, segments, features, variables, groups,
targets, test specs and assertions a project has (like `featurevisor info`)."""

from __future__ import annotations

import argparse
import dataclasses
import json
from typing import Any

from kubevisor.cli.output import examples, fail
from kubevisor.cli.projects import (
    LoadedProject,
    in_memory_datafile,
    load_one_project,
    load_projects,
)
from kubevisor.core.analysis.info import project_counts
from kubevisor.core.build import BuildError
from kubevisor.core.jsjson import dumps
from kubevisor.sources.errors import SourceError
from kubevisor.sources.project_state import read_revision

LABELS = {
    "attributes": "Total attributes:",
    "segments": "Total segments:",
    "features": "Total features:",
    "variables": "Total variables:",
    "groups": "Total groups:",
    "schemas": "Total schemas:",
    "targets": "Total targets:",
    "test_specs": "Total test specs:",
    "assertions": "Total assertions:",
}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "info",
        help="counts of a project's definitions and tests",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=examples("kubevisor info ./project", "kubevisor info ./manifests --json"),
    )
    parser.add_argument("source", metavar="SOURCE", help="project folder, or manifests")
    parser.add_argument(
        "--target",
        action="append",
        metavar="T",
        help="also count what each environment's datafile of this target holds (repeatable)",
    )
    parser.add_argument("-N", "--namespace", help="namespace of the manifests (with --target)")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    parser.set_defaults(handler=run)


def target_rows(project: LoadedProject, targets: list[str]) -> list[dict[str, Any]]:
    """Per environment and target: features, segments, variables and datafile bytes (of the
    datafile built in memory, whose revision text may differ from a real build's)."""
    environments = project.definitions.config.environments
    pretty = project.definitions.config.pretty_datafile  # the size as `build` would write it
    rows = []
    for environment in environments if environments is not None else [None]:
        for target in targets:
            datafile = in_memory_datafile(project, environment, target)
            features = datafile["features"]
            rows.append(
                {
                    "environment": environment,
                    "target": target,
                    "features": len(features),
                    "segments": len(datafile["segments"]),
                    "variables": sum(
                        len(feature.get("variablesSchema") or {}) for feature in features.values()
                    ),
                    "bytes": len(dumps(datafile, pretty=pretty).encode()),
                }
            )
    return rows


def _print_rows(rows: list[dict[str, Any]]) -> None:
    print("\n  Datafiles (environment / target: features, segments, variables, size):\n")
    for row in rows:
        where = f"{row['environment']} / {row['target']}" if row["environment"] else row["target"]
        print(
            f"  - {where}: {row['features']} features, {row['segments']} segments, "
            f"{row['variables']} variables, {row['bytes']:,} bytes"
        )


def run(args: argparse.Namespace) -> int:
    if args.target:
        return _run_targets(args)
    try:
        projects = load_projects(args.source)
        infos = []
        for project in projects:
            counts = dataclasses.asdict(project_counts(project.definitions))
            layout = project.layout
            if layout is not None:
                revision = read_revision(layout.state_directory, layout.config.revision_file_name)
                counts = {"revision": revision, **counts}
            infos.append((project.name, counts))
    except SourceError as error:
        return fail("info", str(error))
    if args.json:
        payload: Any = infos[0][1] if len(infos) == 1 else dict(infos)
        print(json.dumps(payload, indent=2))
        return 0
    for name, counts in infos:
        print(f"\nProject info ({name}):\n")
        if "revision" in counts:
            print(f"  - {'Revision:':<19} {counts['revision']}\n")
        for field, label in LABELS.items():
            print(f"  - {label:<19} {counts[field]}")
            if field == "targets":
                print()  # tests apart from definitions, as upstream groups them
    return 0


def _run_targets(args: argparse.Namespace) -> int:
    try:
        project = load_one_project(args.source, args.namespace)
        rows = target_rows(project, args.target)
    except SourceError as error:
        return fail("info", str(error))
    except BuildError as error:
        return fail("info", f"the project does not build: {error}")
    counts = dataclasses.asdict(project_counts(project.definitions))
    if args.json:
        print(json.dumps({**counts, "datafiles": rows}, indent=2))
        return 0
    print(f"\nProject info ({project.name}):\n")
    for field, label in LABELS.items():
        print(f"  - {label:<19} {counts[field]}")
    _print_rows(rows)
    return 0

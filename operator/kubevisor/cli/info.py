"""`kubevisor info SOURCE`: how many attributes, segments, features, variables, groups,
targets, test specs and assertions a project has (like `featurevisor info`)."""

from __future__ import annotations

import argparse
import dataclasses
import json
from typing import Any

from kubevisor.cli.output import examples, fail
from kubevisor.cli.projects import load_projects
from kubevisor.core.analysis.info import project_counts
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
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
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

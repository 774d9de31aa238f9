"""`kubevisor find-duplicate-segments SOURCE`: segments whose conditions are written
identically (like `featurevisor find-duplicate-segments`); merge them into one."""

from __future__ import annotations

import argparse
import json
from typing import Any

from kubevisor.cli.output import examples, fail
from kubevisor.cli.projects import load_projects
from kubevisor.core.analysis.duplicates import duplicate_segments
from kubevisor.sources.errors import SourceError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "find-duplicate-segments",
        help="segments with identical conditions",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=examples(
            "kubevisor find-duplicate-segments ./project",
            "kubevisor find-duplicate-segments ./manifests --json",
        ),
    )
    parser.add_argument("source", metavar="SOURCE", help="project folder, or manifests")
    parser.add_argument("--json", action="store_true", help="print the groups as a JSON array")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        projects = load_projects(args.source)
    except SourceError as error:
        return fail("find-duplicate-segments", str(error))
    found = {project.name: duplicate_segments(project.definitions) for project in projects}
    if args.json:
        payload: Any = next(iter(found.values())) if len(found) == 1 else found
        print(json.dumps(payload, indent=2))
        return 0
    for name, groups in found.items():
        if len(found) > 1:
            print(f"{name}:")
        if not groups:
            print("No duplicate segments found")
            continue
        print(f"Found {len(groups)} duplicates:\n")  # upstream's wording, plural always
        for keys in groups:
            print(f"  - {', '.join(keys)}")
    return 0

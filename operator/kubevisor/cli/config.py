"""`kubevisor config SOURCE`: the resolved project configuration (like `featurevisor config`),
with upstream's key names: `featurevisor.config.js` after defaults, or for manifests the
settings kubevisor derives from the namespace (environments and tags from its Datafiles)."""

from __future__ import annotations

import argparse
import dataclasses
import json
from typing import Any

from kubevisor.cli.output import examples, fail
from kubevisor.cli.projects import LoadedProject, load_projects
from kubevisor.core.definitions import Kind
from kubevisor.sources.errors import SourceError
from kubevisor.sources.project import ENTITY_DIRECTORIES


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


UPSTREAM_NAMES = {
    "pretty_datafile": "prettyDatafile",
    "enforce_catch_all_rule": "enforceCatchAllRule",
}


def resolved_config(project: LoadedProject) -> dict[str, Any]:
    """The project's settings under upstream's names, then its folders (project folders)."""
    values: dict[str, Any] = {}
    for field in dataclasses.fields(project.definitions.config):
        value = getattr(project.definitions.config, field.name)
        values[UPSTREAM_NAMES.get(field.name, _camel(field.name))] = (
            list(value) if isinstance(value, tuple) else value
        )
    layout = project.layout
    if layout is not None:
        for kind in Kind:
            values[ENTITY_DIRECTORIES[kind][0]] = str(layout.entity_directories[kind])
        values["stateDirectoryPath"] = str(layout.state_directory)
        values["datafilesDirectoryPath"] = str(layout.datafiles_directory)
    return values


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "config",
        help="print the resolved project configuration",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=examples("kubevisor config ./project", "kubevisor config ./project --json --pretty"),
    )
    parser.add_argument("source", metavar="SOURCE", help="project folder, or manifests")
    parser.add_argument("--json", action="store_true", help="print the configuration as JSON")
    parser.add_argument("--pretty", action="store_true", help="indent the JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        configs = [
            (project.name, resolved_config(project)) for project in load_projects(args.source)
        ]
    except SourceError as error:
        return fail("config", str(error))
    if args.json:
        payload: Any = configs[0][1] if len(configs) == 1 else dict(configs)
        print(json.dumps(payload, indent=2 if args.pretty else None))
        return 0
    for name, values in configs:
        print(f"\nProject configuration ({name}):\n")
        width = max(len(key) for key in values) + 1
        for key, value in values.items():
            print(f"  - {key + ':':<{width}} {json.dumps(value)}")
    return 0

"""`kubevisor import`: turn a Featurevisor project folder into kubevisor manifests."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kubevisor.sources.errors import SourceError
from kubevisor.sources.export import export_definitions
from kubevisor.sources.project import load_project


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import",
        help="write Kubernetes manifests for a Featurevisor project",
        description=(
            "Read a Featurevisor project folder and write one manifest per attribute, segment, "
            "feature, group and schema, plus one Datafile per environment and target. The "
            "manifests read back unchanged by kubectl (YAML 1.1) and build the same datafiles."
        ),
    )
    parser.add_argument("project", help="Featurevisor project folder (with featurevisor.config.js)")
    parser.add_argument("--out", required=True, help="folder to write the manifests into")
    parser.add_argument(
        "--namespace", help="write this namespace into every object (default: none, so kubectl -n)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        definitions = load_project(args.project)
    except SourceError as error:
        print(f"kubevisor import: {error}", file=sys.stderr)
        return 1
    export = export_definitions(definitions, namespace=args.namespace)
    out = Path(args.out)
    try:
        for relative, text in export.files.items():
            path = out / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    except OSError as error:
        print(f"kubevisor import: cannot write {error.filename}: {error.strerror}", file=sys.stderr)
        return 1
    for note in export.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"wrote {len(export.files)} manifests to {out}")
    return 0

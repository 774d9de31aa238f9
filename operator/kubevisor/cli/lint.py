"""`kubevisor lint SOURCE`: check every definition of a Featurevisor project (spec §9)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kubevisor.core.lint import lint
from kubevisor.sources.errors import SourceError
from kubevisor.sources.project import load_project

SUCCESS_LINE = "✔ No lint errors found"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "lint",
        help="check the definitions of a Featurevisor project folder",
        description="Check every definition like `featurevisor lint`; exit 1 on any error.",
    )
    parser.add_argument("source", metavar="SOURCE", help="a Featurevisor project folder")
    parser.add_argument(
        "--json", action="store_true", help='print {"errors": [...]} instead of text'
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        defs = load_project(args.source)
    except SourceError as error:
        print(f"kubevisor lint: {error}", file=sys.stderr)
        return 1
    problems = lint(defs)
    if args.json:
        print(json.dumps({"errors": [problem.as_json() for problem in problems]}, indent=2))
    else:
        for problem in problems:
            print(problem.render())
        if problems:
            print(f"\n✘ {len(problems)} lint error{'s' if len(problems) != 1 else ''} found")
        else:
            print(SUCCESS_LINE)
    return 1 if problems else 0

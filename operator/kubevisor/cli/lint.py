"""`kubevisor lint SOURCE`: check every definition of a Featurevisor project (spec §9)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kubevisor.core.definitions import Definitions
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


def refuse_invalid(defs: Definitions, command: str) -> int | None:
    """For commands that must not run on definitions lint rejects (build, test, evaluate).

    Prints every problem to stderr and returns exit code 1, or None when the definitions
    are clean: `if (code := refuse_invalid(defs, "build")) is not None: return code`.
    """
    problems = lint(defs)
    if not problems:
        return None
    for problem in problems:
        print(f"error: {problem.render()}", file=sys.stderr)
    print(
        f"kubevisor {command}: {len(problems)} lint error(s); nothing was done. "
        "Run `kubevisor lint` for the list.",
        file=sys.stderr,
    )
    return 1

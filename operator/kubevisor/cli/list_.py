"""`kubevisor list SOURCE --features|--segments|--attributes|--tests|--targets`: list
entities with upstream's filters (like `featurevisor list`). Archived entities are hidden
unless `--archived true` (only archived) or `--archived false` (only the others)."""

from __future__ import annotations

import argparse
import json
import re
from typing import Any

from kubevisor.cli.output import examples, fail
from kubevisor.cli.projects import load_projects
from kubevisor.core.analysis.listing import ListFilters, list_entities
from kubevisor.core.definitions import Kind
from kubevisor.sources.errors import SourceError

KINDS = {
    "features": Kind.FEATURE,
    "segments": Kind.SEGMENT,
    "attributes": Kind.ATTRIBUTE,
    "tests": Kind.TEST,
    "targets": Kind.TARGET,
}


def _boolean(text: str) -> bool:
    if text not in ("true", "false"):
        raise argparse.ArgumentTypeError(f"expected true or false, not {text!r}")
    return text == "true"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "list",
        help="list features, segments, attributes, tests or targets",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=examples(
            "kubevisor list ./project --features",
            "kubevisor list ./project --features --tag checkout --enabledIn production",
            "kubevisor list ./project --features --without-tests --json",
            "kubevisor list ./manifests --segments --keyPattern '^countries'",
            "kubevisor list ./project --tests --entityType feature --applyMatrix --json",
        ),
    )
    parser.add_argument("source", metavar="SOURCE", help="project folder, or manifests")
    kind = parser.add_mutually_exclusive_group(required=True)
    for name in KINDS:
        kind.add_argument(f"--{name}", action="store_const", const=name, dest="kind")
    parser.add_argument("--archived", type=_boolean, metavar="true|false")
    parser.add_argument("--description", metavar="REGEX", help="description matches")
    parser.add_argument("--keyPattern", "--key-pattern", dest="key_pattern", metavar="REGEX")
    parser.add_argument("--disabledIn", "--disabled-in", dest="disabled_in", metavar="ENV")
    parser.add_argument("--enabledIn", "--enabled-in", dest="enabled_in", metavar="ENV")
    parser.add_argument("--tag", action="append", default=[], help="has this tag (repeatable)")
    parser.add_argument("--variable", action="append", default=[], metavar="KEY")
    parser.add_argument("--variation", action="append", default=[], metavar="VALUE")
    for name in ("tests", "variables", "variations"):
        parser.add_argument(f"--with-{name}", action="store_const", const=True, dest=f"with_{name}")
        parser.add_argument(
            f"--without-{name}", action="store_const", const=False, dest=f"with_{name}"
        )
    parser.add_argument(
        "--entityType", "--entity-type", dest="entity_type", choices=["feature", "segment"]
    )
    parser.add_argument(
        "--assertionPattern", "--assertion-pattern", dest="assertion_pattern", metavar="REGEX"
    )
    parser.add_argument(
        "--applyMatrix",
        "--apply-matrix",
        dest="apply_matrix",
        action="store_true",
        help="tests: expand matrix assertions",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    parser.add_argument("--pretty", action="store_true", help="indent the JSON")
    parser.set_defaults(handler=run)


def filters_from(args: argparse.Namespace) -> ListFilters:
    return ListFilters(
        archived=args.archived,
        description=args.description,
        key_pattern=args.key_pattern,
        disabled_in=args.disabled_in,
        enabled_in=args.enabled_in,
        tags=tuple(args.tag),
        variables=tuple(args.variable),
        variations=tuple(args.variation),
        with_tests=args.with_tests,
        with_variables=args.with_variables,
        with_variations=args.with_variations,
        entity_type=args.entity_type,
        assertion_pattern=args.assertion_pattern,
        apply_matrix=args.apply_matrix,
    )


def run(args: argparse.Namespace) -> int:
    try:
        projects = load_projects(args.source)
        filters = filters_from(args)
        results = [
            (project.name, list_entities(project.definitions, KINDS[args.kind], filters))
            for project in projects
        ]
    except SourceError as error:
        return fail("list", str(error))
    except re.error as error:  # a bad --keyPattern or --description
        return fail("list", f"invalid regular expression: {error}")
    singular = args.kind[:-1]
    if args.json:
        payload = [entity for _, entities in results for entity in entities]
        print(json.dumps(payload, indent=2 if args.pretty else None, ensure_ascii=False))
        return 0
    for name, entities in results:
        if len(results) > 1:
            print(f"{name}:")
        if not entities:
            print(f"No {singular}s found.")
            continue
        print(f"\n{args.kind.capitalize()}:\n")
        print("\n".join(f"- {entity['key']}" for entity in entities))
        print(f"\n\nFound {len(entities)} {singular}s.")
    return 0

"""`kubevisor find-usage SOURCE`: where a segment, attribute or feature is used, or which
segments and attributes nothing uses (like `featurevisor find-usage`)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from kubevisor.cli.output import examples, fail
from kubevisor.cli.projects import LoadedProject, load_projects
from kubevisor.core.analysis import usage
from kubevisor.sources.errors import SourceError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "find-usage",
        help="where a segment/attribute/feature is used; unused segments and attributes",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=examples(
            "kubevisor find-usage ./project --segment countries.germany",
            "kubevisor find-usage ./project --attribute country",
            "kubevisor find-usage ./manifests --unusedSegments --json",
        ),
    )
    parser.add_argument("source", metavar="SOURCE", help="project folder, or manifests")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--segment", metavar="KEY", help="features using this segment")
    what.add_argument("--attribute", metavar="KEY", help="features and segments using it")
    what.add_argument("--feature", metavar="KEY", help="features that require this feature")
    what.add_argument(
        "--unusedSegments", "--unused-segments", action="store_true", dest="unused_segments"
    )
    what.add_argument(
        "--unusedAttributes", "--unused-attributes", action="store_true", dest="unused_attributes"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(handler=run)


def _bullets(keys: list[str]) -> list[str]:
    return [f"  - {key}" for key in keys]


def usage_report(project: LoadedProject, args: argparse.Namespace) -> tuple[Any, list[str]]:
    """(JSON payload, text lines) of one project, worded like upstream's output."""
    defs = project.definitions
    if args.segment is not None:
        features = usage.features_using_segment(defs, args.segment)
        if not features:
            return {"features": []}, [f'Segment "{args.segment}" is not used in any features.']
        header = f'Segment "{args.segment}" is used in the following features:'
        return {"features": features}, [header, "", *_bullets(features)]
    if args.feature is not None:
        features = usage.features_requiring(defs, args.feature)
        if not features:
            return {"features": []}, [f'Feature "{args.feature}" is not required by any features.']
        header = f'Feature "{args.feature}" is required by the following features:'
        return {"features": features}, [header, "", *_bullets(features)]
    if args.attribute is not None:
        used = usage.attribute_usage(defs, args.attribute)
        payload = {"features": used.features, "segments": used.segments}
        name = f'Attribute "{args.attribute}"'
        if not used.features and not used.segments:
            return payload, [f"{name} is not used in any features or segments."]
        lines: list[str] = []
        if used.features:
            lines += [f"{name} is used in the following features:", ""]
            lines += [*_bullets(used.features), ""]
        if used.segments:
            lines += [f"{name} is used in the following segments:", ""]
            lines += _bullets(used.segments)
        return payload, lines
    if args.unused_segments:
        keys = usage.unused_segments(defs)
        text = ["Unused segments:", "", *_bullets(keys)] if keys else ["No unused segments found."]
        return {"segments": keys}, text
    keys = usage.unused_attributes(defs)
    text = ["Unused attributes:", "", *_bullets(keys)] if keys else ["No unused attributes found."]
    return {"attributes": keys}, text


def run(args: argparse.Namespace) -> int:
    try:
        projects = load_projects(args.source)
    except SourceError as error:
        return fail("find-usage", str(error))
    reports = [(project, *usage_report(project, args)) for project in projects]
    if args.json:
        if len(reports) == 1:
            print(json.dumps(reports[0][1], indent=2))
        else:
            print(json.dumps({project.name: payload for project, payload, _ in reports}, indent=2))
        return 0
    for project, _, lines in reports:
        print(f"\n{project.name}:" if len(reports) > 1 else "")
        print("\n".join(lines))
    return 0

"""`kubevisor assess-distribution SOURCE --feature KEY`: evaluate a feature for N simulated
users and print how many got it enabled and each variation (like `featurevisor
assess-distribution`). Each `--populateUuid` attribute gets a new random identifier per
evaluation. Every rule's observed split is checked against its percentage and variation
weights; a split further off than `--tolerance` points and chance explains is reported, and
the exit code is 1."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from kubevisor.cli.output import examples, fail, paint
from kubevisor.cli.projects import all_features_datafile, load_one_project, parse_context
from kubevisor.sources.errors import SourceError

if TYPE_CHECKING:
    from kubevisor.core.analysis.distribution import Distribution


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "assess-distribution",
        help="simulate N users of a feature; check the split against the weights",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=examples(
            "kubevisor assess-distribution ./project -e production --feature foo "
            "--populateUuid userId -n 10000",
            "kubevisor assess-distribution ./project -e production --feature foo "
            '--context \'{"country": "de"}\' --populateUuid userId --json',
        ),
    )
    parser.add_argument("source", metavar="SOURCE", help="project folder, or manifests")
    parser.add_argument("--feature", required=True, metavar="KEY")
    parser.add_argument("-e", "--environment", metavar="ENV", help="environment to build")
    parser.add_argument("--context", default="{}", metavar="JSON", help="base context object")
    parser.add_argument("-n", "--n", type=int, default=1, dest="n", help="evaluations (default 1)")
    parser.add_argument(
        "--populateUuid",
        "--populate-uuid",
        action="append",
        default=[],
        dest="populate",
        metavar="ATTRIBUTE",
        help="attribute set to a fresh random UUID per evaluation (repeatable)",
    )
    parser.add_argument(
        "--tolerance", type=float, default=1.0, metavar="POINTS", help="allowed deviation"
    )
    parser.add_argument("--seed", type=int, help="make the random identifiers reproducible")
    parser.add_argument("-N", "--namespace", help="namespace of the manifests to use")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    parser.set_defaults(handler=run)


def _percent(count: int, n: int) -> str:
    return f"{count * 100 / n:.2f}%" if n else "0.00%"


def _table(counts: dict[str, int], n: int) -> list[str]:
    rows = sorted(counts.items(), key=lambda item: -item[1])  # most frequent first, stable
    width = max((len(name) for name in counts), default=0) + 1
    count_width = max((len(f"{count:,}") for count in counts.values()), default=1)
    return [
        f"  - {name + ':':<{width}} {count:>{count_width},} {_percent(count, n):>8}"
        for name, count in rows
    ]


def render_text(feature: str, context: dict[str, Any], result: Distribution) -> list[str]:
    lines = [
        f'Assessing distribution for feature "{feature}"',
        f"Against context: {json.dumps(context)}",
        f"Evaluated {result.n:,} times",
        "",
        "Flag evaluations:",
        *_table(result.flags, result.n),
    ]
    if set(result.variations) != {"null"}:
        lines += ["", "Variation evaluations:", *_table(result.variations, result.n)]
    return lines


def run(args: argparse.Namespace) -> int:
    # Imported here: `kubevisor --help` imports every command module, and needs none of these.
    import random
    import uuid

    from kubevisor.core.analysis.distribution import mismatches, simulate
    from kubevisor.core.build import BuildError
    from kubevisor.core.evaluate import Evaluator

    if args.n < 1:
        return fail("assess-distribution", "-n must be at least 1")
    try:
        context = parse_context(args.context)
        project = load_one_project(args.source, args.namespace)
        datafile = all_features_datafile(project, args.environment)
    except SourceError as error:
        return fail("assess-distribution", str(error))
    except BuildError as error:
        return fail("assess-distribution", f"the project does not build: {error}")
    if args.feature not in datafile["features"]:
        return fail("assess-distribution", f'no feature "{args.feature}" in {project.name}')
    rng = random.Random(args.seed)
    result = simulate(
        Evaluator(datafile),
        args.feature,
        context,
        args.n,
        populate=tuple(args.populate),
        new_identifier=lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
    )
    # Without a fresh identifier every evaluation is the same user: nothing to compare.
    found = mismatches(result, args.tolerance) if args.populate else []
    if args.json:
        payload = {
            "n": result.n,
            "flag": result.flags,
            "variations": result.variations,
            "mismatches": [found_one.render() for found_one in found],
        }
        print(json.dumps(payload, indent=2))
    else:
        print("\n".join(render_text(args.feature, context, result)))
        for mismatch in found:
            print(paint(f"\n✘ {mismatch.render()}", "red"))
        if not args.populate:
            print("\nNo --populateUuid: every evaluation is the same user; splits not checked.")
        elif not found and result.rules:
            print(paint("\n✔ every rule's split matches its weights", "green"))
    return 1 if found else 0

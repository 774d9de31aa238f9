"""`kubevisor benchmark SOURCE --feature KEY -n N`: evaluate a feature's flag (or its
variation, or one variable) N times against the in-memory datafile of every feature and print
the value and the total, average, fastest and slowest evaluation (like `featurevisor
benchmark`). Figures only: nothing is compared with a threshold."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from kubevisor.cli.output import examples, fail
from kubevisor.cli.projects import all_features_datafile, load_one_project, parse_context
from kubevisor.core.jsjson import dumps
from kubevisor.sources.errors import SourceError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "benchmark",
        help="time N evaluations of a feature",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=examples(
            "kubevisor benchmark ./project -e production --feature foo -n 10000",
            "kubevisor benchmark ./project -e production --feature foo --variable bar "
            '--context \'{"userId": "123"}\' -n 1000 --json',
        ),
    )
    parser.add_argument("source", metavar="SOURCE", help="project folder, or manifests")
    parser.add_argument("--feature", required=True, metavar="KEY")
    parser.add_argument("-e", "--environment", metavar="ENV", help="environment to build")
    parser.add_argument("--context", default="{}", metavar="JSON", help="context object")
    parser.add_argument("-n", "--n", type=int, default=1, dest="n", help="evaluations (default 1)")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--variation", action="store_true", help="time getVariation")
    what.add_argument("--variable", metavar="KEY", help="time getVariable of this variable")
    parser.add_argument("-N", "--namespace", help="namespace of the manifests to use")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.set_defaults(handler=run)


def time_evaluations(evaluate: Callable[[], Any], n: int) -> tuple[Any, list[int]]:
    """The last value and each evaluation's duration in nanoseconds."""
    durations = []
    value = None
    clock = time.perf_counter_ns
    for _ in range(n):
        start = clock()
        value = evaluate()
        durations.append(clock() - start)
    return value, durations


def _ms(nanoseconds: float) -> str:
    return f"{nanoseconds / 1e6:.6f}ms"


def run(args: argparse.Namespace) -> int:
    # Imported here: `kubevisor --help` imports every command module, and needs none of these.
    from kubevisor.core.build import BuildError
    from kubevisor.core.evaluate import Evaluator

    if args.n < 1:
        return fail("benchmark", "-n must be at least 1")
    try:
        context = parse_context(args.context)
        project = load_one_project(args.source, args.namespace)
        started = time.perf_counter_ns()
        datafile = all_features_datafile(project, args.environment)
        build_ns = time.perf_counter_ns() - started
    except SourceError as error:
        return fail("benchmark", str(error))
    except BuildError as error:
        return fail("benchmark", f"the project does not build: {error}")
    if args.feature not in datafile["features"]:
        return fail("benchmark", f'no feature "{args.feature}" in {project.name}')
    evaluator = Evaluator(datafile)
    kind = "flag"
    evaluate: Callable[[], Any] = lambda: evaluator.is_enabled(args.feature, context)  # noqa: E731
    if args.variation:
        kind = "variation"
        evaluate = lambda: evaluator.get_variation(args.feature, context)  # noqa: E731
    elif args.variable is not None:
        kind = f"variable {args.variable}"
        evaluate = lambda: evaluator.get_variable(args.feature, args.variable, context)  # noqa: E731
    value, durations = time_evaluations(evaluate, args.n)
    total = sum(durations)
    figures = {
        "evaluated": kind,
        "n": args.n,
        "value": value,
        "datafileBuildMs": build_ns / 1e6,
        "totalMs": total / 1e6,
        "averageMs": total / args.n / 1e6,
        "minMs": min(durations) / 1e6,
        "maxMs": max(durations) / 1e6,
    }
    if args.json:
        print(dumps(figures, pretty=True))
        return 0
    print(f'Running benchmark for feature "{args.feature}"')
    print(f"Datafile build duration: {_ms(build_ns)}")
    print(f"Against context: {dumps(context)}")
    print(f"Evaluating {kind} {args.n:,} times")
    print(f"Evaluated value : {dumps(value)}")
    print(f"Total duration  : {_ms(total)}")
    print(f"Average duration: {_ms(total / args.n)}")
    print(f"Fastest         : {_ms(min(durations))}")
    print(f"Slowest         : {_ms(max(durations))}")
    return 0

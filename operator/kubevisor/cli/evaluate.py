"""`kubevisor evaluate`: evaluate one feature of a datafile for a context.

Prints the flag, the variation and every variable with the reason of each decision, or with
`--json` the evaluation objects `{flag, variation, variables: {key: evaluation}}`. Decisions
are the official Python SDK's (featurevisor 3.1.0).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, cast

from kubevisor.core.datafile_shapes import Datafile
from kubevisor.core.evaluate import Evaluation, Evaluator, variable_of, variation_of
from kubevisor.core.jsjson import dumps
from kubevisor.sources.errors import SourceError
from kubevisor.sources.text_file import read_text


class InputError(Exception):
    """Bad command-line input; the message says what to fix."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "evaluate",
        help="evaluate a feature of a datafile for a context",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--datafile", required=True, metavar="FILE", help="datafile (JSON); - reads stdin"
    )
    parser.add_argument("--feature", required=True, metavar="KEY", help="feature key")
    parser.add_argument(
        "--context", default="{}", metavar="JSON", help='context object, e.g. \'{"userId":"1"}\''
    )
    parser.add_argument("--json", action="store_true", help="print the evaluation objects")
    parser.set_defaults(handler=run)


TOO_DEEP = "lists and maps nest deeper than Python's JSON reader goes; flatten them"


def read_datafile(path: str) -> Datafile:
    """The datafile at `path`, or on standard input for `-`."""
    try:
        # Regular files only, size-capped; `-` is standard input.
        datafile = json.loads(sys.stdin.read() if path == "-" else read_text(Path(path)))
    except SourceError as error:
        raise InputError(f"cannot read datafile {error}") from None
    except ValueError as error:
        raise InputError(f"datafile {path} is not valid JSON: {error}") from None
    except RecursionError:
        raise InputError(f"datafile {path}: {TOO_DEEP}") from None
    if not isinstance(datafile, dict) or not isinstance(datafile.get("features"), dict):
        raise InputError(f'datafile {path} is not a datafile: expected an object with "features"')
    if not isinstance(datafile.get("segments", {}), dict):
        raise InputError(f'datafile {path}: "segments" must be an object')
    # Checked as far as the SDK checks a datafile; the evaluator copes with the rest like it.
    return cast(Datafile, datafile)


def read_context(text: str) -> dict[str, Any]:
    try:
        context = json.loads(text)
    except ValueError as error:
        raise InputError(f"--context is not valid JSON: {error}") from None
    except RecursionError:
        raise InputError(f"--context: {TOO_DEEP}") from None
    if not isinstance(context, dict):
        raise InputError('--context must be a JSON object, e.g. \'{"userId": "123"}\'')
    return context


def evaluate_all(evaluator: Evaluator, feature_key: str, context: dict[str, Any]) -> dict[str, Any]:
    """The flag, variation and every variable's evaluation of one feature."""
    return {
        "flag": evaluator.evaluate_flag(feature_key, context),
        "variation": evaluator.evaluate_variation(feature_key, context),
        "variables": {
            variable_key: evaluator.evaluate_variable(feature_key, variable_key, context)
            for variable_key in evaluator.variable_keys(feature_key)
        },
    }


def _why(evaluation: Evaluation, *, bucket: bool = False) -> str:
    parts = [f"reason: {evaluation['reason']}"]
    if evaluation.get("ruleKey") is not None:
        parts.append(f"rule: {evaluation['ruleKey']}")
    if bucket and "bucketKey" in evaluation:
        parts.append(f"bucket: {evaluation['bucketKey']} = {evaluation['bucketValue']}")
    if "error" in evaluation:
        parts.append(f"error: {evaluation['error']}")
    return "(" + ", ".join(parts) + ")"


def render_text(feature_key: str, context: dict[str, Any], result: dict[str, Any]) -> str:
    flag: Evaluation = result["flag"]
    variation: Evaluation = result["variation"]
    enabled = "enabled" if flag.get("enabled") is True else "disabled"
    lines = [
        f'Feature "{feature_key}" for context {dumps(context)}',
        "",
        f"Flag:      {enabled} {_why(flag, bucket=True)}",
        f"Variation: {dumps(variation_of(variation))} {_why(variation)}",
    ]
    variables: dict[str, Evaluation] = result["variables"]
    if variables:
        lines.append("Variables:")
        width = max(len(key) for key in variables) + 1
        for key, evaluation in variables.items():
            value = dumps(variable_of(evaluation))
            lines.append(f"  {key + ':':<{width}} {value} {_why(evaluation)}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    try:
        datafile = read_datafile(args.datafile)
        context = read_context(args.context)
        if args.feature not in datafile["features"]:
            raise InputError(f'feature "{args.feature}" is not in datafile {args.datafile}')
    except InputError as error:
        print(f"kubevisor evaluate: {error}", file=sys.stderr)
        return 1
    result = evaluate_all(Evaluator(datafile), args.feature, context)
    if args.json:
        print(dumps(result, pretty=True))
    else:
        print(render_text(args.feature, context, result))
    return 0

"""The `kubevisor` command line. Each subcommand lives in a module of its own."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kubevisor.cli import build, crds, dev, evaluate, import_, lint, operator, test

COMMANDS = (build, lint, test, evaluate, import_, operator, dev, crds)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kubevisor",
        description="Featurevisor-compatible feature management, native to Kubernetes.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    exit_code: int = args.handler(args)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())

"""The `kubevisor` command line. Each subcommand lives in a module of its own."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

COMMANDS = {
    "build": "build",
    "lint": "lint",
    "test": "test",
    "evaluate": "evaluate",
    "import": "import_",
    "operator": "operator",
    "dev": "dev",
    "crds": "crds",
    "find-usage": "find_usage",
    "find-duplicate-segments": "find_duplicate_segments",
    "list": "list_",
    "info": "info",
    "config": "config",
    "assess-distribution": "assess_distribution",
    "benchmark": "benchmark",
    "promote": "promote",
    "init": "init",
    "generate-code": "generate_code",
}
"""Subcommand -> module of `kubevisor.cli` that registers and runs it."""


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"kubevisor.cli.{COMMANDS[name]}")


def make_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every subcommand, or of `only` one: a run imports just the modules of the
    command it runs (the CLI starts in a fraction of the time), while `--help` lists them all."""
    parser = argparse.ArgumentParser(
        prog="kubevisor",
        description="Featurevisor-compatible feature management, native to Kubernetes.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in [only] if only else COMMANDS:
        _module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    command = arguments[0] if arguments and arguments[0] in COMMANDS else None
    args = make_parser(command).parse_args(arguments)
    exit_code: int = args.handler(args)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())

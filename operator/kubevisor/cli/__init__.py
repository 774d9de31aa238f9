"""The `kubevisor` command line. Each subcommand lives in a module of its own."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

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

EXAMPLES = {
    "build": (
        "kubevisor build ./project",
        "kubevisor build ./project --print --environment production --pretty",
        "kubevisor build ./manifests --out ./datafiles",
        "kubevisor build ./manifests --out ./datafiles --revisions per-datafile --hold-back",
    ),
    "lint": (
        "kubevisor lint ./project",
        "kubevisor lint ./manifests --json",
        "kubectl kustomize overlays/prod | kubevisor lint -",
    ),
    "test": ("kubevisor test ./project", "kubevisor test ./project --key-pattern checkout"),
    "evaluate": (
        "kubevisor evaluate --datafile featurevisor-web.json --feature checkout "
        '--context \'{"userId": "123"}\'',
        "kubectl get configmap flags -o jsonpath='{.data.datafile\\.json}' | "
        "kubevisor evaluate --datafile - --feature checkout --json",
    ),
    "import": ("kubevisor import ./project --out ./manifests --namespace shop",),
    "operator": (
        "kubevisor operator --namespace shop",
        "kubevisor operator --shard a",
    ),
    "dev": ("kubevisor dev up", "kubevisor dev status", "kubevisor dev down"),
    "crds": ("kubevisor crds | kubectl apply -f -", "kubevisor crds --out crds/"),
}
"""Example invocations for commands whose module sets no `--help` epilog of its own."""


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"kubevisor.cli.{COMMANDS[name]}")


class _VersionAction(argparse.Action):
    """`--version`: the installed package's version, looked up only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            installed = version("kubevisor")
        except PackageNotFoundError:
            installed = "unknown (not installed)"
        print(f"kubevisor {installed} (Featurevisor v3.1.0 compatible)")
        parser.exit()


class _ExamplesFormatter(argparse.HelpFormatter):
    """Wraps descriptions as usual but prints the examples epilog line for line."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("examples:"):
            return "\n".join(indent + line for line in text.splitlines())
        return super()._fill_text(text, width, indent)


def _add_examples(subparsers: Any, name: str) -> None:
    parser = subparsers.choices.get(name)
    if parser is None or parser.epilog or name not in EXAMPLES:
        return
    parser.epilog = "examples:\n" + "\n".join(f"  {line}" for line in EXAMPLES[name])
    if parser.formatter_class is argparse.HelpFormatter:
        parser.formatter_class = _ExamplesFormatter


def make_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every subcommand, or of `only` one: a run imports just the modules of the
    command it runs (the CLI starts in a fraction of the time), while `--help` lists them all."""
    parser = argparse.ArgumentParser(
        prog="kubevisor",
        description="Featurevisor-compatible feature management, native to Kubernetes.",
        epilog="Run `kubevisor COMMAND --help` for a command's options and examples.",
    )
    parser.add_argument("--version", "-V", action=_VersionAction)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in [only] if only else COMMANDS:
        _module(name).register(subparsers)
        _add_examples(subparsers, name)
    return parser


def _quiet_broken_pipe() -> int:
    """The reader went away (`kubevisor lint x | head -1`): stop without a traceback, and keep
    the interpreter's final flush from failing again on the closed pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 141  # 128 + SIGPIPE, what a shell reports for a command killed by the pipe


EXIT_AT_ONCE = frozenset(("build", "lint"))
"""Commands whose process ends as soon as they are done, without the interpreter's teardown
(freeing every object, a last garbage collection: about 0.07 s CPU after a big build). They
keep nothing open that needs it: files are closed and children waited for when they return."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; `argv` None means this process is the `kubevisor` command itself."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    command = arguments[0] if arguments and arguments[0] in COMMANDS else None
    try:
        args = make_parser(command).parse_args(arguments)
        exit_code: int = args.handler(args)
        sys.stdout.flush()
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except KeyboardInterrupt:
        print("kubevisor: interrupted", file=sys.stderr)
        return 130
    if argv is None and command in EXIT_AT_ONCE:
        sys.stderr.flush()
        os._exit(exit_code)  # stdout is flushed above; callers with an argv get the code back
    return exit_code


if __name__ == "__main__":
    sys.exit(main())

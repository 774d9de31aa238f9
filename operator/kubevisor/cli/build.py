"""`kubevisor build SOURCE`: write datafiles like `featurevisor build` (v3.1.0), byte for byte.

SOURCE is a Featurevisor project folder (it has `featurevisor.config.js`), or Kubernetes
manifest files and folders: each namespace is built like one project, into
`OUT/<namespace>/<environment>/featurevisor-<target>.json`, with state in
`OUT/.kubevisor-state/<namespace>/` unless `--state-dir`; `--revisions per-datafile
--hold-back` builds them exactly as the operator publishes them. Definitions that `kubevisor
lint` rejects are refused (nothing is written) unless `--no-lint` (or, for manifests,
`--hold-back`). State is read from and written to the state folder (a project's
`.featurevisor/` by default) like upstream, so raising a percentage keeps users where they
were.

Targets: every file in `targets/` (e.g. `targets/web.yml` with `tag: web`) makes one datafile
per environment, `<env>/featurevisor-<target>.json`; a project needs at least one (a target
`all.yml` with just a `description` selects every feature). See docs/targets.md.

Sets (`sets: true` in featurevisor.config.js): every set folder under `sets/` is built like a
project, into `OUT/<set>/...` with state in `<state>/sets/<set>/`, all with one revision (the root
`REVISION` + 1), then the root `REVISION` files are written. `--set S` builds only that set.
"""

from __future__ import annotations

import argparse
import gc
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kubevisor.cli import build_manifests
from kubevisor.cli.build_output import (
    build_failed,
    refuse_invalid,
    report_problems,
    write_tree,
)
from kubevisor.cli.forking import WorkerError
from kubevisor.cli.output_paths import project_names_problem
from kubevisor.cli.parallel_build import build_with_check, load_definitions
from kubevisor.core.build import (
    DEFAULT_FEATUREVISOR_VERSION,
    BuildError,
    BuildOutput,
    build_datafile,
    next_revision,
)
from kubevisor.core.datafile_shapes import State
from kubevisor.core.definitions import Definitions
from kubevisor.core.jsjson import dumps, js_number_text
from kubevisor.sources.errors import SourceError
from kubevisor.sources.project import ProjectLayout, is_project_folder, read_layout
from kubevisor.sources.project_state import read_revision, read_states


@dataclass(frozen=True)
class BuildSource:
    """What to build and where its defaults live."""

    definitions: Definitions
    state_directory: Path | None
    """Default state folder (None: the source has none, `--state-dir` must be given)."""
    datafiles_directory: Path | None
    """Default output folder (None: `--out` must be given)."""


def load_build_source(source: str, set_name: str | None = None) -> BuildSource:
    """Definitions from SOURCE. A folder with `featurevisor.config.js` is a Featurevisor
    project (`set_name` picks a set of a sets project); Kubernetes manifests are built by
    build_manifests."""
    if is_project_folder(source):
        layout = read_layout(source)
        if set_name is not None:
            layout = layout.for_set(set_name)
        elif layout.is_sets_root:
            raise SourceError(
                f"{source}: Pass --set=<set> when printing a datafile of a project with sets "
                f"({', '.join(layout.set_names())})"
            )
        return layout_source(layout)
    raise SourceError(
        f"{source}: not a Featurevisor project folder (no featurevisor.config.js found)"
    )


def layout_source(layout: ProjectLayout) -> BuildSource:
    """The definitions and default folders of one project (or one set)."""
    return BuildSource(
        definitions=load_definitions(layout),
        state_directory=layout.state_directory,
        datafiles_directory=layout.datafiles_directory,
    )


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "build",
        help="build datafiles (byte-identical to featurevisor build v3.1.0)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "source", metavar="SOURCE", help="Featurevisor project folder, or manifest file/folder"
    )
    parser.add_argument(
        "--out", metavar="DIR", help="datafiles folder (default: the project's datafiles/)"
    )
    parser.add_argument(
        "--state-dir", metavar="DIR", help="state folder (default: the project's .featurevisor/)"
    )
    parser.add_argument("--revision", metavar="R", help="use this revision instead of REVISION+1")
    parser.add_argument(
        "--featurevisor-version",
        metavar="V",
        default=DEFAULT_FEATUREVISOR_VERSION,
        help=f"featurevisorVersion written into datafiles (default {DEFAULT_FEATUREVISOR_VERSION},"
        " the upstream version whose output kubevisor reproduces)",
    )
    parser.add_argument(
        "--target", metavar="T", action="append", help="build only this target (repeatable)"
    )
    parser.add_argument("--set", metavar="S", help="sets mode: build only this set")
    parser.add_argument(
        "--no-state-files", action="store_true", help="do not write state and REVISION files"
    )
    parser.add_argument(
        "--revision-from-hash",
        action="store_true",
        help="each datafile's revision is a hash of its feature hashes",
    )
    parser.add_argument(
        "--no-lint",
        action="store_true",
        help="skip the lint check that refuses invalid definitions (upstream build does not lint)",
    )
    parser.add_argument(
        "--revisions",
        choices=("project", "per-datafile"),
        default="project",
        help="manifests: one revision per build like upstream (default), or per Datafile, "
        "moving only when its content does, as the operator numbers them",
    )
    parser.add_argument(
        "--hold-back",
        action="store_true",
        help="manifests: like the operator, write the Datafiles whose inputs are valid and keep "
        "the others' last files (exit 1 all the same)",
    )
    parser.add_argument(
        "--print",
        action="store_true",
        help="print one datafile to stdout instead (like featurevisor build --json)",
    )
    parser.add_argument("--environment", metavar="E", help="environment to print (--print)")
    parser.add_argument("--pretty", action="store_true", help="pretty-print (--print)")
    parser.set_defaults(handler=run)


_YARGS_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:e[-+]?[0-9]+)?\Z")
_YARGS_HEX = re.compile(r"0x[0-9a-fA-F]+\Z", re.IGNORECASE)


def yargs_revision(text: str | None) -> str | None:
    """`--revision` as upstream's CLI sees it: yargs turns numeric text into a number, so
    `1.0` becomes "1", and a revision that is the number 0 counts as not given (docs/featurevisor.md
    §5.12)."""
    if text is None:
        return None
    if _YARGS_HEX.match(text):
        number: float = int(text, 16)
    elif text[:1] == "0" and text[1:2] not in ("", "."):
        return text  # yargs keeps leading-zero text like "007" as a string
    elif _YARGS_NUMBER.match(text):
        number = float(text)
    else:
        return text
    if not math.isfinite(number) or abs(math.floor(number)) > 2**53 - 1:
        return text  # yargs keeps what is not a safe integer as text
    formatted = js_number_text(number)
    return None if formatted == "0" else formatted


def _print_datafile(args: argparse.Namespace, source: BuildSource, state_dir: Path | None) -> int:
    definitions = source.definitions
    environments = definitions.config.environments
    if environments is not None and not args.environment:
        return build_failed("Pass --environment=<environment> when printing a datafile.")
    if args.target and len(set(args.target)) > 1:
        return build_failed("Only one --target can be used with --print.")
    environment = args.environment if environments is not None else None
    states = read_states(state_dir, [environment]) if state_dir is not None else {}
    state: State = states.get(environment, {"features": {}})
    try:
        content = build_datafile(
            definitions,
            target_key=args.target[0] if args.target else None,
            environment=environment,
            state=state,
            revision=args.revision or "tester",
            featurevisor_version=args.featurevisor_version,
        )
    except BuildError as error:
        return report_problems(error.problems)
    print(dumps(content, pretty=args.pretty))
    return 0


def run(args: argparse.Namespace) -> int:
    # One short-lived pass that allocates many objects and frees almost none: the cyclic
    # garbage collector would only rescan them over and over (about a tenth of the time). It is
    # on again afterwards, for whoever called `main` in this process (tests, an embedding tool).
    gc.disable()
    try:
        return _run(args)
    finally:
        gc.enable()


def _run(args: argparse.Namespace) -> int:
    if not is_project_folder(args.source):
        return build_manifests.run(args)
    if args.revisions != "project" or args.hold_back:
        return build_failed(
            "--revisions and --hold-back: only for manifests, not for project folders"
        )
    try:
        if args.print:
            source = load_build_source(args.source, args.set)
            state_dir = Path(args.state_dir) if args.state_dir else source.state_directory
            if (
                not args.no_lint
                and (code := refuse_invalid(source.definitions, "build")) is not None
            ):
                return code
            return _print_datafile(args, source, state_dir)
        layout = read_layout(args.source)
        if layout.sets_directory is not None:
            return _build_sets(args, layout)
        if args.set:
            return build_failed(f"--set {args.set}: {args.source} has no sets (no `sets: true`)")
        return _build_project(args, layout)
    except (SourceError, WorkerError) as error:
        return build_failed(str(error))
    except OSError as error:
        return build_failed(f"{error.filename or ''}: {error.strerror}")


def _build_project(args: argparse.Namespace, layout: ProjectLayout) -> int:
    source = layout_source(layout)
    state_dir = Path(args.state_dir) if args.state_dir else source.state_directory
    out_dir = Path(args.out) if args.out else source.datafiles_directory
    if out_dir is None or state_dir is None:
        return build_failed("--out DIR and --state-dir DIR are required for this source")
    revision_file = source.definitions.config.revision_file_name
    built = _build_source(
        args,
        source,
        state_dir,
        read_revision(state_dir, revision_file),
        yargs_revision(args.revision),
    )
    if isinstance(built, int):
        return built
    write_tree(out_dir, built.files)
    if not args.no_state_files:
        write_tree(state_dir, built.state_files)
    print(f"Built {len(built.files) - 1} datafile(s), revision {built.revision}, in {out_dir}")
    return 0


def _build_sets(args: argparse.Namespace, layout: ProjectLayout) -> int:
    """Sets mode (§5.13): one revision for every set, from the root REVISION; each set writes
    its own tree and state, then the root REVISION files (not with an explicit --revision)."""
    state_root = Path(args.state_dir) if args.state_dir else layout.state_directory
    out_root = Path(args.out) if args.out else layout.datafiles_directory
    names = [args.set] if args.set else layout.set_names()
    if not names:
        return build_failed(
            f"{layout.sets_directory}: `sets: true` but there are no set folders here"
        )
    revision_file = layout.config.revision_file_name
    explicit = yargs_revision(args.revision)
    revision = explicit or next_revision(read_revision(state_root, revision_file))
    outputs: dict[str, BuildOutput] = {}
    for name in names:
        source = layout_source(layout.for_set(name))
        built = _build_source(args, source, state_root / "sets" / name, "0", revision)
        if isinstance(built, int):
            return built
        outputs[name] = built
    for name, output in outputs.items():  # written only once every set has built
        write_tree(out_root / name, output.files)
        if not args.no_state_files:
            write_tree(state_root / "sets" / name, output.state_files)
    if not args.no_state_files and not explicit:
        write_tree(out_root, {revision_file: revision.encode()})
        write_tree(state_root, {revision_file: revision.encode()})
    for name, output in outputs.items():
        count = len(output.files) - 1
        print(f'Set "{name}": built {count} datafile(s), revision {revision}, in {out_root / name}')
    return 0


def _build_source(
    args: argparse.Namespace,
    source: BuildSource,
    state_dir: Path,
    current_revision: str,
    revision: str | None,
) -> BuildOutput | int:
    """One project's (or set's) datafiles and state, or the exit code of why not."""
    if (unsafe := project_names_problem(source.definitions)) is not None:
        return build_failed(unsafe)  # checked before anything is read or written
    config = source.definitions.config
    environments = list(config.environments) if config.environments is not None else [None]
    built = build_with_check(
        source.definitions,
        None if args.no_lint else lambda: refuse_invalid(source.definitions, "build"),
        states=read_states(state_dir, environments),
        current_revision=current_revision,
        revision=revision,
        featurevisor_version=args.featurevisor_version,
        target_keys=args.target,
        revision_from_hash=args.revision_from_hash,
    )
    if isinstance(built, int):
        return built
    if built.problems:
        return report_problems(built.problems)
    return built

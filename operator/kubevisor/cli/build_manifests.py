"""`kubevisor build MANIFESTS --out DIR`: build the Datafile objects of Kubernetes manifests.

Reached from `kubevisor build` when SOURCE is not a Featurevisor project folder. Every namespace
is linted (unless `--no-lint`) and compiled by `sources.namespace_compile`, the operator's own
compile: `DIR/<namespace>/<environment>/featurevisor-<target>.json`. State lives in
`<state-dir>/<namespace>/`, where the state folder defaults to `DIR/.kubevisor-state`.

Revisions: by default one for the whole namespace, like upstream (`REVISION` + 1, written to
`DIR/<namespace>/REVISION` and the state folder). `--revisions per-datafile` numbers them as
the operator does (a Datafile's revision moves only when its content does; records in
`datafiles.json` of the state folder), so CI gets the bytes the operator will publish.

Problems: by default anything wrong refuses the build and nothing is written. `--hold-back`
does what the operator does: Datafiles whose inputs have problems keep their last files, the
others are written, and the exit code is still 1. A manifest that cannot be read at all
names no namespace: with several namespaces it may hold back Datafiles of the others too.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kubevisor.cli.build_output import build_failed, refuse_invalid, report_problems, write_tree
from kubevisor.cli.output_paths import manifest_names_problem
from kubevisor.core.build import next_revision
from kubevisor.core.definitions import Problem
from kubevisor.sources.compile_plan import NamespacePlan
from kubevisor.sources.errors import SourceError
from kubevisor.sources.manifests import ManifestSet, NamespaceManifests, load_manifests
from kubevisor.sources.namespace_compile import (
    PER_DATAFILE,
    ProjectRevision,
    RevisionPolicy,
    compile_namespace,
)
from kubevisor.sources.namespace_files import (
    datafile_files,
    no_datafiles_problem,
    object_heads,
    read_saved_state,
    state_files,
)
from kubevisor.sources.project_state import read_revision

STATE_FOLDER = ".kubevisor-state"
UNSUPPORTED_OPTIONS = ("target", "print", "revision_from_hash")
PER_DATAFILE_CHOICE = "per-datafile"


def run(args: argparse.Namespace) -> int:
    used = [name for name in UNSUPPORTED_OPTIONS if getattr(args, name, None)]
    if used:
        options = ", ".join("--" + name.replace("_", "-") for name in used)
        return build_failed(f"{options}: only for Featurevisor project folders, not for manifests")
    if not args.out:
        return build_failed("--out DIR is required when building manifests")
    if args.revisions == PER_DATAFILE_CHOICE and args.revision:
        return build_failed(
            "--revision: each Datafile has its own revision with --revisions per-datafile"
        )
    out_dir = Path(args.out)
    state_root = Path(args.state_dir) if args.state_dir else out_dir / STATE_FOLDER
    try:
        manifests = load_manifests([args.source])
        if not manifests.namespaces and not manifests.problems:
            return build_failed(f"{args.source}: no kubevisor.io/v1alpha1 objects found")
        if (
            code := _refuse(manifests, strict=not args.hold_back, lint=not args.no_lint)
        ) is not None:
            return code
        plans, revisions = _compile(args, manifests, state_root)
        problems = _problems(manifests, plans)
        if problems and not args.hold_back:
            return report_problems(problems)
        for name, plan in plans.items():
            _write(args, plan, manifests.namespaces[name], revisions.get(name), state_root)
    except SourceError as error:
        return build_failed(str(error))
    except OSError as error:
        return build_failed(f"{error.filename or ''}: {error.strerror}")
    return _held_back(problems, plans) if problems else 0


def _compile(
    args: argparse.Namespace, manifests: ManifestSet, state_root: Path
) -> tuple[dict[str, NamespacePlan], dict[str, str]]:
    """Each namespace's plan, and its one revision unless revisions are per Datafile."""
    # Owners of problems matter only when some Datafiles are built despite them.
    heads = object_heads([args.source]) if args.hold_back else {}
    plans: dict[str, NamespacePlan] = {}
    revisions: dict[str, str] = {}
    for name, namespace in manifests.namespaces.items():
        state_dir = state_root / name
        config = namespace.definitions.config
        policy: RevisionPolicy = PER_DATAFILE
        if args.revisions != PER_DATAFILE_CHOICE:
            current = read_revision(state_dir, config.revision_file_name)
            revisions[name] = args.revision or next_revision(current)
            policy = ProjectRevision(revisions[name])
        plans[name] = compile_namespace(
            name,
            heads.get(name, []),
            read_saved_state(state_dir, list(config.environments or [None])),
            revisions=policy,
            manifests=manifests,
            lint_inputs=args.hold_back and not args.no_lint,
            featurevisor_version=args.featurevisor_version,
        )
    return plans, revisions


def _write(
    args: argparse.Namespace,
    plan: NamespacePlan,
    namespace: NamespaceManifests,
    revision: str | None,
    state_root: Path,
) -> None:
    """The datafiles the plan built and the namespace's state folder."""
    files = datafile_files(plan, namespace)
    states = state_files(plan, namespace, records=revision is None)
    if revision is not None:  # upstream's REVISION, beside the datafiles and the state
        revision_file = namespace.definitions.config.revision_file_name
        files[revision_file] = states[revision_file] = revision.encode()
    out_dir = Path(args.out) / plan.namespace
    write_tree(out_dir, files)
    if not args.no_state_files:
        write_tree(state_root / plan.namespace, states)
    built = sum(datafile.content is not None for datafile in plan.datafiles)
    print(f"Built {built} datafile(s), revision {revision or 'per Datafile'}, in {out_dir}")


def _refuse(manifests: ManifestSet, *, strict: bool, lint: bool) -> int | None:
    """Checks before compiling: names that would write outside `--out` always; reading
    problems and lint (unless `--no-lint`) only under the strict policy (with `--hold-back`
    the plan holds back what they touch)."""
    if strict and manifests.problems:
        return report_problems(manifests.problems)
    for namespace in manifests.namespaces.values():
        if (unsafe := manifest_names_problem(namespace)) is not None:
            return build_failed(unsafe)
        code = refuse_invalid(namespace.definitions, "build") if strict and lint else None
        if code is not None:
            return code
    return None


def _problems(manifests: ManifestSet, plans: dict[str, NamespacePlan]) -> list[Problem]:
    """Everything wrong, once: reading problems, namespaces without Datafiles, the plans'."""
    found: list[Problem] = list(manifests.problems)
    for name, plan in plans.items():
        missing = no_datafiles_problem(manifests.namespaces[name])
        found.extend([missing] if missing is not None else [])
        found.extend(plan.all_problems())
    return list(dict.fromkeys(found))


def _held_back(problems: list[Problem], plans: dict[str, NamespacePlan]) -> int:
    """--hold-back: what was valid is written; say what was not, and fail all the same."""
    for problem in problems:
        print(f"error: {problem.render()}", file=sys.stderr)
    held = [
        f"{name}/{datafile.name}"
        for name, plan in plans.items()
        for datafile in plan.datafiles
        if datafile.content is None
    ]
    return build_failed(
        f"{len(problems)} problem(s); held back (their last files stay): "
        + (", ".join(held) or "none")
    )

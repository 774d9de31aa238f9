"""`kubevisor build MANIFESTS --out DIR`: build the Datafile objects of Kubernetes manifests.

Reached from `kubevisor build` when SOURCE is not a Featurevisor project folder. Every namespace
is linted (unless `--no-lint`) and built like one upstream project:
`DIR/<namespace>/<environment>/featurevisor-<target>.json` plus `DIR/<namespace>/REVISION`.
State (upstream's `.featurevisor/` files: `REVISION`, `existing-state-<environment>.json`) lives
in `<state-dir>/<namespace>/`, where the state folder defaults to `DIR/.kubevisor-state`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kubevisor.cli.build_output import build_failed, refuse_invalid, report_problems, write_tree
from kubevisor.cli.output_paths import manifest_names_problem
from kubevisor.core.build import BuildOutput
from kubevisor.sources.errors import SourceError
from kubevisor.sources.manifest_build import build_namespace
from kubevisor.sources.manifests import load_manifests
from kubevisor.sources.project_state import read_revision, read_states

STATE_FOLDER = ".kubevisor-state"
UNSUPPORTED_OPTIONS = ("target", "print", "revision_from_hash")


def run(args: argparse.Namespace) -> int:
    used = [name for name in UNSUPPORTED_OPTIONS if getattr(args, name, None)]
    if used:
        options = ", ".join("--" + name.replace("_", "-") for name in used)
        return build_failed(f"{options}: only for Featurevisor project folders, not for manifests")
    if not args.out:
        return build_failed("--out DIR is required when building manifests")
    out_dir = Path(args.out)
    state_root = Path(args.state_dir) if args.state_dir else out_dir / STATE_FOLDER
    try:
        manifests = load_manifests([args.source])
        if manifests.problems:
            return report_problems(manifests.problems)
        if not manifests.namespaces:
            return build_failed(f"{args.source}: no kubevisor.io/v1alpha1 objects found")
        for namespace in manifests.namespaces.values():
            if (unsafe := manifest_names_problem(namespace)) is not None:
                return build_failed(unsafe)
            code = None if args.no_lint else refuse_invalid(namespace.definitions, "build")
            if code is not None:
                return code
        outputs: dict[str, BuildOutput] = {}
        for name, namespace in manifests.namespaces.items():
            state_dir = state_root / name
            config = namespace.definitions.config
            environments = list(config.environments or [None])
            outputs[name] = build_namespace(
                namespace,
                states=read_states(state_dir, environments),
                current_revision=read_revision(state_dir, config.revision_file_name),
                revision=args.revision,
                featurevisor_version=args.featurevisor_version,
            )
        problems = [problem for output in outputs.values() for problem in output.problems]
        if problems:
            return report_problems(problems)
        for name, output in outputs.items():
            write_tree(out_dir / name, output.files)
            if not args.no_state_files:
                write_tree(state_root / name, output.state_files)
    except SourceError as error:
        return build_failed(str(error))
    except OSError as error:
        return build_failed(f"{error.filename or ''}: {error.strerror}")
    for name, output in outputs.items():
        count = len(output.files) - 1
        print(f"Built {count} datafile(s), revision {output.revision}, in {out_dir / name}")
    return 0

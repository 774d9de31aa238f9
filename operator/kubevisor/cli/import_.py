"""`kubevisor import PROJECT --out DIR`: turn a Featurevisor project folder into manifests.

One manifest per attribute, segment, feature, group and schema, plus one Datafile per
environment and target; test specs go to `DIR/tests/` (Featurevisor YAML, for `kubevisor test
DIR`). The manifests read back unchanged by kubectl (YAML 1.1) and build the same datafiles.

Layouts (`--layout`):
  kustomize (default)  DIR/<kind>/<name>.yaml and DIR/kustomization.yaml listing them:
                       `kubectl apply -k DIR`, or point a Flux Kustomization at DIR.
  flat                 every manifest directly in DIR (DIR/feature-<name>.yaml, ...), and
                       nothing else (no test specs): `kubectl apply -f DIR`.

A sets project (`sets: true`) becomes one namespace per set, named after the set:
DIR/<set>/ holds the set's manifests and a Namespace object, and DIR/kustomization.yaml lists
the sets. Re-importing overwrites what an earlier import wrote; `--prune` deletes the files of
objects that no longer exist in the project (only files an import wrote: they start with
"# Written by kubevisor import").
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from kubevisor.sources import safe_yaml
from kubevisor.sources.errors import SourceError
from kubevisor.sources.export import Export, export_definitions, manifest_paths
from kubevisor.sources.project import ProjectLayout, load_layout, project_layouts

HEADER = "# Written by kubevisor import (re-run it after changing the Featurevisor project)\n"
KUSTOMIZATION = "kustomization.yaml"
_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\Z")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import",
        help="write Kubernetes manifests for a Featurevisor project",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("project", help="Featurevisor project folder (with featurevisor.config.js)")
    parser.add_argument("--out", required=True, help="folder to write the manifests into")
    parser.add_argument(
        "--namespace", help="write this namespace into every object (default: none, so kubectl -n)"
    )
    parser.add_argument(
        "--layout",
        choices=("kustomize", "flat"),
        default="kustomize",
        help="kustomize: folders per kind plus kustomization.yaml (default); flat: one folder",
    )
    parser.add_argument(
        "--prune",
        action="store_true",
        help="delete files an earlier import wrote for objects that no longer exist",
    )
    parser.set_defaults(handler=run)


def flat_path(path: str) -> str:
    """`features/checkout.yaml` -> `feature-checkout.yaml`."""
    folder, _, name = path.partition("/")
    return f"{folder.removesuffix('s')}-{name}" if name else path


def _kustomization(resources: list[str]) -> str:
    return HEADER + safe_yaml.dump(
        {
            "apiVersion": "kustomize.config.k8s.io/v1beta1",
            "kind": "Kustomization",
            "resources": [*sorted(resources)],
        }
    )


def _namespace_manifest(name: str) -> str:
    return HEADER + safe_yaml.dump(
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
    )


def project_files(export: Export, layout: str, namespace_object: str | None) -> dict[str, str]:
    """The files of one project (or set) relative to its folder."""
    objects = set(manifest_paths(export.files)) | {"namespace.yaml"}
    files = {path: HEADER + text for path, text in export.files.items()}
    if namespace_object is not None:
        files["namespace.yaml"] = _namespace_manifest(namespace_object)
    if layout == "flat":  # only objects, so `kubectl apply -f DIR` takes every file
        return {flat_path(path): text for path, text in files.items() if path in objects}
    files[KUSTOMIZATION] = _kustomization(manifest_paths(files))
    return files


def import_files(
    layouts: list[ProjectLayout], args: argparse.Namespace
) -> tuple[dict[str, str], list[str]]:
    """Every file to write under --out, and the notes for the user."""
    if layouts[0].set_name is None:
        export = export_definitions(load_layout(layouts[0]), namespace=args.namespace)
        return project_files(export, args.layout, None), export.notes
    if args.namespace:
        raise SourceError(
            "--namespace: a sets project becomes one namespace per set (named after the set); "
            "leave --namespace out"
        )
    files: dict[str, str] = {}
    notes: list[str] = []
    for layout in layouts:
        name = str(layout.set_name)
        if not _DNS_LABEL.match(name):
            raise SourceError(
                f"set {name!r}: a set becomes a namespace, so its folder name must be a DNS label "
                "(lowercase letters, digits and `-`, at most 63); rename the set's folder"
            )
        export = export_definitions(load_layout(layout), namespace=name)
        for path, text in project_files(export, args.layout, name).items():
            files[f"{name}/{path}"] = text
        notes += [f'set "{name}": {note}' for note in export.notes]
    if args.layout == "kustomize":
        files[KUSTOMIZATION] = _kustomization([str(layout.set_name) for layout in layouts])
    return files, notes


def stale_files(out: Path, written: dict[str, str]) -> list[Path]:
    """Files under `out` that an earlier import wrote and this one did not."""
    stale = []
    for path in sorted(out.rglob("*")):
        if not path.is_file() or path.suffix not in (".yaml", ".yml"):
            continue
        if path.relative_to(out).as_posix() in written:
            continue
        try:
            with path.open(encoding="utf-8") as file:
                first = file.readline()
        except (OSError, UnicodeDecodeError):
            continue
        if first == HEADER:
            stale.append(path)
    return stale


def _prune(out: Path, stale: list[Path]) -> None:
    for path in stale:
        path.unlink()
    for directory in sorted({path.parent for path in stale}, key=lambda p: -len(p.parts)):
        while directory != out and directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()
            directory = directory.parent


def _test_count(project: str) -> int:
    return sum(len(load_layout(layout).tests) for layout in project_layouts(project))


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    try:
        files, notes = import_files(project_layouts(args.project), args)
        for relative, text in files.items():
            path = out / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        stale = stale_files(out, files)
        if args.prune:
            _prune(out, stale)
    except SourceError as error:
        print(f"kubevisor import: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"kubevisor import: cannot write {error.filename}: {error.strerror}", file=sys.stderr)
        return 1
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    specs = len(files) - len(manifest_paths(files))
    if args.layout == "flat" and (skipped := _test_count(args.project)):
        print(
            f"note: skipped {skipped} test specs (--layout flat writes objects only); "
            "run them from the project, or import with --layout kustomize",
            file=sys.stderr,
        )
    if stale and not args.prune:
        print(
            f"note: {len(stale)} file(s) from an earlier import match no object any more "
            f"(e.g. {stale[0]}); --prune deletes them",
            file=sys.stderr,
        )
    manifests = len(manifest_paths(files)) - sum(path.endswith(KUSTOMIZATION) for path in files)
    pruned = f", deleted {len(stale)} stale file(s)" if args.prune and stale else ""
    print(f"wrote {manifests} manifests and {specs} test specs to {out}{pruned}")
    return 0

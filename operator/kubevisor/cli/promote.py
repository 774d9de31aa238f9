"""`kubevisor promote SOURCE --from ENV --to ENV`: copy features' `rules`, `force` and
`expose` of one environment to another, in Featurevisor project files or Feature manifests.

Without `--apply` it only prints what would change. Only the promoted entries of a file are
rewritten (copied line for line from the source environment), everything else stays byte for
byte. A destination that already differs is a conflict: `--on-conflict fail` (default) changes
nothing and exits 1, `overwrite` takes the source's value, `skip` keeps the destination's.
(Upstream's `featurevisor promote` moves definitions between sets; this promotes between
environments.)
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from kubevisor.cli.output import examples, fail, paint
from kubevisor.cli.projects import LoadedProject, load_one_project
from kubevisor.core.analysis.promotion import (
    Action,
    Change,
    OnConflict,
    PromotionError,
    blocked,
    plan_promotion,
)
from kubevisor.core.definitions import Kind
from kubevisor.core.jsjson import dumps
from kubevisor.sources.errors import SourceError
from kubevisor.sources.yaml_edit import (
    Edit,
    EditError,
    apply_edits,
    compose_documents,
    copy_entry_edit,
    mapping_value,
)

_MANIFEST_ORIGIN = re.compile(r"Feature (?P<namespace>[^/]+)/(?P<name>\S+) \((?P<file>.*)\)\Z")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "promote",
        help="copy rules, force and expose of features from one environment to another",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=examples(
            "kubevisor promote ./project --from staging --to production",
            "kubevisor promote ./project --from staging --to production --feature checkout --apply",
            "kubevisor promote ./manifests --from staging --to production "
            "--on-conflict overwrite --apply --json",
        ),
    )
    parser.add_argument("source", metavar="SOURCE", help="project folder, or manifests")
    parser.add_argument("--from", dest="source_environment", required=True, metavar="ENV")
    parser.add_argument("--to", dest="destination_environment", required=True, metavar="ENV")
    parser.add_argument(
        "--feature", action="append", metavar="KEY", help="only this feature (repeatable)"
    )
    parser.add_argument(
        "--on-conflict",
        choices=[policy.value for policy in OnConflict],
        default=OnConflict.FAIL.value,
        help="when the destination already differs (default: fail)",
    )
    parser.add_argument("--apply", action="store_true", help="write the files (else: preview)")
    parser.add_argument("-N", "--namespace", help="namespace of the manifests to promote")
    parser.add_argument("--json", action="store_true", help="print the audit as JSON")
    parser.set_defaults(handler=run)


def _feature_node(project: LoadedProject, key: str, documents: list[Any]) -> Any:
    """The YAML node holding the feature's fields: a project file's root, a manifest's spec."""
    if project.layout is not None:
        return documents[0] if documents else None
    origin = project.definitions.origins[(Kind.FEATURE, key)]
    match = _MANIFEST_ORIGIN.match(origin)
    assert match is not None  # origins of manifest features are always written this way
    for document in documents:
        kind, metadata = mapping_value(document, "kind"), mapping_value(document, "metadata")
        if kind is None or kind[1].value != "Feature" or metadata is None:
            continue
        name = mapping_value(metadata[1], "name")
        spec = mapping_value(document, "spec")
        if name is not None and name[1].value == match["name"] and spec is not None:
            return spec[1]
    return None


def _file_of(project: LoadedProject, key: str) -> Path:
    origin = project.definitions.origins[(Kind.FEATURE, key)]
    if project.layout is not None:
        return Path(origin)
    match = _MANIFEST_ORIGIN.match(origin)
    if match is None:
        raise EditError(f"feature {key}: its origin {origin!r} is not a file")
    return Path(match["file"])


def write_changes(project: LoadedProject, changes: list[Change], source: str, dest: str) -> None:
    """Apply the writing changes to their files, one read and one write per file."""
    by_file: dict[Path, list[Change]] = {}
    for change in changes:
        if change.writes:
            by_file.setdefault(_file_of(project, change.feature), []).append(change)
    rewritten: dict[Path, str] = {}
    originals: dict[Path, str] = {}
    for path, file_changes in by_file.items():
        text = originals[path] = path.read_text(encoding="utf-8")
        lines = text.splitlines(keepends=True)
        documents = compose_documents(text)
        edits: list[Edit] = []
        for change in file_changes:
            node = _feature_node(project, change.feature, documents)
            field = mapping_value(node, change.field) if node is not None else None
            if field is None:
                raise EditError(f"{path}: cannot find `{change.field}` of {change.feature}")
            edits.append(copy_entry_edit(lines, field[1], source, dest))
        rewritten[path] = apply_edits(lines, edits)
    for path, text in rewritten.items():  # only after every file could be edited
        path.write_text(text, encoding="utf-8")
    if not _promoted(project, changes, dest):
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")
        raise EditError(
            "the edited files did not read back as promoted (unusual YAML layout?); "
            "every file was restored, promote these features by hand"
        )


def _promoted(project: LoadedProject, changes: list[Change], dest: str) -> bool:
    """Whether the files now read back with every written change in place."""
    features: dict[str, Any] = {}
    if project.layout is not None:
        features = load_one_project(str(project.layout.root)).definitions.features
    else:
        from kubevisor.sources.manifests import load_manifests

        files = {_file_of(project, change.feature) for change in changes if change.writes}
        manifests = load_manifests(sorted(files))
        namespace = manifests.namespaces.get(project.name.removeprefix("namespace "))
        if namespace is not None:
            features = namespace.definitions.features
    return all(
        features.get(change.feature, {}).get(change.field, {}).get(dest) == change.value
        for change in changes
        if change.writes
    )


def _audit_line(change: Change, source: str, dest: str) -> str:
    what = f"{change.feature}: {change.field}.{dest} <- {change.field}.{source}"
    styles = {Action.ADD: "green", Action.OVERWRITE: "yellow", Action.CONFLICT: "red"}
    label = change.action.value
    if change.action is Action.CONFLICT:
        label += f" (destination has {dumps(change.previous)})"
    return f"  {what}: " + (
        paint(label, styles[change.action]) if change.action in styles else label
    )


def run(args: argparse.Namespace) -> int:
    policy = OnConflict(args.on_conflict)
    source, dest = args.source_environment, args.destination_environment
    try:
        project = load_one_project(args.source, args.namespace)
        if project.layout is not None and project.layout.config.parser != "yml":
            return fail("promote", "only YAML projects can be promoted in place (parser: yml)")
        changes = plan_promotion(
            project.definitions, source, dest, features=args.feature, on_conflict=policy
        )
        stop = blocked(changes, policy)
        if args.apply and not stop:
            write_changes(project, changes, source, dest)
    except (SourceError, PromotionError, EditError) as error:
        return fail("promote", str(error))
    applied = args.apply and not stop
    if args.json:
        audit = {
            "from": source,
            "to": dest,
            "applied": applied,
            "changes": [change.as_json() for change in changes],
        }
        print(dumps(audit, pretty=True))
    else:
        print(f"Promote {source} -> {dest} ({project.name}):")
        for change in changes:
            print(_audit_line(change, source, dest))
        written = sum(change.writes for change in changes)
        if stop:
            conflicts = sum(change.action is Action.CONFLICT for change in changes)
            print(
                f"\n✘ {conflicts} conflict(s); nothing was written. "
                "Pass --on-conflict overwrite or skip."
            )
        elif applied:
            print(f"\n✔ {written} change(s) written")
        else:
            print(f"\n{written} change(s) to write; nothing written yet (pass --apply)")
    return 1 if stop else 0

"""Keys and file names (docs/featurevisor.md §9 "Names and paths")."""

from __future__ import annotations

import re

from kubevisor.core.definitions import Kind
from kubevisor.core.lint.report import Report

VALID_KEY = re.compile(r"[a-zA-Z0-9_\-./]+")
TEST_SUFFIXES = (".spec", ".feature", ".segment")
EXTENSIONS = (".yml", ".json")


def lint_name(report: Report, namespace_character: str) -> None:
    key = report.key
    bare = key.replace(namespace_character, "") if namespace_character else key
    if not VALID_KEY.fullmatch(bare):
        report.error(
            (),
            f'Invalid name "{key}"',
            "use only letters, digits, `_`, `-`, `.` and `/` in keys and file names",
        )
        return
    _lint_file_name(report, namespace_character)


def _lint_file_name(report: Report, namespace_character: str) -> None:
    """A file or folder name holding the namespace character makes keys ambiguous.

    Only origins that are the definition's own file can be checked: the path's last names must
    spell the key. Kubernetes objects (and manifest files holding many objects) are skipped.
    """
    origin = report.origin.replace("\\", "/")
    if not namespace_character or not origin.endswith(EXTENSIONS):
        return
    stem = origin.rsplit(".", 1)[0]
    key = report.key
    for name in reversed(stem.split("/")):
        if not key or not key.endswith(name):
            break
        checked = name
        if report.kind is Kind.TEST:
            for suffix in TEST_SUFFIXES:
                checked = checked.removesuffix(suffix)
        if namespace_character in checked:
            report.error(
                (),
                f'Invalid file or directory name "{name}": it contains the namespace '
                f'character "{namespace_character}"',
                f"rename it without {namespace_character!r} (e.g. use `_`)",
            )
            return
        key = key.removesuffix(name).removesuffix(namespace_character)

"""Line numbers for lint problems: `file.yml:12` where the YAML node of a problem is known.

Loading keeps no positions (that would slow every build); only files that have problems are
read again here, composed, and each problem's field path is followed to its node. A path that
ends at a missing field points at the object that lacks it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from kubevisor.core.definitions import Problem
from kubevisor.sources.yaml_nodes import Composer

_MANIFEST_ORIGIN = re.compile(
    r"(?P<kind>\w+) (?:[^/ ]+/)?(?P<name>\S+) "  # Kind namespace/name
    r"\((?P<file>.+?)(?:, document \d+)?(?:, item \d+)?\)\Z"  # (file[, document N][, item M])
)
_YAML_SUFFIXES = (".yml", ".yaml")


def _entry(node: yaml.Node, parts: list[str]) -> tuple[yaml.Node, yaml.Node | None, int]:
    """(key node, value node, parts used) of the longest key of a mapping made of `parts`."""
    if isinstance(node, yaml.MappingNode):
        for used in range(len(parts), 0, -1):
            wanted = ".".join(parts[:used])
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == wanted:
                    return key, value, used
    if isinstance(node, yaml.SequenceNode) and parts[0].isdigit():
        index = int(parts[0])
        if index < len(node.value):
            return node.value[index], node.value[index], 1
    return node, None, 0


def line_of(root: yaml.Node, path: str) -> int:
    """The 1-based line of the node at a dotted field path (or of the deepest node found)."""
    parts = path.split(".") if path else []
    node, line = root, root.start_mark.line
    while parts:
        key, value, used = _entry(node, parts)
        if value is None:
            break
        line = key.start_mark.line
        node, parts = value, parts[used:]
    return line + 1


def _manifest_spec(documents: list[yaml.Node], kind: str, name: str) -> yaml.Node | None:
    for document in documents:
        fields = {
            key.value: value
            for key, value in getattr(document, "value", [])
            if hasattr(key, "value")
        }
        metadata = fields.get("metadata")
        names = {
            key.value: value.value
            for key, value in getattr(metadata, "value", [])
            if isinstance(value, yaml.ScalarNode)
        }
        if getattr(fields.get("kind"), "value", None) == kind and names.get("name") == name:
            return fields.get("spec") or document
    return None


def _compose(path: Path, cache: dict[Path, list[yaml.Node] | None]) -> list[yaml.Node] | None:
    if path not in cache:
        try:
            text = path.read_text(encoding="utf-8")
            cache[path] = [node for node in yaml.compose_all(text, Loader=Composer) if node]
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            cache[path] = None
    return cache[path]


def with_lines(problems: Iterable[Problem]) -> list[Problem]:
    """The problems, with `file:line` in each origin whose file and node could be found."""
    cache: dict[Path, list[yaml.Node] | None] = {}
    located = []
    for problem in problems:
        located.append(_located(problem, cache) or problem)
    return located


def _located(problem: Problem, cache: dict[Path, list[yaml.Node] | None]) -> Problem | None:
    origin = problem.origin
    manifest = _MANIFEST_ORIGIN.match(origin)
    file = manifest["file"] if manifest else origin
    if not file.endswith(_YAML_SUFFIXES):
        return None
    documents = _compose(Path(file), cache)
    if not documents:
        return None
    if manifest is None:
        root: yaml.Node | None = documents[0]
    else:
        root = _manifest_spec(documents, manifest["kind"], manifest["name"])
    if root is None:
        return None
    line = line_of(root, problem.path)
    if manifest is None:
        return dataclasses.replace(problem, origin=f"{file}:{line}")
    end = manifest.end("file")
    return dataclasses.replace(problem, origin=f"{origin[:end]}:{line}{origin[end:]}")

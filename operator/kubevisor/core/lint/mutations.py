"""Mutation notation in variable maps (docs/featurevisor.md §5.6): `a.b`, `list[0]`,
`list[id=2]:after`, ..."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kubevisor.core.definitions import JSON, JSONObject
from kubevisor.core.lint.context import Project
from kubevisor.core.lint.values import SubPath, resolve, value_problems

OPERATIONS = ("append", "prepend", "after", "before", "remove")
_STEP = re.compile(r"\.([^.\[\]:]+)|\[(\d+)\]|\[([^=\[\]]+)=([^\[\]]*)\]")
_ROOT = re.compile(r"[^.\[\]:]*")
ANY_VALUE: JSONObject = {}
STRING_ITEM: JSONObject = {"type": "string"}


@dataclass(frozen=True)
class Step:
    name: str | None = None
    """A property name; None for a list step (index or `[field=value]` selector)."""


@dataclass(frozen=True)
class Mutation:
    root: str
    steps: tuple[Step, ...]
    operation: str | None


def is_mutation_key(key: str) -> bool:
    return any(mark in key for mark in ".[:")


def parse_mutation(key: str) -> Mutation | None:
    """Split a mutation key; None when it is not valid notation."""
    operation = None
    body = key
    if ":" in key:
        body, _, operation = key.rpartition(":")
        if operation not in OPERATIONS:
            return None
    root = _ROOT.match(body)
    if root is None:
        return None
    steps: list[Step] = []
    position = root.end()
    while position < len(body):
        step = _STEP.match(body, position)
        if step is None:
            return None
        steps.append(Step(name=step.group(1)))
        position = step.end()
    return Mutation(root=root.group(0), steps=tuple(steps), operation=operation)


def mutation_problems(
    project: Project, mutation: Mutation, value: JSON, schema: JSONObject
) -> list[str]:
    """What is wrong with applying `value` at the mutation's path of a variable's `schema`."""
    node: JSONObject | None = resolve(project, schema)
    parent: JSONObject | None = None
    for step in mutation.steps:
        if node is None:
            return []  # unknown schema reference, reported with the schema
        if "oneOf" in node:
            return ["mutation cannot descend through a `oneOf` schema"]
        parent = node
        node = _child(project, node, step)
        if node is None:
            return ["path does not exist in schema"]
    if node is None:
        return []
    return _operation_problems(project, mutation, value, node, parent)


def _child(project: Project, node: JSONObject, step: Step) -> JSONObject | None:
    if step.name is None:
        if node.get("type") != "array":
            return None
        items = node.get("items")
        return resolve(project, items) if isinstance(items, dict) else STRING_ITEM
    if node.get("type") != "object":
        return None
    properties = node.get("properties")
    extra = node.get("additionalProperties")
    if isinstance(properties, dict) and isinstance(child := properties.get(step.name), dict):
        return resolve(project, child)
    if isinstance(extra, dict):
        return resolve(project, extra)
    if not isinstance(properties, dict) and extra is None:
        return ANY_VALUE  # a flat object takes any key
    return None


def _operation_problems(
    project: Project,
    mutation: Mutation,
    value: JSON,
    node: JSONObject,
    parent: JSONObject | None,
) -> list[str]:
    operation = mutation.operation
    last = mutation.steps[-1] if mutation.steps else None
    if operation in ("append", "prepend"):
        if node.get("type") != "array":
            return [f"`:{operation}` works on arrays only"]
        items = node.get("items")
        return _fit(project, value, items if isinstance(items, dict) else STRING_ITEM)
    if operation in ("after", "before"):
        if last is None or last.name is not None:
            return [f"`:{operation}` needs an array element such as `list[0]` or `list[id=1]`"]
        return _fit(project, value, node)
    if operation == "remove":
        problems = [] if value is None else ["the value of a `:remove` mutation must be null"]
        if last is None:
            problems.append("cannot remove a whole variable")
        elif last.name is not None and parent is not None:
            required = parent.get("required")
            if isinstance(required, list) and last.name in required:
                problems.append(f'cannot remove the required property "{last.name}"')
        return problems
    if node is ANY_VALUE:
        return [] if not isinstance(value, dict | list) else ["a flat object holds primitives"]
    return _fit(project, value, node)


def _fit(project: Project, value: JSON, schema: JSONObject) -> list[str]:
    return [_render(sub, message) for sub, message in value_problems(project, value, schema)]


def _render(sub: SubPath, message: str) -> str:
    return f"{'.'.join(str(part) for part in sub)}: {message}" if sub else message

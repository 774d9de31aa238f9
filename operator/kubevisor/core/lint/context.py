"""What every kind's linter may look up in the rest of the project."""

from __future__ import annotations

from dataclasses import dataclass

from kubevisor.core.definitions import Definitions, JSONObject


@dataclass(frozen=True)
class AttributeUse:
    """An attribute path from a condition or bucketBy, resolved against the attributes."""

    known: bool
    schema: JSONObject | None = None
    """The schema of the value at that path; None when known but without a declared shape."""


class Project:
    """Read-only lookups over one project's definitions; tolerant of malformed entries."""

    def __init__(self, defs: Definitions) -> None:
        self.defs = defs
        self.config = defs.config
        self.environments = _strings(defs.config.environments)
        self.tags = _strings(defs.config.tags)

    def attribute_use(self, path: str) -> AttributeUse:
        """Resolve `a`, `a.prop` (declared, additionalProperties or a free-form object)."""
        parts = path.split(".")
        for cut in range(len(parts), 0, -1):
            root = self.defs.attributes.get(".".join(parts[:cut]))
            if root is None:
                continue
            if not isinstance(root, dict):
                return AttributeUse(known=True)
            return self._descend(root, parts[cut:])
        return AttributeUse(known=False)

    def _descend(self, schema: JSONObject, rest: list[str]) -> AttributeUse:
        # Attribute properties may reuse a schema (`schema: key`): follow it first.
        for _ in range(len(self.defs.schemas) + 1):
            reference = schema.get("schema")
            target = self.schema(reference) if isinstance(reference, str) else None
            if target is None:
                break
            schema = target
        if not rest:
            return AttributeUse(known=True, schema=schema)
        properties = schema.get("properties")
        extra = schema.get("additionalProperties")
        name = rest[0]
        if isinstance(properties, dict) and name in properties:
            sub = properties[name]
            if not isinstance(sub, dict):
                return AttributeUse(known=True)
            return self._descend(sub, rest[1:])
        if isinstance(extra, dict):
            return self._descend(extra, rest[1:])
        if extra is True and len(rest) == 1:
            return AttributeUse(known=True)
        free_form = schema.get("type") == "object" and not isinstance(properties, dict)
        if free_form and len(rest) == 1:
            return AttributeUse(known=True)
        return AttributeUse(known=False)

    def schema(self, key: str) -> JSONObject | None:
        found = self.defs.schemas.get(key)
        return found if isinstance(found, dict) else None


def _strings(values: object) -> tuple[str, ...]:
    if not isinstance(values, list | tuple):
        return ()
    return tuple(value for value in values if isinstance(value, str))

"""An in-memory stand-in for the lightkube AsyncClient, for unit tests of the controller.

Only the calls the controller makes: get, list, create, patch (merge, JSON, apply), apply,
replace and delete. Objects are kept as plain dicts keyed by (group, kind, namespace, name);
each write bumps `metadata.resourceVersion`, and errors are the ApiErrors the API server gives
(404 NotFound, 409 AlreadyExists or Conflict on a stale resourceVersion).

Simplifications, on purpose: server-side apply merges the applied fields into the object
(fields dropped from an earlier apply are not removed, as when another field manager co-owns
them); a status subresource patch changes only `status`, any other write keeps `status`.
Every request is noted in `calls`, so a test can count writes; `fail` makes chosen requests
fail, and `down` makes every request fail as an unreachable server does.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, cast

import httpx2
from lightkube import AsyncClient
from lightkube.core.exceptions import ApiError
from lightkube.models.meta_v1 import Status
from lightkube.types import PatchType

Key = tuple[str, str, str, str]
"""(API group, kind, namespace, name)."""

WRITES = frozenset({"create", "patch", "apply", "replace", "delete"})


def api_error(code: int, reason: str, message: str) -> ApiError:
    return ApiError(status=Status(code=code, reason=reason, message=message, status="Failure"))


@dataclass(frozen=True)
class Call:
    verb: str
    kind: str
    namespace: str
    name: str
    subresource: str = ""


def merge(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch: maps merge, null removes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge(result.get(key), value)
    return result


def _resource_info(resource: Any) -> tuple[str, str, str]:
    """(group, kind, subresource) of a lightkube resource class or instance."""
    info = resource._api_info
    kind = info.parent or info.resource
    return kind.group, kind.kind, info.action or ""


class FakeApi:
    def __init__(self) -> None:
        self.objects: dict[Key, dict[str, Any]] = {}
        self.calls: list[Call] = []
        self.down = False
        """Every request fails as if nothing listened (the API server is away)."""
        self._failures: list[tuple[Callable[[Call], bool], Exception]] = []
        self._versions = itertools.count(1)
        self._uids = itertools.count(1)

    # ------------------------------------------------------------------ test helpers

    @property
    def client(self) -> AsyncClient:
        """This fake, typed as what the controller's classes take."""
        return cast(AsyncClient, self)

    def put(self, obj: dict[str, Any]) -> dict[str, Any]:
        """Store an object as if someone else had created it; returns the stored copy."""
        stored = copy.deepcopy(obj)
        metadata = stored.setdefault("metadata", {})
        metadata.setdefault("uid", f"uid-{next(self._uids)}")
        metadata.setdefault("generation", 1)
        metadata["resourceVersion"] = str(next(self._versions))
        self.objects[self._key_of(stored)] = stored
        return copy.deepcopy(stored)

    def stored(self, kind: str, namespace: str, name: str) -> dict[str, Any] | None:
        """The stored object of that kind (any API group), or None."""
        for (_, k, ns, n), obj in self.objects.items():
            if (k, ns, n) == (kind, namespace, name):
                return copy.deepcopy(obj)
        return None

    def writes(self, kind: str | None = None) -> list[Call]:
        return [c for c in self.calls if c.verb in WRITES and kind in (None, c.kind)]

    def fail(self, error: Exception, *, verb: str | None = None, kind: str | None = None) -> None:
        """Make every matching request raise `error` (until `heal`)."""

        def matches(call: Call) -> bool:
            return verb in (None, call.verb) and kind in (None, call.kind)

        self._failures.append((matches, error))

    def heal(self) -> None:
        self._failures.clear()
        self.down = False

    # ------------------------------------------------------------------ AsyncClient

    async def get(self, resource: Any, name: str, *, namespace: str | None = None) -> Any:
        group, kind, sub = _resource_info(resource)
        self._request(Call("get", kind, namespace or "", name, sub))
        return resource.from_dict(
            copy.deepcopy(self._existing((group, kind, namespace or "", name)))
        )

    async def list(self, resource: Any, *, namespace: str | None = None) -> AsyncIterator[Any]:
        group, kind, _ = _resource_info(resource)
        self._request(Call("list", kind, namespace or "", ""))
        found = [
            copy.deepcopy(obj)
            for (g, k, ns, _), obj in sorted(self.objects.items())
            if (g, k) == (group, kind) and namespace in (None, ns)
        ]
        for obj in found:
            yield resource.from_dict(obj)

    async def create(self, obj: Any, *, field_manager: str | None = None) -> Any:
        body = obj.to_dict()
        metadata = body.setdefault("metadata", {})
        if not metadata.get("name") and metadata.get("generateName"):
            metadata["name"] = f"{metadata['generateName']}{next(self._uids):05d}"
        key = self._key_of(body)
        self._request(Call("create", key[1], key[2], key[3]))
        if key in self.objects:
            raise api_error(409, "AlreadyExists", f"{key[1]} {key[3]!r} already exists")
        metadata.pop("resourceVersion", None)
        metadata.pop("uid", None)
        return type(obj).from_dict(self.put(body))

    async def replace(self, obj: Any, *, field_manager: str | None = None) -> Any:
        body = obj.to_dict()
        key = self._key_of(body)
        self._request(Call("replace", key[1], key[2], key[3]))
        existing = self._existing(key)
        wanted = (body.get("metadata") or {}).get("resourceVersion")
        if wanted is not None and wanted != existing["metadata"]["resourceVersion"]:
            raise api_error(409, "Conflict", "the object has been modified; try again")
        body["status"] = existing.get("status")
        if body["status"] is None:
            del body["status"]
        return type(obj).from_dict(self._store(key, body, existing))

    async def patch(
        self,
        resource: Any,
        name: str,
        obj: Any,
        *,
        namespace: str | None = None,
        patch_type: PatchType = PatchType.STRATEGIC,
        field_manager: str | None = None,
        force: bool = False,
    ) -> Any:
        group, kind, sub = _resource_info(resource)
        key = (group, kind, namespace or "", name)
        verb = "apply" if patch_type is PatchType.APPLY else "patch"
        self._request(Call(verb, kind, key[2], name, sub))
        if patch_type is PatchType.APPLY and key not in self.objects:
            return resource.from_dict(self.put(obj))
        existing = self._existing(key)
        if patch_type is PatchType.JSON:
            updated = _json_patch(existing, obj)
        elif patch_type in (PatchType.MERGE, PatchType.APPLY):
            changes = obj if isinstance(obj, dict) else obj.to_dict()
            if sub == "status":
                changes = {"status": changes.get("status")}
            else:
                changes = {k: v for k, v in changes.items() if k != "status"}
            updated = merge(existing, changes)
        else:
            raise NotImplementedError(f"patch type {patch_type} is not faked")
        return resource.from_dict(self._store(key, updated, existing))

    async def apply(
        self, obj: Any, *, field_manager: str | None = None, force: bool = False
    ) -> Any:
        body = obj.to_dict()
        metadata = body["metadata"]
        return await self.patch(
            type(obj),
            metadata["name"],
            body,
            namespace=metadata.get("namespace"),
            patch_type=PatchType.APPLY,
            field_manager=field_manager,
            force=force,
        )

    async def delete(self, resource: Any, name: str, *, namespace: str | None = None) -> None:
        group, kind, _ = _resource_info(resource)
        key = (group, kind, namespace or "", name)
        self._request(Call("delete", kind, key[2], name))
        self._existing(key)
        del self.objects[key]

    async def close(self) -> None:
        pass

    # ------------------------------------------------------------------ internals

    def _request(self, call: Call) -> None:
        self.calls.append(call)
        if self.down:
            raise httpx2.ConnectError("connection refused")
        for matches, error in self._failures:
            if matches(call):
                raise error

    def _existing(self, key: Key) -> dict[str, Any]:
        if key not in self.objects:
            raise api_error(404, "NotFound", f"{key[1]} {key[3]!r} not found")
        return self.objects[key]

    def _store(self, key: Key, body: dict[str, Any], existing: dict[str, Any]) -> dict[str, Any]:
        body = copy.deepcopy(body)
        before = existing["metadata"]
        metadata = body.setdefault("metadata", {})
        metadata["uid"] = before["uid"]
        metadata["resourceVersion"] = str(next(self._versions))
        generation = int(before.get("generation") or 1)
        metadata["generation"] = generation + (body.get("spec") != existing.get("spec"))
        self.objects[key] = body
        return copy.deepcopy(body)

    @staticmethod
    def _key_of(obj: dict[str, Any]) -> Key:
        group = str(obj.get("apiVersion", "")).rpartition("/")[0]
        metadata = obj["metadata"]
        return group, str(obj["kind"]), str(metadata.get("namespace") or ""), str(metadata["name"])


def _json_patch(obj: dict[str, Any], operations: list[dict[str, Any]]) -> dict[str, Any]:
    """The JSON patch operations the controller sends: remove, add and replace of map keys."""
    result = copy.deepcopy(obj)
    for operation in operations:
        *parents, last = operation["path"].strip("/").split("/")
        parent = result
        for step in parents:
            parent = parent[step]
        if operation["op"] == "remove":
            if last not in parent:
                raise api_error(422, "Invalid", f"no path {operation['path']}")
            del parent[last]
        else:
            parent[last] = copy.deepcopy(operation["value"])
    return result

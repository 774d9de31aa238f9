"""DatafileGrants: the receiving namespace's consent to ConfigMap copies from other namespaces.

Read live from the receiving namespace at every publish (so a withdrawn grant takes effect at
the next reconcile), and watched where the operator watches, so that a grant created or
withdrawn makes every namespace re-check its copies at once.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import kopf
from lightkube import AsyncClient
from lightkube.core.exceptions import ApiError
from lightkube.generic_resource import create_namespaced_resource

from kubevisor.controller.resources import GROUP, VERSION
from kubevisor.sinks.policy import CopyGrant, parse_grant

if TYPE_CHECKING:  # the reconciler imports the publisher, which imports this module
    from kubevisor.controller.reconciler import Reconciler

logger = logging.getLogger(__name__)
GRANT_KIND = "DatafileGrant"
GRANT_PLURAL = "datafilegrants"
GRANT = create_namespaced_resource(GROUP, VERSION, GRANT_KIND, GRANT_PLURAL)


class GrantsUnreadable(Exception):
    """The grants of a namespace could not be listed (no RBAC, CRD missing, API down)."""


async def list_grants(client: AsyncClient, namespace: str) -> list[CopyGrant]:
    """The well-formed grants in `namespace` (malformed ones grant nothing)."""
    try:
        found = [item async for item in client.list(GRANT, namespace=namespace)]
    except ApiError as error:
        raise GrantsUnreadable(
            f"cannot list DatafileGrants in {namespace} (API error {error.status.code}); "
            "the operator's RBAC must allow list on datafilegrants there"
        ) from error
    grants = []
    for item in found:
        grant = parse_grant(item.to_dict())  # type: ignore[no-untyped-call]
        if grant is not None:
            grants.append(grant)
    return grants


def register_grants(registry: kopf.OperatorRegistry, reconciler: Reconciler) -> None:
    """A grant changed: every namespace re-checks its copies (grants change rarely)."""

    async def on_grant(**_: Any) -> None:  # on the loop, with the reconciler (not thread-safe)
        for namespace in reconciler.namespaces():
            reconciler.touch(namespace)

    kopf.on.event(GROUP, VERSION, GRANT_PLURAL, id="datafilegrant-events", registry=registry)(
        on_grant
    )

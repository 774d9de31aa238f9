"""Feeds the shard filter (controller.shards): the namespaces at start-up, their label changes
through a Kopf watch, and a listing of each namespace that joins this shard.

A namespace that joins (labeled to this shard, or its label removed for the default instance,
or created) had its objects' events dropped until now, so they are listed once; the events
that arrive meanwhile are held by the filter, and nothing of the namespace compiles before the
listing is in.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import kopf
from lightkube import AsyncClient
from lightkube.resources.core_v1 import Namespace

from kubevisor.controller.handlers import compact, fingerprint
from kubevisor.controller.resources import RESOURCES
from kubevisor.controller.shards import Listed, ShardFilter, selector

logger = logging.getLogger(__name__)
MAX_RETRY_SECONDS = 30.0


async def seed(client: AsyncClient, shards: ShardFilter) -> None:
    """List the namespaces once before the watches start, so the initial listing of objects
    lands in the cache; retried until the API server answers."""
    delay = 1.0
    while True:
        try:
            found = [
                (str(item.metadata.name), dict(item.metadata.labels or {}))
                async for item in client.list(Namespace)
                if item.metadata is not None
            ]
        except Exception as error:  # the API server away, or no RBAC yet: keep trying
            logger.warning("shards: cannot list namespaces (%s); retrying in %g s", error, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_RETRY_SECONDS)
            continue
        shards.seed(found)
        logger.info(
            "shards: serving the namespaces with %s (%d of %d)",
            selector(shards.shard),
            sum(shards.serves(name) for name, _ in found),
            len(found),
        )
        return


async def list_objects(client: AsyncClient, namespace: str) -> list[Listed]:
    """Every object of our kinds in the namespace, compacted like a watch event."""
    listed = []
    for resource in RESOURCES.values():
        async for item in client.list(resource, namespace=namespace):
            obj = compact(item.to_dict())  # type: ignore[no-untyped-call]
            listed.append(Listed(obj, fingerprint(obj)))
    return listed


async def take_over(client: AsyncClient, shards: ShardFilter, namespace: str) -> None:
    """List a joining namespace and hand it to the filter; retried while it still joins."""
    delay = 1.0
    while shards.joining(namespace):
        try:
            listed = await list_objects(client, namespace)
        except Exception as error:
            logger.warning(
                "shards: cannot list namespace %s (%s); retrying in %g s", namespace, error, delay
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_RETRY_SECONDS)
            continue
        if shards.joined(namespace, listed):
            logger.info("shards: took over namespace %s (%d objects)", namespace, len(listed))
        return


def register_namespaces(
    registry: kopf.OperatorRegistry, shards: ShardFilter, client: AsyncClient
) -> None:
    """Watch Namespaces: a label change moves a namespace into or out of this shard."""
    listings: set[asyncio.Task[None]] = set()

    async def on_namespace(**kwargs: Any) -> None:  # async: on the loop, not in a thread
        name = str(kwargs["name"])
        was_served = shards.serves(name)
        deleted = kwargs["event"].get("type") == "DELETED"
        if shards.observe(name, dict(kwargs["labels"] or {}), deleted=deleted):
            # A task, not an await: Kopf handles one Namespace's events in order, and the
            # namespace leaving again must not wait for its listing.
            task = asyncio.create_task(take_over(client, shards, name), name=f"take-over-{name}")
            listings.add(task)
            task.add_done_callback(listings.discard)
        elif was_served and not shards.serves(name):
            logger.info("shards: namespace %s left this shard; its outputs stay", name)

    kopf.on.event("v1", "namespaces", id="namespace-events", registry=registry)(on_namespace)

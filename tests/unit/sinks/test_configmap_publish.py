"""Publishing when the API server cannot be reached (the real cases are integration tests)."""

from __future__ import annotations

import asyncio

from kubevisor.sinks.configmap import (
    ConfigMapTarget,
    DatafileRef,
    delete_configmap,
    publish_configmap,
)
from kubevisor.sinks.results import Outcome, PublishResult
from lightkube import AsyncClient
from lightkube.config.kubeconfig import KubeConfig

from .payloads import payload, payload_of_size

TARGET = ConfigMapTarget("featurevisor-all", "shop", DatafileRef("all", "shop"))


def unreachable_client() -> AsyncClient:
    # Nothing listens on loopback port 9: connections are refused at once.
    config = KubeConfig.from_dict(
        {
            "clusters": [{"name": "c", "cluster": {"server": "http://127.0.0.1:9"}}],
            "users": [{"name": "u", "user": {"token": "t"}}],
            "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u"}}],
            "current-context": "x",
        }
    )
    return AsyncClient(config)


def test_unreachable_api_server_is_a_failed_result_not_an_exception() -> None:
    async def attempt() -> tuple[PublishResult, PublishResult]:
        client = unreachable_client()
        try:
            published = await publish_configmap(client, TARGET, payload("1"))
            deleted = await delete_configmap(client, TARGET)
            return published, deleted
        finally:
            await client.close()

    for result in asyncio.run(attempt()):
        assert result.outcome is Outcome.FAILED
        assert result.output == "ConfigMap shop/featurevisor-all"
        assert result.message.startswith("API server unreachable: ConnectError")
        assert result.retryable


def test_too_large_fails_before_any_request() -> None:
    async def attempt() -> PublishResult:
        client = unreachable_client()
        try:
            big = payload_of_size(2 * 1024 * 1024, compressible=False)
            return await publish_configmap(client, TARGET, big)
        finally:
            await client.close()

    result = asyncio.run(attempt())
    assert result.outcome is Outcome.FAILED
    assert not result.retryable
    assert "split it into smaller datafiles by tags" in result.message

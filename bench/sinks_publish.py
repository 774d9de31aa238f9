"""Publish latency of the sinks against the dev cluster (real kube-apiserver and S3 server).

Prints p50 / p99 / max over N publishes of a changed datafile and of an unchanged one (which
only reads), for the ConfigMap and the S3 sink, plus the time to render a large datafile into a
gzipped ConfigMap. Numbers only, nothing asserted.

Usage: .venv/bin/python bench/sinks_publish.py [--runs 100] [--features 500]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import statistics
import time
from collections.abc import Awaitable, Callable

import boto3
from botocore.config import Config
from kubevisor.devcluster.cluster import temporary_cluster
from kubevisor.sinks.configmap import (
    ConfigMapTarget,
    DatafileRef,
    publish_configmap,
    render_configmap,
)
from kubevisor.sinks.objectstore import ObjectStoreLocation, open_object_store, publish_object
from kubevisor.sinks.payload import Payload
from kubevisor.sinks.results import Outcome, PublishResult
from lightkube import AsyncClient
from lightkube.config.kubeconfig import KubeConfig


def datafile(revision: int, features: int) -> Payload:
    """A datafile shaped like real ones: rules with stringified conditions, traffic, variations."""
    value = {
        "schemaVersion": "2",
        "revision": str(revision),
        "segments": {
            f"segment{i}": {
                "key": f"segment{i}",
                "conditions": f'[{{"attribute":"country","operator":"equals","value":"c{i}"}}]',
            }
            for i in range(features // 10)
        },
        "features": {
            f"feature{i}": {
                "key": f"feature{i}",
                "hash": f"h{i:08d}",
                "bucketBy": "userId",
                "variations": [{"value": "control"}, {"value": "treatment", "weight": 50}],
                "traffic": [
                    {
                        "key": "everyone",
                        "segments": f'["segment{i % 7}"]',
                        "percentage": 50000,
                        "allocation": [
                            {"variation": "control", "range": [0, 25000]},
                            {"variation": "treatment", "range": [25000, 50000]},
                        ],
                    }
                ],
            }
            for i in range(features)
        },
    }
    return Payload.from_bytes(json.dumps(value, separators=(",", ":")).encode())


def summary(label: str, seconds: list[float]) -> None:
    ms = sorted(s * 1000 for s in seconds)
    p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
    print(
        f"{label:<38} n={len(ms):<4} p50={statistics.median(ms):7.1f} ms  "
        f"p99={p99:7.1f} ms  max={ms[-1]:7.1f} ms"
    )


async def timed(
    runs: int, make: Callable[[int], Awaitable[PublishResult]], expect: Outcome
) -> list[float]:
    durations = []
    for run in range(runs):
        start = time.perf_counter()
        result = await make(run)
        durations.append(time.perf_counter() - start)
        if result.outcome is not expect:
            raise SystemExit(f"unexpected result: {result}")
    return durations


async def main(runs: int, features: int) -> None:
    payloads = [datafile(revision, features) for revision in range(1, runs + 2)]
    print(f"datafile: {features} features, {len(payloads[0].content)} bytes")
    with temporary_cluster() as cluster:
        cluster.kubectl("create", "namespace", "bench")
        s3 = boto3.client(
            "s3", endpoint_url=cluster.s3_endpoint, aws_access_key_id=cluster.s3_access_key,
            aws_secret_access_key=cluster.s3_secret_key, region_name=cluster.s3_region,
            config=Config(s3={"addressing_style": "path"}),
        )  # fmt: skip
        s3.create_bucket(Bucket="bench")
        client = AsyncClient(KubeConfig.from_file(cluster.kubeconfig))
        target = ConfigMapTarget("featurevisor-all", "bench", DatafileRef("all", "bench"))
        try:
            summary(
                "ConfigMap publish, changed",
                await timed(
                    runs,
                    lambda i: publish_configmap(client, target, payloads[i]),
                    Outcome.WRITTEN,
                ),
            )
            summary(
                "ConfigMap publish, unchanged (read)",
                await timed(
                    runs,
                    lambda i: publish_configmap(client, target, payloads[runs - 1]),
                    Outcome.UNCHANGED,
                ),
            )
        finally:
            await client.close()
        location = open_object_store(
            "s3://bench/shop",
            {
                "AWS_ACCESS_KEY_ID": cluster.s3_access_key,
                "AWS_SECRET_ACCESS_KEY": cluster.s3_secret_key,
                "AWS_ENDPOINT_URL": cluster.s3_endpoint,
                "AWS_REGION": cluster.s3_region,
            },
        )
        assert isinstance(location, ObjectStoreLocation), location
        summary(
            "S3 publish, changed (2 puts)",
            await timed(
                runs,
                lambda i: publish_object(
                    location, payloads[i], target="all", environment="production"
                ),
                Outcome.WRITTEN,
            ),
        )
        summary(
            "S3 publish, unchanged (head + get)",
            await timed(
                runs,
                lambda i: publish_object(
                    location, payloads[runs - 1], target="all", environment="production"
                ),
                Outcome.UNCHANGED,
            ),
        )
    large = datafile(1, 20 * features)
    start = time.perf_counter()
    rendered = render_configmap(target, large)
    elapsed = (time.perf_counter() - start) * 1000
    kind = "gzip" if isinstance(rendered, dict) and "binaryData" in rendered else "other"
    print(f"render {len(large.content)} bytes ({kind}): {elapsed:.1f} ms")
    for level in (6, 9):
        start = time.perf_counter()
        packed = gzip.compress(large.content, compresslevel=level, mtime=0)
        elapsed = (time.perf_counter() - start) * 1000
        print(f"  gzip level {level}: {len(packed)} bytes in {elapsed:.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--features", type=int, default=500)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.runs, arguments.features))

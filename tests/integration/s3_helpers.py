"""The dev cluster's S3 server as the integration tests talk to it."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from kubevisor.devcluster.state import ClusterInfo


def s3_client(cluster: ClusterInfo, *, secret_key: str | None = None) -> Any:
    """A boto3 S3 client for the cluster's S3 server (path-style, no retries, so a failure shows
    at once); `secret_key` overrides the cluster's secret, to play a client with a wrong one."""
    return boto3.client(
        "s3",
        endpoint_url=cluster.s3_endpoint,
        aws_access_key_id=cluster.s3_access_key,
        aws_secret_access_key=cluster.s3_secret_key if secret_key is None else secret_key,
        region_name=cluster.s3_region,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )

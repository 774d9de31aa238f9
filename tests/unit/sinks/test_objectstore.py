from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from kubevisor.sinks.objectstore import (
    ObjectStoreConfigError,
    ObjectStoreLocation,
    datafile_keys,
    delete_object,
    open_object_store,
    publish_object,
)
from kubevisor.sinks.results import Outcome
from obstore.store import AzureStore, GCSStore, LocalStore, S3Store

from .payloads import payload

S3_KEYS = {"AWS_ACCESS_KEY_ID": "id", "AWS_SECRET_ACCESS_KEY": "secret"}


def opened(url: str, credentials: dict[str, str] | None = None) -> ObjectStoreLocation:
    location = open_object_store(url, credentials, environ={})
    assert isinstance(location, ObjectStoreLocation), location
    return location


def failed(url: str, credentials: dict[str, str] | None = None) -> str:
    error = open_object_store(url, credentials, environ={})
    assert isinstance(error, ObjectStoreConfigError)
    return error.message


@pytest.mark.parametrize(
    ("url", "store_type", "prefix", "base"),
    [
        ("s3://flags/shop/datafiles/", S3Store, "shop/datafiles", "s3://flags/shop/datafiles"),
        ("s3://flags", S3Store, "", "s3://flags"),
        ("gs://flags/shop", GCSStore, "shop", "gs://flags/shop"),
        ("az://flags/shop", AzureStore, "shop", "az://flags/shop"),
    ],
)
def test_cloud_urls_name_the_store_and_prefix(
    url: str, store_type: type, prefix: str, base: str
) -> None:
    credentials = {
        **S3_KEYS,
        "AZURE_STORAGE_ACCOUNT_NAME": "acct",
        "AZURE_STORAGE_ACCOUNT_KEY": "a2V5",
    }
    location = opened(url, credentials)
    assert isinstance(location.store, store_type)
    assert location.prefix == prefix
    assert location.url == base


def test_file_url_opens_a_local_directory(tmp_path: Path) -> None:
    location = opened(f"file://{tmp_path}/out")
    assert isinstance(location.store, LocalStore)
    assert location.url == f"file://{tmp_path}/out"
    assert (tmp_path / "out").is_dir()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://example.invalid/flags", "use s3://, gs://, az:// or file:///"),
        ("s3:///prefix-without-bucket", "names no bucket"),
        ("file://host/path", "must be file:///absolute/path"),
        ("s3://flags/shop?versionId=1", "must not have ? or #"),
    ],
)
def test_bad_urls_are_error_values(url: str, message: str) -> None:
    assert message in failed(url)


def test_misspelt_credential_key_is_named() -> None:
    message = failed("s3://flags", {**S3_KEYS, "AWS_SECRET_KEY": "x"})
    assert "unknown credential key 'AWS_SECRET_KEY' for s3://" in message
    assert "AWS_SECRET_ACCESS_KEY" in message


def test_keys_of_other_schemes_are_ignored() -> None:
    opened("s3://flags", {**S3_KEYS, "AZURE_STORAGE_ACCOUNT_KEY": "x", "README": "y"})


def test_credentials_reach_the_store_and_the_environment_fills_gaps() -> None:
    environ = {"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "from-env"}
    location = open_object_store(
        "s3://flags",
        {**S3_KEYS, "AWS_ENDPOINT_URL": "http://127.0.0.1:8333"},
        environ=environ,
    )
    assert isinstance(location, ObjectStoreLocation)
    assert isinstance(location.store, S3Store)
    config = location.store.config
    assert config.get("access_key_id") == "id"  # the Secret wins over the environment
    assert config.get("region") == "eu-west-1"
    assert config.get("endpoint") == "http://127.0.0.1:8333"
    assert (location.store.client_options or {}).get("allow_http") in (True, "true")


def test_keys_with_and_without_environment(tmp_path: Path) -> None:
    location = opened("s3://flags/shop", S3_KEYS)
    assert datafile_keys(location, target="all", environment="production", revision="3") == (
        "shop/production/revisions/3/featurevisor-all.json",
        "shop/production/featurevisor-all.json",
    )
    bare = opened("s3://flags", S3_KEYS)
    assert datafile_keys(bare, target="web", environment=None, revision="3") == (
        "revisions/3/featurevisor-web.json",
        "featurevisor-web.json",
    )
    assert bare.url_of("featurevisor-web.json") == "s3://flags/featurevisor-web.json"


def test_file_backend_publish_skip_and_delete(tmp_path: Path) -> None:
    location = opened(f"file://{tmp_path}")
    first, second = payload("1"), payload("2")
    polled = tmp_path / "production" / "featurevisor-all.json"

    result = asyncio.run(publish_object(location, first, target="all", environment="production"))
    assert result.outcome is Outcome.WRITTEN
    assert result.output == f"file://{polled}"
    assert polled.read_bytes() == first.content
    written_inode = polled.stat().st_ino

    again = asyncio.run(publish_object(location, first, target="all", environment="production"))
    assert again.outcome is Outcome.UNCHANGED
    assert polled.stat().st_ino == written_inode  # a put would have replaced the file

    asyncio.run(publish_object(location, second, target="all", environment="production"))
    assert json.loads(polled.read_bytes())["revision"] == "2"
    revisions = tmp_path / "production" / "revisions"
    assert (revisions / "1" / "featurevisor-all.json").read_bytes() == first.content
    assert (revisions / "2" / "featurevisor-all.json").read_bytes() == second.content

    deleted = asyncio.run(delete_object(location, target="all", environment="production"))
    assert deleted.outcome is Outcome.DELETED
    assert not polled.exists()
    assert (revisions / "2" / "featurevisor-all.json").exists()
    gone = asyncio.run(delete_object(location, target="all", environment="production"))
    assert gone.outcome is Outcome.UNCHANGED


def test_unreachable_endpoint_is_a_clean_result() -> None:
    # Nothing listens on loopback port 9: the connection is refused at once.
    location = opened("s3://flags/shop", {**S3_KEYS, "AWS_ENDPOINT_URL": "http://127.0.0.1:9"})
    result = asyncio.run(publish_object(location, payload("1"), target="all", environment=None))
    assert result.outcome is Outcome.FAILED
    assert result.message.startswith("endpoint unreachable (")
    assert result.retryable
    assert result.output == "s3://flags/shop/featurevisor-all.json"


def test_spec_endpoint_and_region_win_over_the_credentials() -> None:
    location = open_object_store(
        "s3://flags",
        {**S3_KEYS, "AWS_ENDPOINT_URL": "https://s3.example.invalid", "AWS_REGION": "us-east-1"},
        endpoint="http://127.0.0.1:8333",
        region="eu-central-1",
        environ={},
    )
    assert isinstance(location, ObjectStoreLocation)
    assert isinstance(location.store, S3Store)
    assert location.store.config.get("endpoint") == "http://127.0.0.1:8333"
    assert location.store.config.get("region") == "eu-central-1"
    assert (location.store.client_options or {}).get("allow_http") in (True, "true")


def test_a_revision_object_is_never_overwritten_with_other_bytes(tmp_path: Path) -> None:
    location = opened(f"file://{tmp_path}")
    first, other = payload("1"), payload("1", padding="different content, same revision")
    asyncio.run(publish_object(location, first, target="all", environment="production"))

    result = asyncio.run(publish_object(location, other, target="all", environment="production"))
    assert result.outcome is Outcome.FAILED
    assert "never overwritten" in result.message and "revisions/1" in result.message
    revision = tmp_path / "production" / "revisions" / "1" / "featurevisor-all.json"
    assert revision.read_bytes() == first.content
    polled = tmp_path / "production" / "featurevisor-all.json"
    assert polled.read_bytes() == first.content  # the polled object did not move either

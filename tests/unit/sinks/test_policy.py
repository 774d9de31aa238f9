"""Every refusal of `sinks.policy`: copies without consent, object stores a tenant may not use."""

from __future__ import annotations

import pytest
from kubevisor.core.outputs import ObjectStoreOutput
from kubevisor.sinks.policy import (
    CopyGrant,
    SecurityPolicy,
    copy_refusal,
    credentials_refusal,
    object_store_refusal,
    parse_grant,
    under_prefix,
)

SAFE = SecurityPolicy()
S3_KEYS = {"AWS_ACCESS_KEY_ID": "id", "AWS_SECRET_ACCESS_KEY": "secret"}


def grant(*namespaces: str, datafiles: tuple[str, ...] = ()) -> CopyGrant:
    return CopyGrant("web", "from-shop", tuple(namespaces), datafiles)


def test_copy_without_grant_is_refused_naming_the_fix() -> None:
    refusal = copy_refusal("shop", "all", "web", SAFE, [])
    assert refusal is not None
    assert refusal.reason == "CopyNotGranted"
    assert "spec.configMap.namespaces" in refusal.message
    assert "DatafileGrant in web" in refusal.message


def test_copy_with_a_grant_for_the_source_namespace_is_allowed() -> None:
    assert copy_refusal("shop", "all", "web", SAFE, [grant("shop")]) is None
    assert copy_refusal("shop", "all", "web", SAFE, [grant("*")]) is None


def test_grant_for_another_namespace_or_datafile_does_not_count() -> None:
    assert copy_refusal("shop", "all", "web", SAFE, [grant("other")]) is not None
    only_web = grant("shop", datafiles=("web-*",))
    assert copy_refusal("shop", "all", "web", SAFE, [only_web]) is not None
    assert copy_refusal("shop", "web-prod", "web", SAFE, [only_web]) is None


def test_admin_policy_allows_every_copy() -> None:
    policy = SecurityPolicy(allow_cross_namespace_copies=True)
    assert copy_refusal("shop", "all", "web", policy, []) is None


def test_own_namespace_needs_no_consent() -> None:
    assert copy_refusal("shop", "all", "shop", SAFE, []) is None


def test_malformed_grants_grant_nothing() -> None:
    assert parse_grant({"metadata": {"name": "g", "namespace": "web"}, "spec": {}}) is None
    assert parse_grant({"metadata": {}, "spec": {"from": [{"namespace": 3}]}}) is None
    parsed = parse_grant(
        {
            "metadata": {"name": "g", "namespace": "web"},
            "spec": {"from": [{"namespace": "shop"}], "datafiles": ["all"]},
        }
    )
    assert parsed == CopyGrant("web", "g", ("shop",), ("all",))


def test_object_store_with_secret_is_allowed_by_default() -> None:
    store = ObjectStoreOutput("s3://flags/shop", credentials_secret="creds")
    assert object_store_refusal("shop", store, SAFE) is None
    assert credentials_refusal("shop/creds", store, S3_KEYS, SAFE) is None


def test_ambient_identity_is_refused_without_an_allowed_prefix() -> None:
    store = ObjectStoreOutput("s3://flags/shop")
    refusal = object_store_refusal("shop", store, SAFE)
    assert refusal is not None and refusal.reason == "ObjectStoreNotAllowed"
    assert "credentialsSecret" in refusal.message and "allowed: none" in refusal.message


def test_ambient_identity_only_under_the_namespace_prefix() -> None:
    policy = SecurityPolicy(ambient_prefixes=("s3://flags/{namespace}/",))
    assert object_store_refusal("shop", ObjectStoreOutput("s3://flags/shop"), policy) is None
    assert object_store_refusal("shop", ObjectStoreOutput("s3://flags/shop/x"), policy) is None
    for url in ("s3://flags/web", "s3://flags/shopping", "s3://flags", "s3://other/shop"):
        refusal = object_store_refusal("shop", ObjectStoreOutput(url), policy)
        assert refusal is not None, url
        assert "s3://flags/shop/" in refusal.message


def test_dot_segments_cannot_climb_out_of_a_prefix() -> None:
    policy = SecurityPolicy(ambient_prefixes=("s3://flags/{namespace}/",))
    refusal = object_store_refusal("shop", ObjectStoreOutput("s3://flags/shop/../web"), policy)
    assert refusal is not None and "`..`" in refusal.message


@pytest.mark.parametrize("secret", [None, "creds"])
def test_endpoint_override_is_refused_unless_allowed(secret: str | None) -> None:
    store = ObjectStoreOutput(
        "s3://flags/shop", endpoint="http://10.0.0.1:9000", credentials_secret=secret
    )
    policy = SecurityPolicy(ambient_prefixes=("s3://flags/{namespace}",))
    refusal = object_store_refusal("shop", store, policy)
    assert refusal is not None and "spec.objectStore.endpoint" in refusal.message
    allowed = SecurityPolicy(
        ambient_prefixes=policy.ambient_prefixes, allowed_endpoints=("http://10.0.0.1:9000/",)
    )
    assert object_store_refusal("shop", store, allowed) is None
    anything = SecurityPolicy(ambient_prefixes=policy.ambient_prefixes, allowed_endpoints=("*",))
    assert object_store_refusal("shop", store, anything) is None


def test_endpoint_in_the_secret_is_an_override_too_and_its_value_is_not_shown() -> None:
    store = ObjectStoreOutput("s3://flags/shop", credentials_secret="creds")
    keys = {**S3_KEYS, "AWS_ENDPOINT_URL": "http://attacker.example:1234"}
    refusal = credentials_refusal("shop/creds", store, keys, SAFE)
    assert refusal is not None and "AWS_ENDPOINT_URL" in refusal.message
    assert "attacker" not in refusal.message
    allowed = SecurityPolicy(allowed_endpoints=("http://attacker.example:1234",))
    assert credentials_refusal("shop/creds", store, keys, allowed) is None


def test_incomplete_secret_would_fall_back_to_the_operator_identity_so_is_refused() -> None:
    store = ObjectStoreOutput("s3://flags/shop", credentials_secret="creds")
    refusal = credentials_refusal("shop/creds", store, {"AWS_REGION": "eu"}, SAFE)
    assert refusal is not None and "AWS_ACCESS_KEY_ID+AWS_SECRET_ACCESS_KEY" in refusal.message


def test_secret_naming_a_file_of_the_operator_is_refused() -> None:
    store = ObjectStoreOutput("gs://flags/shop", credentials_secret="creds")
    keys = {"GOOGLE_APPLICATION_CREDENTIALS": "/var/run/secrets/token"}
    refusal = credentials_refusal("shop/creds", store, keys, SAFE)
    assert refusal is not None and "GOOGLE_APPLICATION_CREDENTIALS" in refusal.message


def test_file_urls_are_refused_unless_allowed() -> None:
    store = ObjectStoreOutput("file:///etc/kubevisor")
    refusal = object_store_refusal("shop", store, SAFE)
    assert refusal is not None and "allowFileURLs" in refusal.message
    assert object_store_refusal("shop", store, SecurityPolicy(allow_file_urls=True)) is None


def test_under_prefix_matches_whole_segments() -> None:
    assert under_prefix("s3://b/a", "s3://b/a/")
    assert under_prefix("s3://b/a/", "s3://b/a")
    assert not under_prefix("s3://b/ab", "s3://b/a/")

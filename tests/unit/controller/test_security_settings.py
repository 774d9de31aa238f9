from __future__ import annotations

import pytest
from kubevisor.controller.security_settings import SettingError, security_policy_from
from kubevisor.sinks.policy import SecurityPolicy


def test_unset_means_every_relaxation_is_off() -> None:
    assert security_policy_from({}) == SecurityPolicy()


def test_variables_set_each_relaxation() -> None:
    policy = security_policy_from(
        {
            "KUBEVISOR_ALLOW_CROSS_NAMESPACE_COPIES": "true",
            "KUBEVISOR_OBJECT_STORE_AMBIENT_PREFIXES": "s3://flags/{namespace}/, gs://x/{namespace}",
            "KUBEVISOR_OBJECT_STORE_ALLOWED_ENDPOINTS": "http://minio:9000",
            "KUBEVISOR_ALLOW_FILE_URLS": "false",
        }
    )
    assert policy == SecurityPolicy(
        allow_cross_namespace_copies=True,
        ambient_prefixes=("s3://flags/{namespace}/", "gs://x/{namespace}"),
        allowed_endpoints=("http://minio:9000",),
        allow_file_urls=False,
    )


def test_a_flag_that_is_not_a_boolean_is_an_error_naming_it() -> None:
    with pytest.raises(SettingError, match="KUBEVISOR_ALLOW_FILE_URLS"):
        security_policy_from({"KUBEVISOR_ALLOW_FILE_URLS": "maybe"})

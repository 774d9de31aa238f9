"""Shape of the admission policies that check the union fields."""

from __future__ import annotations

from kubevisor.crds import GROUP, KINDS, VERSION, policy_objects
from kubevisor.crds.policy import is_one_of

WARNING_POLICIES = {f"warnings.features.{GROUP}"}
"""Policies whose binding only warns: upstream builds what they flag."""


def test_each_policy_has_a_binding_that_denies_or_only_warns() -> None:
    objects = policy_objects()
    policies = {
        o["metadata"]["name"]: o for o in objects if o["kind"] == "ValidatingAdmissionPolicy"
    }
    bindings = [o for o in objects if o["kind"] == "ValidatingAdmissionPolicyBinding"]
    assert set(policies) == {
        f"features.{GROUP}",
        f"datafiles.{GROUP}",
        f"segments.{GROUP}",
        f"nesting.{GROUP}",
        *WARNING_POLICIES,
    }
    assert {b["spec"]["policyName"] for b in bindings} == set(policies)
    for binding in bindings:
        warns = binding["spec"]["policyName"] in WARNING_POLICIES
        assert binding["spec"]["validationActions"] == (["Warn"] if warns else ["Deny"])
    for name, policy in policies.items():
        (rule,) = policy["spec"]["matchConstraints"]["resourceRules"]
        assert rule["apiGroups"] == [GROUP]
        assert rule["apiVersions"] == [VERSION]
        if name == f"nesting.{GROUP}":  # the nesting limit holds for every kind
            assert rule["resources"] == [info.plural for info in KINDS]
        else:
            assert rule["resources"] == [name.removeprefix("warnings.").split(".")[0]]


def test_every_validation_message_names_a_spec_field() -> None:
    for policy in policy_objects():
        for validation in policy["spec"].get("validations", []):
            # `spec:` for the check that bounds the whole spec
            assert validation["message"].startswith(("spec.", "spec:")), validation["message"]


def test_is_one_of_compares_each_type_separately() -> None:
    assert is_one_of("x", "bool", "list") == "(type(x) == bool || type(x) == list)"

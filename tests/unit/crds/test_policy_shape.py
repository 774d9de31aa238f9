"""Shape of the admission policies that check the union fields."""

from __future__ import annotations

from kubevisor.crds import GROUP, KINDS, VERSION, policy_objects
from kubevisor.crds.policy import is_one_of


def test_each_policy_has_a_binding_that_denies() -> None:
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
    }
    assert {b["spec"]["policyName"] for b in bindings} == set(policies)
    for binding in bindings:
        assert binding["spec"]["validationActions"] == ["Deny"]
    for name, policy in policies.items():
        (rule,) = policy["spec"]["matchConstraints"]["resourceRules"]
        assert rule["apiGroups"] == [GROUP]
        assert rule["apiVersions"] == [VERSION]
        if name == f"nesting.{GROUP}":  # the nesting limit holds for every kind
            assert rule["resources"] == [info.plural for info in KINDS]
        else:
            assert rule["resources"] == [name.split(".")[0]]


def test_every_validation_message_names_a_spec_field() -> None:
    for policy in policy_objects():
        for validation in policy["spec"].get("validations", []):
            # `spec:` for the check that bounds the whole spec
            assert validation["message"].startswith(("spec.", "spec:")), validation["message"]


def test_is_one_of_compares_each_type_separately() -> None:
    assert is_one_of("x", "bool", "list") == "(type(x) == bool || type(x) == list)"

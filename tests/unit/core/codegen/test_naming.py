"""Names and types the code generators derive from keys and schemas."""

from __future__ import annotations

import pytest
from kubevisor.core.codegen.naming import pascal, snake
from kubevisor.core.codegen.python import python_type
from kubevisor.core.codegen.typescript import typescript_type
from kubevisor.core.definitions import Definitions


@pytest.mark.parametrize(
    ("key", "pascal_name", "snake_name"),
    [
        ("newCheckout", "NewCheckout", "new_checkout"),
        ("checkout.page", "CheckoutPage", "checkout_page"),
        ("2fa-login", "X2faLogin", "x_2fa_login"),
        ("class", "Class", "class_"),
    ],
)
def test_names(key: str, pascal_name: str, snake_name: str) -> None:
    assert (pascal(key), snake(key)) == (pascal_name, snake_name)


def test_types_follow_schema_references() -> None:
    defs = Definitions(schemas={"ids": {"type": "array", "items": {"type": "integer"}}})
    assert python_type({"schema": "ids"}, defs) == "list[int]"
    assert typescript_type({"schema": "ids"}, defs) == "(number)[]"
    assert python_type({"type": "json"}, defs) == "Any"


def test_colliding_keys_get_distinct_accessors() -> None:
    from kubevisor.core.codegen.naming import unique_names
    from kubevisor.core.codegen.python import python_files

    assert unique_names(["new-checkout", "newCheckout"], snake) == {
        "new-checkout": "new_checkout",
        "newCheckout": "new_checkout_2",
    }
    defs = Definitions(features={"new-checkout": {}, "newCheckout": {}})
    text = python_files(defs)["features.py"]
    assert "self.new_checkout = NewCheckoutFeature(sdk)" in text
    assert "self.new_checkout_2 = NewCheckoutFeature_2(sdk)" in text
    compile(text, "features.py", "exec")

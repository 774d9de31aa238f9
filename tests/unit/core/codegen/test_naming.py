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

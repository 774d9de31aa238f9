"""JavaScript number formatting, checked against known JavaScript output and the Python SDK."""

from __future__ import annotations

import pytest
from featurevisor.bucketer import _to_javascript_string
from hypothesis import given
from hypothesis import strategies as st
from kubevisor.core.jsnumber import format_number


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.5, "1.5"),
        (100.0, "100"),
        (0.0, "0"),
        (-0.0, "0"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (0.000001, "0.000001"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1.2345678901234568e20, "123456789012345680000"),
        (-2.5e-10, "-2.5e-10"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (float("nan"), "NaN"),
        (float("-inf"), "-Infinity"),
        (42, "42"),
        (10**21, "1e+21"),
        (123456789012345678, "123456789012345678"),
    ],
)
def test_known_values(value: float, text: str) -> None:
    assert format_number(value) == text


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_agree_with_the_python_sdk(value: float) -> None:
    assert format_number(value) == _to_javascript_string(value)


def test_booleans_are_rejected() -> None:
    with pytest.raises(TypeError):
        format_number(True)

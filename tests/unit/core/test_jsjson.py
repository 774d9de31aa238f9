"""kubevisor.core.jsjson reproduces ECMAScript JSON.stringify (docs/featurevisor.md §4.7)."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from kubevisor.core.jsjson import (
    dumps,
    dumps_exact,
    is_array_index,
    js_key_order,
    js_number_text,
    js_string,
    loads,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (50.0, "50"),
        (-0.0, "0"),
        (4114.5885, "4114.5885"),
        (0.000001, "0.000001"),
        (1e-7, "1e-7"),
        (5e-7, "5e-7"),
        (1.5e-7, "1.5e-7"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1e16, "10000000000000000"),
        (12.345 * 1000, "12345"),
        (33.33 * 1000, "33330"),
        (0.1 * 1000, "100"),
        (2**60, "1152921504606847000"),
        (9007199254740993, "9007199254740992"),
    ],
)
def test_numbers_print_like_javascript(value: float, text: str) -> None:
    assert js_number_text(value) == text
    assert dumps([value]) == f"[{text}]"


def test_non_finite_numbers_become_null() -> None:
    assert dumps([math.nan, math.inf, -math.inf]) == "[null,null,null]"
    assert dumps({"a": math.inf}, pretty=True) == '{\n  "a": null\n}'


def test_integer_like_keys_come_first_in_ascending_order() -> None:
    value = {"b": 1, "10": 2, "a": 3, "2": 4, "01": 5}
    assert dumps(value) == '{"2":4,"10":2,"b":1,"a":3,"01":5}'
    assert dumps({"x": value}, pretty=True).startswith('{\n  "x": {\n    "2": 4,\n    "10": 2')


def test_array_index_rule() -> None:
    assert is_array_index("0") and is_array_index("4294967294")
    assert not is_array_index("4294967295")
    assert not is_array_index("01") and not is_array_index("-1") and not is_array_index("1.5")
    assert not is_array_index("") and not is_array_index("\u0661")  # Arabic-Indic digit one
    assert list(js_key_order({"z": 0, "3": 0, "1": 0})) == ["1", "3", "z"]


def test_string_escapes() -> None:
    text = 'q" b\\ \b\f\n\r\t \x01 \x1f / \u2028 \x7f é \ud800'
    assert dumps(text) == '"q\\" b\\\\ \\b\\f\\n\\r\\t \\u0001 \\u001f / \u2028 \x7f é \\ud800"'


def test_pretty_layout() -> None:
    value = {"a": [1, {"b": []}], "c": {}, "d": "x"}
    expected = '{\n  "a": [\n    1,\n    {\n      "b": []\n    }\n  ],\n  "c": {},\n  "d": "x"\n}'
    assert dumps(value, pretty=True) == expected
    assert dumps(value) == '{"a":[1,{"b":[]}],"c":{},"d":"x"}'


def test_js_string() -> None:
    assert js_string(None) == "null"
    assert js_string(True) == "true"
    assert js_string(3.0) == "3"
    assert js_string([1, None, "a"]) == "1,,a"
    assert js_string({"a": 1}) == "[object Object]"


def test_loads_gives_javascript_order_and_numbers() -> None:
    value = loads('{"b": 1.0, "7": 2, "big": 12345678901234567890}')
    assert list(value) == ["7", "b", "big"]
    assert value["b"] == 1 and isinstance(value["b"], int)
    assert isinstance(value["big"], float)
    with pytest.raises(ValueError):
        loads("[NaN]")


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**60), max_value=2**60)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=4) | st.sampled_from(["0", "1", "10", "01"]), children)
    ),
    max_leaves=20,
)


@given(json_values)
def test_fast_path_agrees_with_exact_writer(value: object) -> None:
    assert dumps(value) == dumps_exact(value)
    assert dumps(value, pretty=True) == dumps_exact(value, pretty=True)


_no_surrogates = st.characters(blacklist_categories=("Cs",))
_python_agrees = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False).filter(
        lambda number: not number.is_integer() and 1e-4 <= abs(number) < 1e16
    )
    | st.text(_no_surrogates)
    | st.sampled_from(["{", "a: b", "[1, 2]", "\\", '"', "x\ny"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(_no_surrogates, max_size=4).filter(lambda key: not key.isdigit()), children
        )
    ),
    max_leaves=30,
)
"""Values Python's `json` writes as `JSON.stringify` does: no integer-like keys, no exponents,
no integral floats, no lone surrogates."""


@given(_python_agrees)
def test_pretty_text_is_json_stringify_with_two_spaces(value: object) -> None:
    assert dumps(value, pretty=True) == json.dumps(value, indent=2, ensure_ascii=False)


def test_pretty_numbers_print_as_javascript_does() -> None:
    value = [50.0, 1e-7, 1e21, 1e16, 0.5, 1562.5, -0.0, math.nan, 2**60]
    expected = "50,1e-7,1e+21,10000000000000000,0.5,1562.5,0,null,1152921504606847000"
    assert dumps(value, pretty=True) == "[\n  " + expected.replace(",", ",\n  ") + "\n]"

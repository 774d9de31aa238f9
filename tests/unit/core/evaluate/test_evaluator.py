"""Evaluator: the worked example of docs/featurevisor.md §12.1 and each step of §7 on small
datafiles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from kubevisor import Evaluator

REPO = Path(__file__).resolve().parents[4]
MINI = REPO / "tests/conformance/fixtures/mini/expected/datafiles/production"


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((MINI / name).read_text())
    return data


@pytest.fixture(scope="module")
def web() -> Evaluator:
    return Evaluator(load("featurevisor-web.json"))


# context, checkout (bucket key, value), flag (reason, rule), variation (value, reason),
# color (value, reason), layout, banner (enabled, reason)
WORKED_EXAMPLE: list[tuple[Any, ...]] = [
    (
        {"userId": "user-3", "country": "nl"},
        ("user-3.checkout", 49304),
        ("rule", "nl"),
        ("treatment", "allocated"),
        ("orange", "variable_override_variation"),
        ({"columns": 3, "dense": False}, "rule"),
        (True, "rule"),
    ),
    (
        {"userId": "user-5", "country": "nl"},
        ("user-5.checkout", 15501),
        ("rule", "nl"),
        ("control", "allocated"),
        ("red", "variable_default"),
        ({"columns": 3, "dense": False}, "rule"),
        (False, "required"),
    ),
    (
        {"userId": "user-5", "country": "de"},
        ("user-5.checkout", 15501),
        ("rule", "dach"),
        ("treatment", "allocated"),
        ("blue", "allocated"),
        ({"columns": 2, "dense": False}, "variable_default"),
        (True, "rule"),
    ),
    (
        {"userId": "user-1", "country": "nl"},
        ("user-1.checkout", 97300),
        ("no_match", None),
        (None, "disabled"),
        (None, "disabled"),
        ({"columns": 1, "dense": False}, "variable_disabled"),
        (False, "required"),
    ),
    (
        {"deviceId": "device-9", "country": "us"},
        ("checkout", 5586),
        ("rule", "everyone"),
        ("treatment", "allocated"),
        ("blue", "allocated"),
        ({"columns": 2, "dense": False}, "variable_default"),
        (True, "rule"),
    ),
]


@pytest.mark.parametrize(
    ("context", "bucket", "flag", "variation", "color", "layout", "banner"), WORKED_EXAMPLE
)
def test_worked_example(
    web: Evaluator,
    context: dict[str, Any],
    bucket: tuple[str, int],
    flag: tuple[str, str | None],
    variation: tuple[str | None, str],
    color: tuple[str | None, str],
    layout: tuple[dict[str, Any], str],
    banner: tuple[bool, str],
) -> None:
    evaluation = web.evaluate_flag("checkout", context)
    assert (evaluation["bucketKey"], evaluation["bucketValue"]) == bucket
    assert (evaluation["reason"], evaluation.get("ruleKey")) == flag
    assert web.is_enabled("checkout", context) is (flag[0] == "rule")
    assert web.get_variation("checkout", context) == variation[0]
    assert web.evaluate_variation("checkout", context)["reason"] == variation[1]
    assert web.get_variable("checkout", "color", context) == color[0]
    assert web.evaluate_variable("checkout", "color", context)["reason"] == color[1]
    assert web.get_variable("checkout", "layout", context) == layout[0]
    assert web.evaluate_variable("checkout", "layout", context)["reason"] == layout[1]
    assert web.is_enabled("banner", context) is banner[0]
    assert web.evaluate_flag("banner", context)["reason"] == banner[1]


def test_banner_bucket_key_uses_the_first_present_attribute(web: Evaluator) -> None:
    assert web.evaluate_flag("banner", {"userId": "user-3", "country": "nl"})["bucketKey"] == (
        "user-3.banner"
    )
    assert web.evaluate_flag("banner", {"deviceId": "device-9", "country": "us"})["bucketKey"] == (
        "device-9.banner"
    )


@pytest.mark.parametrize(
    ("user", "promo_a", "promo_b"),
    [
        ("user-1", ("out_of_range", 96098, False), ("allocated", 60750, True)),
        ("user-4", ("allocated", 37704, True), ("out_of_range", 34303, False)),
    ],
)
def test_group_ranges(
    user: str, promo_a: tuple[str, int, bool], promo_b: tuple[str, int, bool]
) -> None:
    evaluator = Evaluator(load("featurevisor-all.json"))
    context = {"userId": user, "country": "nl"}
    for key, (reason, value, enabled) in (("promoA", promo_a), ("promoB", promo_b)):
        evaluation = evaluator.evaluate_flag(key, context)
        assert (evaluation["reason"], evaluation["bucketValue"]) == (reason, value)
        assert evaluator.is_enabled(key, context) is enabled


def _datafile(**feature: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "bucketBy": "userId",
        "traffic": [{"key": "all", "segments": "*", "percentage": 100000}],
    }
    return {
        "schemaVersion": "2",
        "revision": "1",
        "segments": {
            "nl": {"conditions": '[{"attribute":"country","operator":"equals","value":"nl"}]'}
        },
        "features": {"f": {**base, **feature}},
    }


VARIATIONS = [{"value": "a"}, {"value": "b", "variables": {"v": "from-b"}}]
SCHEMA = {"v": {"key": "v", "type": "string", "defaultValue": "default"}}


def test_bucket_value_hook_replaces_the_hash() -> None:
    datafile = _datafile()
    datafile["features"]["f"]["traffic"][0]["percentage"] = 50000
    evaluator = Evaluator(datafile)
    at = lambda value: evaluator.with_options(bucket_value_hook=lambda f, k, b: value)  # noqa: E731
    assert at(50000).is_enabled("f", {"userId": "u"}) is True
    assert at(50001).is_enabled("f", {"userId": "u"}) is False
    assert at(50000).evaluate_flag("f", {})["bucketValue"] == 50000


def test_percentage_zero_disables_even_at_bucket_zero() -> None:
    datafile = _datafile()
    datafile["features"]["f"]["traffic"][0]["percentage"] = 0
    evaluator = Evaluator(datafile, bucket_value_hook=lambda f, k, b: 0)
    evaluation = evaluator.evaluate_flag("f", {})
    assert (evaluation["reason"], evaluation["enabled"]) == ("rule", False)


def test_first_matching_rule_decides_even_when_its_percentage_excludes() -> None:
    datafile = _datafile()
    datafile["features"]["f"]["traffic"] = [
        {"key": "nl", "segments": "nl", "percentage": 10},
        {"key": "all", "segments": "*", "percentage": 100000},
    ]
    evaluator = Evaluator(datafile, bucket_value_hook=lambda f, k, b: 50)
    assert evaluator.evaluate_flag("f", {"country": "nl"})["reason"] == "no_match"
    assert evaluator.evaluate_flag("f", {"country": "de"})["ruleKey"] == "all"


def test_force_comes_before_required_and_sticky_before_force() -> None:
    datafile = _datafile(
        required=["missing"],
        force=[
            {
                "conditions": '[{"attribute":"userId","operator":"equals","value":"u1"}]',
                "enabled": True,
            }
        ],
    )
    evaluator = Evaluator(datafile)
    assert evaluator.evaluate_flag("f", {"userId": "u1"})["reason"] == "forced"
    assert evaluator.is_enabled("f", {"userId": "u1"}) is True
    assert evaluator.evaluate_flag("f", {"userId": "u2"})["reason"] == "required"
    sticky = evaluator.with_options(sticky={"f": {"enabled": False}})
    assert sticky.evaluate_flag("f", {"userId": "u1"})["reason"] == "sticky"
    assert sticky.is_enabled("f", {"userId": "u1"}) is False


def test_forced_variation_and_variable() -> None:
    datafile = _datafile(
        variations=VARIATIONS,
        variablesSchema=SCHEMA,
        force=[{"segments": "nl", "variation": "b"}, {"conditions": "*", "variables": {"v": None}}],
    )
    evaluator = Evaluator(datafile)
    assert evaluator.get_variation("f", {"country": "nl"}) == "b"
    assert evaluator.evaluate_variation("f", {"country": "nl"})["forceIndex"] == 0
    assert evaluator.get_variable("f", "v", {"country": "nl"}) == "from-b"
    assert evaluator.evaluate_variable("f", "v", {"country": "de"})["reason"] == "forced"
    assert evaluator.get_variable("f", "v", {"country": "de"}) is None


def test_required_with_variation() -> None:
    datafile = _datafile(required=[{"key": "g", "variation": "b"}])
    datafile["features"]["g"] = {
        "bucketBy": "userId",
        "variations": VARIATIONS,
        "traffic": [
            {"key": "nl", "segments": "nl", "percentage": 100000, "variation": "b"},
            {"key": "all", "segments": "*", "percentage": 100000, "variation": "a"},
        ],
    }
    evaluator = Evaluator(datafile)
    assert evaluator.is_enabled("f", {"country": "nl"}) is True
    assert evaluator.evaluate_flag("f", {"country": "de"})["reason"] == "required"


def test_disabled_values_and_defaults() -> None:
    datafile = _datafile(
        variations=VARIATIONS,
        disabledVariationValue="off",
        variablesSchema={
            "d": {"type": "string", "defaultValue": "x", "disabledValue": "gone"},
            "u": {"type": "string", "defaultValue": "x", "useDefaultWhenDisabled": True},
            "n": {"type": "string", "defaultValue": "x"},
        },
    )
    datafile["features"]["f"]["traffic"][0]["percentage"] = 0
    evaluator = Evaluator(datafile)
    assert evaluator.get_variation("f", {}) == "off"
    assert evaluator.evaluate_variation("f", {})["reason"] == "variation_disabled"
    assert evaluator.get_variable("f", "d", {}) == "gone"
    assert evaluator.get_variable("f", "u", {}) == "x"
    assert evaluator.evaluate_variable("f", "n", {})["reason"] == "disabled"
    assert evaluator.get_variable("f", "n", {}) is None
    assert evaluator.get_variable("f", "n", {}, default="fallback") == "fallback"


def test_missing_things() -> None:
    evaluator = Evaluator(_datafile(variablesSchema=SCHEMA))
    assert evaluator.evaluate_flag("nope", {})["reason"] == "feature_not_found"
    assert evaluator.is_enabled("nope", {}) is False
    assert evaluator.evaluate_variation("f", {})["reason"] == "no_variations"
    assert evaluator.get_variation("f", {}, default="dflt") == "dflt"
    assert evaluator.evaluate_variable("f", "nope", {})["reason"] == "variable_not_found"
    assert evaluator.get_variable("f", "v", {}) == "default"


def test_json_variables_and_typed_getters() -> None:
    datafile = _datafile(
        variablesSchema={
            "j": {"type": "json", "defaultValue": '{"a": [1, 2]}'},
            "bad": {"type": "json", "defaultValue": "{nope"},
            "i": {"type": "integer", "defaultValue": 3.0},
            "d": {"type": "double", "defaultValue": 2},
            "b": {"type": "boolean", "defaultValue": True},
            "a": {"type": "array", "defaultValue": ["x"]},
            "o": {"type": "object", "defaultValue": {"k": 1}},
            "s": {"type": "string", "defaultValue": "text"},
        }
    )
    evaluator = Evaluator(datafile)
    assert evaluator.get_variable("f", "j", {}) == {"a": [1, 2]}
    assert evaluator.get_variable_json("f", "j", {}) == {"a": [1, 2]}
    assert evaluator.get_variable("f", "bad", {}) is None
    assert evaluator.get_variable_integer("f", "i", {}) == 3
    assert evaluator.get_variable_integer("f", "s", {}) is None
    assert evaluator.get_variable_double("f", "d", {}) == 2.0
    assert evaluator.get_variable_boolean("f", "b", {}) is True
    assert evaluator.get_variable_boolean("f", "s", {}) is None
    assert evaluator.get_variable_array("f", "a", {}) == ["x"]
    assert evaluator.get_variable_object("f", "o", {}) == {"k": 1}
    assert evaluator.get_variable_object("f", "a", {}) is None
    assert evaluator.get_variable_string("f", "s", {}) == "text"


def test_rule_level_variable_override_by_segment() -> None:
    datafile = _datafile(variablesSchema=SCHEMA)
    datafile["features"]["f"]["traffic"][0]["variableOverrides"] = {
        "v": [{"segments": "nl", "value": "dutch"}, {"conditions": "*", "value": "other"}]
    }
    evaluator = Evaluator(datafile)
    evaluation = evaluator.evaluate_variable("f", "v", {"country": "nl"})
    assert (evaluation["reason"], evaluation["variableOverrideIndex"]) == (
        "variable_override_rule",
        0,
    )
    assert evaluator.get_variable("f", "v", {"country": "de"}) == "other"


def test_spawn_merges_context_and_uses_only_the_child_sticky() -> None:
    datafile = _datafile()
    datafile["features"]["f"]["traffic"] = [{"key": "nl", "segments": "nl", "percentage": 100000}]
    parent = Evaluator(datafile, context={"country": "nl"}, sticky={"f": {"enabled": False}})
    assert parent.is_enabled("f") is False
    child = parent.spawn({"userId": "u"})
    assert child.is_enabled("f") is True
    assert child.evaluate_flag("f")["bucketKey"] == "u.f"
    assert child.is_enabled("f", {"country": "de"}) is False


def test_invalid_bucket_by_is_an_error_evaluation() -> None:
    evaluator = Evaluator(_datafile(bucketBy=42))
    evaluation = evaluator.evaluate_flag("f", {})
    assert evaluation["reason"] == "error"
    assert "bucketBy" in evaluation["error"]
    assert evaluator.is_enabled("f", {}) is False

"""Differential test: our Evaluator against the official Python SDK `featurevisor==3.1.0`.

Deterministic by default (CI); `PARITY_RANDOM=1 PARITY_EXAMPLES=500` explores new examples.

Hypothesis generates contexts (known and unknown ids, countries, devices, versions, dates,
missing attributes, odd types, sticky decisions) and every feature and variable of every
conformance datafile is evaluated by both; flags, variations, variables and reasons must agree.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest
from featurevisor import Featurevisor
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kubevisor import Evaluator

FIXTURES = Path(__file__).parent / "fixtures"


def _conformance_datafiles() -> list[Path]:
    """Every datafile of the fixtures, one per distinct content (the revision aside)."""
    seen: set[str] = set()
    unique: list[Path] = []
    for path in sorted(FIXTURES.glob("**/*.json")):
        if "datafiles" not in path.parts and "json" not in path.parts:
            continue
        datafile = json.loads(path.read_text())
        if not isinstance(datafile, dict) or "schemaVersion" not in datafile:
            continue
        fingerprint = json.dumps({**datafile, "revision": ""}, sort_keys=True)
        if fingerprint not in seen:
            seen.add(fingerprint)
            unique.append(path)
    return unique


DATAFILES = _conformance_datafiles()

odd_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.text(max_size=6),
    st.lists(st.one_of(st.text(max_size=3), st.integers(0, 9), st.none()), max_size=3),
    st.dictionaries(st.sampled_from(["locale", "plan", "theme"]), st.text(max_size=3), max_size=2),
)


def _attribute(*typical: Any) -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from(typical), odd_values)


contexts = st.fixed_dictionaries(
    {},
    optional={
        "userId": st.one_of(
            st.builds(lambda n: f"user-{n}", st.integers(0, 200)),
            st.sampled_from(["123", "user-3", "test-force-id", "qa-1", "ü", "日本"]),
            odd_values,
        ),
        "deviceId": _attribute("device-1", "device-9", "abc"),
        "device": _attribute("mobile", "desktop", "tablet"),
        "country": _attribute("nl", "de", "ch", "at", "gb", "us", "fr"),
        "continent": _attribute("europe", "asia", "america"),
        "phone": _attribute("iphone", "android", "123", "5.5"),
        "version": _attribute("5.0.0", "5.0.1", "4.9", "v5.1", "5.x", "6.0.0-beta", "abc", 5.5),
        "date": _attribute(
            "2023-11-25T00:00:00Z",
            "2023-11-28T10:00:00+02:00",
            "2023-11-24",
            "2023-11-25T00:00:00",
            1700870400000,
            "not a date",
        ),
        "permissions": st.one_of(st.lists(st.sampled_from(["admin", "read", "write"])), odd_values),
        "interests": st.one_of(st.lists(st.sampled_from(["sports", "music", 1])), odd_values),
        "account": st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "locale": _attribute("nl-NL", "en-US"),
                    "plan": _attribute("pro", "free"),
                },
            ),
            odd_values,
        ),
        "preferences": st.one_of(
            st.fixed_dictionaries({}, optional={"theme": _attribute("dark", "light")}), odd_values
        ),
        "t": st.just(1),
    },
)


def _sticky_for(feature_keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    decision = st.fixed_dictionaries(
        {},
        optional={
            "enabled": st.booleans(),
            "variation": st.sampled_from(["control", "treatment", "b", "unknown"]),
            "variables": st.dictionaries(
                st.sampled_from(["color", "title", "bar", "unknownVariable"]), odd_values
            ),
        },
    )
    return st.dictionaries(st.sampled_from(feature_keys), decision, max_size=2)


def _official(
    datafile: dict[str, Any], sticky: dict[str, Any], at: int | None = None
) -> Featurevisor:
    options: dict[str, Any] = {
        "datafile": copy.deepcopy(datafile),
        "logLevel": "fatal",
        "stickyFeatures": sticky,
    }
    if at is not None:
        options["modules"] = [{"name": "at", "bucketValue": lambda _options: at}]
    return Featurevisor(options)


def _decisions_agree(
    ours: Evaluator, official: Featurevisor, datafile: dict[str, Any], context: dict[str, Any]
) -> None:
    for feature_key, feature in datafile["features"].items():
        where = f"{feature_key} {context!r}"
        assert ours.is_enabled(feature_key, context) == official.is_enabled(feature_key, context), (
            where
        )
        assert ours.evaluate_flag(feature_key, context)["reason"] == str(
            official.evaluate_flag(feature_key, context)["reason"]
        ), where
        assert ours.get_variation(feature_key, context) == official.get_variation(
            feature_key, context
        ), where
        assert ours.evaluate_variation(feature_key, context)["reason"] == str(
            official.evaluate_variation(feature_key, context)["reason"]
        ), where
        for variable_key in [*feature.get("variablesSchema", {}), "unknownVariable"]:
            ours_value = ours.get_variable(feature_key, variable_key, context)
            official_value = official.get_variable(feature_key, variable_key, context)
            assert ours_value == official_value, f"{where} variable {variable_key}"
            assert type(ours_value) is type(official_value), f"{where} variable {variable_key}"
            assert ours.evaluate_variable(feature_key, variable_key, context)["reason"] == str(
                official.evaluate_variable(feature_key, variable_key, context)["reason"]
            ), f"{where} variable {variable_key}"


EACH_DATAFILE = pytest.mark.parametrize(
    "path", DATAFILES, ids=[str(path.relative_to(FIXTURES)) for path in DATAFILES]
)
PARITY_SETTINGS = settings(
    max_examples=int(os.environ.get("PARITY_EXAMPLES", settings.default.max_examples // 5)),
    derandomize=os.environ.get("PARITY_RANDOM") is None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@EACH_DATAFILE
@PARITY_SETTINGS
@given(data=st.data())
def test_decisions_match_the_official_sdk(path: Path, data: st.DataObject) -> None:
    datafile = json.loads(path.read_text())
    feature_keys = [*datafile["features"], "unknownFeature"]
    context = data.draw(contexts, label="context")
    sticky = data.draw(_sticky_for(feature_keys), label="sticky")
    ours = Evaluator(copy.deepcopy(datafile), sticky=sticky)
    _decisions_agree(ours, _official(datafile, sticky), datafile, context)


# Bucket values around every range and percentage boundary the fixtures use.
boundary_values = st.one_of(
    st.sampled_from([0, 1, 4999, 5000, 5001, 9999, 10000, 10001, 19999, 20000, 20001]),
    st.sampled_from([24999, 25000, 25001, 49999, 50000, 50001, 99999, 100000]),
    st.integers(min_value=0, max_value=100_000),
)


@EACH_DATAFILE
@PARITY_SETTINGS
@given(data=st.data())
def test_decisions_match_with_a_bucket_value_hook(path: Path, data: st.DataObject) -> None:
    """The test runner's `at`: a module / hook that replaces every bucket value."""
    datafile = json.loads(path.read_text())
    context = data.draw(contexts, label="context")
    at = data.draw(boundary_values, label="bucket value")
    ours = Evaluator(copy.deepcopy(datafile), bucket_value_hook=lambda feature, key, value: at)
    _decisions_agree(ours, _official(datafile, {}, at), datafile, context)


def test_the_fixture_set_covers_every_kind_of_datafile() -> None:
    names = {str(path.relative_to(FIXTURES)) for path in DATAFILES}
    assert any(name.startswith("example-1/") for name in names)
    assert any(name.startswith("mini/expected/") for name in names)
    assert any("featurevisor-web.json" in name for name in names)
    assert len(DATAFILES) >= 10

"""`kubevisor import` output: Kubernetes names, Datafiles, and YAML every reader agrees on."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
import yaml
from kubevisor.core.definitions import Definitions, ProjectConfig
from kubevisor.sources.export import export_definitions, is_valid_name, object_names
from kubevisor.sources.kubectl_yaml import iter_documents
from kubevisor.sources.safe_yaml import dump, is_plain_safe_key, yaml_float_text
from kubevisor.sources.yaml12 import load_yaml


def test_valid_keys_keep_their_name() -> None:
    names = object_names(["checkout", "a.b", "x-1"])
    assert names == {"checkout": "checkout", "a.b": "a.b", "x-1": "x-1"}


def test_other_keys_are_lowercased_and_cleaned() -> None:
    names = object_names(["showBanner", "appVersion_1_2_3", "checkout/page", "-Odd..Key-"])
    assert names["showBanner"] == "show-banner"
    assert names["appVersion_1_2_3"] == "app-version-1-2-3"
    assert names["checkout/page"] == "checkout-page"
    assert names["-Odd..Key-"] == "odd.key"
    assert all(is_valid_name(name) for name in names.values())


def test_collisions_get_a_hash_whatever_the_order() -> None:
    keys = ["showBanner", "showbanner", "SHOWBANNER", "show_banner", "show-banner"]
    names = object_names(keys)
    assert names["showbanner"] == "showbanner"
    assert names["show-banner"] == "show-banner"
    assert len(set(names.values())) == len(keys)
    assert names["showBanner"].startswith("show-banner-")
    assert names["SHOWBANNER"].startswith("showbanner-")
    assert all(is_valid_name(name) for name in names.values())
    assert object_names(reversed(keys)) == names


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("checkoutRedesign", "checkout-redesign"),
        ("HTTPServer", "http-server"),
        ("promoA", "promo-a"),
        ("newUI2", "new-ui2"),
        ("v2Checkout", "v2-checkout"),
        ("checkout.newFlow", "checkout.new-flow"),
    ],
)
def test_names_keep_word_boundaries(key: str, name: str) -> None:
    assert object_names([key]) == {key: name}


def test_long_and_empty_keys() -> None:
    names = object_names(["A" * 400, "___"])
    assert all(is_valid_name(name) for name in names.values())
    assert names["___"] == "x"


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.5, "0.5"), (50.0, "50.0"), (1e-7, "1.0e-7"), (1.5e21, "1.5e+21"), (1e-6, "0.000001")],
)
def test_floats_are_js_formatted_with_a_dot(value: float, text: str) -> None:
    assert yaml_float_text(value) == text
    assert yaml.safe_load(text) == value
    assert isinstance(yaml.safe_load(text), float)


def test_special_floats() -> None:
    assert yaml.safe_load(yaml_float_text(math.inf)) == math.inf
    assert yaml.safe_load(yaml_float_text(-math.inf)) == -math.inf


@pytest.mark.parametrize("key", ["y", "n", "no", "On", "null", "~", "1", "true", "a b", "<<", "="])
def test_ambiguous_keys_are_quoted(key: str) -> None:
    assert not is_plain_safe_key(key)


TRICKY = {
    "yes": ["yes", "no", "on", "off", "y", "n", "Y", "~", "null", "", "true"],
    "y": {"n": "2024-01-01", "on": "2001-12-14t21:59:43.10-05:00"},
    "numbers": ["012", "0x1F", "1e3", "1_000", "1:20", ".inf", "50.0", "0o17", "-"],
    "values": [1, -2, 0.1, 50.0, 1e-7, 3e21, True, False, None, [], {}],
    "text": ["a: b", "#c", "line\nbreak", "tab\t", "\u2028\x85\x7f", "é😀", '"\\', " pad "],
    "<<": {"=": "!tag", "@at": "&anchor", "*alias": "%percent"},
    "1": {"layout.columns": 3, "2": "two"},
}


@pytest.mark.parametrize(
    "reader",
    [
        yaml.safe_load,
        lambda text: next(iter_documents(text)).value,
        lambda text: load_yaml(text, "doc"),
    ],
    ids=["pyyaml", "kubectl", "featurevisor"],
)
def test_tricky_values_read_back_the_same_in_every_dialect(reader: Callable[[str], object]) -> None:
    text = dump(TRICKY)
    assert reader(text) == TRICKY


def test_strings_are_always_double_quoted() -> None:
    assert dump({"a": "plain"}) == 'a: "plain"\n'


def definitions(environments: tuple[str, ...] | None) -> Definitions:
    return Definitions(
        config=ProjectConfig(environments=environments, stringify=False, pretty_datafile=True),
        features={"showBanner": {"description": "d", "bucketBy": "userId", "rules": []}},
        targets={"web.mobile": {"description": "w", "tag": "web", "context": {"b": 1, "a": 2}}},
        tests={"features.showBanner.spec": {"feature": "showBanner", "assertions": []}},
    )


def test_export_writes_manifests_and_datafiles_per_environment_and_target() -> None:
    export = export_definitions(definitions(("staging", "production")), namespace="shop")
    assert sorted(export.files) == [
        "datafiles/production-web.mobile.yaml",
        "datafiles/staging-web.mobile.yaml",
        "features/show-banner.yaml",
        "tests/features.showBanner.spec.yml",
    ]
    feature = yaml.safe_load(export.files["features/show-banner.yaml"])
    assert feature["kind"] == "Feature"
    assert feature["metadata"]["name"] == "show-banner"
    assert feature["metadata"]["namespace"] == "shop"
    assert feature["spec"]["key"] == "showBanner"
    datafile = yaml.safe_load(export.files["datafiles/staging-web.mobile.yaml"])
    assert datafile["spec"] == {
        "target": "web.mobile",
        "environment": "staging",
        "description": "w",
        "tag": "web",
        "context": {"b": 1, "a": 2},
        "defaultBucketBy": "userId",
        "stringify": False,
        "pretty": True,
    }
    hint = datafile["metadata"]["annotations"]["kubevisor.io/key-order"]
    assert '"/context":["b","a"]' in hint
    spec = load_yaml(export.files["tests/features.showBanner.spec.yml"], "spec")
    assert spec == {"feature": "showBanner", "assertions": []}


def test_export_without_environments_names_datafiles_by_target() -> None:
    export = export_definitions(definitions(None))
    assert "datafiles/web.mobile.yaml" in export.files
    datafile = yaml.safe_load(export.files["datafiles/web.mobile.yaml"])
    assert "environment" not in datafile["spec"]
    assert "namespace" not in datafile["metadata"]

"""Shape of the generated CRDs: names, structural-schema rules, descriptions, nullability."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from kubevisor.crds import CATEGORY, GROUP, KINDS, VERSION, crd_objects

CRDS = {crd["spec"]["names"]["kind"]: crd for crd in crd_objects()}
SHORT_NAMES = {
    "Attribute": "fva",
    "Segment": "fvs",
    "Feature": "fvf",
    "Group": "fvg",
    "Schema": "fvschema",
    "Datafile": "fvd",
    "DatafileGrant": "fvdg",
}


def root(kind: str) -> dict[str, Any]:
    schema: dict[str, Any] = CRDS[kind]["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    return schema


def spec(kind: str) -> dict[str, Any]:
    node: dict[str, Any] = root(kind)["properties"]["spec"]
    return node


def walk(node: dict[str, Any], path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema node under `node` (properties, items, additionalProperties)."""
    yield path, node
    for name, child in node.get("properties", {}).items():
        yield from walk(child, f"{path}.{name}")
    if isinstance(node.get("items"), dict):
        yield from walk(node["items"], f"{path}[]")
    if isinstance(node.get("additionalProperties"), dict):
        yield from walk(node["additionalProperties"], f"{path}{{}}")


def test_every_kind_with_names_group_version_and_category() -> None:
    assert set(CRDS) == set(SHORT_NAMES)
    for kind, crd in CRDS.items():
        names = crd["spec"]["names"]
        assert crd["metadata"]["name"] == f"{names['plural']}.{GROUP}"
        assert names["shortNames"] == [SHORT_NAMES[kind]]
        assert names["categories"] == [CATEGORY]
        assert crd["spec"]["scope"] == "Namespaced"
        version = crd["spec"]["versions"][0]
        assert version["name"] == VERSION
        assert version["subresources"] == {"status": {}}


@pytest.mark.parametrize("kind", sorted(SHORT_NAMES))
def test_every_field_has_a_description(kind: str) -> None:
    for path, node in walk(root(kind)):
        if path in {".metadata"}:
            continue
        assert node.get("description"), f"{kind}{path} has no description"


@pytest.mark.parametrize("kind", sorted(SHORT_NAMES))
def test_every_node_is_structural(kind: str) -> None:
    """Typed or explicitly free-form; arrays have items; properties xor additionalProperties."""
    for path, node in walk(root(kind)):
        free_form = node.get("x-kubernetes-preserve-unknown-fields") is True
        assert "type" in node or free_form, f"{kind}{path} has no type"
        if node.get("type") == "array":
            assert "items" in node, f"{kind}{path} is an array without items"
        assert not ("properties" in node and "additionalProperties" in node), path


@pytest.mark.parametrize("kind", sorted(set(SHORT_NAMES) - {"DatafileGrant"}))
def test_key_field_pattern(kind: str) -> None:
    field = "target" if kind == "Datafile" else "key"
    node = spec(kind)["properties"][field]
    assert node["pattern"] == r"^[a-zA-Z0-9_\-./]+$"
    assert node["maxLength"] == 253


def test_values_that_may_be_null_are_nullable() -> None:
    variable = spec("Feature")["properties"]["variablesSchema"]["additionalProperties"]
    for name in ("defaultValue", "disabledValue", "const"):
        assert variable["properties"][name]["nullable"] is True, name
    overrides = spec("Feature")["properties"]["variations"]["items"]["properties"][
        "variableOverrides"
    ]
    assert overrides["additionalProperties"]["items"]["properties"]["value"]["nullable"] is True


def test_union_fields_are_free_form_but_keep_known_parts() -> None:
    rules = spec("Feature")["properties"]["rules"]
    assert rules["x-kubernetes-preserve-unknown-fields"] is True
    assert "type" not in rules
    assert rules["items"]["properties"]["percentage"]["maximum"] == 100
    env_list = rules["additionalProperties"]
    assert env_list["x-kubernetes-list-type"] == "map"
    assert env_list["x-kubernetes-list-map-keys"] == ["key"]


def test_cel_rules_have_messages_and_no_rules_inside_unions() -> None:
    for kind in SHORT_NAMES:
        for path, node in walk(root(kind)):
            for entry in node.get("x-kubernetes-validations", []):
                assert entry["message"], f"{kind}{path}: rule without message"
            if "type" not in node:
                for inner_path, inner in walk(node, path):
                    assert "x-kubernetes-validations" not in inner, (
                        f"{kind}{inner_path}: CEL cannot see inside the untyped {path}"
                    )


def test_bounded_sizes_for_cel_cost() -> None:
    for kind in SHORT_NAMES:
        for path, node in walk(root(kind)):
            if node.get("type") == "string" and "enum" not in node and path != ".metadata":
                assert "maxLength" in node, f"{kind}{path} string without maxLength"
            if node.get("type") == "array":
                assert "maxItems" in node, f"{kind}{path} array without maxItems"


def test_printer_columns() -> None:
    for info in KINDS:
        columns = [
            c["name"] for c in CRDS[info.kind]["spec"]["versions"][0]["additionalPrinterColumns"]
        ]
        assert columns[-1] == "Age"
        if info.kind == "DatafileGrant":  # no status: the grant is read, never reconciled
            assert columns == ["From", "Age"]
            continue
        assert "Ready" in columns
        assert ("Revision" in columns) == (info.kind == "Datafile")
        assert ("Key" in columns) == (info.kind != "Datafile")


def test_datafile_status_fields() -> None:
    status = root("Datafile")["properties"]["status"]["properties"]
    for name in (
        "revision",
        "digest",
        "sizeBytes",
        "features",
        "segments",
        "publishedAt",
        "outputs",
    ):
        assert name in status
    condition = status["conditions"]["items"]["properties"]
    assert set(condition) == {
        "type",
        "status",
        "reason",
        "message",
        "lastTransitionTime",
        "observedGeneration",
    }

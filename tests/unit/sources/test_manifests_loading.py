"""Loading manifests: namespaces, keys, order, YAML 1.1 pitfalls, duplicates, bad documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kubevisor.core.definitions import Kind
from kubevisor.core.keyorder import KEY_ORDER_ANNOTATION as KEY_ORDER
from kubevisor.core.outputs import ConfigMapOutput, DatafileOutputs
from kubevisor.sources.errors import SourceError
from kubevisor.sources.manifests import load_manifests, load_objects


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def obj(kind: str, name: str, spec: str, extra_metadata: str = "") -> str:
    return (
        f"apiVersion: kubevisor.io/v1alpha1\nkind: {kind}\nmetadata:\n  name: {name}\n"
        f"{extra_metadata}spec:\n{spec}"
    )


SEGMENT = (
    "  description: Dutch\n  conditions: [{attribute: country, operator: equals, value: nl}]\n"
)


def test_keys_namespaces_and_listing_order(tmp_path: Path) -> None:
    write(
        tmp_path / "a.yaml",
        "\n---\n".join(
            [
                obj("Feature", "zz", "  key: checkout.page\n  description: x\n"),
                obj("Feature", "checkout", "  description: x\n"),
                obj("Feature", "aa", "  key: checkout-v2\n  description: x\n"),
                obj("Segment", "nl", SEGMENT, "  namespace: shop\n"),
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\n",
            ]
        ),
    )
    result = load_manifests([tmp_path])
    assert result.problems == []
    assert sorted(result.namespaces) == ["default", "shop"]
    features = result.namespaces["default"].definitions.features
    assert list(features) == ["checkout.page", "checkout-v2", "checkout"]
    assert features["checkout.page"] == {"description": "x"}
    shop = result.namespaces["shop"].definitions
    assert list(shop.segments) == ["nl"]
    assert shop.origins[(Kind.SEGMENT, "nl")] == f"Segment shop/nl ({tmp_path / 'a.yaml'})"


def test_namespace_argument_is_the_default(tmp_path: Path) -> None:
    write(tmp_path / "s.yml", obj("Segment", "nl", SEGMENT))
    assert list(load_manifests([tmp_path], namespace="team-a").namespaces) == ["team-a"]


def test_yaml_1_1_pitfalls_are_read_as_kubectl_reads_them(tmp_path: Path) -> None:
    spec = "  description: no\n  type: string\n  enum: [yes, 'no', on, 012, 2024-01-01, 1e3, y]\n"
    write(tmp_path / "attr.yaml", obj("Attribute", "country", spec))
    attribute = load_manifests([tmp_path]).namespaces["default"].definitions.attributes["country"]
    assert attribute["description"] is False
    assert attribute["enum"] == [True, "no", True, 10, "2024-01-01", 1000, True]


def test_spec_is_sorted_like_the_api_server_then_the_hint_applies(tmp_path: Path) -> None:
    hint = json.dumps({"": ["description", "variablesSchema"], "/variablesSchema": ["b", "a"]})
    write(
        tmp_path / "f.yaml",
        obj(
            "Feature",
            "f",
            "  variablesSchema: {a: {type: string}, b: {type: string}}\n  description: d\n"
            "  zNew: 1\n  bucketBy: userId\n",
            f"  annotations:\n    kubevisor.io/key-order: '{hint}'\n",
        ),
    )
    feature = load_manifests([tmp_path]).namespaces["default"].definitions.features["f"]
    assert list(feature) == ["description", "variablesSchema", "bucketBy", "zNew"]
    assert list(feature["variablesSchema"]) == ["b", "a"]


def test_without_hint_keys_are_sorted(tmp_path: Path) -> None:
    write(tmp_path / "f.yaml", obj("Feature", "f", "  z: 1\n  b: {w: 1, v: 2}\n"))
    feature = load_manifests([tmp_path]).namespaces["default"].definitions.features["f"]
    assert list(feature) == ["b", "z"]
    assert list(feature["b"]) == ["v", "w"]


def test_duplicate_keys_name_both_objects(tmp_path: Path) -> None:
    write(tmp_path / "one.yaml", obj("Feature", "show-banner", "  key: showBanner\n"))
    write(tmp_path / "two.yaml", obj("Feature", "banner2", "  key: showBanner\n"))
    write(tmp_path / "three.yaml", obj("Segment", "show-banner", "  key: showBanner\n"))
    result = load_manifests([tmp_path])
    [problem] = result.problems
    assert problem.kind is Kind.FEATURE
    assert problem.key == "showBanner"
    assert "Feature default/show-banner" in problem.message
    assert "Feature default/banner2" in problem.message
    assert list(result.namespaces["default"].definitions.segments) == ["showBanner"]


def test_same_object_twice_is_a_problem(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", obj("Feature", "f", "  description: a\n"))
    write(tmp_path / "b.yaml", obj("Feature", "f", "  description: b\n"))
    [problem] = load_manifests([tmp_path]).problems
    assert problem.path == "metadata.name"
    assert "defined twice" in problem.message


@pytest.mark.parametrize(
    ("document", "path", "words"),
    [
        ("apiVersion: kubevisor.io/v1alpha1\nkind: Feature\nspec: {}\n", "metadata", "missing"),
        (obj("Feature", "Bad_Name", "  a: 1\n"), "metadata.name", "valid Kubernetes name"),
        ("apiVersion: kubevisor.io/v1alpha1\nkind: Feature\nmetadata: {name: f}\n", "spec", ""),
        (obj("Feature", "f", "  key: 5\n"), "spec.key", "non-empty string"),
        (obj("Feature", "f", "  a: 1\n", "  namespace: Bad\n"), "metadata.namespace", ""),
        (
            obj("Feature", "f", "  a: 1\n", "  annotations: {kubevisor.io/key-order: '[1]'}\n"),
            "metadata.annotations.kubevisor.io/key-order",
            "key-order",
        ),
        (obj("Datafile", "d", "  stringify: maybe\n"), "spec.stringify", "boolean"),
        (obj("Datafile", "d", "  colour: red\n"), "spec.colour", "unknown field"),
        (obj("Datafile", "d", "  configMap: cm\n"), "spec.configMap", "mapping"),
        (obj("Feature", "f", "  a: 1\n  a: 2\n"), "", "duplicate key"),
    ],
)
def test_malformed_documents_are_problems(
    tmp_path: Path, document: str, path: str, words: str
) -> None:
    write(tmp_path / "bad.yaml", "a: 1\n---\n" + document)
    result = load_manifests([tmp_path])
    [problem] = result.problems
    assert problem.path == path
    assert words in problem.message
    assert str(tmp_path / "bad.yaml") in problem.origin
    assert "document 2" in problem.origin


def test_lists_are_unpacked(tmp_path: Path) -> None:
    items = [
        {
            "apiVersion": "kubevisor.io/v1alpha1",
            "kind": "Segment",
            "metadata": {"name": n},
            "spec": {"description": n, "conditions": "*"},
        }
        for n in ("b", "a")
    ]
    write(tmp_path / "list.json", json.dumps({"apiVersion": "v1", "kind": "List", "items": items}))
    segments = load_manifests([tmp_path]).namespaces["default"].definitions.segments
    assert list(segments) == ["a", "b"]


DATAFILE = """  target: {target}
  environment: {environment}
  description: d
  tag: {tag}
  defaultBucketBy: deviceId
  stringify: false
  pretty: true
  configMap: {{name: flags, key: datafile.json}}
"""


def test_datafiles_give_environments_targets_and_build_settings(tmp_path: Path) -> None:
    docs = [
        obj(
            "Datafile",
            "prod-web",
            DATAFILE.format(target="web", environment="production", tag="web"),
        ),
        obj(
            "Datafile", "stage-web", DATAFILE.format(target="web", environment="staging", tag="web")
        ),
        obj("Datafile", "prod-all", "  environment: production\n  target: all\n  tag: all\n"),
        obj("Feature", "f", "  tags: [web, mobile]\n  expose: {production: [beta]}\n"),
    ]
    write(tmp_path / "d.yaml", "\n---\n".join(docs))
    result = load_manifests([tmp_path])
    assert result.problems == []
    namespace = result.namespaces["default"]
    definitions = namespace.definitions
    assert definitions.config.environments == ("production", "staging")
    assert set(definitions.config.tags) == {"web", "mobile", "beta", "all"}
    assert list(definitions.targets) == ["all", "web"]
    web = next(d for d in namespace.datafiles if d.name == "prod-web")
    assert (web.target, web.environment, web.default_bucket_by) == ("web", "production", "deviceId")
    assert web.outputs == DatafileOutputs(
        name="prod-web",
        namespace="default",
        config_map=ConfigMapOutput(name="flags", key="datafile.json"),
    )
    scoped = result.definitions_for(web)
    assert scoped.targets == {"web": {"description": "d", "tag": "web"}}
    assert (scoped.config.stringify, scoped.config.pretty_datafile) == (False, True)
    assert scoped.config.default_bucket_by == "deviceId"
    assert scoped.features is definitions.features
    default = next(d for d in namespace.datafiles if d.name == "prod-all")
    assert result.definitions_for(default).config.stringify is True


def test_mixing_environment_modes_is_a_problem(tmp_path: Path) -> None:
    docs = [
        obj("Datafile", "a", "  environment: production\n"),
        obj("Datafile", "b", "  target: b\n"),
    ]
    write(tmp_path / "d.yaml", "\n---\n".join(docs))
    [problem] = load_manifests([tmp_path]).problems
    assert (problem.key, problem.path) == ("b", "spec.environment")


def test_two_datafiles_for_one_target_and_environment(tmp_path: Path) -> None:
    docs = [obj("Datafile", n, "  target: all\n  environment: p\n") for n in ("a", "b")]
    write(tmp_path / "d.yaml", "\n---\n".join(docs))
    [problem] = load_manifests([tmp_path]).problems
    assert "already builds target `all`" in problem.message


def test_unreadable_input_raises_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        load_manifests([tmp_path / "missing"])
    write(tmp_path / "broken.yaml", "a: [\n")
    with pytest.raises(SourceError, match=r"broken\.yaml"):
        load_manifests([tmp_path])


def test_folders_pick_only_manifest_extensions(tmp_path: Path) -> None:
    write(tmp_path / "x" / "s.yml", obj("Segment", "s", SEGMENT))
    write(tmp_path / "notes.txt", "not: [yaml")
    assert list(load_manifests([tmp_path]).namespaces["default"].definitions.segments) == ["s"]


def test_objects_from_the_cluster_load_like_files(tmp_path: Path) -> None:
    hint = json.dumps({"": ["description", "conditions"]})
    segment = {
        "apiVersion": "kubevisor.io/v1alpha1",
        "kind": "Segment",
        "metadata": {"name": "nl", "namespace": "shop", "annotations": {KEY_ORDER: hint}},
        "spec": {"conditions": "*", "description": "d", "key": "netherlands"},
    }
    result = load_objects([segment, {"kind": "Pod"}])
    definitions = result.namespaces["shop"].definitions
    assert list(definitions.segments["netherlands"]) == ["description", "conditions"]
    assert definitions.origins[(Kind.SEGMENT, "netherlands")] == "Segment shop/nl (cluster)"

"""Namespaces assembled into Definitions: keys, listing order, duplicates, Datafiles
(`sources.manifests.assembly` and `sources.manifests.datafile_spec`)."""

from __future__ import annotations

from pathlib import Path

from kubevisor.core.definitions import Kind
from kubevisor.core.outputs import ConfigMapOutput, DatafileOutputs
from kubevisor.sources.manifests import load_manifests
from manifests_helpers import SEGMENT, obj, write


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

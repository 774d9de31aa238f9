"""Reading Featurevisor project folders: config, listing order, keys, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from kubevisor.core.definitions import Kind
from kubevisor.sources.errors import SourceError
from kubevisor.sources.project import load_project, read_layout

CONFIG = 'module.exports = { environments: ["staging", "production"], tags: ["all"] };\n'


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_listing_order_is_bytewise_and_depth_first(tmp_path: Path) -> None:
    write(tmp_path, "featurevisor.config.js", CONFIG)
    for name in ["b.yml", "a.yml", "a-b.yml", "_x.yml", "B.yml", "1.yml", "ä.yml", "a/c.yml"]:
        write(tmp_path, f"features/{name}", "description: x\n")
    write(tmp_path, "features/notes.txt", "ignored")
    write(tmp_path, "features/other.yaml", "description: not picked up\n")
    defs = load_project(tmp_path)
    assert list(defs.features) == ["1", "B", "_x", "a.c", "a-b", "a", "b", "ä"]
    assert defs.origins[(Kind.FEATURE, "a.c")] == str(tmp_path / "features" / "a" / "c.yml")


def test_namespace_character_and_tests(tmp_path: Path) -> None:
    write(
        tmp_path,
        "featurevisor.config.js",
        'module.exports = { namespaceCharacter: "/", featuresDirectoryPath: "<rootDir>/flags" };',
    )
    write(tmp_path, "flags/checkout/page.yml", "description: x\n")
    write(tmp_path, "tests/features/page.spec.yml", "feature: checkout/page\nassertions: []\n")
    defs = load_project(tmp_path)
    assert list(defs.features) == ["checkout/page"]
    assert defs.tests["features/page.spec"]["feature"] == "checkout/page"
    assert defs.config.environments is None
    assert defs.config.namespace_character == "/"


def test_config_is_mapped(tmp_path: Path) -> None:
    write(
        tmp_path,
        "featurevisor.config.js",
        "const envs = ['qa'];\nmodule.exports = { environments: envs, prettyDatafile: true,"
        " stringify: false, defaultBucketBy: 'deviceId', revisionFileName: 'REV',"
        " stateDirectoryPath: 'state', plugins: [{ command: 'x', handler() {} }] };",
    )
    layout = read_layout(tmp_path)
    config = layout.config
    assert config.environments == ("qa",)
    assert (config.pretty_datafile, config.stringify, config.default_bucket_by) == (
        True,
        False,
        "deviceId",
    )
    assert config.revision_file_name == "REV"
    assert layout.state_directory == tmp_path / "state"
    assert layout.datafiles_directory == tmp_path / "datafiles"


def test_json_parser_project(tmp_path: Path) -> None:
    write(tmp_path, "featurevisor.config.js", 'module.exports = { parser: "json" };')
    write(tmp_path, "segments/nl.json", '{"description": "x", "conditions": "*"}')
    write(tmp_path, "segments/ignored.yml", "description: x\n")
    write(tmp_path, "segments/bad.json", '{\n  "a": 1,\n}')
    with pytest.raises(SourceError, match=r"bad\.json: line 3"):
        load_project(tmp_path)
    (tmp_path / "segments" / "bad.json").unlink()
    assert list(load_project(tmp_path).segments) == ["nl"]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("module.exports = { sets: true };", "a sets project"),
        ("module.exports = { sets: 1 };", "Invalid sets: 1"),
        ("module.exports = { environments: false };", "Invalid environments"),
        ('module.exports = { parser: "toml" };', "Invalid parser: toml"),
        ('module.exports = { namespaceCharacter: "" };', "Invalid namespaceCharacter"),
        ("module.exports = { ;", "node could not evaluate it"),
        ("throw new Error('boom');", "boom"),
    ],
)
def test_config_errors_are_clear(tmp_path: Path, config: str, message: str) -> None:
    write(tmp_path, "featurevisor.config.js", config)
    with pytest.raises(SourceError, match=message):
        load_project(tmp_path)


def test_missing_node_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # not a plain literal, so it needs Node
    write(tmp_path, "featurevisor.config.js", "const tags = ['all'];\nmodule.exports = { tags };")
    monkeypatch.setenv("PATH", str(tmp_path / "no-such-bin"))
    with pytest.raises(SourceError, match=r"needs Node\.js"):
        load_project(tmp_path)


def test_yaml_errors_name_the_file(tmp_path: Path) -> None:
    write(tmp_path, "featurevisor.config.js", CONFIG)
    write(tmp_path, "features/f.yml", "description: x\ndescription: y\n")
    with pytest.raises(SourceError, match=r"features/f\.yml: line 2: duplicate key"):
        load_project(tmp_path)
    write(tmp_path, "features/f.yml", "- a list\n")
    with pytest.raises(SourceError, match="must be a mapping"):
        load_project(tmp_path)


def test_not_a_project(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"no featurevisor\.config\.js"):
        load_project(tmp_path)

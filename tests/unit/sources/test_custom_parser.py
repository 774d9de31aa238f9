"""Custom parsers: the Node path (the project's own `parse`) and the native path (tomllib, json)
give the same values on every file of the parser-mini conformance project, and the native path
is only taken for a `parse` that is nothing but such a parser's call."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from kubevisor.core.definitions import Kind
from kubevisor.sources.custom_parser import CustomParser, parse_files
from kubevisor.sources.errors import SourceError
from kubevisor.sources.project import list_entities, load_project, read_layout

PARSER_MINI = Path("tests/conformance/fixtures/parser-mini/project")
TOML_PACKAGE = "toml@4.1.1"  # the version parser-mini's official output was built with
NPM_CACHE = Path.home() / ".cache" / "kubevisor" / "npm-toml-4.1.1"


@pytest.fixture(scope="module")
def node_toml(monkeypatch_module: pytest.MonkeyPatch) -> Iterator[None]:
    """The npm `toml` package the project's parser requires, installed once into a cache."""
    if not (NPM_CACHE / "node_modules" / "toml").is_dir():
        NPM_CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--prefix", str(NPM_CACHE), "--no-save", "--no-audit", TOML_PACKAGE],
            check=True,
            capture_output=True,
            timeout=300,
        )
    monkeypatch_module.setenv("NODE_PATH", str(NPM_CACHE / "node_modules"))
    yield


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_native_and_node_paths_give_the_same_values(node_toml: None) -> None:
    layout = read_layout(PARSER_MINI)
    assert layout.custom_parser is not None
    assert layout.custom_parser.native_format == "toml"
    paths = [entity.path for entity in list_entities(layout)]
    assert len(paths) == 13 and {path.suffix for path in paths} == {".toml"}
    native = parse_files(layout.custom_parser, paths)
    through_node = parse_files(layout.custom_parser, paths, native=False)
    for path, left, right in zip(paths, native, through_node, strict=True):
        assert left == right, path
        # same key order too (it decides the order of datafile output)
        assert repr(left) == repr(right), path


def test_the_project_loads_through_its_parser() -> None:
    defs = load_project(PARSER_MINI)
    assert defs.config.parser == "toml"
    assert list(defs.features) == ["banner", "checkout", "promoA", "promoB"]
    assert list(defs.tests) == ["segments.dach.spec"]
    assert defs.origins[(Kind.FEATURE, "checkout")].endswith("checkout.toml")


@pytest.mark.parametrize(
    ("source", "extension", "native"),
    [
        ('(content) => require("toml").parse(content)', "toml", "toml"),
        ("function (content, filePath) { return require('toml').parse(content); }", "toml", "toml"),
        ("(c) => JSON.parse(c)", "json5", "json"),
        ('(content) => require("toml").parse(content)', "tml", None),  # not a .toml file
        ('(content) => require("toml").parse(content.trim())', "toml", None),
        ('(content) => require("yaml").parse(content)', "yaml", None),
        ("(content) => ({ ...JSON.parse(content), extra: 1 })", "json", None),
    ],
)
def test_the_native_path_is_taken_only_for_a_plain_call(
    source: str, extension: str, native: str | None
) -> None:
    parser = CustomParser(extension=extension, parse_source=source, config_path=Path("x.js"))
    assert parser.native_format == native


def test_a_parser_written_in_javascript_runs_in_node(tmp_path: Path) -> None:
    (tmp_path / "featurevisor.config.js").write_text(
        "module.exports = { parser: { extension: 'txt', parse: (content) => "
        "Object.fromEntries(content.trim().split('\\n').map((l) => l.split('=')))} };\n",
        encoding="utf-8",
    )
    (tmp_path / "attributes").mkdir()
    (tmp_path / "attributes" / "country.txt").write_text("type=string\ndescription=c\n")
    defs = load_project(tmp_path)
    assert defs.attributes == {"country": {"type": "string", "description": "c"}}


def test_a_failing_parse_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "featurevisor.config.js").write_text(
        "module.exports = { parser: { extension: 'txt', "
        "parse: () => { throw new Error('nope') } } };",
        encoding="utf-8",
    )
    (tmp_path / "segments").mkdir()
    (tmp_path / "segments" / "nl.txt").write_text("x")
    with pytest.raises(SourceError, match=r"nl\.txt: the custom parser failed: nope"):
        load_project(tmp_path)


def test_bad_toml_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "featurevisor.config.js").write_text(
        'module.exports = { parser: { extension: "toml", '
        'parse: (content) => require("toml").parse(content) } };',
        encoding="utf-8",
    )
    (tmp_path / "segments").mkdir()
    (tmp_path / "segments" / "nl.toml").write_text("description = \n")
    with pytest.raises(SourceError, match=r"nl\.toml: not valid TOML"):
        load_project(tmp_path)


def test_a_parser_without_extension_is_refused(tmp_path: Path) -> None:
    (tmp_path / "featurevisor.config.js").write_text(
        "module.exports = { parser: { parse: (c) => JSON.parse(c) } };", encoding="utf-8"
    )
    with pytest.raises(SourceError, match="needs `extension`"):
        load_project(tmp_path)

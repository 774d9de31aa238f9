"""The listing order computed from keys equals upstream's sorted depth-first directory walk."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from kubevisor.core.ordering import in_listing_order, listing_key, sorted_keys

FIXTURES = Path("tests/conformance/fixtures")
# each set of a sets project is listed like a project of its own
PROJECTS = sorted(
    [path for path in FIXTURES.glob("*/project") if (path / "features").is_dir()]
    + [path for path in FIXTURES.glob("*/project/sets/*") if path.is_dir()]
    + [FIXTURES / "mini" / "input"]
)
ENTITY_FOLDERS = ("attributes", "segments", "features", "groups", "schemas", "targets", "tests")


def walk(directory: Path, extension: str) -> list[Path]:
    """Files as Node's readdirSync lists them: names sorted byte-wise, depth-first."""
    found: list[Path] = []
    for name in sorted(os.listdir(directory), key=lambda name: name.encode("utf-8")):
        path = directory / name
        if path.is_dir():
            found.extend(walk(path, extension))
        elif name.endswith(extension):
            found.append(path)
    return found


def keys_in_listing_order(directory: Path, extension: str) -> list[str]:
    return [
        path.relative_to(directory).as_posix()[: -len(extension)].replace("/", ".")
        for path in walk(directory, extension)
    ]


def project_extension(project: Path) -> str:
    root = project if (project / "featurevisor.config.js").is_file() else project.parents[1]
    config = (root / "featurevisor.config.js").read_text(encoding="utf-8")
    if 'extension: "toml"' in config:
        return ".toml"
    return ".json" if 'parser: "json"' in config else ".yml"


@pytest.mark.parametrize("project", PROJECTS, ids=lambda path: "/".join(path.parts[-3:]))
def test_reproduces_listing_of_conformance_projects(project: Path) -> None:
    extension = project_extension(project)
    folders = [project / folder for folder in ENTITY_FOLDERS if (project / folder).is_dir()]
    assert len(folders) >= 4
    for directory in folders:
        expected = keys_in_listing_order(directory, extension)
        assert expected, f"the walk found files in {directory}"
        shuffled = expected[:]
        random.Random(7).shuffle(shuffled)
        actual = sorted_keys(shuffled, extension=extension, is_test=directory.name == "tests")
        assert actual == expected, directory


def test_reproduces_readdir_on_tricky_names(tmp_path: Path) -> None:
    names = ["1", "B", "_x", "a-b", "a", "b", "ä", "Z9", "a_b"]
    for name in names:
        (tmp_path / f"{name}.yml").write_text("description: x\n", encoding="utf-8")
    nested = tmp_path / "a"
    nested.mkdir()
    for name in ["b", "a-c", "A"]:
        (nested / f"{name}.yml").write_text("description: x\n", encoding="utf-8")
    expected = keys_in_listing_order(tmp_path, ".yml")
    assert expected.index("a.b") < expected.index("a-b") < expected.index("a")
    assert sorted_keys(reversed(expected)) == expected


def test_directory_sorts_before_file_with_same_prefix() -> None:
    assert listing_key("foo.bar") < listing_key("foo-bar") < listing_key("foo")
    assert listing_key("foo") < listing_key("foo_bar")


def test_other_namespace_character() -> None:
    assert sorted_keys(["a.b", "a/b", "a"], namespace_character="/") == ["a/b", "a.b", "a"]


def test_test_keys_glue_the_suffix_back() -> None:
    assert listing_key("features.foo.spec", is_test=True) == (b"features", b"foo.spec.yml")
    assert listing_key("features.foo.spec") == (b"features", b"foo", b"spec.yml")


def test_in_listing_order_keeps_values() -> None:
    ordered = in_listing_order({"b": 1, "a.x": 2, "a": 3})
    assert list(ordered.items()) == [("a.x", 2), ("a", 3), ("b", 1)]

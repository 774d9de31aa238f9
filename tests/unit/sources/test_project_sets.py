"""Sets mode (`sets: true`): the projects of a folder are its sets, each with its own folders."""

from __future__ import annotations

from pathlib import Path

import pytest
from kubevisor.core.definitions import Kind
from kubevisor.sources.errors import SourceError
from kubevisor.sources.project import load_project, project_layouts, read_layout

SETS_MINI = Path("tests/conformance/fixtures/sets-mini/project")
MINI = Path("tests/conformance/fixtures/mini/input")


def test_a_sets_project_is_one_project_per_set() -> None:
    layouts = project_layouts(SETS_MINI)
    assert [layout.set_name for layout in layouts] == ["alpha", "beta"]
    beta = layouts[1]
    assert beta.entity_directories[Kind.FEATURE] == SETS_MINI / "sets" / "beta" / "features"
    assert beta.state_directory == SETS_MINI / ".featurevisor" / "sets" / "beta"
    assert beta.datafiles_directory == SETS_MINI / "datafiles" / "beta"
    assert beta.config == read_layout(SETS_MINI).config  # the config is shared


def test_a_plain_project_is_its_own_only_project() -> None:
    (layout,) = project_layouts(MINI)
    assert layout.set_name is None and not layout.is_sets_root


def test_one_set_loads_by_name() -> None:
    assert list(load_project(SETS_MINI, "beta").features) == ["banner", "checkout"]
    assert len(load_project(SETS_MINI, "alpha").features) == 4


def test_a_sets_project_needs_a_set_name() -> None:
    with pytest.raises(SourceError, match=r"name one of its sets \(alpha, beta\)"):
        load_project(SETS_MINI)


def test_an_unknown_set_is_refused() -> None:
    with pytest.raises(SourceError, match=r"no set 'gamma'.*\(alpha, beta\)"):
        load_project(SETS_MINI, "gamma")


def test_sets_without_set_folders_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "featurevisor.config.js").write_text("module.exports = { sets: true };")
    with pytest.raises(SourceError, match="has no set folders"):
        project_layouts(tmp_path)


def test_configured_folders_keep_their_place_inside_each_set(tmp_path: Path) -> None:
    (tmp_path / "featurevisor.config.js").write_text(
        'module.exports = { sets: true, featuresDirectoryPath: "defs/features" };'
    )
    (tmp_path / "sets" / "one").mkdir(parents=True)
    (layout,) = project_layouts(tmp_path)
    assert layout.entity_directories[Kind.FEATURE] == tmp_path / "sets/one/defs/features"

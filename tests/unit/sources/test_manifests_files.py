"""Which files are read, and their documents as kubectl reads them (`sources.manifests.files`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from kubevisor.sources.errors import SourceError
from kubevisor.sources.manifests import load_manifests
from manifests_helpers import SEGMENT, obj, write


def test_yaml_1_1_pitfalls_are_read_as_kubectl_reads_them(tmp_path: Path) -> None:
    spec = "  description: no\n  type: string\n  enum: [yes, 'no', on, 012, 2024-01-01, 1e3, y]\n"
    write(tmp_path / "attr.yaml", obj("Attribute", "country", spec))
    attribute = load_manifests([tmp_path]).namespaces["default"].definitions.attributes["country"]
    assert attribute["description"] is False
    assert attribute["enum"] == [True, "no", True, 10, "2024-01-01", 1000, True]


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

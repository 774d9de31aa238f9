"""Lint problems point at `file:line` in project files and in manifests."""

from __future__ import annotations

from pathlib import Path

import yaml
from kubevisor.core.definitions import Kind, Problem
from kubevisor.sources.problem_lines import line_of, with_lines
from kubevisor.sources.yaml_nodes import Composer

SEGMENT = """\
description: Dutch users
conditions:
  - attribute: country
    operator: equal
    value: nl
"""

MANIFESTS = """\
apiVersion: kubevisor.io/v1alpha1
kind: Attribute
metadata: {name: country, namespace: shop}
spec: {type: string, description: Country}
---
apiVersion: kubevisor.io/v1alpha1
kind: Segment
metadata:
  name: nl
  namespace: shop
spec:
  conditions:
    - attribute: country
      operator: equal
      value: nl
"""


def test_line_of_follows_keys_and_indexes() -> None:
    root = yaml.compose(SEGMENT, Loader=Composer)
    assert line_of(root, "conditions.0.operator") == 4
    assert line_of(root, "conditions.0.missing") == 3  # the object that lacks it
    assert line_of(root, "") == 1


def test_project_file_origin_gets_a_line(tmp_path: Path) -> None:
    path = tmp_path / "netherlands.yml"
    path.write_text(SEGMENT)
    problem = Problem(Kind.SEGMENT, "netherlands", "conditions.0.operator", "bad", origin=str(path))
    [located] = with_lines([problem])
    assert located.origin == f"{path}:4"


def test_manifest_origin_gets_a_line(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(MANIFESTS)
    origin = f"Segment shop/nl ({path})"
    problem = Problem(Kind.SEGMENT, "nl", "conditions.0.operator", "bad", origin=origin)
    [located] = with_lines([problem])
    assert located.origin == f"Segment shop/nl ({path}:14)"


def test_unknown_files_are_left_alone() -> None:
    problem = Problem(Kind.SEGMENT, "nl", "x", "bad", origin="Segment shop/nl (cluster)")
    assert with_lines([problem]) == [problem]

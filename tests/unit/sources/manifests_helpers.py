"""Manifest text for the tests of `kubevisor.sources.manifests`."""

from __future__ import annotations

from pathlib import Path

SEGMENT = (
    "  description: Dutch\n  conditions: [{attribute: country, operator: equals, value: nl}]\n"
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def obj(kind: str, name: str, spec: str, extra_metadata: str = "") -> str:
    """One kubevisor object as YAML; `spec` and `extra_metadata` are indented YAML lines."""
    return (
        f"apiVersion: kubevisor.io/v1alpha1\nkind: {kind}\nmetadata:\n  name: {name}\n"
        f"{extra_metadata}spec:\n{spec}"
    )

"""Fixtures shared by the unit tests of more than one package."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "shop"


@pytest.fixture
def shop() -> list[dict[str, Any]]:
    """The bundled example as API objects (what the operator's watch cache holds)."""
    objects = []
    for path in sorted(EXAMPLE.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            document = copy.deepcopy(document)
            document["metadata"]["uid"] = f"uid-{document['kind']}-{document['metadata']['name']}"
            document["metadata"]["generation"] = 1
            objects.append(document)
    assert objects, f"no manifests found in {EXAMPLE}"
    return objects

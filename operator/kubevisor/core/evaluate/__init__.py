"""SDK evaluation semantics (flag, variation, variable), decision-for-decision like the official SDK."""

from __future__ import annotations

from typing import Any


class Evaluator:
    """Evaluates one datafile. (being written)"""

    def __init__(self, datafile: dict[str, Any]) -> None:
        self.datafile = datafile

"""Revision numbering (docs/featurevisor.md §5.12), reproducing upstream's `getNextRevision`."""

from __future__ import annotations

import math

from kubevisor.core.build.jsvalues import parse_int


def next_revision(current: str) -> str:
    """`"7"` -> `"8"`, `"1.2.3"` -> `"4"` (last dotted part + 1), anything unparsable -> `"1"`."""
    first = parse_int(current) if current else math.nan
    if math.isnan(first):
        return "1"
    if "." not in current:
        return str(int(first) + 1)
    last = parse_int(current.split(".")[-1])
    if math.isnan(last):
        return "1"
    return str(int(last) + 1)

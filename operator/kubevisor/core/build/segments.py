"""Segment keys a feature uses (docs/featurevisor.md §5.8), collected like upstream's
`extractSegmentKeys...`."""

from __future__ import annotations


def collect_segment_keys(expression: object, into: set[str]) -> None:
    """Add every segment key named in a segment expression (`"*"` included, it never matches
    a file)."""
    if isinstance(expression, str):
        into.add(expression)
    elif isinstance(expression, list):
        for member in expression:
            collect_segment_keys(member, into)
    elif isinstance(expression, dict):
        for combinator in ("and", "or", "not"):
            if combinator in expression:
                collect_segment_keys(expression[combinator], into)

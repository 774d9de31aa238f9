"""The one error type of the node: what failed and what to do."""

from __future__ import annotations


class NodeError(RuntimeError):
    """The node cannot run or could not be set up; the message says why and what to do."""

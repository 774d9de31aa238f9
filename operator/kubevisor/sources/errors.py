"""The one exception type of the sources layer: input that cannot be read as definitions."""

from __future__ import annotations


class SourceError(Exception):
    """A definition source could not be read. The message names the file and what to do."""

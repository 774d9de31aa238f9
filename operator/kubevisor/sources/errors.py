"""The one exception type of the sources layer: input that cannot be read as definitions."""

from __future__ import annotations

from kubevisor.core.limits import MAX_DOCUMENT_DEPTH


class SourceError(Exception):
    """A definition source could not be read. The message names the file and what to do."""


def too_deep(path: object) -> SourceError:
    """A file whose lists and maps nest past what the readers take (`MAX_DOCUMENT_DEPTH`)."""
    return SourceError(
        f"{path}: lists and maps nest deeper than {MAX_DOCUMENT_DEPTH} levels; flatten it"
    )

"""Reading a definition or manifest file as text, with the error both loaders report."""

from __future__ import annotations

from pathlib import Path

from kubevisor.sources.errors import SourceError


def read_text(path: Path) -> str:
    """The file's UTF-8 text; a `SourceError` naming the file when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SourceError(f"{path}: not valid UTF-8 text") from None
    except OSError as error:
        raise SourceError(f"{path}: cannot read it: {error.strerror}") from None

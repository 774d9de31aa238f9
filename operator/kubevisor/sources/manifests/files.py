"""Which files hold manifests, and the documents in each, read as kubectl reads them.

A file that cannot be read or parsed at all is a `SourceError` (kubectl rejects it as a whole);
what is wrong inside a document is left to `objects`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from kubevisor.core.definitions import JSON
from kubevisor.sources.errors import SourceError, too_deep
from kubevisor.sources.kubectl_yaml import Document, KubectlYAMLError, iter_documents
from kubevisor.sources.text_file import read_text
from kubevisor.sources.yaml_nodes import js_number

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


def manifest_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """The files to read: given files as they are, folders walked recursively in sorted order."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _walk(path)
        elif path.is_file():
            yield path
        else:
            raise SourceError(f"{path}: no such file or folder")


def _walk(directory: Path) -> Iterator[Path]:
    for name in sorted(os.listdir(directory)):
        path = directory / name
        if path.is_dir():
            yield from _walk(path)
        elif name.endswith(MANIFEST_SUFFIXES):
            yield path


def file_documents(path: Path) -> list[Document]:
    """The documents of one manifest file: JSON (one document) or YAML (any number)."""
    text = read_text(path)
    if path.suffix == ".json":
        try:
            value = json.loads(
                text,
                object_pairs_hook=_no_duplicates,
                parse_int=lambda text: js_number(int(text)),
                parse_float=lambda text: js_number(float(text)),
                parse_constant=_not_json,
            )
            return [Document(index=0, value=value)]
        except ValueError as error:
            raise SourceError(f"{path}: invalid JSON: {error}") from None
        except RecursionError:  # deeper than Python's JSON parser recurses
            raise too_deep(path) from None
    return text_documents(text, str(path))


def text_documents(text: str, name: str) -> list[Document]:
    """The documents of YAML text read like a file called `name`."""
    try:
        return list(iter_documents(text))
    except KubectlYAMLError as error:
        raise SourceError(f"{name}: {error}") from None


def _not_json(text: str) -> JSON:
    raise ValueError(f"{text} is not valid JSON")


def _no_duplicates(pairs: list[tuple[str, JSON]]) -> dict[str, JSON]:
    result: dict[str, JSON] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result

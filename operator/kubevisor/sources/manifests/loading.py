"""The ways in: manifest files and folders, YAML text, or objects as the API server returns
them. Each reads documents (`files`), checks objects (`objects`) and assembles namespaces
(`assembly`) the same way, so every way in gives the same definitions."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence

from kubevisor.core.definitions import JSON
from kubevisor.sources.manifests.assembly import ManifestSet, assemble
from kubevisor.sources.manifests.datafile_spec import DatafileResource
from kubevisor.sources.manifests.files import file_documents, manifest_files, text_documents
from kubevisor.sources.manifests.objects import ObjectReader, Place

DEFAULT_NAMESPACE = "default"


def load_manifests(
    paths: Sequence[str | os.PathLike[str]], *, namespace: str = DEFAULT_NAMESPACE
) -> ManifestSet:
    """Read manifests from files and folders; `namespace` is the default for objects without one.

    Raises `SourceError` only for a path that does not exist or a file that is not valid YAML
    or JSON at all; everything else wrong is a `Problem` in the result.
    """
    reader = ObjectReader(namespace)
    for path in manifest_files(paths):
        for document in file_documents(path):
            reader.read_document(document, str(path))
    return assemble(reader.objects, reader.problems)


def load_manifest_text(
    text: str, *, name: str = "<stdin>", namespace: str = DEFAULT_NAMESPACE
) -> ManifestSet:
    """Manifests given as YAML text (e.g. `kubectl kustomize | kubevisor lint -`), read like a
    file called `name`. Raises `SourceError` when the text is not YAML at all."""
    documents = text_documents(text, name)
    reader = ObjectReader(namespace)
    for document in documents:
        reader.read_document(document, name)
    return assemble(reader.objects, reader.problems)


def load_objects(
    objects: Iterable[Mapping[str, JSON]],
    *,
    source: str = "cluster",
    namespace: str = DEFAULT_NAMESPACE,
) -> ManifestSet:
    """Objects as the API server returns them (the operator's watch cache), not files.

    The same reading as `load_manifests`; `source` names where they came from in origins and
    problems, `namespace` is the default for objects without one.
    """
    reader = ObjectReader(namespace)
    for position, value in enumerate(objects):
        reader.read_object(dict(value), Place(source, position))
    return assemble(reader.objects, reader.problems)


def read_datafile(obj: Mapping[str, JSON]) -> DatafileResource | None:
    """One Datafile object as the API returns it (e.g. one being deleted), read like
    `load_objects` reads it; None when it cannot be read."""
    for contents in load_objects([obj]).namespaces.values():
        return contents.datafiles[0] if contents.datafiles else None
    return None

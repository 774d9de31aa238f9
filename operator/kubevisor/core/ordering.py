"""Upstream's listing order of definitions, computed from their keys alone.

Featurevisor lists the files of an entity directory with Node's `readdirSync`, which sorts the
entries of one directory byte-wise (libuv uses `strcmp`), and recurses into a subdirectory at
the position where its name sorts. Feature and segment order in datafiles follow that listing.
Definitions that do not come from files (Kubernetes objects) must be put in the same order, so
the order is derived from the key: split on the namespace character, the leading components are
directory names and the last one is a file name with its extension. Comparing these paths
component by component, as tuples of UTF-8 byte strings, is exactly the depth-first sorted walk:
a directory `foo` sorts before `foo-bar.yml` and `foo.yml` because it is their prefix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

DEFAULT_EXTENSION = ".yml"

TEST_SUFFIXES = ("spec", "feature", "segment")
"""Upstream glues these last key components back onto the file name of a test (`foo.spec.yml`)."""

Value = TypeVar("Value")


def listing_key(
    key: str,
    *,
    namespace_character: str = ".",
    extension: str = DEFAULT_EXTENSION,
    is_test: bool = False,
) -> tuple[bytes, ...]:
    """The sort key under which `key` appears in upstream's directory listing.

    `extension` is the parser's file extension with its dot (`.yml`, `.json`). With `is_test`,
    a trailing `spec`/`feature`/`segment` component belongs to the file name, as upstream maps
    `features.foo.spec` to `tests/features/foo.spec.yml`.
    """
    components = key.split(namespace_character)
    if is_test and len(components) > 1 and components[-1] in TEST_SUFFIXES:
        components[-2:] = [f"{components[-2]}.{components[-1]}"]
    components[-1] += extension
    # surrogatepass: a key is any Python str; byte order of UTF-8 equals code-point order.
    return tuple(component.encode("utf-8", "surrogatepass") for component in components)


def sorted_keys(
    keys: Iterable[str],
    *,
    namespace_character: str = ".",
    extension: str = DEFAULT_EXTENSION,
    is_test: bool = False,
) -> list[str]:
    """The keys in upstream listing order."""
    return sorted(
        keys,
        key=lambda key: listing_key(
            key,
            namespace_character=namespace_character,
            extension=extension,
            is_test=is_test,
        ),
    )


def in_listing_order(
    definitions: Mapping[str, Value],
    *,
    namespace_character: str = ".",
    extension: str = DEFAULT_EXTENSION,
    is_test: bool = False,
) -> dict[str, Value]:
    """A copy of `definitions` (keyed by Featurevisor key) in upstream listing order."""
    order = sorted_keys(
        definitions,
        namespace_character=namespace_character,
        extension=extension,
        is_test=is_test,
    )
    return {key: definitions[key] for key in order}

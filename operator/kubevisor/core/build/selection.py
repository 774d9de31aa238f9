"""Which features a target's datafile holds (docs/featurevisor.md §5.2): tags, feature globs,
`expose`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from kubevisor.core.build.jsvalues import truthy
from kubevisor.core.definitions import JSON, JSONObject

# JavaScript `.` does not match line terminators; `*` is the only wildcard in patterns.
_ANY_RUN = "[^\n\r\u2028\u2029]*"


@lru_cache(maxsize=4096)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(_ANY_RUN.join(re.escape(piece) for piece in pattern.split("*")) + r"\Z")


def matches_feature_patterns(feature_key: str, patterns: JSON) -> bool:
    """Whether the key matches one glob of `includeFeatures`/`excludeFeatures` (`*` any run)."""
    if not truthy(patterns):
        return False
    listed = patterns if isinstance(patterns, list) else [patterns]
    return any(
        isinstance(pattern, str) and _glob_regex(pattern).match(feature_key) is not None
        for pattern in listed
    )


def _members(value: JSON) -> Iterable[JSON]:
    """What `for tag in value or []` walks: a falsy value is empty, a list its items, a string its
    characters, a dict its keys; any other value fails with Python's own TypeError, as the loop
    did before it was typed (callers treat that error as a malformed selector)."""
    if not value:
        return ()
    if isinstance(value, list | str | dict):
        return value
    raise TypeError(f"{type(value).__name__!r} object is not iterable")


def matches_tags(candidate_tags: list[JSON], selector: JSON) -> bool:
    """A target `tags` selector: a list or `{or: [...]}` means any, `{and: [...]}` means all."""
    if not truthy(selector):
        return True
    if isinstance(selector, list):
        return any(tag in candidate_tags for tag in selector)
    if isinstance(selector, dict):
        if "or" in selector:
            return any(tag in candidate_tags for tag in _members(selector["or"]))
        if "and" in selector:
            return all(tag in candidate_tags for tag in _members(selector["and"]))
    return True


def target_selects(target: JSONObject | None, feature_key: str, feature: JSONObject) -> bool:
    """Whether a target's selectors (tag, tags, include/exclude globs) pick the feature."""
    if feature.get("archived") is True:
        return False
    if target is None:
        return True
    feature_tags = feature.get("tags") or []
    if not isinstance(feature_tags, list):
        feature_tags = []
    tag = target.get("tag")
    if truthy(tag) and tag not in feature_tags:
        return False
    tags = target.get("tags")
    if truthy(tags) and not matches_tags(feature_tags, tags):
        return False
    include = target.get("includeFeatures")
    if truthy(include) and not matches_feature_patterns(feature_key, include):
        return False
    exclude = target.get("excludeFeatures")
    return not (truthy(exclude) and matches_feature_patterns(feature_key, exclude))


def exposed(target: JSONObject | None, expose: object) -> bool:
    """The environment's `expose` value: false hides, a tag list must fit the target."""
    if expose is False:
        return False
    if isinstance(expose, list) and target is not None:
        tag = target.get("tag")
        if truthy(tag) and tag not in expose:
            return False
        tags = target.get("tags")
        if truthy(tags) and not matches_tags(expose, tags):
            return False
    return True

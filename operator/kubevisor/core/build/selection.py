"""Which features a target's datafile holds (docs/featurevisor.md §5.2): tags, feature globs,
`expose`."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from kubevisor.core.build.jsvalues import truthy

# JavaScript `.` does not match line terminators; `*` is the only wildcard in patterns.
_ANY_RUN = "[^\n\r\u2028\u2029]*"


@lru_cache(maxsize=4096)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(_ANY_RUN.join(re.escape(piece) for piece in pattern.split("*")) + r"\Z")


def matches_feature_patterns(feature_key: str, patterns: Any) -> bool:
    """Whether the key matches one glob of `includeFeatures`/`excludeFeatures` (`*` any run)."""
    if not truthy(patterns):
        return False
    listed = patterns if isinstance(patterns, list) else [patterns]
    return any(
        isinstance(pattern, str) and _glob_regex(pattern).match(feature_key) is not None
        for pattern in listed
    )


def matches_tags(candidate_tags: list[Any], selector: Any) -> bool:
    """A target `tags` selector: a list or `{or: [...]}` means any, `{and: [...]}` means all."""
    if not truthy(selector):
        return True
    if isinstance(selector, list):
        return any(tag in candidate_tags for tag in selector)
    if isinstance(selector, dict):
        if "or" in selector:
            return any(tag in candidate_tags for tag in selector["or"] or [])
        if "and" in selector:
            return all(tag in candidate_tags for tag in selector["and"] or [])
    return True


def target_selects(
    target: dict[str, Any] | None, feature_key: str, feature: dict[str, Any]
) -> bool:
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


def exposed(target: dict[str, Any] | None, expose: Any) -> bool:
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

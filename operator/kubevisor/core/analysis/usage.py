"""Where features, segments and attributes are referenced (`featurevisor find-usage`).

Like upstream, a feature uses: the features it `required`s, the attributes of its `bucketBy`,
and the segments and condition attributes of its rules, forced entries and variable overrides
in every environment. A segment uses the attributes of its conditions. A condition on a nested
path (`browser.name`) uses the attribute that holds it (`browser`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from kubevisor.core.build.segments import collect_segment_keys
from kubevisor.core.definitions import JSON, Definitions, JSONObject


@dataclass
class FeatureUsage:
    """What one feature references."""

    features: set[str] = field(default_factory=set)
    segments: set[str] = field(default_factory=set)
    attributes: set[str] = field(default_factory=set)


def condition_attributes(conditions: JSON) -> Iterator[str]:
    """Every `attribute` path named in a condition expression (plain, list, and/or/not)."""
    if isinstance(conditions, list):
        for member in conditions:
            yield from condition_attributes(member)
    elif isinstance(conditions, dict):
        if isinstance(attribute := conditions.get("attribute"), str):
            yield attribute
        for combinator in ("and", "or", "not"):
            if combinator in conditions:
                yield from condition_attributes(conditions[combinator])


def _per_environment(value: JSON) -> Iterator[list[JSON]]:
    """The lists of `rules`/`force`: one per environment (a map) or a single list."""
    if isinstance(value, dict):
        yield from (entries for entries in value.values() if isinstance(entries, list))
    elif isinstance(value, list):
        yield value


def _bucket_by_attributes(bucket_by: JSON) -> Iterator[str]:
    if isinstance(bucket_by, str):
        yield bucket_by
    elif isinstance(bucket_by, list):
        yield from (key for key in bucket_by if isinstance(key, str))
    elif isinstance(bucket_by, dict) and isinstance(either := bucket_by.get("or"), list):
        yield from (key for key in either if isinstance(key, str))


def _targeting_entries(feature: JSONObject) -> Iterator[JSONObject]:
    """Every object that may carry `segments` or `conditions`: rules, force, overrides."""
    for kind in ("rules", "force"):
        for entries in _per_environment(feature.get(kind)):
            yield from (entry for entry in entries if isinstance(entry, dict))
    variations = feature.get("variations")
    for variation in variations if isinstance(variations, list) else []:
        if not isinstance(variation, dict):
            continue
        overrides = variation.get("variableOverrides")
        if isinstance(overrides, dict):
            for listed in overrides.values():
                if isinstance(listed, list):
                    yield from (entry for entry in listed if isinstance(entry, dict))


def attribute_key(path: str, attribute_keys: set[str]) -> str:
    """The attribute a condition path reads: the path itself if it is an attribute, else the
    longest attribute that holds it (`browser.name` -> `browser`), else the path unchanged."""
    if path in attribute_keys:
        return path
    head = path
    while "." in head:
        head = head.rsplit(".", 1)[0]
        if head in attribute_keys:
            return head
    return path


def feature_usage(defs: Definitions) -> dict[str, FeatureUsage]:
    """What every feature references, in listing order."""
    attribute_keys = set(defs.attributes)
    result: dict[str, FeatureUsage] = {}
    for key, feature in defs.features.items():
        usage = FeatureUsage()
        required_list = feature.get("required")
        for required in required_list if isinstance(required_list, list) else []:
            if isinstance(required, str):
                usage.features.add(required)
            elif isinstance(required, dict) and isinstance(
                required_key := required.get("key"), str
            ):
                usage.features.add(required_key)
        usage.attributes.update(_bucket_by_attributes(feature.get("bucketBy")))
        for entry in _targeting_entries(feature):
            if "segments" in entry:
                collect_segment_keys(entry["segments"], usage.segments)
            for path in condition_attributes(entry.get("conditions")):
                usage.attributes.add(attribute_key(path, attribute_keys))
        usage.segments.discard("*")
        result[key] = usage
    return result


def segment_attributes(defs: Definitions) -> dict[str, set[str]]:
    """The attributes each segment's conditions read, in listing order."""
    attribute_keys = set(defs.attributes)
    return {
        key: {
            attribute_key(path, attribute_keys)
            for path in condition_attributes(segment.get("conditions"))
        }
        for key, segment in defs.segments.items()
    }


def features_using_segment(defs: Definitions, segment_key: str) -> list[str]:
    return [key for key, usage in feature_usage(defs).items() if segment_key in usage.segments]


def features_requiring(defs: Definitions, feature_key: str) -> list[str]:
    return [key for key, usage in feature_usage(defs).items() if feature_key in usage.features]


@dataclass(frozen=True)
class AttributeUsage:
    features: list[str]
    segments: list[str]


def attribute_usage(defs: Definitions, attribute: str) -> AttributeUsage:
    return AttributeUsage(
        features=[
            key for key, usage in feature_usage(defs).items() if attribute in usage.attributes
        ],
        segments=[key for key, used in segment_attributes(defs).items() if attribute in used],
    )


def unused_segments(defs: Definitions) -> list[str]:
    """Segments no feature references, in listing order."""
    used: set[str] = set()
    for usage in feature_usage(defs).values():
        used |= usage.segments
    return [key for key in defs.segments if key not in used]


def unused_attributes(defs: Definitions) -> list[str]:
    """Attributes no feature and no segment references, in listing order."""
    used: set[str] = set()
    for usage in feature_usage(defs).values():
        used |= usage.attributes
    for attributes in segment_attributes(defs).values():
        used |= attributes
    return [key for key in defs.attributes if key not in used]

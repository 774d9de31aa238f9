"""Which entities `kubevisor list` shows (`featurevisor list`), with upstream's filters.

Features take every upstream filter; segments and attributes take `key_pattern` and
`description` (upstream leaves those unfiltered, "TODO" in its source). Archived entities are
hidden unless `archived` asks for them: `True` lists only archived ones, `False` only the rest.
Upstream's own `--archived` check is inverted (it shows archived features for
`--archived=false`); kubevisor does what the option says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kubevisor.core.definitions import JSON, Definitions, JSONObject, Kind
from kubevisor.core.testing.matrix import expand_feature_assertions, expand_segment_assertions


@dataclass(frozen=True)
class ListFilters:
    archived: bool | None = None
    description: str | None = None
    """Regular expression, case-insensitive."""
    key_pattern: str | None = None
    """Regular expression, case-insensitive."""
    disabled_in: str | None = None
    enabled_in: str | None = None
    tags: tuple[str, ...] = ()
    """Features having every one of these tags."""
    variables: tuple[str, ...] = ()
    variations: tuple[str, ...] = ()
    with_tests: bool | None = None
    """True: only features with a test spec; False: only those without."""
    with_variables: bool | None = None
    with_variations: bool | None = None
    entity_type: str | None = None
    """Tests: only specs of `feature`s or of `segment`s."""
    assertion_pattern: str | None = None
    """Tests: only assertions whose (generated) description matches, specs without any hidden."""
    apply_matrix: bool = False
    """Tests: list matrix assertions expanded, one per combination, with their descriptions."""


def tested_keys(defs: Definitions, field: str) -> set[str]:
    """Keys named by the test specs' `feature` (or `segment`) field."""
    return {key for spec in defs.tests.values() if isinstance(key := spec.get(field), str)}


def _rules_in(feature: JSONObject, environment: str) -> list[JSON] | None:
    rules = feature.get("rules")
    if isinstance(rules, dict):
        found = rules.get(environment)
        return found if isinstance(found, list) else None
    return None


def _listed(value: JSON) -> list[JSON]:
    return value if isinstance(value, list) else []


def _percentage(rule: JSON) -> float:
    value = rule.get("percentage", 0) if isinstance(rule, dict) else 0
    return value if isinstance(value, int | float) else 0


def _feature_matches(key: str, feature: JSONObject, filters: ListFilters, tested: set[str]) -> bool:
    rules = _rules_in(feature, filters.disabled_in) if filters.disabled_in else None
    if rules is not None and any(_percentage(rule) > 0 for rule in rules):
        return False
    rules = _rules_in(feature, filters.enabled_in) if filters.enabled_in else None
    if rules is not None and not any(_percentage(rule) > 0 for rule in rules):
        return False
    tags = _listed(feature.get("tags"))
    if not all(tag in tags for tag in filters.tags):
        return False
    variables = feature.get("variablesSchema")
    declared = variables if isinstance(variables, dict) else {}
    if not all(variable in declared for variable in filters.variables):
        return False
    values = [v.get("value") for v in _listed(feature.get("variations")) if isinstance(v, dict)]
    if not all(variation in values for variation in filters.variations):
        return False
    checks = (
        (filters.with_tests, key in tested),
        (filters.with_variables, bool(feature.get("variablesSchema"))),
        (filters.with_variations, bool(feature.get("variations"))),
    )
    return all(wanted is None or wanted == present for wanted, present in checks)


def _common_matches(entity: JSONObject, filters: ListFilters) -> bool:
    """`archived` and `description`, for features, segments and attributes."""
    archived = entity.get("archived") is True
    if archived != (filters.archived is True):
        return False
    if filters.description is None:
        return True
    description = entity.get("description")
    text = description if isinstance(description, str) else ""
    return bool(re.search(filters.description, text, re.IGNORECASE))


def list_entities(defs: Definitions, kind: Kind, filters: ListFilters) -> list[JSONObject]:
    """The entities of `kind` that pass `filters`, each with its `key`, in listing order.

    Raises `re.error` for a bad `key_pattern` or `description` expression."""
    tested = tested_keys(defs, "feature") if kind is Kind.FEATURE else set()
    described = kind in (Kind.FEATURE, Kind.SEGMENT, Kind.ATTRIBUTE)
    result: list[JSONObject] = []
    for key, entity in defs.of_kind(kind).items():
        if filters.key_pattern is not None and not re.search(filters.key_pattern, key, re.I):
            continue
        if described and not _common_matches(entity, filters):
            continue
        if kind is Kind.FEATURE and not _feature_matches(key, entity, filters, tested):
            continue
        if kind is Kind.TEST:
            spec = _test_spec(entity, filters)
            if spec is not None:
                result.append({**spec, "key": key})
            continue
        result.append({**entity, "key": key})
    return result


def _test_spec(spec: JSONObject, filters: ListFilters) -> JSONObject | None:
    """A test spec as listed: filtered by entity type and assertion pattern, maybe expanded."""
    entity_type = "feature" if "feature" in spec else "segment" if "segment" in spec else None
    if filters.entity_type is not None and entity_type != filters.entity_type:
        return None
    if not filters.apply_matrix and filters.assertion_pattern is None:
        return spec
    assertions = [a for a in _listed(spec.get("assertions")) if isinstance(a, dict)]
    expand = expand_feature_assertions if entity_type == "feature" else expand_segment_assertions
    expanded = expand(assertions)
    if filters.assertion_pattern is not None:
        pattern = re.compile(filters.assertion_pattern, re.IGNORECASE)
        expanded = [a for a in expanded if pattern.search(str(a.get("description", "")))]
        if not expanded:
            return None
    return {**spec, "assertions": [*expanded]}

"""Condition and segment-expression matching, decision for decision like the official SDK.

The reference is the official Python SDK `featurevisor==3.1.0` (docs/featurevisor.md §3). Where it
differs from the JavaScript SDK we follow Python, and say so here:

* Attribute paths walk dicts only: list indexes (`items.0`) and `length` are not reachable.
* Operators are tried independently: an operator whose type guard fails is false, whatever the
  other guards say (`exists` with a superfluous `value` still only asks "is it present?").
* `before`/`after` understand `datetime` objects with a time zone and ISO-8601 strings with an
  explicit offset or `Z` (Python's `fromisoformat`); date-only strings, strings without an
  offset and epoch numbers never match.
* Regexes are Python `re` patterns with the JavaScript flags mapped (`i`, `m`, `s`; `g`, `u`,
  `y` accepted and ignored), searched unanchored. They run on RE2 in linear time
  (`kubevisor.core.linear_regex`), so a hostile pattern cannot freeze the process; a pattern
  RE2 cannot run (backreferences, lookaround) matches nothing, like an invalid one.

Conditions are compiled once into predicates (`compile_conditions`), so a datafile's conditions
cost one dict walk per evaluation instead of a re-interpretation of the JSON each time.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

from kubevisor.core.linear_regex import searcher

Context = Mapping[str, Any]
"""The evaluation context: attribute name -> value."""

Predicate = Callable[[Context], bool]
"""A compiled condition or segment expression."""


class _Missing:
    """The value of an attribute that is absent (JavaScript `undefined`); `None` is present."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()

_REGEX_FLAG_BITS: Final = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL}
_ALLOWED_REGEX_FLAGS: Final = frozenset("gimsuy")


def _always(context: Context) -> bool:
    return True


def _never(context: Context) -> bool:
    return False


# --- attribute lookup (§3.2) -------------------------------------------------------------------


def lookup(context: Context, path: str) -> Any:
    """The context value at `path` (dotted paths walk nested dicts), or `MISSING`."""
    if "." not in path:
        return context.get(path, MISSING)
    current: Any = context
    for part in path.split("."):
        if not isinstance(current, dict):
            return MISSING
        current = current.get(part, MISSING)
        if current is MISSING:
            return MISSING
    return current


def attribute_getter(path: str) -> Callable[[Context], Any]:
    """A fast function returning the context value at `path` (see `lookup`)."""
    if "." not in path:
        return lambda context: context.get(path, MISSING)
    return lambda context: lookup(context, path)


# --- value helpers ---------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def strict_equal(left: Any, right: Any) -> bool:
    """JavaScript `===` on JSON values: same type and value; lists and dicts are never equal."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if _is_number(left) and _is_number(right):
        return bool(left == right)
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, str) and isinstance(right, str):
        return left == right
    return False


def _equal_to(expected: Any) -> Callable[[Any], bool]:
    """`lambda actual: strict_equal(actual, expected)`, specialised on the expected value."""
    if isinstance(expected, bool):
        return lambda actual: isinstance(actual, bool) and actual == expected
    if _is_number(expected):
        return lambda actual: _is_number(actual) and bool(actual == expected)
    if expected is None:
        return lambda actual: actual is None
    if isinstance(expected, str):
        return lambda actual: isinstance(actual, str) and actual == expected
    return lambda actual: False


def parse_instant(value: Any) -> dt.datetime | None:
    """An aware datetime for `before`/`after`, or None when the value is not a usable instant."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else None
    if not isinstance(value, str):
        return None
    text = value.replace("Z", "+00:00") if value.endswith("Z") else value
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def compile_regex(pattern: str, flags: Any) -> re.Pattern[str]:
    """Compile a condition regex with JavaScript flags; raises on bad flags or syntax."""
    if not isinstance(flags, str):
        raise TypeError(f"regexFlags must be a string, got {flags!r}")
    unknown = set(flags) - _ALLOWED_REGEX_FLAGS
    if unknown:
        raise ValueError(f"invalid regular expression flags: {''.join(sorted(unknown))}")
    bits = 0
    for flag in flags:
        bits |= _REGEX_FLAG_BITS.get(flag, 0)
    return re.compile(pattern, bits)


# --- semver (§3.4) ---------------------------------------------------------------------------

_SEMVER: Final = re.compile(
    r"^[v^~<>=]*?(\d+)(?:\.([x*]|\d+)(?:\.([x*]|\d+)(?:\.([x*]|\d+))?"
    r"(?:-([\da-z\-]+(?:\.[\da-z\-]+)*))?(?:\+[\da-z\-]+(?:\.[\da-z\-]+)*)?)?)?$",
    re.IGNORECASE,
)

Version = tuple[list[str], str]
"""Parsed version: the numeric parts (missing ones empty) and the pre-release ("" if none)."""


def parse_version(version: str) -> Version:
    """Split a version like `compare-versions` does; raises ValueError when it is not one."""
    match = _SEMVER.match(version) if version else None
    if match is None:
        raise ValueError(f"invalid semver version {version!r}")
    groups = [group or "" for group in match.groups()]
    return groups[:4], groups[4]


def _compare_part(left: str, right: str) -> int:
    if left in ("*", "x", "X") or right in ("*", "x", "X"):
        return 0
    left_value: int | str
    right_value: int | str
    try:
        left_value = int(left)
    except ValueError:
        left_value = left
    try:
        right_value = int(right)
    except ValueError:
        right_value = right
    if type(left_value) is not type(right_value):
        left_value, right_value = str(left_value), str(right_value)
    return (left_value > right_value) - (left_value < right_value)  # type: ignore[operator]


def _compare_parts(left: list[str], right: list[str]) -> int:
    for index in range(max(len(left), len(right))):
        result = _compare_part(
            left[index] if index < len(left) else "0",
            right[index] if index < len(right) else "0",
        )
        if result:
            return result
    return 0


def compare_parsed_versions(left: Version, right: Version) -> int:
    """-1, 0 or 1 like `compare-versions` (a pre-release sorts before its release)."""
    result = _compare_parts(left[0], right[0])
    if result:
        return result
    left_pre, right_pre = left[1], right[1]
    if left_pre and right_pre:
        return _compare_parts(left_pre.split("."), right_pre.split("."))
    if left_pre or right_pre:
        return -1 if left_pre else 1
    return 0


def compare_versions(left: str, right: str) -> int:
    """Compare two version strings; raises ValueError on an invalid one."""
    return compare_parsed_versions(parse_version(left), parse_version(right))


_SEMVER_TESTS: Final[dict[str, Callable[[int], bool]]] = {
    "semverEquals": lambda order: order == 0,
    "semverNotEquals": lambda order: order != 0,
    "semverGreaterThan": lambda order: order == 1,
    "semverGreaterThanOrEquals": lambda order: order >= 0,
    "semverLessThan": lambda order: order == -1,
    "semverLessThanOrEquals": lambda order: order <= 0,
}


# --- plain conditions (§3.3) -----------------------------------------------------------------


def _compile_plain(condition: Mapping[str, Any]) -> Predicate:
    attribute = condition.get("attribute")
    if not isinstance(attribute, str):
        return _never
    get = attribute_getter(attribute)
    operator = condition.get("operator")
    value = condition.get("value")

    if operator == "equals" or operator == "notEquals":
        if isinstance(value, str) and "." not in attribute:
            # Fast path: only a str equals a str (MISSING and None compare unequal).
            if operator == "equals":
                return lambda context: context.get(attribute) == value
            return lambda context: context.get(attribute) != value
        equal = _equal_to(value)
        if operator == "equals":
            return lambda context: equal(get(context))
        return lambda context: not equal(get(context))
    if operator == "before" or operator == "after":
        return _compile_date(get, operator, value)
    if operator == "in" or operator == "notIn":
        return _compile_membership(get, operator, value)
    if operator in _STRING_OPERATORS:
        if not isinstance(value, str):
            return _never
        return _compile_string(get, operator, value, condition.get("regexFlags", ""))
    if operator in _NUMBER_OPERATORS:
        if not _is_number(value):
            return _never
        compare = _NUMBER_OPERATORS[operator]
        return lambda context: _number_test(get(context), value, compare)
    if operator == "exists":
        return lambda context: get(context) is not MISSING
    if operator == "notExists":
        return lambda context: get(context) is MISSING
    if operator == "includes" or operator == "notIncludes":
        if not (value is None or isinstance(value, str | int | float)):
            return _never
        equal = _equal_to(value)
        expect: bool = operator == "includes"

        def includes(context: Context) -> bool:
            actual = get(context)
            if not isinstance(actual, list):
                return False
            found: bool = any(equal(item) for item in actual)
            return found == expect

        return includes
    return _never


def _number_test(actual: Any, value: Any, compare: Callable[[Any, Any], bool]) -> bool:
    return _is_number(actual) and compare(actual, value)


_NUMBER_OPERATORS: Final[dict[str, Callable[[Any, Any], bool]]] = {
    "greaterThan": lambda left, right: bool(left > right),
    "greaterThanOrEquals": lambda left, right: bool(left >= right),
    "lessThan": lambda left, right: bool(left < right),
    "lessThanOrEquals": lambda left, right: bool(left <= right),
}

_STRING_OPERATORS: Final = frozenset(
    {"contains", "notContains", "startsWith", "endsWith", "matches", "notMatches"}
    | set(_SEMVER_TESTS)
)


def _compile_date(get: Callable[[Context], Any], operator: str, value: Any) -> Predicate:
    limit = parse_instant(value)
    if limit is None:
        return _never
    before = operator == "before"

    def test(context: Context) -> bool:
        instant = parse_instant(get(context))
        if instant is None:
            return False
        return instant < limit if before else instant > limit

    return test


def _compile_membership(get: Callable[[Context], Any], operator: str, value: Any) -> Predicate:
    if not isinstance(value, list):
        return _never
    strings = frozenset(item for item in value if isinstance(item, str))
    numbers = frozenset(item for item in value if _is_number(item))
    has_none = any(item is None for item in value)
    expect = operator == "in"

    def test(context: Context) -> bool:
        actual = get(context)
        if isinstance(actual, str):
            return (actual in strings) == expect
        if actual is None:
            return has_none == expect
        if _is_number(actual):
            # `actual == actual` keeps NaN out: a set finds NaN by identity, `===` never does.
            return (actual == actual and actual in numbers) == expect
        return False

    return test


def _compile_string(
    get: Callable[[Context], Any], operator: str, value: str, flags: Any
) -> Predicate:
    test: Callable[[str], bool]
    if operator == "contains":
        test = lambda actual: value in actual  # noqa: E731
    elif operator == "notContains":
        test = lambda actual: value not in actual  # noqa: E731
    elif operator == "startsWith":
        test = lambda actual: actual.startswith(value)  # noqa: E731
    elif operator == "endsWith":
        test = lambda actual: actual.endswith(value)  # noqa: E731
    elif operator == "matches" or operator == "notMatches":
        test = _regex_test(value, flags, operator == "matches")
    else:
        test = _semver_test(value, _SEMVER_TESTS[operator])

    def string_test(context: Context) -> bool:
        actual = get(context)
        return isinstance(actual, str) and test(actual)

    return string_test


def _regex_test(pattern: str, flags: Any, expect: bool) -> Callable[[str], bool]:
    try:
        regex = compile_regex(pattern, flags)
    except (re.error, ValueError, TypeError):
        # The SDK reports `condition_match_error` and treats the condition as not matched.
        return lambda actual: False
    search = searcher(regex)
    if search is None:
        return lambda actual: False  # needs backtracking: lint reports it
    return lambda actual: search(actual) == expect


def _semver_test(value: str, accept: Callable[[int], bool]) -> Callable[[str], bool]:
    try:
        expected = parse_version(value)
    except ValueError:
        return lambda actual: False
    cache: dict[str, Version | None] = {}

    def test(actual: str) -> bool:
        parsed = cache.get(actual, MISSING)
        if parsed is MISSING:
            try:
                parsed = parse_version(actual)
            except ValueError:
                parsed = None
            if len(cache) < 4096:
                cache[actual] = parsed
        if parsed is None:
            return False
        return accept(compare_parsed_versions(parsed, expected))  # type: ignore[arg-type]

    return test


# --- expressions (§3.1, §3.6) ----------------------------------------------------------------


def _all_of(predicates: list[Predicate]) -> Predicate:
    if not predicates:
        return _always
    if len(predicates) == 1:
        return predicates[0]
    if len(predicates) == 2:
        first, second = predicates
        return lambda context: first(context) and second(context)
    return lambda context: all(predicate(context) for predicate in predicates)


def _any_of(predicates: list[Predicate]) -> Predicate:
    if not predicates:
        return _never
    if len(predicates) == 1:
        return predicates[0]
    if len(predicates) == 2:
        first, second = predicates
        return lambda context: first(context) or second(context)
    return lambda context: any(predicate(context) for predicate in predicates)


def _none_of_all(predicates: list[Predicate]) -> Predicate:
    inner = _all_of(predicates)
    return lambda context: not inner(context)


def compile_conditions(conditions: Any) -> Predicate:
    """Compile a condition expression (`"*"`, a condition, a list, and/or/not) to a predicate."""
    if isinstance(conditions, str):
        return _always if conditions == "*" else _never
    if isinstance(conditions, dict):
        if "attribute" in conditions:
            return _compile_plain(conditions)
        for combinator, combine in _COMBINATORS:
            items = conditions.get(combinator)
            if isinstance(items, list):
                return combine([compile_conditions(item) for item in items])
        return _never
    if isinstance(conditions, list):
        return _all_of([compile_conditions(item) for item in conditions])
    return _never


_COMBINATORS: Final = (("and", _all_of), ("or", _any_of), ("not", _none_of_all))


def matches(conditions: Any, context: Context) -> bool:
    """Whether `context` satisfies `conditions` (already parsed, not a JSON string)."""
    return compile_conditions(conditions)(context)


def parse_stringified_conditions(conditions: Any) -> Any:
    """Datafile conditions may be JSON strings: parse them (a bad one stays a non-matching str)."""
    if not isinstance(conditions, str) or conditions == "*":
        return conditions
    try:
        return json.loads(conditions)
    except ValueError:
        return conditions


def parse_stringified_segments(segments: Any) -> Any:
    """A datafile `segments` string starting with `{` or `[` is JSON; raises if it is not valid."""
    if isinstance(segments, str) and segments[:1] in ("{", "["):
        return json.loads(segments)
    return segments


SegmentLookup = Callable[[str], "Predicate | None"]
"""Returns the compiled conditions of a segment, or None when the segment is unknown."""


def compile_segments(expression: Any, segment: SegmentLookup) -> Predicate:
    """Compile a segment expression (`"*"`, key, list, and/or/not) to a predicate (§3.6).

    `segment(key)` is asked once per key while compiling; unknown segments match nothing.
    """
    if isinstance(expression, str):
        if expression == "*":
            return _always
        return segment(expression) or _never
    if isinstance(expression, dict):
        for combinator, combine in _COMBINATORS:
            items = expression.get(combinator)
            if isinstance(items, list):
                return combine([compile_segments(item, segment) for item in items])
        return _never
    if isinstance(expression, list):
        return _all_of([compile_segments(item, segment) for item in expression])
    return _never


def segments_match(
    expression: Any, segment_conditions: Callable[[str], Any], context: Context
) -> bool:
    """Whether `context` matches a segment expression.

    `segment_conditions(key)` returns the segment's parsed conditions, or None if it is unknown.
    """

    def lookup_segment(key: str) -> Predicate | None:
        conditions = segment_conditions(key)
        return None if conditions is None else compile_conditions(conditions)

    return compile_segments(expression, lookup_segment)(context)

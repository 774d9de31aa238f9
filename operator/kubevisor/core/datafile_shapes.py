"""The shapes the builder writes and the evaluator reads: a Featurevisor v2 datafile
(docs/featurevisor.md §4) and the existing state the builder keeps between builds (§5.5).

These are types only: TypedDicts are plain dicts at run time, so key order stays what the
builder writes and nothing is copied or validated. Every key is optional to the type checker
(`total=False`) because the builder writes each object key by key in upstream's order, and a
datafile read back from a file is trusted as upstream's SDK trusts it; docs/featurevisor.md
§4.3 says which keys are always present. Values copied verbatim from definitions are `JSON`.
"""

from __future__ import annotations

from typing import TypeAlias, TypedDict

from kubevisor.core.definitions import JSON, JSONObject

Range: TypeAlias = list[int | float]
"""`[start, end)` of bucket numbers, 0 to 100000; bounds may be fractional."""


class DatafileSegment(TypedDict, total=False):
    conditions: JSON
    """`"*"`, or the conditions (JS-JSON text when `stringify` is on)."""


class Allocation(TypedDict, total=False):
    variation: JSON
    range: Range


class Traffic(TypedDict, total=False):
    """One rule of the environment, in the order upstream writes its keys."""

    key: JSON
    segments: JSON
    """A segment key, `"*"`, or an expression (JS-JSON text when `stringify` is on)."""
    percentage: int | float
    """`rule.percentage * 1000`."""
    allocation: list[Allocation]
    variationWeights: JSON
    variableOverrides: dict[str, list[JSONObject]]
    """Variable key to its override entries (`conditions` or `segments`, and `value`)."""
    variables: JSONObject
    variation: JSON
    enabled: JSON
    """Read by the SDKs (false disables the feature for the rule); the v3 builder omits it."""


class Variation(TypedDict, total=False):
    value: JSON
    weight: JSON
    variables: JSONObject
    variableOverrides: dict[str, list[JSONObject]]


class VariableSchema(TypedDict, total=False):
    type: JSON
    defaultValue: JSON
    deprecated: bool
    useDefaultWhenDisabled: bool
    disabledValue: JSON


class DatafileFeature(TypedDict, total=False):
    """One feature (§4.3); `hash` is last and the builder adds it once all hashes are known."""

    deprecated: bool
    bucketBy: JSON
    required: JSON
    requiredFeatures: JSON
    """Read by the SDKs in place of `required`; the v3 builder never writes it."""
    disabledVariationValue: JSON
    variations: list[Variation]
    traffic: list[Traffic]
    ranges: list[Range]
    variablesSchema: dict[str, VariableSchema]
    force: list[JSONObject]
    """The definition's force entries, with `segments`/`conditions` stringified."""
    hash: str


class Datafile(TypedDict, total=False):
    schemaVersion: str
    featurevisorVersion: str
    """The CLI version; absent from in-memory builds."""
    revision: str
    segments: dict[str, DatafileSegment]
    features: dict[str, DatafileFeature]


class StateVariation(TypedDict, total=False):
    value: JSON
    weight: JSON


class StateTraffic(TypedDict, total=False):
    key: JSON
    percentage: int | float
    allocation: list[Allocation]


class FeatureState(TypedDict, total=False):
    """What a build remembers of a feature, so that a raised percentage moves nobody."""

    variations: list[StateVariation]
    traffic: list[StateTraffic]
    ranges: list[Range]
    """Never written by upstream v3; read when a hand-made state file has it."""
    hash: str


class State(TypedDict, total=False):
    """Existing state of one environment (`existing-state[-<env>].json`)."""

    features: dict[str, FeatureState]

"""One datafile (docs/featurevisor.md §4, §5.2-§5.10): selected features, their segments, hashes,
target context.

Within one environment every target builds a feature to the same object (upstream rebuilds it
from the state the previous target left, which gives the same result), so a builder keeps each
feature and its compact JSON text, and assembles datafiles and hash inputs from those texts.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubevisor.core.build.context import apply_context
from kubevisor.core.build.errors import BuildError
from kubevisor.core.build.features import FeatureInputs, build_feature, environment_value
from kubevisor.core.build.groups import feature_ranges
from kubevisor.core.build.hashes import required_feature_keys, short_hash
from kubevisor.core.build.jsvalues import stringify_unless_string, truthy
from kubevisor.core.build.selection import exposed, target_selects
from kubevisor.core.datafile_shapes import (
    Datafile,
    DatafileFeature,
    DatafileSegment,
    FeatureState,
    State,
)
from kubevisor.core.definitions import Definitions, JSONObject, Kind, Problem
from kubevisor.core.jsjson import dumps, dumps_string, js_key_order

SCHEMA_VERSION = "2"


@dataclass
class _BuiltFeature:
    feature: DatafileFeature
    """The datafile object without `hash`."""
    text: str
    """Its compact JSON."""
    segments: set[str]
    """Segment keys it uses."""
    state_entry: FeatureState
    """The state entry this build left; the cache is valid while the state still holds it."""
    required: list[str]
    """Keys of the features it requires (its hash depends on theirs)."""
    standalone_hash: str = ""
    """Its hash when it requires nothing: then the hash is the same in every datafile."""


@dataclass
class _Assembled:
    """A datafile before target context: features in JavaScript order, with their hashes."""

    segments: dict[str, DatafileSegment]
    features: dict[str, _BuiltFeature]
    hashes: dict[str, str]


class DatafileBuilder:
    """Builds datafiles of one set of definitions; what all datafiles share is computed once."""

    def __init__(self, definitions: Definitions) -> None:
        self.definitions = definitions
        self.ranges = feature_ranges(definitions.groups)
        self._built: dict[str | None, dict[str, _BuiltFeature]] = {}

    def target(self, target_key: str) -> JSONObject:
        target = self.definitions.targets.get(target_key)
        if target is None:
            available = ", ".join(self.definitions.targets) or "none"
            raise BuildError(
                [
                    Problem(
                        Kind.TARGET,
                        target_key,
                        "",
                        f'Unknown target "{target_key}". Available targets: {available}.',
                        "add the target definition or pick one of the available targets",
                    )
                ]
            )
        return target

    def _context(self, target_key: str | None, target: JSONObject | None) -> JSONObject | None:
        if target is None or not truthy(target.get("context")):
            return None
        context = target["context"]
        if not isinstance(context, dict):
            raise BuildError(
                [
                    Problem(
                        Kind.TARGET,
                        target_key or "",
                        "context",
                        "context must be a mapping of attribute values",
                        "write e.g. `context: {platform: web}`",
                        self.definitions.origins.get((Kind.TARGET, target_key or ""), ""),
                    )
                ]
            )
        return context

    def build(
        self,
        *,
        target_key: str | None,
        environment: str | None,
        state: State,
        revision: str,
        featurevisor_version: str | None = None,
        revision_from_hash: bool = False,
    ) -> Datafile:
        """The datafile as a JSON-like dict (see `build_datafile`)."""
        target = None if target_key is None else self.target(target_key)
        context = self._context(target_key, target)
        assembled = self._assemble(target, environment, state)
        content = self._header(assembled, revision, featurevisor_version, revision_from_hash)
        content["segments"] = assembled.segments
        content["features"] = {
            key: {**built.feature, "hash": assembled.hashes[key]}
            for key, built in assembled.features.items()
        }
        return content if context is None else apply_context(content, context)

    def build_text(
        self,
        *,
        target_key: str | None,
        environment: str | None,
        state: State,
        revision: str,
        featurevisor_version: str | None = None,
        revision_from_hash: bool = False,
        pretty: bool = False,
    ) -> str:
        """The datafile file content, exactly as upstream writes it."""
        target = None if target_key is None else self.target(target_key)
        if pretty or self._context(target_key, target) is not None:
            content = self.build(
                target_key=target_key,
                environment=environment,
                state=state,
                revision=revision,
                featurevisor_version=featurevisor_version,
                revision_from_hash=revision_from_hash,
            )
            return dumps(content, pretty=pretty)
        assembled = self._assemble(target, environment, state)
        header = self._header(assembled, revision, featurevisor_version, revision_from_hash)
        features = ",".join(
            dumps_string(key) + ":" + _with_hash(built.text, assembled.hashes[key])
            for key, built in assembled.features.items()
        )
        return (
            dumps(header)[:-1]
            + ',"segments":'
            + dumps(assembled.segments)
            + ',"features":{'
            + features
            + "}}"
        )

    def _header(
        self,
        assembled: _Assembled,
        revision: str,
        featurevisor_version: str | None,
        revision_from_hash: bool,
    ) -> Datafile:
        content: Datafile = {"schemaVersion": SCHEMA_VERSION}
        if featurevisor_version is not None:
            content["featurevisorVersion"] = featurevisor_version
        if revision_from_hash:
            feature_hashes = {key: assembled.hashes[key] or "" for key in assembled.features}
            revision = short_hash(
                dumps({"schemaVersion": SCHEMA_VERSION, "featureHashes": feature_hashes})
            )
        content["revision"] = revision
        return content

    def _feature(
        self, key: str, environment: str | None, state_features: dict[str, FeatureState]
    ) -> _BuiltFeature:
        cache = self._built.setdefault(environment, {})
        cached = cache.get(key)
        if cached is not None and state_features.get(key) is cached.state_entry:
            return cached
        definitions = self.definitions
        inputs = FeatureInputs(
            environment=environment,
            stringify=definitions.config.stringify,
            default_bucket_by=definitions.config.default_bucket_by,
            schemas=definitions.schemas,
            origin=definitions.origins.get((Kind.FEATURE, key), ""),
        )
        used: set[str] = set()
        feature = build_feature(
            key, definitions.features[key], inputs, self.ranges.get(key), state_features, used
        )
        built = _BuiltFeature(
            feature, dumps(feature), used, state_features[key], required_feature_keys(feature)
        )
        cache[key] = built
        return built

    def _assemble(
        self, target: JSONObject | None, environment: str | None, state: State
    ) -> _Assembled:
        definitions = self.definitions
        state_features = state.setdefault("features", {})
        features: dict[str, _BuiltFeature] = {}
        problems: list[Problem] = []
        for key, definition in definitions.features.items():
            if not target_selects(target, key, definition):
                continue
            if not exposed(target, environment_value(definition, "expose", environment)):
                continue
            try:
                features[key] = self._feature(key, environment, state_features)
            except BuildError as error:
                problems.extend(error.problems)
        if problems:
            raise BuildError(problems)

        used_segments: set[str] = set()
        for built in features.values():
            used_segments |= built.segments
        segments: dict[str, DatafileSegment] = {}
        stringify = definitions.config.stringify
        for key, segment in definitions.segments.items():
            if segment.get("archived") is True or key not in used_segments:
                continue
            segments[key] = (
                {"conditions": stringify_unless_string(segment["conditions"], stringify)}
                if "conditions" in segment
                else {}
            )
        ordered = js_key_order(features)
        hashes = _feature_hashes(ordered, definitions)
        for key, digest in hashes.items():
            if key in state_features:
                state_features[key]["hash"] = digest
        return _Assembled(js_key_order(segments), ordered, hashes)


def _with_hash(text: str, digest: str) -> str:
    """Compact feature JSON with `hash` appended as its last key."""
    return text[:-1] + ',"hash":' + dumps_string(digest) + "}"


def _feature_hashes(features: dict[str, _BuiltFeature], definitions: Definitions) -> dict[str, str]:
    """Hashes assigned one feature at a time in datafile order (§5.9): a required feature that
    comes earlier is hashed with its own `hash` field, one that comes later without."""
    hasher = _FeatureHasher(features, definitions)
    for key in features:
        hasher.hashes[key] = hasher.hash_of(key, ())
    return hasher.hashes


class _FeatureHasher:
    """The state of `_feature_hashes`. (A class, not a recursive closure: a closure that calls
    itself is a reference cycle, which would keep every built feature alive until the cyclic
    garbage collector runs, and a build turns that collector off.)"""

    def __init__(self, features: dict[str, _BuiltFeature], definitions: Definitions) -> None:
        self.features = features
        self.definitions = definitions
        self.hashes: dict[str, str] = {}

    def current_text(self, key: str) -> str:
        built = self.features[key]
        return _with_hash(built.text, self.hashes[key]) if key in self.hashes else built.text

    def hash_of(self, key: str, path: tuple[str, ...]) -> str:
        features = self.features
        if key not in features:
            return ""
        if key in path:
            cycle = " -> ".join((*path, key))
            raise BuildError(
                [
                    Problem(
                        Kind.FEATURE,
                        key,
                        "required",
                        f"required features form a cycle: {cycle}",
                        "remove one `required` entry of the cycle",
                        self.definitions.origins.get((Kind.FEATURE, key), ""),
                    )
                ]
            )
        built = features[key]
        if not built.required:
            if key in self.hashes:  # serialized with its own hash: not the cached standalone text
                return _hash_of_text(key, self.current_text(key), [])
            if not built.standalone_hash:
                built.standalone_hash = _hash_of_text(key, built.text, [])
            return built.standalone_hash
        required = [self.hash_of(required_key, (*path, key)) for required_key in built.required]
        return _hash_of_text(key, self.current_text(key), required)


def _hash_of_text(key: str, text: str, required: list[str]) -> str:
    """Upstream's feature hash from the feature's current JSON text and its required hashes."""
    return short_hash(
        '{"featureKey":'
        + dumps_string(key)
        + ',"feature":'
        + text
        + ',"requiredFeatureHashes":'
        + dumps(required)
        + ',"usedSegmentHashes":[]}'  # upstream maps over Object.keys of a Set: always empty
    )


def build_datafile(
    defs: Definitions,
    *,
    target_key: str | None,
    environment: str | None,
    state: State,
    revision: str,
    featurevisor_version: str | None = None,
    revision_from_hash: bool = False,
) -> Datafile:
    """The finished datafile of one target (or of all features when `target_key` is None).

    `state` is the environment's mutable existing state (`{"features": {...}}`); it is updated
    like upstream updates it. `featurevisor_version` None omits the field (as upstream's
    in-memory builds do). Raises `BuildError` (carrying `Problem`s) for what upstream crashes on.
    """
    return DatafileBuilder(defs).build(
        target_key=target_key,
        environment=environment,
        state=state,
        revision=revision,
        featurevisor_version=featurevisor_version,
        revision_from_hash=revision_from_hash,
    )

"""One datafile (§4, §5.2-§5.10): selected features, their segments, hashes, target context."""

from __future__ import annotations

from typing import Any

from kubevisor.core.build.context import apply_context
from kubevisor.core.build.errors import BuildError
from kubevisor.core.build.features import FeatureInputs, build_feature, environment_value
from kubevisor.core.build.groups import feature_ranges
from kubevisor.core.build.hashes import datafile_hash, feature_hash
from kubevisor.core.build.jsvalues import stringify_unless_string, truthy
from kubevisor.core.build.selection import exposed, target_selects
from kubevisor.core.definitions import Definitions, Kind, Problem
from kubevisor.core.jsjson import js_key_order

SCHEMA_VERSION = "2"


class DatafileBuilder:
    """Builds datafiles of one set of definitions; what all datafiles share is computed once."""

    def __init__(self, definitions: Definitions) -> None:
        self.definitions = definitions
        self.ranges = feature_ranges(definitions.groups)

    def target(self, target_key: str) -> dict[str, Any]:
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

    def build(
        self,
        *,
        target_key: str | None,
        environment: str | None,
        state: dict[str, Any],
        revision: str,
        featurevisor_version: str | None = None,
        revision_from_hash: bool = False,
    ) -> dict[str, Any]:
        target = None if target_key is None else self.target(target_key)
        content = self._build_uncontextual(
            target, environment, state, revision, featurevisor_version, revision_from_hash
        )
        if target is not None and truthy(target.get("context")):
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
            content = apply_context(content, context)
        return content

    def _build_uncontextual(
        self,
        target: dict[str, Any] | None,
        environment: str | None,
        state: dict[str, Any],
        revision: str,
        featurevisor_version: str | None,
        revision_from_hash: bool,
    ) -> dict[str, Any]:
        definitions = self.definitions
        config = definitions.config
        state_features = state.setdefault("features", {})
        used_segments: set[str] = set()
        features: dict[str, dict[str, Any]] = {}
        problems: list[Problem] = []
        for key, definition in definitions.features.items():
            if not target_selects(target, key, definition):
                continue
            if not exposed(target, environment_value(definition, "expose", environment)):
                continue
            inputs = FeatureInputs(
                environment=environment,
                stringify=config.stringify,
                default_bucket_by=config.default_bucket_by,
                schemas=definitions.schemas,
                origin=definitions.origins.get((Kind.FEATURE, key), ""),
            )
            try:
                features[key] = build_feature(
                    key, definition, inputs, self.ranges.get(key), state_features, used_segments
                )
            except BuildError as error:
                problems.extend(error.problems)
        if problems:
            raise BuildError(problems)

        segments: dict[str, Any] = {}
        for key, segment in definitions.segments.items():
            if segment.get("archived") is True or key not in used_segments:
                continue
            segments[key] = (
                {"conditions": stringify_unless_string(segment["conditions"], config.stringify)}
                if "conditions" in segment
                else {}
            )

        content: dict[str, Any] = {"schemaVersion": SCHEMA_VERSION}
        if featurevisor_version is not None:
            content["featurevisorVersion"] = featurevisor_version
        content["revision"] = revision
        content["segments"] = js_key_order(segments)
        ordered_features = js_key_order(features)
        content["features"] = ordered_features
        for key, feature in ordered_features.items():
            try:
                digest = feature_hash(key, ordered_features)
            except ValueError as cycle:
                raise BuildError(
                    [
                        Problem(
                            Kind.FEATURE,
                            key,
                            "required",
                            f"required features form a cycle: {cycle}",
                            "remove one `required` entry of the cycle",
                            definitions.origins.get((Kind.FEATURE, key), ""),
                        )
                    ]
                ) from None
            feature["hash"] = digest
            if key in state_features:
                state_features[key]["hash"] = digest
        if revision_from_hash:
            content["revision"] = datafile_hash(SCHEMA_VERSION, ordered_features)
        return content


def build_datafile(
    defs: Definitions,
    *,
    target_key: str | None,
    environment: str | None,
    state: dict[str, Any],
    revision: str,
    featurevisor_version: str | None = None,
    revision_from_hash: bool = False,
) -> dict[str, Any]:
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

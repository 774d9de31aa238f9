"""The CLI and the operator publish the same bytes, edit after edit (issue 12, item 1).

Each example is a small namespace and a sequence of edits. After every edit the CLI path
(`kubevisor build MANIFESTS --revisions per-datafile --hold-back`, in-process, its state folder
carried from step to step) and the operator path (`compile_namespace` with the saved state
carried through the state ConfigMap's encoding, as `controller.compiler` and
`controller.statestore` carry it) must serve the same bytes for every Datafile and hold back
the same Datafiles.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st
from kubevisor.cli import main
from kubevisor.controller.statestore import decode_state, encode_state
from kubevisor.sources.compile_plan import SavedState
from kubevisor.sources.namespace_compile import PER_DATAFILE, compile_namespace

NAMESPACE = "shop"
API = "kubevisor.io/v1alpha1"
ENVIRONMENTS = ("production", "staging")
FEATURE_KEYS = ("alpha", "beta", "gamma", "delta", "epsilon")
TARGETS = {
    "all": {"description": "everything"},
    "web": {"description": "web", "tag": "web"},
    "mobile": {"description": "mobile", "tag": "mobile"},
}
COUNTRIES = ("nl", "de", "be")
# Each example runs the whole CLI once per edit: a tenth of the profile's examples.
PARITY_SETTINGS = settings(max_examples=max(5, settings.default.max_examples // 10))


@dataclass
class Feature:
    percentages: dict[str, int]
    """Per environment ("" without environments), the percentage of the catch-all rule."""
    tags: list[str]
    variations: bool
    in_segment: bool
    """Has a first rule for the `dutch` segment."""
    broken: bool = False
    """Its first rule names a segment that does not exist: lint holds it back."""


@dataclass
class Namespace:
    environments: bool
    features: dict[str, Feature]
    datafiles: dict[str, tuple[str, str | None]]
    """Datafile name -> (target, environment)."""
    country: str = "nl"
    segment_broken: bool = False
    spare: list[str] = field(default_factory=list)


def environment_keys(namespace: Namespace) -> list[str]:
    """The environments the namespace's Datafiles use: features have rules for exactly those
    (rules for any other environment are a lint error)."""
    if not namespace.environments:
        return [""]
    return sorted({str(environment) for _target, environment in namespace.datafiles.values()})


def feature_objects(namespace: Namespace) -> list[dict[str, Any]]:
    found = []
    for key, feature in namespace.features.items():
        rules_per_environment: dict[str, Any] = {}
        for environment in environment_keys(namespace):
            rules: list[dict[str, Any]] = []
            if feature.in_segment or feature.broken:
                segment = "nowhere" if feature.broken else "dutch"
                rules.append({"key": "dutch", "segments": [segment], "percentage": 100})
            percentage = feature.percentages[environment]
            rules.append({"key": "everyone", "segments": "*", "percentage": percentage})
            rules_per_environment[environment] = rules
        spec: dict[str, Any] = {
            "description": key,
            "tags": ["all", *feature.tags],
            "bucketBy": "userId",
            "rules": rules_per_environment if namespace.environments else rules_per_environment[""],
        }
        if feature.variations:
            spec["variations"] = [
                {"value": "control", "weight": 50},
                {"value": "treatment", "weight": 50},
            ]
        found.append(api_object("Feature", key, spec))
    return found


def api_object(kind: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": API,
        "kind": kind,
        "metadata": {"name": name, "namespace": NAMESPACE},
        "spec": spec,
    }


def objects_of(namespace: Namespace) -> list[dict[str, Any]]:
    attribute = "nowhere" if namespace.segment_broken else "country"
    objects = [
        api_object("Attribute", "userid", {"key": "userId", "type": "string", "description": "u"}),
        api_object("Attribute", "country", {"type": "string", "description": "c"}),
        api_object(
            "Segment",
            "dutch",
            {
                "description": "d",
                "conditions": [
                    {"attribute": attribute, "operator": "equals", "value": namespace.country}
                ],
            },
        ),
        *feature_objects(namespace),
    ]
    for name, (target, environment) in namespace.datafiles.items():
        spec: dict[str, Any] = {"target": target, **TARGETS[target]}
        if environment is not None:
            spec["environment"] = environment
        objects.append(api_object("Datafile", name, spec))
    return objects


def new_feature(draw: st.DrawFn, environments: bool) -> Feature:
    keys = ENVIRONMENTS if environments else ("",)
    return Feature(
        percentages={key: draw(st.integers(0, 100)) for key in keys},
        tags=draw(st.lists(st.sampled_from(["web", "mobile"]), unique=True)),
        variations=draw(st.booleans()),
        in_segment=draw(st.booleans()),
    )


def new_datafile(draw: st.DrawFn, namespace: Namespace) -> tuple[str, tuple[str, str | None]]:
    target = draw(st.sampled_from(sorted(TARGETS)))
    environment = draw(st.sampled_from(ENVIRONMENTS)) if namespace.environments else None
    return f"{environment or 'any'}-{target}", (target, environment)


@st.composite
def namespaces(draw: st.DrawFn) -> Namespace:
    environments = draw(st.booleans())
    count = draw(st.integers(1, 3))
    namespace = Namespace(
        environments=environments,
        features={key: new_feature(draw, environments) for key in FEATURE_KEYS[:count]},
        datafiles={},
        spare=list(FEATURE_KEYS[count:]),
    )
    for _ in range(draw(st.integers(1, 3))):
        name, datafile = new_datafile(draw, namespace)
        namespace.datafiles[name] = datafile
    return namespace


EDITS = (
    "percentage",
    "add-feature",
    "remove-feature",
    "segment",
    "break-feature",
    "fix-feature",
    "break-segment",
    "fix-segment",
    "add-datafile",
    "remove-datafile",
)


@st.composite
def edited(draw: st.DrawFn) -> tuple[Namespace, list[Namespace]]:
    """A namespace and its states after each of a few edits (each a deep copy)."""
    namespace = draw(namespaces())
    steps = []
    for _ in range(draw(st.integers(1, 5))):
        namespace = copy_namespace(namespace)
        edit(draw, namespace, draw(st.sampled_from(EDITS)))
        steps.append(namespace)
    return namespace, steps


def copy_namespace(namespace: Namespace) -> Namespace:
    return Namespace(
        environments=namespace.environments,
        features={
            key: Feature(dict(f.percentages), list(f.tags), f.variations, f.in_segment, f.broken)
            for key, f in namespace.features.items()
        },
        datafiles=dict(namespace.datafiles),
        country=namespace.country,
        segment_broken=namespace.segment_broken,
        spare=list(namespace.spare),
    )


def edit(draw: st.DrawFn, namespace: Namespace, kind: str) -> None:
    keys = sorted(namespace.features)
    if kind == "percentage" and keys:
        feature = namespace.features[draw(st.sampled_from(keys))]
        environment = draw(st.sampled_from(sorted(feature.percentages)))
        feature.percentages[environment] = draw(st.integers(0, 100))
    elif kind == "add-feature" and namespace.spare:
        namespace.features[namespace.spare.pop(0)] = new_feature(draw, namespace.environments)
    elif kind == "remove-feature" and len(keys) > 1:
        removed = draw(st.sampled_from(keys))
        del namespace.features[removed]
        namespace.spare.append(removed)
    elif kind == "segment":
        namespace.country = draw(st.sampled_from(COUNTRIES))
    elif kind in ("break-feature", "fix-feature") and keys:
        namespace.features[draw(st.sampled_from(keys))].broken = kind == "break-feature"
    elif kind in ("break-segment", "fix-segment"):
        namespace.segment_broken = kind == "break-segment"
    elif kind == "add-datafile":
        name, datafile = new_datafile(draw, namespace)
        namespace.datafiles[name] = datafile
    elif kind == "remove-datafile" and len(namespace.datafiles) > 1:
        del namespace.datafiles[draw(st.sampled_from(sorted(namespace.datafiles)))]


def datafile_path(out: Path, target: str, environment: str | None) -> Path:
    folder = out / NAMESPACE / environment if environment else out / NAMESPACE
    return folder / f"featurevisor-{target}.json"


HELD = re.compile(r"held back \(their last files stay\): (.*)$", re.MULTILINE)


def cli_build(source: Path, out: Path, state: Path) -> tuple[int, set[str]]:
    """Exit code and held-back Datafile names of one `kubevisor build` like the operator."""
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        code = main(
            [
                *("build", str(source), "--out", str(out), "--state-dir", str(state)),
                *("--revisions", "per-datafile", "--hold-back"),
            ]
        )
    found = HELD.search(stderr.getvalue())
    names = found.group(1).split(", ") if found and found.group(1) != "none" else []
    return code, {name.removeprefix(f"{NAMESPACE}/") for name in names}


@PARITY_SETTINGS
@given(edited())
def test_cli_and_operator_publish_the_same_bytes_after_every_edit(
    example: tuple[Namespace, list[Namespace]],
) -> None:
    first, steps = example
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        source, out, state_dir = root / "manifests.json", root / "out", root / "state"
        saved = SavedState()
        published: dict[str, bytes] = {}
        for namespace in [first, *steps]:
            objects = objects_of(namespace)
            source.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": objects}))
            code, cli_held = cli_build(source, out, state_dir)
            plan = compile_namespace(NAMESPACE, objects, saved, revisions=PER_DATAFILE)
            # The state ConfigMap's encoding, as a restarted operator would read it back.
            saved = decode_state(*encode_state(plan.state))
            for datafile in plan.datafiles:
                if datafile.content is not None:
                    published[datafile.name] = datafile.content
            held = {datafile.name for datafile in plan.datafiles if datafile.content is None}
            event("some Datafiles held back" if held else "nothing held back")
            assert cli_held == held
            assert code == (1 if plan.all_problems() else 0)
            for datafile in plan.datafiles:
                path = datafile_path(out, datafile.resource.target, datafile.resource.environment)
                if datafile.name in published:
                    assert path.read_bytes() == published[datafile.name], datafile.name
                else:
                    assert not path.exists()
        top = max((record.revision for record in saved.datafiles.values()), default=0)
        event(f"highest revision {min(top, 3)}{'+' if top >= 3 else ''}")


def test_parity_covers_held_back_and_republished_datafiles() -> None:
    """The edits the property test draws do reach both policies: a broken feature holds back
    only the Datafiles that select it, and its fix republishes them at a new revision."""
    namespace = Namespace(
        environments=True,
        features={
            "alpha": Feature({"production": 10, "staging": 20}, ["web"], True, True),
            "beta": Feature({"production": 30, "staging": 40}, ["mobile"], False, False),
        },
        datafiles={
            "production-web": ("web", "production"),
            "production-mobile": ("mobile", "production"),
        },
    )
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        source = root / "manifests.json"
        revisions = []
        for broken in (False, True, False):
            namespace.features["alpha"].broken = broken
            for feature in namespace.features.values():  # every step changes both features
                feature.percentages["production"] += 10
            items = objects_of(namespace)
            source.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}))
            code, held = cli_build(source, root / "out", root / "state")
            assert (code, held) == ((1, {"production-web"}) if broken else (0, set()))
            revisions.append(
                {
                    name: json.loads(datafile_path(root / "out", *where).read_text())["revision"]
                    for name, where in namespace.datafiles.items()
                }
            )
    assert revisions == [
        {"production-web": "1", "production-mobile": "1"},
        {"production-web": "1", "production-mobile": "2"},
        {"production-web": "2", "production-mobile": "3"},
    ]

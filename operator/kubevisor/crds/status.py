"""Status schemas: kstatus conditions for every kind, publish results for Datafiles."""

from __future__ import annotations

from kubevisor.crds.openapi import Node, array, integer, obj, string

CONDITION_TYPE_PATTERN = (
    r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
    r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$"
)
REASON_PATTERN = r"^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$"


def observed_generation(what: str) -> Node:
    return integer(f"The metadata.generation {what} was computed from.", minimum=0)


def condition() -> Node:
    return obj(
        "One condition in kstatus style (Ready, Reconciling, Stalled, Valid, "
        "ReferencesResolved, ConfigMapPublished, ObjectStorePublished).",
        {
            "type": string(
                "Condition type, e.g. Ready.", pattern=CONDITION_TYPE_PATTERN, max_length=316
            ),
            "status": string("True, False or Unknown.", enum=["True", "False", "Unknown"]),
            "reason": string(
                "One CamelCase word saying why, for machines.",
                pattern=REASON_PATTERN,
                max_length=1024,
            ),
            "message": string("What happened and what to do, for people.", max_length=32768),
            "lastTransitionTime": string(
                "When the status last changed.", fmt="date-time", max_length=64
            ),
            "observedGeneration": observed_generation("this condition"),
        },
        required=["type", "status"],
    )


def conditions() -> Node:
    return array(
        "Current conditions; kstatus-compatible so Argo CD and Flux health checks work.",
        condition(),
        max_items=32,
        list_type="map",
        map_keys=["type"],
    )


def definition_status(kind: str) -> Node:
    return obj(
        f"What the operator last observed about this {kind}.",
        {
            "observedGeneration": observed_generation("this status"),
            "conditions": conditions(),
        },
    )


def output_result() -> Node:
    return obj(
        "The result of publishing to one output.",
        {
            "output": string(
                "Which output: configMap or objectStore.", enum=["configMap", "objectStore"]
            ),
            "location": string(
                "Where it was written: `namespace/name` of a ConfigMap or the object URL.",
                max_length=4096,
            ),
            "revision": string("The datafile revision this output serves.", max_length=253),
            "digest": string("sha256 of the bytes this output serves.", max_length=128),
            "publishedAt": string(
                "When this output was last written.", fmt="date-time", max_length=64
            ),
            "ready": string(
                "True once the output serves the current revision.",
                enum=["True", "False", "Unknown"],
            ),
            "message": string("Why the output is behind, if it is.", max_length=32768),
        },
        required=["output", "location"],
    )


def datafile_status() -> Node:
    return obj(
        "What the operator last built and published for this Datafile.",
        {
            "observedGeneration": observed_generation("this status"),
            "conditions": conditions(),
            "revision": string("Revision of the datafile being served.", max_length=253),
            "digest": string("sha256 of the datafile bytes, as `sha256:<hex>`.", max_length=128),
            "sizeBytes": integer("Size of the datafile in bytes.", minimum=0),
            "features": integer("Number of features in the datafile.", minimum=0),
            "segments": integer("Number of segments in the datafile.", minimum=0),
            "publishedAt": string(
                "When this revision was first published.", fmt="date-time", max_length=64
            ),
            "outputs": array("Per-output results.", output_result(), max_items=200),
        },
    )

"""`DatafileGrant.spec`: a namespace's consent to receive ConfigMap copies from other namespaces.

In the spirit of Gateway API's ReferenceGrant: the grant lives in the receiving namespace, so
only who may write there can consent. Without one (or an admin's blanket policy), a Datafile's
`spec.configMap.namespaces` entry for this namespace is refused.
"""

from __future__ import annotations

from kubevisor.crds.openapi import Node, array, obj, string

ANY_NAMESPACE_PATTERN = r"^(\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)$"


def grant_spec() -> Node:
    return obj(
        "Lets Datafiles of other namespaces copy their ConfigMap into this namespace.",
        {
            "from": array(
                "The namespaces whose Datafiles may copy into this one.",
                obj(
                    "One source namespace.",
                    {
                        "namespace": string(
                            "A namespace name, or `*` for every namespace.",
                            pattern=ANY_NAMESPACE_PATTERN,
                            min_length=1,
                            max_length=63,
                        )
                    },
                    required=["namespace"],
                ),
                min_items=1,
                max_items=100,
            ),
            "datafiles": array(
                "Only Datafiles with these names (glob patterns, `*` matches any run of "
                "characters); empty or absent allows every Datafile of those namespaces.",
                string("A Datafile name or glob pattern.", min_length=1, max_length=253),
                max_items=100,
            ),
        },
        required=["from"],
    )

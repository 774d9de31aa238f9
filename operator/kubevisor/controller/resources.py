"""The Kubernetes resource classes the controller talks to (our kinds, via lightkube)."""

from __future__ import annotations

from lightkube.generic_resource import GenericNamespacedResource, create_namespaced_resource

GROUP = "kubevisor.io"
VERSION = "v1alpha1"
API_VERSION = f"{GROUP}/{VERSION}"

PLURALS: dict[str, str] = {
    "Attribute": "attributes",
    "Segment": "segments",
    "Feature": "features",
    "Group": "groups",
    "Schema": "schemas",
    "Datafile": "datafiles",
}
"""Our kinds, in the order an operator should list them."""

RESOURCES: dict[str, type[GenericNamespacedResource]] = {
    kind: create_namespaced_resource(GROUP, VERSION, kind, plural)
    for kind, plural in PLURALS.items()
}

"""Reading kubevisor custom-resource manifests (files or folders) into Definitions.

A namespace is one Featurevisor project. Each `Attribute`/`Segment`/`Feature`/`Group`/`Schema`
object contributes its `spec` minus `key` as the definition under `spec.key` (default:
`metadata.name`). Each `Datafile` is one target built for one environment. Manifests are read as
kubectl reads them (`kubectl_yaml`) and every spec is first put in the key order the API server
would return, then in the order the `kubevisor.io/key-order` hint records, so a build from files
gives the same bytes as a build from the cluster.

Bad input never raises (except for files that cannot be read or parsed at all, which kubectl
rejects as a whole): every malformed document becomes a `Problem` naming file, document, object
and field, and the object is left out.

One module per job: `files` (which files, and their documents), `objects` (one object checked),
`datafile_spec` (a Datafile's spec typed), `assembly` (namespaces into Definitions) and
`loading` (the ways in). The names other modules use are exported here.
"""

from kubevisor.sources.manifests.assembly import ManifestSet, NamespaceManifests, definitions_for
from kubevisor.sources.manifests.datafile_spec import TARGET_SELECTORS, DatafileResource
from kubevisor.sources.manifests.files import manifest_files
from kubevisor.sources.manifests.loading import (
    DEFAULT_NAMESPACE,
    load_manifest_text,
    load_manifests,
    load_objects,
    read_datafile,
)
from kubevisor.sources.manifests.objects import API_VERSION

__all__ = [
    "API_VERSION",
    "DEFAULT_NAMESPACE",
    "TARGET_SELECTORS",
    "DatafileResource",
    "ManifestSet",
    "NamespaceManifests",
    "definitions_for",
    "load_manifest_text",
    "load_manifests",
    "load_objects",
    "manifest_files",
    "read_datafile",
]

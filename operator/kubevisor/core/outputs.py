"""Where a Datafile publishes: the typed outputs of `Datafile.spec`, parsed once.

`sources.manifests` builds these from the objects it reads; the plan, the publisher and the
sinks receive them and never look at a raw `spec` again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_DATA_KEY = "datafile.json"


@dataclass(frozen=True)
class ConfigMapOutput:
    """`spec.configMap`: the ConfigMap in the Datafile's namespace, plus copies elsewhere."""

    name: str | None = None
    """None: the Datafile's own name."""
    key: str = DEFAULT_DATA_KEY
    namespaces: tuple[str, ...] = ()
    """Other namespaces that should get a copy, in the order written, without duplicates."""


@dataclass(frozen=True)
class ObjectStoreOutput:
    """`spec.objectStore`."""

    url: str
    endpoint: str | None = None
    region: str | None = None
    credentials_secret: str | None = None
    """Name of a Secret in the Datafile's namespace; None asks for the operator's identity."""


@dataclass(frozen=True)
class DatafileOutputs:
    """Everything a Datafile asks to be published, and who asks."""

    name: str
    namespace: str
    uid: str | None = None
    """Known for objects read from the cluster; outputs record it as their owner."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """The Datafile's own labels (GitOps tracking labels are left out by the sinks)."""
    config_map: ConfigMapOutput = ConfigMapOutput()
    object_store: ObjectStoreOutput | None = None

    @property
    def config_map_name(self) -> str:
        return self.config_map.name or self.name

    @property
    def reaches_outside(self) -> bool:
        """Whether some output cannot be cleaned up by an ownerReference (needs a finalizer)."""
        return bool(self.config_map.namespaces) or self.object_store is not None

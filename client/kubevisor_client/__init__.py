"""In-pod helper that hands each new datafile to a callback.

Standard library only, so applications can depend on it without Kubernetes or cloud clients::

    from featurevisor import create_featurevisor
    from kubevisor_client import DirectoryWatcher

    sdk = create_featurevisor({})
    watcher = DirectoryWatcher("/etc/featurevisor", sdk.set_datafile)
    watcher.load()   # raises DatafileUnavailable if there is no valid datafile yet
    watcher.start()  # then follows every update on a daemon thread
"""

from kubevisor_client.directory import DirectoryWatcher
from kubevisor_client.format import InvalidDatafile, parse_datafile
from kubevisor_client.http import HttpPoller
from kubevisor_client.loader import DatafileError, DatafileLoader, DatafileUnavailable

__all__ = [
    "DatafileError",
    "DatafileLoader",
    "DatafileUnavailable",
    "DirectoryWatcher",
    "HttpPoller",
    "InvalidDatafile",
    "parse_datafile",
]

"""A local control plane (etcd + kube-apiserver + kube-controller-manager) and S3 server for
development and tests. `Cluster` starts and stops everything; `ClusterInfo` describes a running
one. Importing this package needs the dev extras (cryptography)."""

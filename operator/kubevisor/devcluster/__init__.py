"""A local control plane (etcd + kube-apiserver) and S3 server for development and tests."""

"""Reading definitions: Kubernetes manifests and Featurevisor project folders."""

"""Pure core: definitions, lint, build and evaluate. No Kubernetes, no I/O."""

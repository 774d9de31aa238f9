"""CustomResourceDefinitions, generated from one source of truth."""

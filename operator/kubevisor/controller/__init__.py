"""The Kopf operator: indexes, debounce, status, metrics."""

"""The Kopf operator: watch cache, debounce, compile, publish, status, metrics."""

"""kubevisor: Featurevisor-compatible feature management, native to Kubernetes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kubevisor.core.evaluate import Evaluator

__all__ = ["Evaluator"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # Imported on first use, so `kubevisor_client` in a pod and CLI commands that never
    # evaluate do not pay for the evaluator.
    if name == "Evaluator":
        from kubevisor.core.evaluate import Evaluator

        return Evaluator
    raise AttributeError(f"module 'kubevisor' has no attribute {name!r}")

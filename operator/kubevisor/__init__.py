"""kubevisor: Featurevisor-compatible feature management, native to Kubernetes."""

from kubevisor.core.evaluate import Evaluator

__all__ = ["Evaluator"]
__version__ = "0.1.0"

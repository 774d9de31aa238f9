"""Typed accessors for a project's features (`kubevisor generate-code`): file name -> text."""

from kubevisor.core.codegen.python import python_files
from kubevisor.core.codegen.typescript import typescript_files

__all__ = ["python_files", "typescript_files"]

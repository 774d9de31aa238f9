"""The one entry point behind `python -m kubevisor.crds` and `kubevisor crds`."""

from __future__ import annotations

import sys
from pathlib import Path

from kubevisor.crds.render import generated_stream, write_files

DESCRIPTION = "Generate the kubevisor CRDs and admission policies."
OUT_HELP = "write one file per CRD (and one for the policies) into this folder"


def generate(out: Path | None) -> int:
    """Print everything as one YAML stream, or write the files into `out`."""
    if out is None:
        sys.stdout.write(generated_stream())
        return 0
    for path in write_files(out):
        print(path)
    return 0

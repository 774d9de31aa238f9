"""`python -m kubevisor.crds`: print the CRDs and admission policies, or write `crds/*.yaml`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from kubevisor.crds.generate import DESCRIPTION, OUT_HELP, generate


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kubevisor.crds", description=DESCRIPTION)
    parser.add_argument("--out", type=Path, help=OUT_HELP)
    args = parser.parse_args(argv)
    return generate(args.out)


if __name__ == "__main__":
    sys.exit(main())

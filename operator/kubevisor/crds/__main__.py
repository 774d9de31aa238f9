"""`python -m kubevisor.crds`: print the CRDs as one YAML stream, or write `crds/*.yaml`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from kubevisor.crds import crd_objects
from kubevisor.crds.policy import policy_objects
from kubevisor.crds.render import rendered_files, write_files


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kubevisor.crds",
        description="Generate the kubevisor CRDs and admission policies.",
    )
    parser.add_argument("--out", type=Path, help="write one file per CRD into this folder")
    args = parser.parse_args(argv)
    crds = crd_objects()
    if args.out is not None:
        for path in write_files(args.out, crds, policy_objects()):
            print(path)
        return 0
    sys.stdout.write("---\n".join(rendered_files(crds, policy_objects()).values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

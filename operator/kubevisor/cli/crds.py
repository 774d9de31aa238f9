"""`kubevisor crds`: the CustomResourceDefinitions and admission policies, as YAML.

`kubevisor crds | kubectl apply --server-side -f -` installs them.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kubevisor.crds.generate import DESCRIPTION, OUT_HELP, generate


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("crds", help=DESCRIPTION, description=DESCRIPTION)
    parser.add_argument("--out", type=Path, help=OUT_HELP)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    out: Path | None = args.out
    return generate(out)

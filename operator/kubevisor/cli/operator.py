"""`kubevisor operator`: run the Kubernetes operator (watch, compile, publish)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "operator",
        help="run the operator: watch kubevisor resources, publish datafiles",
        description=(
            "Watch Attribute, Segment, Feature, Group, Schema and Datafile resources, compile "
            "each Datafile and publish it to its ConfigMap and object store. Uses the in-cluster "
            "service account, else $KUBECONFIG or ~/.kube/config. Several replicas may run: a "
            "Lease elects the one that writes."
        ),
    )
    parser.add_argument(
        "--namespace",
        "-n",
        action="append",
        dest="namespaces",
        metavar="NS",
        help="watch this namespace (repeatable; default: $KUBEVISOR_NAMESPACES, else all)",
    )
    parser.add_argument(
        "--metrics-port",
        type=int,
        help=(
            "port of /metrics, /healthz and /readyz "
            "(default: $KUBEVISOR_METRICS_PORT_NUMBER or 8080)"
        ),
    )
    parser.add_argument(
        "--debounce",
        type=float,
        metavar="SECONDS",
        help="quiet time before a changed namespace is compiled (default 0.3)",
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="log debug messages")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from kubevisor.controller.operator import run as run_operator
    from kubevisor.controller.settings import OperatorSettings

    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx2").setLevel(logging.WARNING)
    logging.getLogger("kopf.objects").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = OperatorSettings()
    if args.namespaces:
        settings.namespaces = args.namespaces
    if args.metrics_port is not None:
        settings.metrics_port = args.metrics_port
    if args.debounce is not None:
        settings.debounce_seconds = args.debounce
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_operator(settings))
    return 0

"""`kubevisor operator`: run the Kubernetes operator (watch, compile, publish)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "operator",
        help="run the operator: watch kubevisor resources, publish datafiles",
        description=(
            "Watch Attribute, Segment, Feature, Group, Schema and Datafile resources, compile "
            "each Datafile and publish it to its ConfigMap and object store. Uses the in-cluster "
            "service account, else $KUBECONFIG or ~/.kube/config. Several replicas may run: a "
            "Lease elects the one that writes. A cluster too big for one process is split into "
            "shards of namespaces (--shard; docs/operations.md)."
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
        "--shard",
        metavar="KEY",
        help="serve only the namespaces labeled kubevisor.io/shard=KEY, with a Lease of its own "
        "(default: $KUBEVISOR_SHARD, else the namespaces without that label; cluster-wide only)",
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
    security = parser.add_argument_group(
        "security relaxations",
        "All off by default; each lets tenants' Datafiles reach further (docs/security.md).",
    )
    security.add_argument(
        "--allow-cross-namespace-copies",
        action="store_true",
        default=None,
        help="copy ConfigMaps into any namespace without a DatafileGrant there "
        "(default: $KUBEVISOR_ALLOW_CROSS_NAMESPACE_COPIES, else off)",
    )
    security.add_argument(
        "--object-store-ambient-prefix",
        action="append",
        dest="ambient_prefixes",
        metavar="URL",
        help="URL prefix (`{namespace}` is the Datafile's) where a Datafile without a "
        "credentials Secret uses the operator's own identity; repeatable "
        "(default: $KUBEVISOR_OBJECT_STORE_AMBIENT_PREFIXES, comma-separated, else none)",
    )
    security.add_argument(
        "--object-store-allowed-endpoint",
        action="append",
        dest="allowed_endpoints",
        metavar="URL",
        help="endpoint a Datafile may name (spec.objectStore.endpoint or its Secret), `*` for "
        "any; repeatable (default: $KUBEVISOR_OBJECT_STORE_ALLOWED_ENDPOINTS, else none)",
    )
    security.add_argument(
        "--allow-file-urls",
        action="store_true",
        default=None,
        help="allow file:/// object-store URLs, files on the operator's filesystem "
        "(default: $KUBEVISOR_ALLOW_FILE_URLS, else off)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        metavar="N",
        help="namespaces reconciled at once, each compiled in its own worker process "
        "(default: $KUBEVISOR_CONCURRENCY or 4)",
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="log debug messages")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import dataclasses

    from kubevisor.controller.operator import run as run_operator
    from kubevisor.controller.settings import OperatorSettings, shard_problem

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
    if args.shard:
        settings.shard = args.shard
    if problem := shard_problem(settings.shard, settings.namespaces):
        print(f"kubevisor operator: {problem}", file=sys.stderr)
        return 2
    if args.metrics_port is not None:
        settings.metrics_port = args.metrics_port
    if args.debounce is not None:
        settings.debounce_seconds = args.debounce
    overrides: dict[str, Any] = {
        "allow_cross_namespace_copies": args.allow_cross_namespace_copies,
        "ambient_prefixes": tuple(args.ambient_prefixes) if args.ambient_prefixes else None,
        "allowed_endpoints": tuple(args.allowed_endpoints) if args.allowed_endpoints else None,
        "allow_file_urls": args.allow_file_urls,
    }
    settings.security = dataclasses.replace(
        settings.security, **{k: v for k, v in overrides.items() if v is not None}
    )
    if args.concurrency is not None:
        settings.concurrency = max(1, args.concurrency)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_operator(settings))
    return 0

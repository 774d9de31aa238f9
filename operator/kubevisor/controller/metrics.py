"""Prometheus metrics and the health endpoints, served on one HTTP port."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    """Everything the operator measures. One registry per operator, so tests stay isolated."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.compile_seconds = Histogram(
            "kubevisor_compile_duration_seconds",
            "Time to compile one namespace (all its Datafiles).",
            ["namespace"],
            registry=self.registry,
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.compile_failures = Counter(
            "kubevisor_compile_failures_total",
            "Compiles that failed (timeout, crash, an input the compiler cannot handle).",
            ["namespace"],
            registry=self.registry,
        )
        self.publish_seconds = Histogram(
            "kubevisor_publish_duration_seconds",
            "Time to publish one datafile to one output.",
            ["output"],
            registry=self.registry,
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.publishes = Counter(
            "kubevisor_publishes_total",
            "Datafile writes per output and result.",
            ["namespace", "datafile", "output", "result"],
            registry=self.registry,
        )
        self.datafile_bytes = Gauge(
            "kubevisor_datafile_bytes",
            "Size of the datafile currently served.",
            ["namespace", "datafile"],
            registry=self.registry,
        )
        self.invalid_objects = Gauge(
            "kubevisor_invalid_objects",
            "Objects with problems that hold back datafiles.",
            ["namespace"],
            registry=self.registry,
        )
        self.is_leader = Gauge(
            "kubevisor_leader", "1 while this replica publishes.", registry=self.registry
        )
        self.last_success: dict[tuple[str, str], float] = {}
        self.registry.register(_SinceLastSuccess(self.last_success))

    def published(self, namespace: str, datafile: str) -> None:
        self.last_success[(namespace, datafile)] = time.time()

    def forget(self, namespace: str, datafile: str) -> None:
        self.last_success.pop((namespace, datafile), None)
        with contextlib.suppress(KeyError):
            self.datafile_bytes.remove(namespace, datafile)


class _SinceLastSuccess(Collector):
    """Seconds since each Datafile was last published successfully (all outputs current)."""

    def __init__(self, last_success: dict[tuple[str, str], float]) -> None:
        self.last_success = last_success

    def collect(self) -> list[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "kubevisor_seconds_since_last_successful_publish",
            "Seconds since the Datafile's outputs were last all current.",
            labels=["namespace", "datafile"],
        )
        now = time.time()
        for (namespace, datafile), when in sorted(self.last_success.items()):
            family.add_metric([namespace, datafile], now - when)
        return [family]


def make_app(
    metrics: Metrics, healthy: Callable[[], str | None], ready: Callable[[], str | None]
) -> web.Application:
    """`/metrics`, `/healthz` (liveness) and `/readyz` (readiness); a probe answers 503 with
    the reason when its check returns one."""

    async def serve_metrics(_request: web.Request) -> web.Response:
        return web.Response(
            body=generate_latest(metrics.registry), headers={"Content-Type": CONTENT_TYPE}
        )

    def probe(check: Callable[[], str | None]) -> Callable[[web.Request], object]:
        async def handler(_request: web.Request) -> web.Response:
            problem = check()
            if problem:
                return web.Response(status=503, text=problem + "\n")
            return web.Response(text="ok\n")

        return handler

    app = web.Application()
    app.router.add_get("/metrics", serve_metrics)
    app.router.add_get("/healthz", probe(healthy))  # type: ignore[arg-type]
    app.router.add_get("/readyz", probe(ready))  # type: ignore[arg-type]
    return app

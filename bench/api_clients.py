"""API clients and Kopf's own facilities, measured against a real kube-apiserver (issue 12).

For lightkube (AsyncClient), the official `kubernetes` client and `kubernetes_asyncio` (each
in fresh processes): import time and RSS after the import; RSS after listing N Features (the
listing kept); p50/p99 latency of status merge-patches and of server-side applies of a ~300 KB
ConfigMap. For Kopf, at the same N: the time and RSS until every Feature reached a handler,
with a `@kopf.index` (whose handlers wait for the index) and with one low-level event handler
feeding a cache (what the operator does); and what a high-level `@kopf.on.create` handler
leaves on the objects (the annotation holding a copy of the spec).

    nice .venv/bin/python bench/api_clients.py [--features 10000] [--imports-only]

`kubernetes` and `kubernetes_asyncio` are not dependencies of kubevisor: install them into the
venv to measure them (`.venv/bin/pip install kubernetes kubernetes_asyncio`); missing ones are
reported as such. Kopf's own API calls are not measured: they live in `kopf._cogs.clients`, a
private module with no public entry point.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

GROUP, VERSION, PLURAL = "kubevisor.io", "v1alpha1", "features"
NAMESPACE = "bench"
"""`operator_env.NAMESPACE`, where `operator_env` puts the Features. That module is imported by
the parent only: it loads lightkube and kubevisor, which would count in every child's RSS."""
CLIENTS = ("lightkube", "kubernetes", "kubernetes_asyncio")
IMPORTS = {
    "python": [],
    "lightkube": ["lightkube", "lightkube.resources.core_v1", "lightkube.generic_resource"],
    "kubernetes": ["kubernetes.client", "kubernetes.config"],
    "kubernetes_asyncio": ["kubernetes_asyncio.client", "kubernetes_asyncio.config"],
    "kopf": ["kopf"],
}
CONFIGMAP_BYTES = 300 * 1024
HIGH_LEVEL_NAMESPACE = "bench-handlers"
KOPF_DIFFBASE = "kopf.zalando.org/last-handled-configuration"
KOPF_TIMEOUT_SECONDS = 600.0


def rss_mib() -> tuple[float, float]:
    """(current, peak) resident set size of this process, MiB."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


# ---------------------------------------------------------------- children (fresh processes)


def child_import(name: str) -> dict[str, Any]:
    """This script loads only the standard library before: the `python` row is the base."""
    import importlib

    started, cpu = time.perf_counter(), time.process_time()
    for module in IMPORTS[name]:
        importlib.import_module(module)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "rss": rss_mib()[0]}


class Calls:
    """The three calls measured, for one client."""

    async def list_features(self) -> int:
        raise NotImplementedError

    async def patch_status(self, name: str, status: dict[str, Any]) -> None:
        raise NotImplementedError

    async def apply_configmap(self, body: dict[str, Any]) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        pass


class LightkubeCalls(Calls):
    def __init__(self, kubeconfig: str) -> None:
        from lightkube import AsyncClient
        from lightkube.config.kubeconfig import KubeConfig
        from lightkube.generic_resource import create_namespaced_resource

        self.client = AsyncClient(KubeConfig.from_file(kubeconfig), field_manager="bench")
        self.feature = create_namespaced_resource(GROUP, VERSION, "Feature", PLURAL)
        self.kept: list[Any] = []

    async def list_features(self) -> int:
        self.kept = [item async for item in self.client.list(self.feature, namespace=NAMESPACE)]
        return len(self.kept)

    async def patch_status(self, name: str, status: dict[str, Any]) -> None:
        from lightkube.types import PatchType

        await self.client.patch(
            self.feature.Status,
            name,
            {"status": status},
            namespace=NAMESPACE,
            patch_type=PatchType.MERGE,
        )

    async def apply_configmap(self, body: dict[str, Any]) -> None:
        from lightkube.resources.core_v1 import ConfigMap

        await self.client.apply(ConfigMap.from_dict(body), field_manager="bench", force=True)  # type: ignore[call-overload]

    async def close(self) -> None:
        await self.client.close()


class KubernetesCalls(Calls):
    """The official client is synchronous: an operator would call it in threads."""

    def __init__(self, kubeconfig: str) -> None:
        from kubernetes import client, config

        api = config.new_client_from_config(config_file=kubeconfig)  # type: ignore[no-untyped-call]
        self.custom = client.CustomObjectsApi(api)
        self.core = client.CoreV1Api(api)
        self.kept: Any = None

    async def list_features(self) -> int:
        self.kept = self.custom.list_namespaced_custom_object(GROUP, VERSION, NAMESPACE, PLURAL)
        return len(self.kept["items"])

    async def patch_status(self, name: str, status: dict[str, Any]) -> None:
        self.custom.patch_namespaced_custom_object_status(
            GROUP,
            VERSION,
            NAMESPACE,
            PLURAL,
            name,
            {"status": status},
            _content_type="application/merge-patch+json",
        )

    async def apply_configmap(self, body: dict[str, Any]) -> None:
        self.core.patch_namespaced_config_map(
            body["metadata"]["name"],
            NAMESPACE,
            body,
            field_manager="bench",
            force=True,
            _content_type="application/apply-patch+yaml",
        )


class KubernetesAsyncioCalls(Calls):
    def __init__(self, kubeconfig: str) -> None:
        self.kubeconfig = kubeconfig
        self.kept: Any = None

    async def open(self) -> None:
        from kubernetes_asyncio import client, config

        self.api = await config.new_client_from_config(config_file=self.kubeconfig)
        self.custom = client.CustomObjectsApi(self.api)
        self.core = client.CoreV1Api(self.api)

    async def list_features(self) -> int:
        self.kept = await self.custom.list_namespaced_custom_object(
            GROUP, VERSION, NAMESPACE, PLURAL
        )
        return len(self.kept["items"])

    async def patch_status(self, name: str, status: dict[str, Any]) -> None:
        await self.custom.patch_namespaced_custom_object_status(  # type: ignore[call-arg]
            GROUP,
            VERSION,
            NAMESPACE,
            PLURAL,
            name,
            {"status": status},
            _content_type="application/merge-patch+json",
        )

    async def apply_configmap(self, body: dict[str, Any]) -> None:
        await self.core.patch_namespaced_config_map(  # type: ignore[call-arg]
            body["metadata"]["name"],
            NAMESPACE,
            body,
            field_manager="bench",
            force=True,
            _content_type="application/apply-patch+yaml",
        )

    async def close(self) -> None:
        await self.api.close()


async def timed(call: Callable[[int], Awaitable[None]], count: int) -> list[float]:
    seconds = []
    for index in range(count):
        started = time.perf_counter()
        await call(index)
        seconds.append(time.perf_counter() - started)
    return seconds


async def child_calls(name: str, kubeconfig: str, patches: int, applies: int) -> dict[str, Any]:
    calls: Calls
    if name == "lightkube":
        calls = LightkubeCalls(kubeconfig)
    elif name == "kubernetes":
        calls = KubernetesCalls(kubeconfig)
    else:
        calls = KubernetesAsyncioCalls(kubeconfig)
        await calls.open()
    before = rss_mib()[0]
    started = time.perf_counter()
    listed = await calls.list_features()
    list_seconds = time.perf_counter() - started
    after_list = rss_mib()[0]

    def status(index: int) -> dict[str, Any]:
        condition = {"type": "Ready", "status": "True", "reason": "Bench", "message": f"{index}"}
        return {"observedGeneration": index, "conditions": [condition]}

    patch = await timed(lambda i: calls.patch_status("f00000", status(i)), patches)
    filler = "x" * CONFIGMAP_BYTES

    def configmap(index: int) -> dict[str, Any]:
        metadata = {"name": f"bench-{name.replace('_', '-')}", "namespace": NAMESPACE}
        data = {"datafile.json": f"{index:06d}{filler}"}
        return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": data}

    apply_seconds = await timed(lambda i: calls.apply_configmap(configmap(i)), applies)
    await calls.close()
    return {
        "listed": listed,
        "list_seconds": list_seconds,
        "rss_before_list": before,
        "rss_after_list": after_list,
        "peak": rss_mib()[1],
        "patch": patch,
        "apply": apply_seconds,
    }


def child_kopf(mode: str, expected: int) -> dict[str, Any]:
    """Kopf watching the Features of NAMESPACE until each reached a handler."""
    import kopf
    from kubevisor.controller.handlers import compact, fingerprint

    registry = kopf.OperatorRegistry()
    stop = asyncio.Event()
    seen: dict[str, Any] = {}
    started = time.monotonic()
    result: dict[str, Any] = {}

    def note(uid: str, value: Any) -> None:
        seen[uid] = value
        # The create handler's process is stopped by the parent once Kopf has patched the
        # objects: stopping here could come before that patch.
        if len(seen) == expected and not result and mode != "create":
            result.update(
                seconds=time.monotonic() - started, cpu=time.process_time(), rss=rss_mib()[0]
            )
            stop.set()

    if mode == "index":

        @kopf.index(GROUP, VERSION, PLURAL, id="by_uid", registry=registry)
        def by_uid(uid: str, body: Any, **_: Any) -> dict[str, Any]:
            return {uid: compact(body)}

        @kopf.on.event(GROUP, VERSION, PLURAL, registry=registry)  # type: ignore[arg-type]
        def indexed(uid: str, by_uid: Any, **_: Any) -> None:
            note(uid, None)  # the object itself is held by the index

    elif mode == "events":

        @kopf.on.event(GROUP, VERSION, PLURAL, registry=registry)
        def cached(uid: str, body: Any, **_: Any) -> None:
            value = compact(body)
            note(uid, (value, fingerprint(value)))

    else:  # "create": a high-level handler, on the small namespace
        invocations = result.setdefault("invocations", {})

        @kopf.on.create(GROUP, VERSION, PLURAL, registry=registry)
        def created(uid: str, name: str, **_: Any) -> None:
            invocations[name] = invocations.get(name, 0) + 1
            note(uid, None)

    kopf.on.login(registry=registry)(kopf.login_with_kubeconfig)

    @kopf.on.startup(registry=registry)
    def configure(settings: kopf.OperatorSettings, **_: Any) -> None:
        settings.scanning.disabled = True
        settings.posting.level = 40  # errors only

    namespace = HIGH_LEVEL_NAMESPACE if mode == "create" else NAMESPACE
    if mode == "create":  # what Kopf says when it cannot store its annotation
        logging.basicConfig(level=logging.INFO, stream=sys.stderr)

    async def run() -> None:
        operator = asyncio.create_task(
            kopf.operator(
                registry=registry,
                standalone=True,
                clusterwide=False,
                namespaces=[namespace],
                stop_flag=stop,
            )
        )
        try:
            await asyncio.wait_for(asyncio.shield(operator), KOPF_TIMEOUT_SECONDS)
        except TimeoutError:
            result.update(timeout=True, reached=len(seen), rss=rss_mib()[0])
            stop.set()
            await operator

    asyncio.run(run())
    result.setdefault("reached", len(seen))
    result.setdefault("rss", rss_mib()[0])
    result["peak"] = rss_mib()[1]
    return result


# ---------------------------------------------------------------- the parent


def run_child(*args: str, kubeconfig: Path | None = None) -> dict[str, Any]:
    env = dict(os.environ)
    if kubeconfig is not None:
        env["KUBECONFIG"] = str(kubeconfig)
    command = [sys.executable, __file__, "--child", *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"error": last}
    loaded: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def installed(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


def big_feature(name: str, variables: int) -> dict[str, Any]:
    """A Feature whose spec is about 0.6 KB per variable."""
    from operator_env import feature

    value = feature(name)
    value["metadata"]["namespace"] = HIGH_LEVEL_NAMESPACE
    value["spec"]["variablesSchema"] = {
        f"v{index:03d}": {"type": "string", "defaultValue": "x" * 600} for index in range(variables)
    }
    return value


def high_level_annotations(cluster: Any) -> list[tuple[str, int, int | str, int]]:
    """(feature, spec bytes, bytes of Kopf's annotation or "absent", handler invocations)
    once Kopf's create handler ran over a few Features, two of them with large specs."""
    from lightkube import Client
    from lightkube.config.kubeconfig import KubeConfig
    from lightkube.generic_resource import create_namespaced_resource
    from operator_env import apply, feature

    cluster.kubectl("create", "namespace", HIGH_LEVEL_NAMESPACE)
    small = [feature(f"h{index}") for index in range(3)]
    for value in small:
        value["metadata"]["namespace"] = HIGH_LEVEL_NAMESPACE
    objects = [*small, big_feature("big150", 250), big_feature("big300", 500)]
    apply(cluster, objects)
    kind = create_namespaced_resource(GROUP, VERSION, "Feature", PLURAL)
    client = Client(KubeConfig.from_file(cluster.kubeconfig))
    env = {**os.environ, "KUBECONFIG": str(cluster.kubeconfig)}
    command = [sys.executable, __file__, "--child", "kopf", "create", str(len(objects))]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    rows: dict[str, tuple[str, int, int | str]] = {}
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            for item in client.list(kind, namespace=HIGH_LEVEL_NAMESPACE):
                metadata = item.metadata
                assert metadata is not None and metadata.name is not None
                annotation = (metadata.annotations or {}).get(KOPF_DIFFBASE)
                spec = len(json.dumps(item.to_dict()["spec"], separators=(",", ":")))  # type: ignore[no-untyped-call]
                rows[metadata.name] = (
                    metadata.name,
                    spec,
                    len(annotation) if annotation is not None else "absent",
                )
            if all(isinstance(row[2], int) for row in rows.values()) or process.poll() is not None:
                break
            time.sleep(2)
    finally:
        process.terminate()  # Kopf stops cleanly on SIGTERM; the child then prints its counts
        output, errors = process.communicate(timeout=60)
    refused = [line for line in errors.decode().splitlines() if "Too long" in line]
    if refused:
        print(f"Kopf's own patch was refused: {refused[0][:300]}")
    lines = output.decode().strip().splitlines()
    invocations = json.loads(lines[-1]).get("invocations", {}) if lines else {}
    return sorted((*row, invocations.get(row[0], 0)) for row in rows.values())


def ms(values: list[float], fraction: float) -> str:
    from operator_env import percentile

    return f"{percentile(values, fraction) * 1000:.1f}"


def measure(args: argparse.Namespace) -> None:
    import operator_env
    from operator_env import apply, bench_cluster, feature

    assert operator_env.NAMESPACE == NAMESPACE
    print(f"load average at start: {os.getloadavg()}")
    clients = [name for name in CLIENTS if installed(name)]
    missing = sorted(set(CLIENTS) - set(clients))
    if missing:
        print(f"not installed, not measured: {', '.join(missing)}")
    print("\nimport (fresh process, second of two runs; CPU time is what load does not inflate)")
    print(f"{'':20} {'seconds':>8} {'CPU s':>8} {'RSS MiB':>8}")
    for name in ["python", *clients, "kopf"]:
        run_child("import", name)  # the first run may write .pyc files
        found = run_child("import", name)
        if "error" in found:
            print(f"{name:20} {found['error']}")
            continue
        print(f"{name:20} {found['seconds']:8.2f} {found['cpu']:8.2f} {found['rss']:8.0f}")
    if args.imports_only:
        return

    with bench_cluster() as cluster:
        objects = [feature(f"f{i:05d}") for i in range(args.features)]
        took = apply(cluster, objects, workers=4)
        print(f"\napplied {len(objects)} Features in {took:.0f} s")
        print(
            f"\nclient calls: list {args.features} Features (kept), {args.patches} status "
            f"merge-patches, {args.applies} server-side applies of a {CONFIGMAP_BYTES // 1024} KB "
            "ConfigMap (ms)"
        )
        print(
            f"{'':20} {'listed':>7} {'list s':>7} {'RSS before':>10} {'RSS after':>10} "
            f"{'patch p50':>9} {'p99':>7} {'apply p50':>9} {'p99':>7}"
        )
        for name in clients:
            found = run_child("calls", name, kubeconfig=cluster.kubeconfig)
            if "error" in found:
                print(f"{name:20} {found['error']}")
                continue
            print(
                f"{name:20} {found['listed']:7d} {found['list_seconds']:7.2f} "
                f"{found['rss_before_list']:10.0f} {found['rss_after_list']:10.0f} "
                f"{ms(found['patch'], 0.5):>9} {ms(found['patch'], 0.99):>7} "
                f"{ms(found['apply'], 0.5):>9} {ms(found['apply'], 0.99):>7}"
            )

        print(f"\nKopf start-up until each of {args.features} Features reached a handler")
        print(f"{'':34} {'seconds':>8} {'CPU s':>8} {'RSS MiB':>8} {'peak MiB':>9}")
        for mode, label in (("events", "low-level handler + own cache"), ("index", "@kopf.index")):
            found = run_child("kopf", mode, str(args.features), kubeconfig=cluster.kubeconfig)
            if "error" in found:
                print(f"{label:34} {found['error']}")
            elif "seconds" not in found:
                print(
                    f"{label:34} {'>' + str(int(KOPF_TIMEOUT_SECONDS)):>8} {'':>8} "
                    f"{found['rss']:8.0f} "
                    f"{found['peak']:9.0f}  (only {found['reached']} reached)"
                )
            else:
                print(
                    f"{label:34} {found['seconds']:8.1f} {found['cpu']:8.1f} {found['rss']:8.0f} "
                    f"{found['peak']:9.0f}"
                )

        print(f"\nKopf @kopf.on.create: its annotation {KOPF_DIFFBASE}")
        print(f"{'feature':10} {'spec bytes':>10} {'annotation bytes':>17} {'handler calls':>14}")
        for name, spec, annotation, calls in high_level_annotations(cluster):
            print(f"{name:10} {spec:10d} {annotation!s:>17} {calls:14d}")
    print(f"\nload average at end: {os.getloadavg()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--features", type=int, default=10_000)
    parser.add_argument("--patches", type=int, default=200)
    parser.add_argument("--applies", type=int, default=50)
    parser.add_argument("--imports-only", action="store_true", help="no cluster: imports only")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.child:
        measure(args)
        return
    kind, *rest = args.child
    if kind == "import":
        answer = child_import(rest[0])
    elif kind == "calls":
        kubeconfig = os.environ["KUBECONFIG"]
        answer = asyncio.run(child_calls(rest[0], kubeconfig, args.patches, args.applies))
    else:
        answer = child_kopf(rest[0], int(rest[1]))
    print(json.dumps(answer))


if __name__ == "__main__":
    main()

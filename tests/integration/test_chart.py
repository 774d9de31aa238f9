"""The Helm chart and the kustomize overlays: lint, render, and a server-side dry-run apply on
the real API server, in cluster-wide and namespaced scope."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest
import yaml
from kubevisor.controller.metrics import Metrics
from kubevisor.devcluster.state import ClusterInfo
from packaging_tools import (
    CHART,
    ROOT,
    ensure_namespace,
    helm,
    helm_template,
    install_crds,
)

RELEASE_NAMESPACE = "kubevisor-chart"
WATCHED = ["chart-team-a", "chart-team-b"]

MODES: dict[str, list[str]] = {
    "cluster": [
        "rbac.scope=cluster",
        "defaultDatafiles.enabled=true",
        "defaultDatafiles.namespace=chart-team-a",
        "defaultDatafiles.environments={staging,production}",
        "defaultDatafiles.objectStoreUrl=s3://flags/shop",
        "objectStore.credentials.create=true",
        "objectStore.credentials.stringData.AWS_REGION=us-east-1",
    ],
    "namespaced": [
        "rbac.scope=namespaced",
        f"watchNamespaces={{{','.join(WATCHED)}}}",
        "configMapNamespaces={chart-apps}",
    ],
}


def documents(rendered: str) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(rendered) if doc]


@pytest.mark.parametrize("mode", sorted(MODES))
def test_helm_lint_passes(mode: str) -> None:
    command = [helm(), "lint", "--strict", str(CHART)]
    for value in MODES[mode]:
        command += ["--set", value]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("mode", sorted(MODES))
def test_rendered_chart_applies_server_side(cluster: ClusterInfo, mode: str) -> None:
    install_crds(cluster)
    for namespace in [RELEASE_NAMESPACE, *WATCHED, "chart-apps"]:
        ensure_namespace(cluster, namespace)
    rendered = helm_template("kubevisor", RELEASE_NAMESPACE, *MODES[mode])
    output = cluster.kubectl("apply", "--dry-run=server", "-f", "-", stdin=rendered)
    applied = {line.split()[0] for line in output.splitlines() if "(server dry run)" in line}
    kinds = {doc["kind"] for doc in documents(rendered)}
    assert "deployment.apps/kubevisor" in applied
    if mode == "cluster":
        assert {"ClusterRole", "ClusterRoleBinding", "Datafile", "Secret"} <= kinds
        assert "datafile.kubevisor.io/all-production" in applied
    else:
        assert not {"ClusterRole", "ClusterRoleBinding"} & kinds, "namespaced scope is Role-only"
        roles = {
            (doc["metadata"]["namespace"], doc["metadata"]["name"])
            for doc in documents(rendered)
            if doc["kind"] == "Role"
        }
        assert {(ns, "kubevisor") for ns in WATCHED} <= roles
        assert ("chart-apps", "kubevisor-copies") in roles


def test_deployment_is_hardened_and_probed() -> None:
    rendered = documents(helm_template("kubevisor", RELEASE_NAMESPACE))
    deployment = next(doc for doc in rendered if doc["kind"] == "Deployment")
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert deployment["spec"]["replicas"] == 2
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["resources"]["requests"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["args"][0] == "operator"
    pdb = next(doc for doc in rendered if doc["kind"] == "PodDisruptionBudget")
    assert pdb["spec"]["minAvailable"] == 1


def test_alert_rules_use_metrics_the_operator_exports() -> None:
    rendered = documents(
        helm_template(
            "kubevisor",
            RELEASE_NAMESPACE,
            "metrics.serviceMonitor.enabled=true",
            "metrics.prometheusRule.enabled=true",
        )
    )
    kinds = {doc["kind"] for doc in rendered}
    assert {"ServiceMonitor", "PrometheusRule"} <= kinds
    rule = next(doc for doc in rendered if doc["kind"] == "PrometheusRule")
    alerts = {r["alert"]: r["expr"] for group in rule["spec"]["groups"] for r in group["rules"]}
    assert {"KubevisorDatafileStale", "KubevisorInvalidObjects"} <= set(alerts)
    exported = {family.name for family in Metrics().registry.collect()}
    for alert, expr in alerts.items():
        used = set(re.findall(r"\bkubevisor_[a-z_]+", expr))
        assert used, alert
        assert used <= exported, f"{alert} uses {used - exported}, not exported by the operator"


def test_unknown_scope_is_refused_with_a_message() -> None:
    result = subprocess.run(
        [helm(), "template", "kubevisor", str(CHART), "--set", "rbac.scope=global"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "rbac.scope must be cluster or namespaced" in result.stderr


@pytest.mark.parametrize("overlay", ["cluster", "namespaced"])
def test_kustomize_overlay_renders_and_applies_server_side(
    cluster: ClusterInfo, overlay: str
) -> None:
    rendered = subprocess.run(
        ["kubectl", "kustomize", str(ROOT / "deploy" / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    kinds = {doc["kind"] for doc in documents(rendered)}
    assert {"CustomResourceDefinition", "Deployment", "ServiceAccount"} <= kinds
    # A dry run creates nothing, so namespaces the overlay brings must exist for the objects in
    # them to be checked.
    for doc in documents(rendered):
        if doc["kind"] == "Namespace":
            ensure_namespace(cluster, doc["metadata"]["name"])
    output = cluster.kubectl(
        "apply", "--server-side", "--force-conflicts", "--dry-run=server", "-f", "-", stdin=rendered
    )
    assert "deployment.apps/kubevisor serverside-applied (server dry run)" in output
    if overlay == "namespaced":
        assert "ClusterRole" not in kinds
        deployment = next(doc for doc in documents(rendered) if doc["kind"] == "Deployment")
        env = {
            e["name"]: e.get("value")
            for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]
        }
        assert env["KUBEVISOR_NAMESPACES"] == "features"
    else:
        assert "ClusterRole" in kinds


def test_pods_get_no_service_links_and_default_datafiles_describe_their_target() -> None:
    # A release named `kubevisor` has a Service `kubevisor-metrics`; its service-link variables
    # (`KUBEVISOR_METRICS_PORT=tcp://…`) once crashed the operator. Featurevisor requires a
    # target description, and a Datafile without one never publishes.
    rendered = documents(
        helm_template("kubevisor", RELEASE_NAMESPACE, "defaultDatafiles.enabled=true")
    )
    deployment = next(doc for doc in rendered if doc["kind"] == "Deployment")
    assert deployment["spec"]["template"]["spec"]["enableServiceLinks"] is False
    datafiles = [doc for doc in rendered if doc["kind"] == "Datafile"]
    assert datafiles
    for datafile in datafiles:
        assert datafile["spec"]["description"].strip()

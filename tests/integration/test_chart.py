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
    "sharded": ["rbac.scope=cluster", "shards={a,b}"],
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
    elif mode == "sharded":
        assert {"deployment.apps/kubevisor-shard-a", "deployment.apps/kubevisor-shard-b"} <= applied
        assert "poddisruptionbudget.policy/kubevisor-shard-a" in applied
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
        metrics = re.sub(r"by \([^)]*\)", "", expr)  # label names are not metrics
        used = set(re.findall(r"\bkubevisor_[a-z_]+", metrics))
        assert used, alert
        assert used <= exported, f"{alert} uses {used - exported}, not exported by the operator"


def test_each_shard_gets_a_deployment_of_its_own_and_the_default_serves_the_rest() -> None:
    rendered = documents(helm_template("kubevisor", RELEASE_NAMESPACE, "shards={a,b}"))
    deployments = {doc["metadata"]["name"]: doc for doc in rendered if doc["kind"] == "Deployment"}
    assert set(deployments) == {"kubevisor", "kubevisor-shard-a", "kubevisor-shard-b"}
    for name, shard in [
        ("kubevisor", None),
        ("kubevisor-shard-a", "a"),
        ("kubevisor-shard-b", "b"),
    ]:
        spec = deployments[name]["spec"]
        pod = spec["template"]["spec"]
        args = pod["containers"][0]["args"]
        assert [arg for arg in args if arg.startswith("--shard")] == (
            [f"--shard={shard}"] if shard else []
        )
        assert pod["serviceAccountName"] == "kubevisor"
        labels = spec["template"]["metadata"]["labels"]
        assert labels.get("kubevisor.io/shard") == shard
        assert spec["selector"]["matchLabels"].items() <= labels.items()
    # The default instance keeps its selector from before shards (it cannot change on upgrade).
    plain = documents(helm_template("kubevisor", RELEASE_NAMESPACE))
    default = next(doc for doc in plain if doc["kind"] == "Deployment")
    assert deployments["kubevisor"]["spec"]["selector"] == default["spec"]["selector"]
    # Each instance's PDB counts only its own pods.
    budgets = {
        doc["metadata"]["name"]: doc["spec"]["selector"]["matchExpressions"]
        for doc in rendered
        if doc["kind"] == "PodDisruptionBudget"
    }
    assert budgets == {
        "kubevisor": [{"key": "kubevisor.io/shard", "operator": "DoesNotExist"}],
        "kubevisor-shard-a": [{"key": "kubevisor.io/shard", "operator": "In", "values": ["a"]}],
        "kubevisor-shard-b": [{"key": "kubevisor.io/shard", "operator": "In", "values": ["b"]}],
    }
    role = next(doc for doc in rendered if doc["kind"] == "ClusterRole")
    assert {"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get", "list", "watch"]} in (
        role["rules"]
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["shards={Shard_A}"], '"Shard_A" is not a lowercase DNS label'),
        (["shards={a,a}"], "each key may appear once"),
        (["shards={a}", "rbac.scope=namespaced"], "shards split a cluster-wide install"),
    ],
)
def test_shard_keys_the_operator_would_refuse_fail_the_render(
    values: list[str], message: str
) -> None:
    command = [helm(), "template", "kubevisor", str(CHART)]
    for value in values:
        command += ["--set", value]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert message in result.stderr


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

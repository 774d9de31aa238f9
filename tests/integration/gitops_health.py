"""What Argo CD (our Lua, in a real Lua 5.1) and Flux (the kstatus library) make of objects."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import lupa.lua51 as lua51
import yaml
from packaging_tools import ROOT, kstatus

ARGOCD_HEALTH = ROOT / "deploy" / "gitops" / "argocd" / "health.lua"


def argocd_health(obj: Mapping[str, Any]) -> tuple[str, str]:
    """(status, message) of deploy/gitops/argocd/health.lua for `obj`, the way Argo CD runs it:
    the object as the global `obj`, the script's return value a table with status and message."""
    runtime = lua51.LuaRuntime()
    assert runtime.eval("_VERSION") == "Lua 5.1", "Argo CD embeds Lua 5.1; test with the same"
    runtime.globals().obj = runtime.table_from(dict(obj), recursive=True)
    result = runtime.execute(ARGOCD_HEALTH.read_text())
    return str(result["status"]), str(result["message"] or "")


FLUX_KUSTOMIZATION = ROOT / "deploy" / "gitops" / "flux" / "kustomization.yaml"


def kstatus_of(
    objects: Sequence[Mapping[str, Any]], *, flux_exprs: Path | None = None
) -> list[str]:
    """kstatus' status (Current, InProgress, Failed, ...) of each object, in order; with
    `flux_exprs` (a JSON file of healthCheckExprs) Flux's CEL health checks decide instead, and
    "Error" means the expressions could not be evaluated (Flux: Unknown, retried)."""
    command = [kstatus()] + (["-flux-exprs", str(flux_exprs)] if flux_exprs else [])
    output = subprocess.run(
        command, input=json.dumps(list(objects)), capture_output=True, text=True, check=True
    ).stdout
    return [line.split(" ", 2)[1] for line in output.splitlines()]


def flux_health_check_exprs(folder: Path) -> Path:
    """The healthCheckExprs of deploy/gitops/flux, as the JSON file tools/kstatus reads."""
    documents = [doc for doc in yaml.safe_load_all(FLUX_KUSTOMIZATION.read_text()) if doc]
    entries = [e for doc in documents for e in doc["spec"].get("healthCheckExprs") or []]
    path = folder / "flux-health-check-exprs.json"
    path.write_text(json.dumps(entries))
    return path

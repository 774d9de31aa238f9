"""What Argo CD (our Lua, in a real Lua 5.1) and Flux (the kstatus library) make of objects."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping, Sequence
from typing import Any

import lupa.lua51 as lua51
from packaging_tools import ROOT, kstatus

ARGOCD_HEALTH = ROOT / "deploy" / "gitops" / "argocd" / "health.lua"


def argocd_health(obj: Mapping[str, Any]) -> tuple[str, str]:
    """(status, message) of deploy/gitops/argocd/health.lua for `obj`, the way Argo CD runs it:
    the object as the global `obj`, the script's return value a table with status and message."""
    runtime = lua51.LuaRuntime()
    runtime.globals().obj = runtime.table_from(dict(obj), recursive=True)
    result = runtime.execute(ARGOCD_HEALTH.read_text())
    return str(result["status"]), str(result["message"] or "")


def kstatus_of(objects: Sequence[Mapping[str, Any]]) -> list[str]:
    """kstatus' status (Current, InProgress, Failed, ...) of each object, in order."""
    output = subprocess.run(
        [kstatus()], input=json.dumps(list(objects)), capture_output=True, text=True, check=True
    ).stdout
    return [line.split(" ", 2)[1] for line in output.splitlines()]

"""The in-pod client installs on its own: a clean virtualenv that installs client/ gets the
client and nothing else, and importing it loads only the standard library."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import venv
from pathlib import Path

CLIENT = Path(__file__).resolve().parents[2] / "client"

# Run inside the clean venv: which distributions it has, and which top-level modules importing
# the client (and constructing its two loaders) pulls in beyond the standard library.
PROBE = """
import importlib.metadata, json, sys
# The client itself, the script, and setuptools' start-up hook that every 3.11 venv has.
IGNORED = {"kubevisor_client", "__main__", "_distutils_hack"}
import kubevisor_client
kubevisor_client.DirectoryWatcher("/nonexistent", lambda datafile: None)
kubevisor_client.HttpPoller("http://127.0.0.1:9/datafile.json", lambda datafile: None)
third_party = sorted(
    name for name in {module.split(".")[0] for module in sys.modules}
    if name not in sys.stdlib_module_names and name not in IGNORED
)
distributions = sorted(d.metadata["Name"] for d in importlib.metadata.distributions())
print(json.dumps({"third_party": third_party, "distributions": distributions}))
"""


def test_client_installs_alone_and_imports_only_the_standard_library(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    # setuptools builds in the source folder: build a copy, so the checkout stays clean.
    source = shutil.copytree(CLIENT, tmp_path / "client", ignore=shutil.ignore_patterns("build"))
    # The wheel is built with this environment's setuptools, offline: the test needs no index.
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"),
            *("--no-build-isolation", "--wheel-dir", str(wheels), str(source)),
        ],
        check=True,
    )
    (wheel,) = wheels.glob("kubevisor_client-*.whl")

    env_dir = tmp_path / "app-env"
    venv.create(env_dir, with_pip=True, system_site_packages=False)
    python = env_dir / "bin" / "python"
    before = _distributions(python)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-index", str(wheel)], check=True
    )

    probe = subprocess.run(
        [str(python), "-c", PROBE], check=True, capture_output=True, text=True, cwd=tmp_path
    )
    report = json.loads(probe.stdout)
    assert report["third_party"] == []
    assert sorted(set(report["distributions"]) - set(before)) == ["kubevisor-client"]


def _distributions(python: Path) -> list[str]:
    listing = subprocess.run(
        [
            str(python),
            "-c",
            "import importlib.metadata as m, json;"
            "print(json.dumps([d.metadata['Name'] for d in m.distributions()]))",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return list(json.loads(listing.stdout))

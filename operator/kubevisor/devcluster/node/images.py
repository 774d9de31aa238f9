"""Images for the node without Docker or a registry: a Dockerfile (the subset dockerfile.py
reads) built with Debian's tools, mmdebstrap for the root filesystem, with the Dockerfile's COPY
and RUN as its customize hooks, umoci to make the OCI image and skopeo to write the archive
containerd imports. Archives are cached in ~/.cache/kubevisor/images, keyed by the Dockerfile,
the files it copies and the builder, so a warm run builds nothing."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shlex
import shutil
import ssl
import tempfile
from pathlib import Path

from kubevisor.devcluster.binaries import run_build_script
from kubevisor.devcluster.node.dockerfile import Copy, ImageDefinition, context_files, parse
from kubevisor.devcluster.progress import run_step, say

TOOL = "node-image"
PAUSE_SCRIPT = Path("tools") / "node" / "build-pause.sh"
BUILD_CA = "/usr/local/share/ca-certificates/kubevisor-build.crt"
"""The host's CA bundle, for RUN steps (pip behind a TLS-inspecting proxy needs it): Debian's
ca-certificates adds it to the system bundle when a RUN installs it; removed, and the bundle
rebuilt without it, before the image is packed."""
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def cache_dir() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "kubevisor" / "images"


def pause_image() -> Path:
    """The pause image archive (tools/node/build-pause.sh builds it once)."""
    return run_build_script(PAUSE_SCRIPT)


def image_archive(dockerfile: Path, context: Path, reference: str) -> Path:
    """The docker archive of `reference` built from `dockerfile`, cached."""
    definition = parse(dockerfile.read_text())
    key = _cache_key(dockerfile, definition, context, reference)
    name = reference.replace("/", "_").replace(":", "_")
    archive = cache_dir() / f"{name}-{key}.tar"
    if archive.exists():
        say(TOOL, f"reusing {reference} ({archive})")
        return archive
    cache_dir().mkdir(parents=True, exist_ok=True)
    # One build at a time per machine, like the Go tools: the second finds it ready.
    with (cache_dir() / ".build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not archive.exists():
            _build(definition, context, reference, archive)
    return archive


def _cache_key(dockerfile: Path, definition: ImageDefinition, context: Path, reference: str) -> str:
    digest = hashlib.sha256()
    digest.update(reference.encode())
    digest.update(dockerfile.read_bytes())
    digest.update(Path(__file__).read_bytes())
    for path in context_files(definition, context):
        digest.update(str(path.relative_to(context)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _build(definition: ImageDefinition, context: Path, reference: str, archive: Path) -> None:
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=cache_dir()))
    try:
        rootfs = work / "rootfs.tar"
        run_step(
            TOOL,
            f"{reference}: Debian {definition.suite} root filesystem with the Dockerfile's "
            "steps (mmdebstrap; first time: minutes)",
            _mmdebstrap_argv(definition, context, rootfs),
            work / "mmdebstrap.log",
        )
        layout = f"{work / 'oci'}:image"
        log = work / "umoci.log"
        run_step(
            TOOL, f"{reference}: OCI image", ["umoci", "init", "--layout", str(work / "oci")], log
        )
        run_step(TOOL, f"{reference}: OCI image", ["umoci", "new", "--image", layout], log)
        run_step(
            TOOL,
            f"{reference}: layer",
            ["umoci", "raw", "add-layer", "--image", layout, str(rootfs)],
            log,
        )
        run_step(
            TOOL,
            f"{reference}: config",
            ["umoci", "config", "--image", layout, *_config_flags(definition)],
            log,
        )
        packed = work / "image.tar"
        run_step(
            TOOL,
            f"{reference}: docker archive",
            ["skopeo", "copy", "--quiet", f"oci:{layout}", f"docker-archive:{packed}:{reference}"],
            log,
        )
        packed.replace(archive)
        say(TOOL, f"built {reference}: {archive.stat().st_size / 2**20:.0f} MiB archive")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _mmdebstrap_argv(definition: ImageDefinition, context: Path, output: Path) -> list[str]:
    hooks: list[str] = []
    ca_file = _host_ca_bundle()
    if ca_file is not None:
        hooks.append(
            f'mkdir -p "$1{Path(BUILD_CA).parent}" && cp {shlex.quote(str(ca_file))} "$1{BUILD_CA}"'
        )
    for step in definition.steps:
        if isinstance(step, Copy):
            hooks += [_copy_hook(context, source, step.destination) for source in step.sources]
        else:
            # Only the image's ENV, as Docker gives a RUN step: nothing of this host leaks in.
            env = {"PATH": DEFAULT_PATH, **dict(step.env)}
            assignments = [f"{key}={value}" for key, value in env.items()]
            command = ["chroot", "$1", "env", "-i", *assignments, "sh", "-ec", step.command]
            hooks.append(" ".join('"$1"' if w == "$1" else shlex.quote(w) for w in command))
    if ca_file is not None:
        hooks.append(
            f'rm -f "$1{BUILD_CA}" && if [ -x "$1/usr/sbin/update-ca-certificates" ]; '
            'then chroot "$1" update-ca-certificates --fresh >/dev/null; fi'
        )
    argv = ["mmdebstrap", "--variant=minbase", "--format=tar", "--quiet"]
    argv += [f"--customize-hook={hook}" for hook in hooks]
    return [*argv, definition.suite, str(output)]


def _copy_hook(context: Path, source: str, destination: str) -> str:
    """Docker's COPY: a directory's contents into the destination, a file into it (trailing
    /) or to it; build by-products left out as in .dockerignore."""
    path = context / source
    target = '"$1"' + shlex.quote(destination)
    if path.is_dir():
        excludes = "--exclude=__pycache__ --exclude='*.egg-info'"
        return (
            f"mkdir -p {target} && tar -C {shlex.quote(str(path))} {excludes} -cf - . "
            f"| tar -C {target} -xf -"
        )
    if destination.endswith("/"):
        return f"mkdir -p {target} && cp {shlex.quote(str(path))} {target}"
    parent = '"$1"' + shlex.quote(str(Path(destination).parent))
    return f"mkdir -p {parent} && cp {shlex.quote(str(path))} {target}"


def _config_flags(definition: ImageDefinition) -> list[str]:
    flags: list[str] = []
    if definition.user:
        flags.append(f"--config.user={definition.user}")
    if definition.workdir:
        flags.append(f"--config.workingdir={definition.workdir}")
    flags += [f"--config.env={key}={value}" for key, value in definition.env.items()]
    flags += [f"--config.label={key}={value}" for key, value in definition.labels.items()]
    flags += [f"--config.exposedports={port}" for port in definition.exposed]
    flags += [f"--config.entrypoint={word}" for word in definition.entrypoint]
    flags += [f"--config.cmd={word}" for word in definition.cmd]
    return flags


def _host_ca_bundle() -> Path | None:
    """The CA bundle this machine's own downloads trust."""
    for candidate in (os.environ.get("PIP_CERT"), os.environ.get("SSL_CERT_FILE")):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    default = ssl.get_default_verify_paths().cafile
    return Path(default) if default and Path(default).is_file() else None

"""The subset of Dockerfile syntax the node's image builder reads, so the project's Dockerfiles
stay the one definition of what goes in an image whether Docker or `images.py` builds it.

One stage, `FROM debian:<suite>[-slim]`, then RUN (shell form), COPY (context paths, no flags),
ENV and LABEL (`key=value` pairs), USER, WORKDIR, EXPOSE, ENTRYPOINT and CMD (exec form). Any
other instruction is refused with its line, rather than half-built.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

_FROM = re.compile(r"debian:(?P<suite>[a-z]+)(-slim)?\Z")


class DockerfileError(ValueError):
    """An instruction the builder does not support; the message names the line and the fix."""


@dataclass(frozen=True)
class Copy:
    sources: tuple[str, ...]
    destination: str


@dataclass(frozen=True)
class Run:
    command: str
    env: tuple[tuple[str, str], ...]
    """The ENV in effect at this step, as Docker gives it to the shell."""


@dataclass
class ImageDefinition:
    suite: str
    steps: list[Copy | Run] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    user: str = ""
    workdir: str = ""
    exposed: list[str] = field(default_factory=list)
    entrypoint: list[str] = field(default_factory=list)
    cmd: list[str] = field(default_factory=list)


def instructions(text: str) -> list[tuple[int, str, str]]:
    """(line number, INSTRUCTION, arguments) with continuations joined and comments dropped."""
    found: list[tuple[int, str, str]] = []
    pending: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending.append(stripped[:-1].strip())
            continue
        pending.append(stripped)
        joined = " ".join(part for part in pending if part)
        pending = []
        keyword, _, arguments = joined.partition(" ")
        found.append((start, keyword.upper(), arguments.strip()))
    return found


def parse(text: str) -> ImageDefinition:
    definition: ImageDefinition | None = None
    for number, keyword, arguments in instructions(text):
        if keyword == "FROM":
            match = _FROM.match(arguments)
            if definition is not None or match is None:
                raise DockerfileError(
                    f"line {number}: FROM {arguments}: only one stage, FROM debian:<suite>[-slim]"
                )
            definition = ImageDefinition(suite=match["suite"])
            continue
        if definition is None:
            raise DockerfileError(f"line {number}: {keyword} before FROM")
        _apply(definition, number, keyword, arguments)
    if definition is None:
        raise DockerfileError("no FROM line")
    return definition


def _apply(definition: ImageDefinition, number: int, keyword: str, arguments: str) -> None:
    if keyword == "RUN":
        env = tuple(definition.env.items())
        definition.steps.append(Run(arguments, env))
    elif keyword == "COPY":
        words = shlex.split(arguments)
        if len(words) < 2 or any(word.startswith("--") for word in words):
            raise DockerfileError(f"line {number}: COPY takes sources and a destination only")
        definition.steps.append(Copy(tuple(words[:-1]), words[-1]))
    elif keyword in ("ENV", "LABEL"):
        target = definition.env if keyword == "ENV" else definition.labels
        for word in shlex.split(arguments):
            key, equals, value = word.partition("=")
            if not equals:
                raise DockerfileError(f"line {number}: {keyword} takes key=value pairs")
            target[key] = value
    elif keyword == "USER":
        definition.user = arguments
    elif keyword == "WORKDIR":
        definition.workdir = arguments
    elif keyword == "EXPOSE":
        definition.exposed += [p if "/" in p else f"{p}/tcp" for p in arguments.split()]
    elif keyword in ("ENTRYPOINT", "CMD"):
        try:
            words = json.loads(arguments)
        except ValueError:
            words = None
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise DockerfileError(f'line {number}: {keyword} must use the exec form ["..."]')
        if keyword == "ENTRYPOINT":
            definition.entrypoint = words
        else:
            definition.cmd = words
    else:
        raise DockerfileError(f"line {number}: {keyword} is not supported by the node builder")


def context_files(definition: ImageDefinition, context: Path) -> list[Path]:
    """Every file the COPY steps take from `context` (what the image's cache key covers)."""
    files: list[Path] = []
    for step in definition.steps:
        if isinstance(step, Copy):
            for source in step.sources:
                path = context / source
                if path.is_dir():
                    files += sorted(p for p in path.rglob("*") if p.is_file() and _kept(p))
                else:
                    files.append(path)
    return files


def _kept(path: Path) -> bool:
    """Not a build by-product (as .dockerignore says for Docker)."""
    return not any(part == "__pycache__" or part.endswith(".egg-info") for part in path.parts)

"""What every command prints the same way: errors on stderr, colour only where it is wanted."""

from __future__ import annotations

import os
import sys
from typing import TextIO

_CODES = {"red": "31", "green": "32", "yellow": "33", "bold": "1", "dim": "2"}


def colour_enabled(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when `NO_COLOR` is set (no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, style: str, stream: TextIO | None = None) -> str:
    """`text` in `style` (red, green, yellow, bold, dim) when `stream` shows colour."""
    if not colour_enabled(stream if stream is not None else sys.stdout):
        return text
    return f"\033[{_CODES[style]}m{text}\033[0m"


def fail(command: str, message: str) -> int:
    """Print `kubevisor COMMAND: message` on stderr; returns exit code 1."""
    print(f"kubevisor {command}: {paint(message, 'red', sys.stderr)}", file=sys.stderr)
    return 1


def say(message: str) -> None:
    """A progress line on stderr, apart from what a command prints for a pipe or `eval`."""
    print(message, file=sys.stderr)


def examples(*lines: str) -> str:
    """An `--help` epilog listing example invocations."""
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)

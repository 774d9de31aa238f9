"""Custom parsers: `parser: {extension, parse}` in `featurevisor.config.js`.

The `parse` function is JavaScript, so Node runs it, all files of a project in one process, and
prints what it returns as JSON (the values then go through `JSON.parse` rules like any JSON
definition). When `parse` is nothing but a call of a parser Python has too (`JSON.parse`, or the
npm `toml` package's `parse` for `.toml` files), the files are read natively instead, which gives
the same values without starting Node (tests/unit/sources/test_custom_parser.py compares both).
"""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kubevisor.core.definitions import JSON
from kubevisor.core.jsjson import loads as js_loads
from kubevisor.sources.errors import SourceError
from kubevisor.sources.text_file import read_text

NODE_TIMEOUT_SECONDS = 300

# `(content) => require("toml").parse(content)`, `function (c, p) { return JSON.parse(c); }`
_SINGLE_CALL = re.compile(
    r"""\s*(?:function\s*[\w$]*\s*)?\(?\s*(?P<arg>[\w$]+)\s*(?:,\s*[\w$]+\s*)?\)?\s*(?:=>)?\s*
        (?P<brace>\{\s*return\s+)?
        (?P<callee>JSON|require\(\s*(?P<quote>["'])toml(?P=quote)\s*\))\.parse\(\s*(?P=arg)\s*\)
        \s*;?\s*(?(brace)\}|)\s*\Z""",
    re.VERBOSE,
)

_PARSE_WITH_NODE = """
const fs = require("fs");
const config = require(process.argv[1]);
const files = JSON.parse(fs.readFileSync(0, "utf8"));
const results = files.map((file) => {
  try {
    const value = config.parser.parse(fs.readFileSync(file, "utf8"), file);
    return { value: value === undefined ? null : value };
  } catch (error) {
    return { error: String((error && error.message) || error) };
  }
});
process.stdout.write(JSON.stringify(results));
"""


@dataclass(frozen=True)
class CustomParser:
    """A project's custom parser: file extension, the `parse` source, and the config it is in."""

    extension: str
    parse_source: str
    config_path: Path

    @property
    def native_format(self) -> str | None:
        """ "json" or "toml" when `parse` only calls a parser Python has, else None."""
        match = _SINGLE_CALL.match(self.parse_source)
        if match is None:
            return None
        if match.group("callee") == "JSON":
            return "json"
        return "toml" if self.extension == "toml" else None


def custom_parser_from(raw: JSON, config_path: Path) -> CustomParser:
    """The `parser` object of a config evaluated by Node (see jsconfig.evaluate_with_node)."""
    extension = raw.get("extension") if isinstance(raw, dict) else None
    source = raw.get("parseSource") if isinstance(raw, dict) else None
    if not isinstance(extension, str) or not extension or "/" in extension:
        raise SourceError(
            f'{config_path}: a custom `parser` needs `extension` (a file extension like "toml")'
        )
    if not isinstance(source, str):
        raise SourceError(
            f"{config_path}: a custom `parser` needs `parse: (content, filePath) => object`"
        )
    return CustomParser(extension=extension, parse_source=source, config_path=config_path)


def parse_natively(path: Path, format_name: str) -> JSON:
    """One file read by Python's own parser, with the values `JSON.parse` would give."""
    text = read_text(path)
    try:
        value = tomllib.loads(text) if format_name == "toml" else json.loads(text)
        # through JSON text, like the Node path: JavaScript key order and number rules
        result: JSON = js_loads(json.dumps(value, allow_nan=False))
    except tomllib.TOMLDecodeError as error:
        raise SourceError(f"{path}: not valid TOML: {error}") from None
    except json.JSONDecodeError as error:
        raise SourceError(
            f"{path}: line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except (TypeError, ValueError) as error:
        raise SourceError(
            f"{path}: a value JSON cannot hold ({error}); write dates and times as strings"
        ) from None
    return result


def parse_with_node(parser: CustomParser, paths: Sequence[Path]) -> list[JSON]:
    """Every file through the project's own `parse` function, in one Node process."""
    if not paths:
        return []
    try:
        completed = subprocess.run(
            ["node", "-e", _PARSE_WITH_NODE, str(parser.config_path.resolve())],
            input=json.dumps([str(path.resolve()) for path in paths]),
            capture_output=True,
            text=True,
            timeout=NODE_TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError:
        raise SourceError(
            f"{parser.config_path}: its custom parser needs Node.js (`node` was not found on "
            "PATH); install Node.js 18 or newer"
        ) from None
    except subprocess.TimeoutExpired:
        raise SourceError(
            f"{parser.config_path}: its custom parser took over {NODE_TIMEOUT_SECONDS} s"
        ) from None
    if completed.returncode != 0:
        lines = completed.stderr.strip().splitlines()
        first = lines[0] if lines else f"node exited with code {completed.returncode}"
        raise SourceError(
            f"{parser.config_path}: node could not run its custom parser: {first}; "
            "install the parser's package in the project (npm install)"
        )
    results = js_loads(completed.stdout)
    replies = (
        [item for item in results if isinstance(item, dict)] if isinstance(results, list) else []
    )
    values: list[JSON] = []
    for path, result in zip(paths, replies, strict=True):
        if "error" in result:
            raise SourceError(f"{path}: the custom parser failed: {result['error']}")
        values.append(result["value"])
    return values


def parse_files(parser: CustomParser, paths: Sequence[Path], *, native: bool = True) -> list[JSON]:
    """Every file parsed as the project's parser does (natively when it can and `native`)."""
    format_name = parser.native_format if native else None
    if format_name is None:
        return parse_with_node(parser, paths)
    return [parse_natively(path, format_name) for path in paths]

"""Reading `featurevisor.config.js`: it is JavaScript, so Node evaluates it and prints JSON."""

from __future__ import annotations

import json
from pathlib import Path

from kubevisor.core.definitions import JSONObject
from kubevisor.sources.errors import SourceError
from kubevisor.sources.jsliteral import parse_literal_config
from kubevisor.sources.text_file import read_text

CONFIG_FILE_NAME = "featurevisor.config.js"

# Functions (a custom adapter or parser, plugin handlers) cannot cross into Python; they are
# replaced by a marker so the loader can say which setting it cannot honour.
FUNCTION_MARKER = "[JavaScript function]"

_PRINT_CONFIG = f"""
const file = process.argv[1];
let config;
try {{
  config = require(file);
}} catch (error) {{
  process.stderr.write(String((error && error.stack) || error));
  process.exit(3);
}}
// a custom parser's `parse` crosses as its source text too (see custom_parser.py)
if (config && config.parser && typeof config.parser.parse === "function") {{
  config = Object.assign({{}}, config, {{
    parser: Object.assign({{}}, config.parser, {{ parseSource: String(config.parser.parse) }}),
  }});
}}
process.stdout.write(JSON.stringify(config === undefined ? null : config, (key, value) =>
  typeof value === "function" ? "{FUNCTION_MARKER}" : value));
"""


def evaluate_config(config_path: Path) -> JSONObject:
    """The object `featurevisor.config.js` exports, as JSON-like data.

    A plain `module.exports = {...}` literal is read directly; anything else runs in Node.
    """
    literal = parse_literal_config(read_text(config_path))
    if literal is not None:
        return literal
    return evaluate_with_node(config_path)


def evaluate_with_node(config_path: Path) -> JSONObject:
    """The object `featurevisor.config.js` exports, as Node evaluates it."""
    import subprocess  # here: most configs are plain literals, read without Node

    try:
        completed = subprocess.run(
            ["node", "-e", _PRINT_CONFIG, str(config_path.resolve())],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except FileNotFoundError:
        raise SourceError(
            f"{config_path}: reading it needs Node.js (`node` was not found on PATH); "
            "install Node.js 18 or newer, or build from Kubernetes manifests instead"
        ) from None
    except subprocess.TimeoutExpired:
        raise SourceError(f"{config_path}: evaluating it with node took over 60 s") from None
    if completed.returncode != 0:
        detail = completed.stderr.strip().splitlines()
        first = detail[0] if detail else f"node exited with code {completed.returncode}"
        raise SourceError(
            f"{config_path}: node could not evaluate it: {first}; "
            "fix the JavaScript error (try `node " + str(config_path) + "`)"
        )
    try:
        config = json.loads(completed.stdout or "null")
    except json.JSONDecodeError as error:
        raise SourceError(f"{config_path}: node printed no JSON object: {error}") from None
    if not isinstance(config, dict):
        raise SourceError(f"{config_path}: it must export an object (module.exports = {{...}})")
    return config

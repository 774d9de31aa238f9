"""Plain `module.exports = {...}` configs are read without Node, exactly as Node reads them."""

from __future__ import annotations

from pathlib import Path

import pytest
from kubevisor.sources.jsconfig import evaluate_with_node
from kubevisor.sources.jsliteral import parse_literal_config

LITERALS = [
    'module.exports = { environments: ["staging", "production"], tags: ["all"] };',
    "/** @type {X} */\n'use strict';\nmodule.exports = {\n  // sets: true,\n  a: 'it\\'s',"
    ' "b-c": [1, -2.5, 1e3, 0.000001, true, false, null, undefined,],\n  d: { e: {} },\n'
    "  u: undefined, /* block */ s: '\\u00e9\\n\\t',\n}",
    'module.exports = {a: 1, a: 2, "10": 3, b: 4}',
]
NOT_LITERALS = [
    "const e = ['a'];\nmodule.exports = { environments: e };",
    "module.exports = { parser: require('x') };",
    "module.exports = { s: `template` };",
    "module.exports = { f() { return 1; } };",
    "module.exports = { n: 012 };",
    "module.exports = { n: 0x10 };",
    "module.exports = { ...other };",
    "module.exports = { a: 1 }; module.exports.b = 2;",
    "exports.a = 1;",
    "module.exports = { s: '\\x41' };",
]


@pytest.mark.parametrize("text", LITERALS)
def test_literal_configs_read_as_node_reads_them(text: str, tmp_path: Path) -> None:
    path = tmp_path / "featurevisor.config.js"
    path.write_text(text, encoding="utf-8")
    literal = parse_literal_config(text)
    assert literal is not None
    assert literal == evaluate_with_node(path)
    assert list(literal) == list(evaluate_with_node(path))


@pytest.mark.parametrize("text", NOT_LITERALS)
def test_anything_else_is_left_to_node(text: str) -> None:
    assert parse_literal_config(text) is None

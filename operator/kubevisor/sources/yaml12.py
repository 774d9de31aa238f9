"""YAML 1.2 (core schema) reading, the way upstream's JavaScript `yaml` package parses it.

Most definition files are plain block YAML, which `yaml_simple` reads without PyYAML; anything
else goes to `yaml12_full` (libyaml does the syntax, fast, C), imported only then. Scalars are
resolved here in both cases instead of by PyYAML's YAML 1.1 resolver, because the difference
changes output: `on`/`no`/`yes` stay strings, timestamps stay strings, `012` is decimal, `1_000`
is a string, `<<` is a plain key, and duplicate keys are an error. Numbers become what a
JavaScript number prints like: integral values are `int`.
"""

from __future__ import annotations

import math
import re

from kubevisor.core.definitions import JSON
from kubevisor.core.jsjson import js_key_order, js_number, js_number_text
from kubevisor.sources.yaml_simple import SimpleYamlReader

_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_TRUES = frozenset(("true", "True", "TRUE"))
_FALSES = frozenset(("false", "False", "FALSE"))
_INT_RE = re.compile(r"[-+]?[0-9]+\Z")
_OCT_RE = re.compile(r"0o[0-7]+\Z")
_HEX_RE = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INF_RE = re.compile(r"([-+]?)\.(?:inf|Inf|INF)\Z")
_NAN_RE = re.compile(r"\.(?:nan|NaN|NAN)\Z")
_NUMBER_START = frozenset("0123456789+-.")


def resolve_plain(text: str) -> JSON:
    """The YAML 1.2 core-schema value of an untagged plain scalar."""
    if text in _NULLS:
        return None
    if not text or text[0] not in _NUMBER_START:
        if text in _TRUES:
            return True
        if text in _FALSES:
            return False
        return text
    if _INT_RE.match(text):
        return js_number(int(text))
    if _OCT_RE.match(text):
        return js_number(int(text[2:], 8))
    if _HEX_RE.match(text):
        return js_number(int(text[2:], 16))
    if _FLOAT_RE.match(text):
        return js_number(float(text))
    inf = _INF_RE.match(text)
    if inf:
        return -math.inf if inf.group(1) == "-" else math.inf
    if _NAN_RE.match(text):
        return math.nan
    return text


def key_text(value: JSON) -> str:
    """How JavaScript turns a scalar mapping key into an object property name."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return js_number_text(value)
    return str(value)


def _plain_key_text(text: str) -> str:
    return key_text(resolve_plain(text))


def simple_yaml_reader() -> SimpleYamlReader:
    """A reader of plain block YAML that resolves scalars and keys like this module."""
    return SimpleYamlReader(resolve_plain, _plain_key_text, js_key_order)


_SIMPLE_READER = simple_yaml_reader()


def load_yaml(text: str, path: str) -> JSON:
    """Parse one YAML document as upstream does; errors name the file and line.

    Most definition files are plain block YAML, which the simple reader takes several times
    faster; it leaves anything else (and every error) to the full loader."""
    simple = _SIMPLE_READER.load(text)
    return simple if simple is not None else load_full_yaml(text, path)


def load_full_yaml(text: str, path: str) -> JSON:
    """`load_yaml` through libyaml and PyYAML's nodes, for every YAML construct."""
    from kubevisor.sources.yaml12_full import load_full_yaml as load  # imports PyYAML

    return load(text, path)

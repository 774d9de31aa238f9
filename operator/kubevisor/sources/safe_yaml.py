"""Writing YAML that every YAML 1.1 and 1.2 reader (kubectl, PyYAML, Featurevisor) reads alike.

kubectl reads YAML 1.1, where `no`, `on`, `y`, `2024-01-01`, `012` or `1e3` may not be what a
YAML 1.2 author meant. The rule here is simple and safe: every string value is double-quoted;
mapping keys are written plain only when they are identifiers every reader takes as the same
string; numbers are written in a form both dialects read as the same number (floats always with
a `.`, exponents with a sign, so PyYAML does not take them for strings).
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

from kubevisor.core.definitions import JSON
from kubevisor.core.jsjson import js_number_text
from kubevisor.sources.kubectl_yaml import resolve_plain
from kubevisor.sources.yaml_nodes import FLOAT_TAG, MAP_TAG, STR_TAG

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_./-]*\Z")
_PYYAML_RESOLVER = yaml.resolver.Resolver()
_NO_LINE_WRAPPING = 1 << 30


def yaml_float_text(value: float) -> str:
    """A float as JavaScript prints it, adjusted so YAML 1.1 readers still see a float."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = js_number_text(value)
    mantissa, has_exponent, exponent = text.partition("e")
    if "." not in mantissa:
        mantissa += ".0"  # PyYAML's float needs a dot; `50.0` keeps the value a float
    return f"{mantissa}e{exponent}" if has_exponent else mantissa


def is_plain_safe_key(key: str) -> bool:
    """True when `key` written unquoted is the same string for YAML 1.1 and 1.2 readers."""
    if not _PLAIN_KEY.match(key):
        return False
    pyyaml_tag = _PYYAML_RESOLVER.resolve(  # type: ignore[no-untyped-call]
        yaml.ScalarNode, key, (True, False)
    )
    return bool(resolve_plain(key) == key and pyyaml_tag == STR_TAG)


class _Dumper(yaml.CSafeDumper if hasattr(yaml, "CSafeDumper") else yaml.SafeDumper):  # type: ignore[misc]
    def ignore_aliases(self, data: Any) -> bool:
        return True  # shared sub-objects are written out in full, never as anchors

    def represent_str(self, data: str) -> yaml.ScalarNode:
        node: yaml.ScalarNode = self.represent_scalar(STR_TAG, data, style='"')
        return node

    def represent_float(self, data: float) -> yaml.ScalarNode:
        node: yaml.ScalarNode = self.represent_scalar(FLOAT_TAG, yaml_float_text(data))
        return node

    def represent_json_object(self, data: Any) -> yaml.MappingNode:
        pairs = []
        for key, value in data.items():
            text = str(key)
            style = None if is_plain_safe_key(text) else '"'
            pairs.append((yaml.ScalarNode(STR_TAG, text, style=style), self.represent_data(value)))
        return yaml.MappingNode(MAP_TAG, pairs, flow_style=not data)


_Dumper.add_representer(str, _Dumper.represent_str)
_Dumper.add_representer(float, _Dumper.represent_float)
_Dumper.add_representer(dict, _Dumper.represent_json_object)


def dump(value: JSON) -> str:
    """One YAML document holding `value`, keys in their order."""
    text: str = yaml.dump(
        value,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=_NO_LINE_WRAPPING,
    )
    return text

"""YAML 1.2 (core schema) reading, the way upstream's JavaScript `yaml` package parses it.

Most definition files are plain block YAML, which `yaml_simple` reads without PyYAML; anything
else goes to `yaml12_full` (libyaml does the syntax, fast, C), imported only then. Scalars are
resolved by `yaml12_scalars` in both cases instead of by PyYAML's YAML 1.1 resolver, because
the difference changes output: `on`/`no`/`yes` stay strings, timestamps stay strings, `012` is
decimal, `1_000` is a string, `<<` is a plain key, and duplicate keys are an error. Numbers
become what a JavaScript number prints like: integral values are `int`.
"""

from __future__ import annotations

from kubevisor.core.definitions import JSON
from kubevisor.core.jsjson import js_key_order
from kubevisor.sources.yaml12_scalars import key_text, resolve_plain
from kubevisor.sources.yaml_simple import SimpleYamlReader


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

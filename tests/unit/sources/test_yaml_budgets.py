"""Hostile YAML: alias bombs and deep nesting are one-line errors, in bounded time and memory."""

from __future__ import annotations

import pytest
from kubevisor.core.limits import MAX_DOCUMENT_DEPTH, MAX_YAML_NODES
from kubevisor.sources import yaml_nodes
from kubevisor.sources.errors import SourceError
from kubevisor.sources.kubectl_yaml import iter_documents
from kubevisor.sources.yaml12 import load_yaml


def billion_laughs(levels: int = 9) -> str:
    """Each level lists the previous one ten times: 10**levels strings once expanded."""
    lines = ['a0: &a0 "lol"']
    for level in range(1, levels + 1):
        previous = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{previous}]")
    return "\n".join(lines) + "\n"


def nested_flow(depth: int) -> str:
    return "v: " + "[" * depth + "1" + "]" * depth + "\n"


def test_alias_bomb_is_refused_by_the_definition_reader() -> None:
    with pytest.raises(SourceError) as caught:
        load_yaml(billion_laughs(), "bomb.yml")
    message = str(caught.value)
    assert message.startswith("bomb.yml: line ")
    assert f"more than {MAX_YAML_NODES:,} values" in message
    assert "\n" not in message


def test_alias_bomb_is_an_error_document_for_the_manifest_reader() -> None:
    text = "kind: Feature\nmetadata: {name: bomb}\nspec:\n" + "".join(
        f"  {line}\n" for line in billion_laughs().splitlines()
    )
    [document] = list(iter_documents(text))
    assert document.value is None
    assert f"more than {MAX_YAML_NODES:,} values" in document.error
    assert (document.kind, document.name) == ("Feature", "bomb")


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    with pytest.raises(SourceError, match=r"refers to itself"):
        load_yaml("a: &x [1, *x]\n", "loop.yml")
    [document] = list(iter_documents("a: &x [1, *x]\n"))
    assert "refers to itself" in document.error


def test_ordinary_aliases_still_expand() -> None:
    text = 'base: &base {type: string, defaultValue: "x"}\ncopy: *base\nlist: [*base, *base]\n'
    loaded = load_yaml(text, "ok.yml")
    assert loaded["copy"] == loaded["base"] == {"type": "string", "defaultValue": "x"}
    assert loaded["list"] == [loaded["base"], loaded["base"]]
    [document] = list(iter_documents("a: &a {x: 1}\nb: {<<: *a, z: 2}\n"))
    assert document.value == {"a": {"x": 1}, "b": {"x": 1, "z": 2}}


def test_nesting_past_the_document_limit_names_the_limit() -> None:
    # The outer map is one level, so `MAX_DOCUMENT_DEPTH - 1` lists reach the limit exactly.
    assert load_yaml(nested_flow(MAX_DOCUMENT_DEPTH - 1), "ok.yml") is not None
    with pytest.raises(SourceError) as caught:
        load_yaml(nested_flow(MAX_DOCUMENT_DEPTH), "deep.yml")
    message = str(caught.value)
    assert f"deep.yml: line 1: lists and maps nest deeper than {MAX_DOCUMENT_DEPTH}" in message
    assert "alias" not in message  # the real reason, not a guess


def test_manifest_nesting_past_the_limit_is_an_error_document() -> None:
    [fine] = list(iter_documents(nested_flow(MAX_DOCUMENT_DEPTH - 1)))
    assert fine.error == ""
    [document] = list(iter_documents(nested_flow(MAX_DOCUMENT_DEPTH)))
    assert f"nest deeper than {MAX_DOCUMENT_DEPTH} levels" in document.error


def test_libyaml_depth_limit_is_a_syntax_error_not_a_crash() -> None:
    with pytest.raises(SourceError, match=r"deep.yml: line 1, column"):
        load_yaml(nested_flow(20_000), "deep.yml")


def test_a_big_document_with_one_anchor_is_not_an_alias_bomb(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(yaml_nodes, "MAX_YAML_NODES", 100)  # a small budget keeps this quick
    # More values than the budget, but written out: the aliases add almost nothing.
    items = "".join(f"  - {index}\n" for index in range(200))
    loaded = load_yaml(f"base: &b 1\nitems:\n{items}copy: *b\n", "big.yml")
    assert len(loaded["items"]) == 200
    with pytest.raises(SourceError, match="more than 100 values"):
        load_yaml(billion_laughs(3), "bomb.yml")  # 1,000 strings from 30 aliases

"""The fast reader of plain block YAML agrees with the full loader, or leaves the text to it."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kubevisor.sources.errors import SourceError
from kubevisor.sources.yaml12 import load_full_yaml, load_yaml, simple_yaml_reader

FIXTURES = Path(__file__).resolve().parents[2] / "conformance" / "fixtures"


def same(left: object, right: object) -> bool:
    """Equal values of equal types, keys in the same order (NaN equals NaN)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict) and isinstance(right, dict):
        return list(left) == list(right) and all(same(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(same, left, right))
    if isinstance(left, float) and isinstance(right, float) and math.isnan(left):
        return math.isnan(right)
    return left == right


def check_agrees(text: str) -> bool:
    """The fast reader returns what the full loader returns, or nothing when the full loader
    fails; True when the fast reader took the text."""
    simple = simple_yaml_reader().load(text)
    try:
        full = load_full_yaml(text, "t.yml")
    except SourceError:
        assert simple is None, text
        return False
    assert simple is None or same(simple, full), text
    return simple is not None


@pytest.mark.parametrize(
    "text",
    [
        'description: "New checkout"\ntags:\n  - "all"\n  - web\nbucketBy: userId\n',
        "rules:\n  staging:\n    - key: everyone\n      segments: '*'\n      percentage: 12.5\n",
        "a:\n- 1\n- 2\nb: null\nc:\nd: ~\n",
        "# comment\n\na: 1   \n  # indented comment\nb:\n  c: x\n",
        "a:\n  - - 1\n    - 2\n  -\n  - key: 1\n    other: on\n",
        'a: "tab\\tquote\\" \\u00e9"\nb: \'single "quoted"\'\n',
        '"quoted key": 1\n"2": two\n"10": ten\nb: 3\n',
        "a: True\nb: 0x1F\nc: 012\nd: 1e3\ne: .inf\nf: -7\ng: 1_000\nh: 2024-01-01\n",
        "a: http://x.y/z\nb: a, b [c] {d}\nc: x#y\nd: --5\ne: a  b\n",
        "k: é ü 字\n",
        "  a: 1\n  b:\n    - x\n",  # a document may start indented
    ],
)
def test_takes_plain_block_yaml_and_agrees(text: str) -> None:
    assert check_agrees(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: [1, 2]\n",  # flow collections
        "a: {b: 1}\n",
        "a: |\n  text\n",  # block scalars
        "a: &x 1\nb: *x\n",  # anchors and aliases
        "a: !!str 12\n",  # tags
        "a: 1 # comment\n",  # inline comment
        'a: "x" # comment\n',
        "a: multi\n  line\n",  # multi-line plain scalar
        "- a\n  b\n",
        "a: 'it''s'\n",  # escaped single quote
        'a: "\\x41"\n',  # a YAML-only escape
        'a: "\\ud800"\n',  # a surrogate escape
        "a: 1\na: 2\n",  # duplicate key (an error)
        "1: a\n1.0: b\n",  # keys that are not identifiers
        "a :1\n",
        "a: b: c\n",
        "a:\tb\n",  # tab
        "a: 1\r\nb: 2\r\n",  # CR line ends
        "\ufeffa: 1\n",  # byte order mark
        "---\na: 1\n",  # document marker
        "a: 1\n---\nb: 2\n",
        "a: b:\n",
        "a:\n  b: 1\n c: 2\n",
        "- 1\n- 2\n",  # not a mapping
        "just text\n",
        "",
        "# only a comment\n",
        "a:\n    b: 1\n  c: 2\n",  # bad indentation
        "a: 1\n- b\n",
        "a: -\n",
        "a: ?x\n",
        "a: @x\n",
    ],
)
def test_leaves_everything_else_to_the_full_loader(text: str) -> None:
    assert simple_yaml_reader().load(text) is None


def test_every_yml_file_of_the_conformance_fixtures_agrees() -> None:
    taken = [check_agrees(path.read_text()) for path in sorted(FIXTURES.rglob("*.yml"))]
    assert len(taken) > 100 and sum(taken) > len(taken) // 2


def test_deep_nesting_is_left_to_the_full_loader_and_its_budget() -> None:
    deep = "".join(" " * depth + f"k{depth}:\n" for depth in range(100)) + " " * 100 + "k: 1\n"
    shallow = "".join(" " * depth + f"k{depth}:\n" for depth in range(20)) + " " * 20 + "k: 1\n"
    assert simple_yaml_reader().load(deep) is None
    assert check_agrees(shallow)


def test_load_yaml_errors_still_come_from_the_full_loader() -> None:
    with pytest.raises(SourceError, match=r"t\.yml: line 2: duplicate key 'a'"):
        load_yaml("a: 1\na: 2\n", "t.yml")


_KEYS = ["a", "b", "key", "True", "null", "on", "x.y", "a/b", '"q"', '"1"', '"10"', "_k"]
_SCALARS = [
    "1", "-1", "012", "0o17", "0x1F", "1e3", "12.5", "50.0", ".inf", ".NaN", "1_000", "~", "null",
    "Null", "true", "FALSE", "yes", "on", "2024-01-01", "x", "a b", "a, b", "x#y", "http://h",
    '"s"', '""', '"a\\"b"', '"\\n"', '"\\u00e9"', "'s'", "''", "'a\"b'", "é", "--5", "-",
    "a: b", "a #b", "[1]", "{a: 1}", "&x 1", "*x", "!!str 1", "|", "'it''s'", '"\\x41"', "?x",
]  # fmt: skip


@st.composite
def yaml_like_text(draw: st.DrawFn) -> str:
    """Random lines of keys, entry markers and scalars at random indentation: mostly not valid
    YAML, which is the point: whatever the fast reader takes must be read the same."""
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        indent = " " * draw(st.sampled_from([0, 0, 0, 1, 2, 2, 4, 6]))
        entries = "- " * draw(st.sampled_from([0, 0, 1, 1, 2]))
        key = draw(st.sampled_from(_KEYS))
        scalar = draw(st.sampled_from(_SCALARS))
        shape = draw(st.sampled_from(["key_value", "key_value", "key", "scalar", "entry", "note"]))
        body = {
            "key_value": f"{key}: {scalar}",
            "key": f"{key}:",
            "scalar": scalar,
            "entry": "-",
            "note": "# a comment",
        }[shape]
        lines.append(indent + entries + body + draw(st.sampled_from(["", "", " "])))
    return "\n".join(lines) + "\n"


@settings(max_examples=400, deadline=None)
@given(yaml_like_text())
def test_random_line_soup_is_read_alike_or_left_alone(text: str) -> None:
    check_agrees(text)


_PLAIN_VALUES = st.sampled_from(_SCALARS[:34])
_VALUES = st.recursive(
    _PLAIN_VALUES,
    lambda children: st.one_of(
        st.lists(children, min_size=1, max_size=4),
        st.dictionaries(st.sampled_from(_KEYS[:9]), children, min_size=1, max_size=4),
    ),
    max_leaves=12,
)


def _block(value: object, indent: int) -> list[str]:
    """`value` written as block YAML, `- key:` entries compact."""
    pad = " " * indent
    if isinstance(value, dict):
        lines = []
        for key, item in value.items():
            if isinstance(item, str):
                lines.append(f"{pad}{key}: {item}")
            else:
                lines.append(f"{pad}{key}:")
                lines.extend(_block(item, indent + 2))
        return lines
    if isinstance(value, list):
        lines = []
        for item in value:
            inner = _block(item, indent + 2)
            lines.append(f"{pad}- {inner[0].lstrip(' ')}")
            lines.extend(inner[1:])
        return lines
    return [f"{pad}{value}"]


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(_KEYS[:9]), _VALUES, min_size=1, max_size=5))
def test_generated_block_documents_are_read_alike(document: dict[str, object]) -> None:
    check_agrees("\n".join(_block(document, 0)) + "\n")


def test_generated_documents_of_plain_values_are_taken() -> None:
    text = "\n".join(_block({"a": ["1", {"b": '"x"', "c": ["'y'", "z"]}], "d": "~"}, 0))
    assert simple_yaml_reader().load(text + "\n") == {
        "a": [1, {"b": "x", "c": ["y", "z"]}],
        "d": None,
    }

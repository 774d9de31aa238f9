"""Bucketing (docs/featurevisor.md §6): MurmurHash3 vectors, bucket values and JavaScript join
semantics."""

from __future__ import annotations

from typing import Any

import mmh3
import pytest
from kubevisor.core.evaluate.bucketing import (
    InvalidBucketByError,
    bucket_key_builder,
    bucket_value,
)

MURMUR_VECTORS = [
    ("123.foo", 135334774, 3151),
    ("user-1.myFeature", 3886855656, 90497),
    ("ü.naïve", 570334065, 13279),
    ("", 1364076727, 31759),
    ("a", 1485495528, 34586),
    ("abc", 2859854335, 66586),
    ("abcd", 2616542610, 60921),
    ("日本語.feature", 3089382986, 71930),
    ("😀.x", 3311808896, 77109),
]


@pytest.mark.parametrize(("key", "murmur", "value"), MURMUR_VECTORS)
def test_murmur_vectors(key: str, murmur: int, value: int) -> None:
    assert mmh3.hash(key.encode(), 1, signed=False) == murmur
    assert bucket_value(key) == value


@pytest.mark.parametrize(
    ("key", "value"), [("user-3.checkout", 49304), ("user-1.nl.promoA", 96098)]
)
def test_bucket_values_of_the_worked_example(key: str, value: int) -> None:
    assert bucket_value(key) == value


def test_lone_surrogate_fails_like_the_sdk() -> None:
    with pytest.raises(UnicodeEncodeError):
        bucket_value("\ud800.x")


@pytest.mark.parametrize(
    ("bucket_by", "context", "key"),
    [
        ("userId", {"userId": "123"}, "123.f"),
        ("userId", {}, "f"),
        ("userId", {"userId": None}, ".f"),
        ("userId", {"userId": 1.5}, "1.5.f"),
        ("userId", {"userId": 1e-7}, "1e-7.f"),
        ("userId", {"userId": 2.0}, "2.f"),
        ("userId", {"userId": 10**22}, f"{10**22}.f"),
        ("a.b", {"a": {"b": "x"}}, "x.f"),
        (["userId", "country"], {"userId": "u", "country": "nl"}, "u.nl.f"),
        (["userId", "country"], {"country": "nl"}, "nl.f"),
        (
            ["t", "z", "a", "o"],
            {"t": True, "z": None, "a": ["x", 1], "o": {"p": 1}},
            "true..x,1.[object Object].f",
        ),
        ({"or": ["userId", "deviceId"]}, {"deviceId": "d", "userId": "u"}, "u.f"),
        ({"or": ["userId", "deviceId"]}, {"deviceId": "d"}, "d.f"),
        ({"or": ["userId", "deviceId"]}, {}, "f"),
        (["l"], {"l": [None, [1, [2.5]], False]}, ",1,2.5,false.f"),
    ],
)
def test_bucket_keys(bucket_by: Any, context: dict[str, Any], key: str) -> None:
    assert bucket_key_builder("f", bucket_by)(context) == key


@pytest.mark.parametrize("bucket_by", [None, 3, {"and": ["userId"]}, {"or": "userId"}])
def test_invalid_bucket_by(bucket_by: Any) -> None:
    with pytest.raises(InvalidBucketByError, match="invalid bucketBy"):
        bucket_key_builder("f", bucket_by)

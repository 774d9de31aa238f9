"""Feature hash vectors of docs/featurevisor.md §5.9."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st
from kubevisor.core.build.hashes import short_hash

BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def test_short_hash_vectors() -> None:
    assert short_hash("hello") == "aEO7hBt3J4"
    assert short_hash("") == "RZwTDmWjEL"


def test_promo_feature_hash_vector() -> None:
    text = (
        '{"featureKey":"promoA","feature":{"bucketBy":["userId","country"],'
        '"traffic":[{"key":"everyone","segments":"*","percentage":40000}],'
        '"ranges":[[0,50000]]},"requiredFeatureHashes":[],"usedSegmentHashes":[]}'
    )
    assert short_hash(text) == "QrbaiHYotW"


@given(st.text())
def test_short_hash_is_the_first_ten_base62_digits_of_the_digest(text: str) -> None:
    number = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest(), "big")
    digits = ""
    while number:
        number, remainder = divmod(number, 62)
        digits = BASE62[remainder] + digits
    assert short_hash(text) == digits[:10]

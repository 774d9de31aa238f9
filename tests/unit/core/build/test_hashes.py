"""Feature hash vectors of docs/featurevisor.md §5.9."""

from __future__ import annotations

from kubevisor.core.build.hashes import short_hash


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

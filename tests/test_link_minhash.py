"""MinHash: estimates close to the true Jaccard, and keys stable across runs
(stored band keys must keep matching what a later run computes)."""

from __future__ import annotations

import random

from claimgraph.text import minhash
from claimgraph.text.identity import article_key, canonical_url


def test_the_estimate_is_close_to_the_true_similarity():
    rng = random.Random(1)
    universe = [f"w{i}" for i in range(400)]
    for overlap in (0.2, 0.5, 0.8):
        common = set(rng.sample(universe, int(100 * overlap)))
        a = common | {f"a{i}" for i in range(100 - len(common))}
        b = common | {f"b{i}" for i in range(100 - len(common))}
        true = len(a & b) / len(a | b)
        est = minhash.similarity(minhash.signature(a, 128), minhash.signature(b, 128))
        assert abs(est - true) < 0.1, (overlap, true, est)


def test_keys_are_stable_and_round_trip():
    sig = minhash.signature(minhash.shingles("Officials said the port was closed on Sunday after heavy shelling."), 100)
    assert minhash.band_keys(sig, 20)[:3] == [-8032611207904827483, 3745213854706153809, 6649348842451161883]
    assert (minhash.from_bytes(minhash.to_bytes(sig)) == sig).all()
    assert minhash.shingles("Two words") == {"two words"}
    assert minhash.signature([], 8).tolist() == minhash.signature([], 8).tolist()


def test_article_identity():
    assert canonical_url("HTTPS://Example.ORG:443/a/b/?utm_source=x&id=3#c") == "https://example.org/a/b?id=3"
    assert canonical_url("http://example.org:8080/") == "http://example.org:8080/"
    assert canonical_url("  ") is None
    key, digest = article_key("Some  text\n", None)
    assert key == f"sha256:{digest}" and article_key("Some text", None)[1] == digest

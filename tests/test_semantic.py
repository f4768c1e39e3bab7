"""The shared meaning encoder: unit rows, rewordings nearer than other claims, a Hamming index."""

from __future__ import annotations

import numpy as np
import pytest

from claimgraph.errors import ResourceError
from claimgraph.text.semantic import (
    CachedEncoder,
    LexicalEncoder,
    binary_codes,
    hamming_nearest,
    load_encoder,
    semantic_available,
)

CLAIMS = [
    "The army withdrew its troops from the northern border town",
    "Troops were withdrawn by the army from the town on the northern border",
    "The harbour authority reopened the container terminal on Monday",
]


def _check(name: str) -> None:
    vectors = load_encoder(name).encode(CLAIMS)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    sims = vectors @ vectors.T
    assert sims[0, 1] > sims[0, 2] + 0.2  # the rewording is nearer than a claim about something else


def test_the_lexical_encoder_joins_rewordings_that_share_stems() -> None:
    _check("lexical")


@pytest.mark.skipif(not semantic_available(), reason="the semantic extra is not installed (make install-semantic)")
def test_the_minilm_encoder_joins_paraphrases() -> None:
    _check("minilm")
    v = load_encoder("minilm").encode(["U.S. officials say the video is authentic", "The video is a fake"])
    u = load_encoder("minilm").encode(["The United States government said the video is authentic"])
    assert (u @ v.T)[0, 0] > (u @ v.T)[0, 1]


def test_an_unknown_encoder_is_one_clear_error() -> None:
    with pytest.raises(ResourceError, match="unknown encoder"):
        load_encoder("word2vec")


def test_hamming_nearest_puts_the_same_vector_first() -> None:
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((500, 384)).astype(np.float32)
    codes = binary_codes(vectors)
    assert codes.shape == (500, 48)
    assert hamming_nearest(codes, codes[42], 3)[0] == 42


class _Counting(LexicalEncoder):
    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen += texts
        return super().encode(texts)


def test_the_cached_encoder_encodes_each_text_once_and_gives_the_same_rows() -> None:
    inner = _Counting()
    cached = CachedEncoder(inner, size=2)
    first = cached.encode(CLAIMS[:2])
    again = cached.encode([CLAIMS[1], CLAIMS[0], CLAIMS[1]])
    assert inner.seen == CLAIMS[:2]  # the second call was all hits
    assert np.array_equal(again, first[[1, 0, 1]])
    cached.encode([CLAIMS[2]])  # past `size`: the oldest text goes
    cached.encode([CLAIMS[0]])
    assert inner.seen == [*CLAIMS, CLAIMS[0]]
    assert np.array_equal(cached.encode(CLAIMS), LexicalEncoder().encode(CLAIMS))
    assert cached.encode([]).shape == (0, cached.dim)

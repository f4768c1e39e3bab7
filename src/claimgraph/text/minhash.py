"""MinHash signatures and LSH band keys: near-duplicate search without
comparing every pair.

Two sets with Jaccard similarity J agree on each signature slot with
probability J. Cutting a signature into `bands` of `rows` slots, two sets
share at least one band with probability 1 - (1 - J**rows)**bands, so a
lookup by band key finds the similar ones and almost never the others.
Hashes are stable across processes (crc32, fixed seeds), so signatures and
band keys can be stored and compared with those of a later run.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterable
from functools import cache

import numpy as np

_PRIME = np.uint64(4294967311)  # the first prime above 2**32
_WORD = re.compile(r"\w+")


@cache
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1729)  # fixed: stored signatures must stay comparable
    a = rng.integers(1, 2**31, size=num_perm, dtype=np.uint64)
    b = rng.integers(0, 2**31, size=num_perm, dtype=np.uint64)
    return a, b


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def shingles(text: str, k: int = 3) -> set[str]:
    """Word k-grams; a text shorter than k words is one shingle."""
    w = words(text)
    if len(w) <= k:
        return {" ".join(w)} if w else set()
    return {" ".join(w[i : i + k]) for i in range(len(w) - k + 1)}


def signature(features: Iterable[str], num_perm: int = 128) -> np.ndarray:
    """The MinHash signature (uint64 array) of a set of strings."""
    hashes = np.fromiter((zlib.crc32(f.encode()) for f in features), dtype=np.uint64)
    a, b = _permutations(num_perm)
    if hashes.size == 0:
        return np.full(num_perm, _PRIME, dtype=np.uint64)
    # (a*h + b) mod p stays below 2**64: a, b < 2**31, h < 2**32.
    return ((np.outer(hashes, a) + b) % _PRIME).min(axis=0)


def band_keys(sig: np.ndarray, bands: int) -> list[int]:
    """One key per band, a signed 64-bit integer (fits SQL BIGINT): equal keys
    mean equal slices of the signature (the band number is hashed in too)."""
    rows = len(sig) // bands
    data = sig.tobytes()
    width = rows * 8
    return [
        int.from_bytes(
            hashlib.blake2b(data[i * width : (i + 1) * width], digest_size=8, salt=bytes([i])).digest(),
            "little",
            signed=True,
        )
        for i in range(bands)
    ]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two sets behind the signatures."""
    return float(np.mean(a == b))


def to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u8").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u8").astype(np.uint64)

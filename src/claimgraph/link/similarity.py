"""How two claims compare: their content words, the MinHash LSH band keys and
source key that bring candidates together, and the thresholds that make two
claims the same claim (or one the denial of the other)."""

from __future__ import annotations

import hashlib
from typing import Literal

from claimgraph.link.records import Claim
from claimgraph.text import minhash

SAME_CONTENT = 0.6
SAME_SOURCE = 0.34
# specific content each claim needs to be the same claim as (or the denial of) another article's:
# SPECIFIC_WORDS content words, or NAMED_WORDS of them with a name among them. Shorter ones are generic
# ("a family friend called 911", "this is not fake") and joined unrelated stories on dev-stance; they
# can still join by meaning between articles of one story (link.meaning). Set by hand, then checked
# on dev-stance (bench/outlets_eval.py: the line "similarity with ... content words" against "before")
SPECIFIC_WORDS = 5
NAMED_WORDS = 3
NUM_PERM = 36
BANDS = 12  # 3 rows a band: pairs at 0.6 Jaccard meet in some band 95% of the time, at 0.2 only 9%
_STOP_WORDS = (
    "a an the of to in on at by for with from and or but that this these those is are was were be been being "
    "has have had it its their his her they he she we you i as not no will would could should may might"
)
_STOP = frozenset(_STOP_WORDS.split())

Verdict = Literal["same", "opposed"] | None


def content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in minhash.words(text) if w not in _STOP)


def words_of(c: Claim) -> frozenset[str]:
    """The claim's content words, worked out on first use."""
    if c.words is None:
        c.words = content_words(c.content)
    return c.words


def source_band(source_key: str) -> int:
    """The bucket key of a source's claims; salted apart from the MinHash bands."""
    digest = hashlib.blake2b(source_key.encode(), digest_size=8, salt=b"source").digest()
    return int.from_bytes(digest, "little", signed=True)


def bucket_keys(c: Claim) -> tuple[list[int], int | None]:
    """The claim's MinHash band keys and its source's bucket key (None without a source)."""
    if c.keys is None:
        bands = minhash.band_keys(minhash.signature(words_of(c), NUM_PERM), BANDS)
        c.keys = bands, source_band(c.source_key) if c.source_key else None
    return c.keys


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    common = len(a & b)  # |a ∪ b| = |a| + |b| - |a ∩ b|: no second set built
    return common / (len(a) + len(b) - common)


def is_specific(content: str, words: frozenset[str]) -> bool:
    """Whether a claim says enough to be matched across articles: SPECIFIC_WORDS
    content words, or NAMED_WORDS with a capitalised word that is no stop word
    ("Bashar al-Assad resigned" is specific, "a family friend called 911" is not)."""
    if len(words) >= SPECIFIC_WORDS:
        return True
    return len(words) >= NAMED_WORDS and any(w[:1].isupper() and w.lower() not in _STOP for w in content.split())


def specific(c: Claim) -> bool:
    """`is_specific` of the claim, worked out on first use."""
    if c.specific is None:
        c.specific = is_specific(c.content, words_of(c))
    return c.specific


def compare(a: Claim, b: Claim) -> Verdict:
    """Whether b is the same claim as a ("same": same polarity, and most
    content words shared, or fewer from the same source), a denial of the same
    content ("opposed": most content words shared, whatever the source), or
    neither (None, always when one of them is not `specific`)."""
    # this runs for every candidate pair, so it returns no score (`jaccard` gives it where
    # wanted), reads the words in place when known, and inlines `jaccard`
    wa, wb = a.words, b.words
    if wa is None:
        wa = words_of(a)
    if wb is None:
        wb = words_of(b)
    if not (specific(a) and specific(b)):
        return None
    common = len(wa & wb)
    if not common:
        return None
    sim = common / (len(wa) + len(wb) - common)
    if sim >= SAME_CONTENT:
        return "same" if a.denied == b.denied else "opposed"
    if sim >= SAME_SOURCE and a.denied == b.denied and a.source_key is not None and a.source_key == b.source_key:
        return "same"
    return None

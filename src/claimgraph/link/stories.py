"""Stories: articles about the same story across outlets, by document
similarity (TF-IDF cosine of whole texts, `text.semantic.terms` as the words)
blended with the entities the articles share, grouped as connected
components of the pairs at or above a threshold inside a time window.

Pure functions over texts and entity sets, so that the linker and the
benchmark (bench/outlets_eval.py, which chooses the threshold by
cross-validation by story) score the same way. Candidate pairs come from an
inverted index of each article's `TOP_TERMS` heaviest terms, not from every pair.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from claimgraph.link.unionfind import UnionFind
from claimgraph.text.semantic import terms

TOP_TERMS = 40  # terms of an article that bring candidates: the story's names and rarest words
TEXT_WEIGHT = 0.8  # the rest is the entity overlap (cosine of shared entity ids)
WINDOW_DAYS = 21  # articles further apart than this are not one story
# the thresholds 5-fold cross-validation by story chose on dev-stance were 0.19-0.24 (bench/outlets_eval.py)
THRESHOLD = 0.22


@dataclass
class Doc:
    text: str
    entities: frozenset[int] = frozenset()  # cross-article entity ids
    published: date | None = None


Vector = dict[str, float]


def tfidf(texts: Sequence[str]) -> list[Vector]:
    """Sublinear TF times smoothed IDF, each vector of unit length."""
    counts = [Counter(terms(t)) for t in texts]
    df = Counter(w for c in counts for w in c)
    n = len(texts)
    out = []
    for c in counts:
        v = {w: (1 + math.log(k)) * (math.log((1 + n) / (1 + df[w])) + 1) for w, k in c.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        out.append({w: x / norm for w, x in v.items()})
    return out


def _cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(w, 0.0) for w, x in a.items())


def _overlap(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def pair_scores(docs: Sequence[Doc]) -> dict[tuple[int, int], float]:
    """The similarity of each candidate pair (i < j) inside the time window."""
    vectors = tfidf([d.text for d in docs])
    index: dict[str, list[int]] = defaultdict(list)
    for i, v in enumerate(vectors):
        for w in sorted(v, key=lambda w: -v[w])[:TOP_TERMS]:
            index[w].append(i)
    pairs = {(i, j) for members in index.values() for x, i in enumerate(members) for j in members[x + 1 :]}
    scores = {}
    for i, j in pairs:
        a, b = docs[i], docs[j]
        if a.published and b.published and abs((a.published - b.published).days) > WINDOW_DAYS:
            continue
        text = _cosine(vectors[i], vectors[j])
        scores[(i, j)] = TEXT_WEIGHT * text + (1 - TEXT_WEIGHT) * _overlap(a.entities, b.entities)
    return scores


def group(n: int, scores: dict[tuple[int, int], float], threshold: float = THRESHOLD) -> list[int]:
    """Each document's story: the smallest index of its connected component."""
    uf = UnionFind()
    for (i, j), s in scores.items():
        if s >= threshold:
            uf.union(i, j)
    return [uf.find(i) for i in range(n)]


# -- streaming scores: what the linker stores ------------------------------------
#
# The linker places articles one at a time, in id order, each against the
# earlier ones only, so that an incremental link gives what a full relink
# gives. A collection-wide IDF would change with every new article; instead an
# article's vector is fixed when it is placed: IDF from the document
# frequencies of the articles placed so far (itself included), cut to its
# KEPT_TERMS heaviest terms. Its entities are "e:<folded name>" terms of equal
# weight, so one dot product over the stored terms gives both parts.

KEPT_TERMS = 60
# calibrated by 5-fold cross-validation by story on dev-stance's bodies (bench/outlets_eval.py's
# folds, each scored with `stream_scores` in ingest order, entity names from the linked ledger):
# every fold's best-F1 threshold on the other folds was 0.10, giving pairwise precision 0.963,
# recall 0.981 on the held-out folds (text only: 0.682 / 0.965)
STREAM_THRESHOLD = 0.10


# a term in more of the placed articles than this is left out of the vector: it says little about the
# story, and its long postings would make placing an article cost in proportion to the ledger
COMMON_MIN, COMMON_SHARE = 50, 0.02
MAX_TERM = 100  # characters: a longer "word" is junk (a run of letters), and the index column holds 512


def term_counts(text: str) -> Counter:
    """The text's terms as the linker counts them."""
    return Counter(w for w in terms(text) if len(w) <= MAX_TERM)


def placed_vector(counts: Counter, df: dict[str, int], n: int) -> Vector:
    """The unit TF-IDF vector of a text's term counts over its KEPT_TERMS heaviest
    terms; `df` and `n` count the articles placed before it (`df` is updated to count it)."""
    for w in counts:
        df[w] = df.get(w, 0) + 1
    n += 1
    common = max(COMMON_MIN, COMMON_SHARE * n)
    v = {w: (1 + math.log(k)) * (math.log((1 + n) / (1 + df[w])) + 1) for w, k in counts.items() if df[w] <= common}
    kept = sorted(v, key=lambda w: (-v[w], w))[:KEPT_TERMS]
    norm = math.sqrt(sum(v[w] ** 2 for w in kept)) or 1.0
    return {w: v[w] / norm for w in kept}


def entity_vector(names: frozenset[str], df: dict[str, int], n: int) -> Vector:
    """Shared names as a dot product: the overlap |A & B| / sqrt(|A| |B|), over
    the names that are not common (`df` and `n` as for `placed_vector`)."""
    keys = [f"e:{x}" for x in sorted(names)]
    for w in keys:
        df[w] = df.get(w, 0) + 1
    common = max(COMMON_MIN, COMMON_SHARE * (n + 1))
    kept = [w for w in keys if df[w] <= common]
    return {w: 1 / math.sqrt(len(kept)) for w in kept}


def weighted(text: Vector, entities: Vector) -> Vector:
    """The stored vector: the text part and the entity part, weighed as `pair_scores` weighs them."""
    out = {w: TEXT_WEIGHT * x for w, x in text.items()}
    out.update((w, (1 - TEXT_WEIGHT) * x) for w, x in entities.items())
    return out


class Placed:
    """The articles placed so far, by term and by WINDOW_DAYS-long period of
    publication: what a new article is compared with, read only for the
    periods its window reaches."""

    def __init__(self) -> None:
        self.postings: dict[str, dict[int | None, list[tuple[int, float]]]] = defaultdict(lambda: defaultdict(list))
        self.published: dict[int, date | None] = {}

    def add(self, article: int, vector: Vector, published: date | None) -> None:
        self.published[article] = published
        period = _period(published)
        for w, x in vector.items():
            self.postings[w][period].append((article, x))

    def add_posting(self, article: int, term: str, weight: float, published: date | None) -> None:
        """One term of an article placed earlier, as `add` files it: the linker
        reads only the terms of a stored article that a new one can meet."""
        self.published[article] = published
        self.postings[term][_period(published)].append((article, weight))

    def scores(self, vector: Vector, published: date | None) -> dict[int, float]:
        """The earlier articles sharing a term with `vector` inside the time window, with the dot product."""
        acc: dict[int, float] = defaultdict(float)
        period = _period(published)
        for w, x in vector.items():
            by_period = self.postings.get(w)
            if not by_period:
                continue
            if period is None:  # undated: every period
                lists = list(by_period.values())
            else:
                lists = [by_period.get(p, ()) for p in (None, period - 1, period, period + 1)]
            for postings in lists:
                for other, y in postings:
                    acc[other] += x * y
        return {
            a: s
            for a, s in acc.items()
            if published is None
            or self.published[a] is None
            or abs((published - self.published[a]).days) <= WINDOW_DAYS
        }


def _period(published: date | None) -> int | None:
    return None if published is None else published.toordinal() // WINDOW_DAYS


def stream_scores(docs: Sequence[tuple[str, frozenset[str], date | None]]) -> dict[tuple[int, int], float]:
    """Pair scores (i < j) as the linker computes them, placing (text, entity names, published) in order."""
    df: dict[str, int] = {}
    placed = Placed()
    out = {}
    for j, (text, names, published) in enumerate(docs):
        vector = weighted(placed_vector(term_counts(text), df, j), entity_vector(names, df, j))
        for i, s in placed.scores(vector, published).items():
            out[(i, j)] = s
        placed.add(j, vector, published)
    return out

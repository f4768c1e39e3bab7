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

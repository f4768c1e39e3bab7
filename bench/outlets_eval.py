"""Across outlets on dev-stance's bodies: stories, claim clusters and entity merges.

    python bench/outlets_eval.py [--cache /tmp/outlets-helper]

Ingests the 453 bodies once (each with a URL of its own) into a SQLite
ledger under --cache (the spaCy parse is the slow part; later runs reuse
it), relinks it with the current code and prints, against the `story` of
pairs.csv (every body belongs to one story):

- clusters: pairwise precision/recall of "two articles share a claim cluster",
  before (today's rule: `similarity` only, no minimum of content words) and
  after (the specific-content minimum and the joins by meaning of
  `link.meaning`), with `meaning.MEANING_COSINE` chosen by 5-fold
  cross-validation by story (the highest cosine meeting the floors on the
  other folds) beside the whole-set figure at the constant;
- stories: pairwise precision/recall of `link.stories` grouping, with the
  threshold chosen by 5-fold cross-validation by story (each fold's
  threshold is the best F1 on the other folds, scored on its own bodies),
  text only and text plus shared entities;
- entity merges: cross-article merges of names that share no word after
  ASCII folding, with their reasons, for judging by hand.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sqlite3
import sys
from collections import Counter, defaultdict
from pathlib import Path

from claimgraph import ledger
from claimgraph.link import meaning, similarity, stories
from claimgraph.link.evidence import name_words
from claimgraph.link.story_ids import place_stories
from claimgraph.link.unionfind import UnionFind
from claimgraph.store import open_store
from claimgraph.text.semantic import load_encoder

GOLD = Path(__file__).resolve().parents[1].parent / "shared" / "gold" / "dev-stance"
THRESHOLDS = [x / 100 for x in range(5, 80)]
COSINES = [x / 100 for x in range(20, 100, 2)]
FOLDS = 5


def bodies(gold: Path) -> tuple[dict[str, str], dict[str, str]]:
    text = {}
    for line in (gold / "bodies.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        text[row["id"]] = row["text"]
    story = {}
    with (gold / "pairs.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["stance"] != "unrelated":
                story[row["body_id"]] = row["story"]
    return text, story


def build(cache: Path, text: dict[str, str], relink: bool = True) -> Path:
    db = cache / "dev-stance.sqlite"
    if not db.exists():
        cache.mkdir(parents=True, exist_ok=True)
        jsonl = cache / "dev-stance-bodies.jsonl"
        with jsonl.open("w", encoding="utf-8") as f:
            for bid, body in text.items():
                f.write(json.dumps({"id": bid, "text": body, "url": f"https://dev-stance.example/{bid}"}) + "\n")
        ledger.ingest([str(jsonl)], db=str(db), link=False)
    if relink:
        ledger.relink(db=str(db))
    return db


def pairwise(groups: dict[str, object], story: dict[str, str]) -> tuple[float, float]:
    """Precision and recall of 'same group' against 'same story' over all pairs of the ids in `groups`."""
    ids = sorted(groups)
    tp = fp = fn = 0
    for x, a in enumerate(ids):
        for b in ids[x + 1 :]:
            same, gold = groups[a] == groups[b], story[a] == story[b]
            tp += same and gold
            fp += same and not gold
            fn += gold and not same
    return tp / max(1, tp + fp), tp / max(1, tp + fn)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def cluster_groups(db: Path) -> dict[str, set[int]]:
    con = sqlite3.connect(db)
    clusters = defaultdict(set)
    for ext, cid in con.execute(
        "select a.ext_id, c.cluster_id from claims c join articles a on a.id = c.article_id "
        "where c.cluster_id is not null"
    ):
        clusters[ext].add(cid)
    return clusters


def cluster_scores(db: Path, story: dict[str, str]) -> tuple[float, float]:
    """Pairwise P/R of 'share a claim cluster' (a relation, not a partition)."""
    return _pooled([share_counts(cluster_groups(db), story, sorted(story))])


def share_counts(clusters: dict[str, set[int]], story: dict[str, str], ids: list[str]) -> tuple[int, int, int]:
    """(tp, fp, fn) of 'share a claim cluster' against 'same story' over the pairs of `ids`."""
    tp = fp = fn = 0
    for x, a in enumerate(ids):
        for b in ids[x + 1 :]:
            same, gold = bool(clusters.get(a, set()) & clusters.get(b, set())), story[a] == story[b]
            tp += same and gold
            fp += same and not gold
            fn += gold and not same
    return tp, fp, fn


def relinked(db: Path, meaning_on: bool, specific: int) -> None:
    """Relink the ledger with the meaning pass on or off and the minimum of content words `specific`."""
    saved = meaning.ENABLED, similarity.SPECIFIC_WORDS
    meaning.ENABLED, similarity.SPECIFIC_WORDS = meaning_on, specific
    try:
        ledger.relink(db=str(db))
    finally:
        meaning.ENABLED, similarity.SPECIFIC_WORDS = saved


def meaning_candidates(
    db: Path, encoder: str
) -> tuple[dict[int, int], dict[int, str], list[meaning.Join], dict[int, str]]:
    """On a ledger linked without the meaning pass: each claim's cluster, each
    claim's article (ext id), every agreeing claim pair of the story edges with
    its cosine, and each claim's content; prints the seconds the pass took (the
    edges are read by placing the stories again in a transaction rolled back)."""
    import time

    import sqlalchemy as sa

    from claimgraph.store import schema as t

    with open_store(str(db)) as store, store.engine.connect() as conn:
        tx = conn.begin()
        t0 = time.perf_counter()
        edges = place_stories(conn, True)
        t1 = time.perf_counter()
        joins = meaning.scored_joins(conn, edges, False, load_encoder(encoder))
        spent = time.perf_counter() - t1
        rows = conn.execute(
            sa.select(t.claims.c.id, t.claims.c.cluster_id, t.articles.c.ext_id, t.claims.c.content).join(
                t.articles, t.articles.c.id == t.claims.c.article_id
            )
        ).all()
        tx.rollback()
    print(f"  story edges: {len(edges)} ({t1 - t0:.1f} s); agreeing claim pairs: {len(joins)} ({spent:.1f} s)")
    return {r[0]: r[1] for r in rows if r[1] is not None}, {r[0]: r[2] for r in rows}, joins, {r[0]: r[3] for r in rows}


def joined_groups(
    base: dict[int, int], article: dict[int, str], joins: list[meaning.Join], cosine: float
) -> dict[str, set[int]]:
    """Each article's clusters once the joins at or above `cosine` are made, as the link makes them."""
    uf = UnionFind()
    for cid, cluster in base.items():
        uf.union(cluster, cid)
    meaning.bridge(uf, [j for j in joins if j.cosine >= cosine], dict(Counter(base.values())))
    groups: dict[str, set[int]] = defaultdict(set)
    for cid in base:
        groups[article[cid]].add(uf.find(cid))
    return groups


def _strictest(counts: dict[float, list], train: list[int]) -> float:
    """The highest cosine whose pooled P/R on the `train` folds meet the floors (P >= 0.90, R >= 0.60),
    else the best F1: the fewest joins by meaning that do the job (a lower cosine chains a
    story's claims into one cluster, which this measure, by story, does not see)."""
    pooled = {c: _pooled([counts[c][j] for j in train]) for c in COSINES}
    meets = [c for c, (p, r) in pooled.items() if p >= 0.90 and r >= 0.60]
    return max(meets) if meets else max(COSINES, key=lambda c: _f1(*pooled[c]))


def meaning_cv(base, article, joins, story: dict[str, str]) -> tuple[float, float, list[float]]:
    """MEANING_COSINE by 5-fold cross-validation by story: each fold's cosine is
    `_strictest` on the other folds' pairs, scored on its own (pairs inside a fold, as `story_cv`)."""
    names = sorted(set(story.values()))
    fold_of = {s: k % FOLDS for k, s in enumerate(names)}
    folds = [sorted(i for i in story if fold_of[story[i]] == k) for k in range(FOLDS)]
    counts = {}
    for cosine in COSINES:
        groups = joined_groups(base, article, joins, cosine)
        counts[cosine] = [share_counts(groups, story, ids) for ids in folds]
    chosen, held = [], []
    for k in range(FOLDS):
        best = _strictest(counts, [j for j in range(FOLDS) if j != k])
        chosen.append(best)
        held.append(counts[best][k])
    p, r = _pooled(held)
    return p, r, chosen


def largest(db: Path, k: int = 5) -> str:
    """How many clusters span articles, and the k largest as claims/articles."""
    con = sqlite3.connect(db)
    multi = con.execute("select count(*) from clusters where articles > 1").fetchone()[0]
    rows = con.execute(f"select claims, articles from clusters order by claims desc limit {int(k)}").fetchall()
    return f"{multi}; " + ", ".join(f"{c}/{a}" for c, a in rows)


def entity_sets(db: Path) -> dict[str, frozenset[int]]:
    con = sqlite3.connect(db)
    sets = defaultdict(set)
    for ext, xid in con.execute(
        "select a.ext_id, e.xentity_id from entities e join articles a on a.id = e.article_id "
        "where e.xentity_id is not null"
    ):
        sets[ext].add(xid)
    return {k: frozenset(v) for k, v in sets.items()}


def story_cv(text: dict[str, str], story: dict[str, str], ents: dict[str, frozenset[int]]) -> tuple[float, float, list]:
    """Cross-validated pairwise P/R of story grouping, folds split by story."""
    names = sorted(set(story.values()))
    fold_of = {s: k % FOLDS for k, s in enumerate(names)}
    folds = [sorted(i for i in story if fold_of[story[i]] == k) for k in range(FOLDS)]
    scored = []
    for ids in folds:
        docs = [stories.Doc(text[i], ents.get(i, frozenset())) for i in ids]
        scored.append((ids, stories.pair_scores(docs)))

    tp = fp = fn = 0
    chosen = []
    for k in range(FOLDS):
        best = max(
            THRESHOLDS,
            key=lambda th: _f1(*_pooled([fold_counts(scored[j], story, th) for j in range(FOLDS) if j != k])),
        )
        chosen.append(best)
        a, b, c = fold_counts(scored[k], story, best)
        tp, fp, fn = tp + a, fp + b, fn + c
    return tp / max(1, tp + fp), tp / max(1, tp + fn), chosen


def fold_counts(fold, story: dict[str, str], th: float) -> tuple[int, int, int]:
    ids, scores = fold
    groups = stories.group(len(ids), scores, th)
    tp = fp = fn = 0
    for x in range(len(ids)):
        for y in range(x + 1, len(ids)):
            same, gold = groups[x] == groups[y], story[ids[x]] == story[ids[y]]
            tp += same and gold
            fp += same and not gold
            fn += gold and not same
    return tp, fp, fn


def _pooled(counts: list[tuple[int, int, int]]) -> tuple[float, float]:
    tp, fp, fn = (sum(c[i] for c in counts) for i in range(3))
    return tp / max(1, tp + fp), tp / max(1, tp + fn)


def merges(db: Path) -> list[tuple[str, str, str]]:
    """Direct cross-article merges of names sharing no word after ASCII folding."""
    con = sqlite3.connect(db)
    found = {}
    for name, why in con.execute("select name, xentity_reason from entities where xentity_reason is not null"):
        for m in re.finditer(r"'((?:[^'\\]|\\.)*)' \(article \d+\): ([^;]*)", why):
            other = m.group(1)
            if not name_words(name) & name_words(other):
                found.setdefault(tuple(sorted((name, other))), m.group(2))
    return [(a, b, why) for (a, b), why in sorted(found.items())]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", default="/tmp/outlets-eval", help="folder for the dev-stance ledger")
    ap.add_argument("--gold", default=str(GOLD))
    ap.add_argument("--encoder", default=meaning.ENCODER, help="the encoder the meaning pass is scored with")
    args = ap.parse_args(argv)
    gold = Path(args.gold)
    if not (gold / "bodies.jsonl").exists():
        print(f"dev-stance not found at {gold}", file=sys.stderr)
        return 2
    text, story = bodies(gold)
    db = build(Path(args.cache), text, relink=False)
    relinked(db, False, 0)
    p, r = cluster_scores(db, story)
    print(f"clusters before (similarity only, no minimum of content words): precision {p:.3f} recall {r:.3f}")
    print(f"  clusters of more than one article, and the largest by claims: {largest(db)}")
    relinked(db, False, similarity.SPECIFIC_WORDS)
    p, r = cluster_scores(db, story)
    print(f"clusters, similarity with {similarity.SPECIFIC_WORDS} content words at least: P {p:.3f} R {r:.3f}")
    base, article, joins, content = meaning_candidates(db, args.encoder)
    p, r, chosen = meaning_cv(base, article, joins, story)
    print(f"clusters after, {args.encoder} cosine CV by story: precision {p:.3f} recall {r:.3f} (cosines {chosen})")
    curve = []
    for cosine in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        p, r = _pooled([share_counts(joined_groups(base, article, joins, cosine), story, sorted(story))])
        curve.append(f"{cosine}: {p:.3f}/{r:.3f}")
    print(f"  whole set by cosine, P/R: {'; '.join(curve)}")
    whole = {c: [share_counts(joined_groups(base, article, joins, c), story, sorted(story))] for c in COSINES}
    strict = _strictest(whole, [0])
    p, r = _pooled(whole[strict])
    print(f"  the strictest cosine meeting the floors on the whole set (MEANING_COSINE): {strict}, P {p:.3f} R {r:.3f}")
    at_constant = joined_groups(base, article, joins, meaning.MEANING_COSINE)
    p, r = _pooled([share_counts(at_constant, story, sorted(story))])
    print(
        f"clusters after, {args.encoder} cosine {meaning.MEANING_COSINE} (clusters by meaning of "
        f"{meaning.MAX_JOINED_CLAIMS} claims at most) on the whole set: P {p:.3f} R {r:.3f}"
    )
    ledger.relink(db=str(db))
    p, r = cluster_scores(db, story)
    print(
        f"clusters after, the ledger's own link (lexical, {meaning.MEANING_COSINE}): precision {p:.3f} recall {r:.3f}"
    )
    print(f"  clusters of more than one article, and the largest by claims: {largest(db)}")
    wrong = [
        j
        for j in joins
        if j.cosine >= meaning.MEANING_COSINE and story.get(article[j.earlier]) != story.get(article[j.later])
    ]
    print(f"  joins by meaning between bodies of different (or no) stories: {len(wrong)}, for judging by hand:")
    for j in wrong[:15]:
        print(f"    {j.cosine:.2f} {content[j.earlier]!r} = {content[j.later]!r}")
    ents = entity_sets(db)
    weight = stories.TEXT_WEIGHT
    try:
        stories.TEXT_WEIGHT = 1.0
        p, r, th = story_cv(text, story, {})
        print(f"stories, TF-IDF text only, CV by story: precision {p:.3f} recall {r:.3f} (thresholds {th})")
    finally:
        stories.TEXT_WEIGHT = weight
    p, r, th = story_cv(text, story, ents)
    print(f"stories, text {weight} + entities, CV by story: precision {p:.3f} recall {r:.3f} (thresholds {th})")
    found = merges(db)
    print(f"entity merges of names sharing no word: {len(found)}")
    for a, b, why in found:
        print(f"  {a!r} = {b!r}: {why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Across outlets on dev-stance's bodies: stories, claim clusters and entity merges.

    python bench/outlets_eval.py [--cache /tmp/outlets-helper]

Ingests the 453 bodies once (each with a URL of its own) into a SQLite
ledger under --cache (the spaCy parse is the slow part; later runs reuse
it), relinks it with the current code and prints, against the `story` of
pairs.csv (every body belongs to one story):

- clusters: pairwise precision/recall of "two articles share a claim cluster";
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
from collections import defaultdict
from pathlib import Path

from claimgraph import ledger
from claimgraph.link import stories
from claimgraph.link.evidence import name_words

GOLD = Path(__file__).resolve().parents[1].parent / "shared" / "gold" / "dev-stance"
THRESHOLDS = [x / 100 for x in range(5, 80)]
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


def build(cache: Path, text: dict[str, str]) -> Path:
    db = cache / "dev-stance.sqlite"
    if not db.exists():
        cache.mkdir(parents=True, exist_ok=True)
        jsonl = cache / "dev-stance-bodies.jsonl"
        with jsonl.open("w", encoding="utf-8") as f:
            for bid, body in text.items():
                f.write(json.dumps({"id": bid, "text": body, "url": f"https://dev-stance.example/{bid}"}) + "\n")
        ledger.ingest([str(jsonl)], db=str(db), link=False)
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
    clusters = cluster_groups(db)
    ids = sorted(story)
    tp = fp = fn = 0
    for x, a in enumerate(ids):
        for b in ids[x + 1 :]:
            same, gold = bool(clusters.get(a, set()) & clusters.get(b, set())), story[a] == story[b]
            tp += same and gold
            fp += same and not gold
            fn += gold and not same
    return tp / max(1, tp + fp), tp / max(1, tp + fn)


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
    args = ap.parse_args(argv)
    gold = Path(args.gold)
    if not (gold / "bodies.jsonl").exists():
        print(f"dev-stance not found at {gold}", file=sys.stderr)
        return 2
    text, story = bodies(gold)
    db = build(Path(args.cache), text)
    p, r = cluster_scores(db, story)
    print(f"clusters (share a claim cluster): precision {p:.3f} recall {r:.3f}")
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

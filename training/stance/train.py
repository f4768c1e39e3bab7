"""Fit the stance combiner on ../shared/gold/dev-stance and write src/claimgraph/fitted/stance.json.

    python training/stance/train.py [--db LEDGER] [--seed 0] [--stories N] [--encoder lexical|minilm]
        [--model logistic|trees] [--out PATH]

The bodies are ingested once into a ledger (--db; made when missing), and
every headline goes through the same retrieval and features as `claimgraph
check`: a pair the retrieval does not find is predicted unrelated, the others
are scored by the combiner. Prints figures cross-validated by story (5 folds)
and on the whole set; `--stories N` keeps N stories (a quick retrain).
`--encoder` names the meaning encoder (recorded in the fitted file, which
`check` then loads): lexical (the default install's) writes stance.json,
minilm (the semantic extra's) stance-minilm.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT.parent / "shared" / "gold" / "dev-stance"
FITTED = ROOT / "src" / "claimgraph" / "fitted"
OUT = {"lexical": FITTED / "stance.json", "minilm": FITTED / "stance-minilm.json"}
LABEL = {"unrelated": "unrelated", "discuss": "discusses", "agree": "supports", "disagree": "refutes"}
LIMIT = 60  # articles a headline: as `check` reads them


def load_pairs(gold: Path, stories: int | None) -> list[dict]:
    with open(gold / "pairs.csv", encoding="utf-8", newline="") as fh:
        pairs = list(csv.DictReader(fh))
    if stories:
        # the first N stories, and only bodies of theirs: a small ledger to ingest
        keep = sorted({p["story"] for p in pairs})[:stories]
        own = {p["body_id"] for p in pairs if p["story"] in keep and p["stance"] != "unrelated"}
        pairs = [p for p in pairs if p["story"] in keep and p["body_id"] in own]
    return pairs


def ledger_for(gold: Path, db: str, bodies: set[str] | None = None) -> str:
    """`db`, made from the bodies (only `bodies`, when given) where it does not exist yet."""
    from claimgraph import ledger

    if Path(db).exists():
        return db
    source = gold / "bodies.jsonl"
    if bodies is not None:
        kept = Path(db).with_suffix(".bodies.jsonl")
        with open(source, encoding="utf-8") as fh, open(kept, "w", encoding="utf-8") as out:
            out.writelines(line for line in fh if json.loads(line)["id"] in bodies)
        source = kept
    ledger.ingest([str(source)], db=db)
    return db


def features(db: str, pairs: list[dict], encoder_name: str = "lexical"):
    """(X, y, groups) for the pairs retrieval found, and the labels of all pairs with a found mask."""
    from claimgraph.ledger.claim_check import candidates, documents
    from claimgraph.ledger.stance import assess
    from claimgraph.store import open_store
    from claimgraph.store.search import Query
    from claimgraph.text.semantic import CachedEncoder, load_encoder

    # named, never "auto": installing the extra must not change what a retrain fits
    encoder = CachedEncoder(load_encoder(encoder_name))
    by_headline: dict[str, list[int]] = {}
    for i, p in enumerate(pairs):
        by_headline.setdefault(p["headline"], []).append(i)
    rows = np.zeros((len(pairs), 0))
    found = np.zeros(len(pairs), dtype=bool)
    X: list[np.ndarray | None] = [None] * len(pairs)
    with open_store(db) as store:
        for headline, idx in by_headline.items():
            docs = documents(store, candidates(store, headline, Query(), LIMIT))
            by_ext = {info["ext_id"]: doc for info, doc in docs.values()}
            for i in idx:
                doc = by_ext.get(pairs[i]["body_id"])
                if doc is not None:
                    X[i] = assess(headline, doc, encoder).features
                    found[i] = True
    width = len(next(x for x in X if x is not None))
    rows = np.array([x if x is not None else np.zeros(width) for x in X])
    return rows, found, encoder.name


# the trees' settings: small (a few hundred KB of JSON), fixed (no early stopping: deterministic by seed)
TREES = {"max_iter": 150, "learning_rate": 0.05, "max_leaf_nodes": 15, "min_samples_leaf": 20, "l2_regularization": 1.0}


def fit(X: np.ndarray, y: np.ndarray, seed: int, encoder: str, model: str = "logistic") -> dict:
    """The fitted combiner, as the data of a stance file."""
    from claimgraph.ledger.stance import CLASSES, FEATURES, FORMAT

    head = {"format": FORMAT, "encoder": encoder, "model": model, "classes": list(CLASSES), "features": list(FEATURES)}
    if model == "trees":
        from sklearn.ensemble import HistGradientBoostingClassifier

        gb = HistGradientBoostingClassifier(**TREES, class_weight="balanced", early_stopping=False, random_state=seed)
        return head | export_trees(gb.fit(X, y), CLASSES)
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(X)
    scale = np.where(scaler.scale_ == 0, 1.0, scaler.scale_)
    lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000, random_state=seed)
    lr.fit((X - scaler.mean_) / scale, y)
    order = [list(lr.classes_).index(c) for c in CLASSES]
    return head | {
        "mean": [round(float(v), 8) for v in scaler.mean_],
        "scale": [round(float(v), 8) for v in scale],
        "coef": [[round(float(v), 8) for v in lr.coef_[i]] for i in order],
        "intercept": [round(float(lr.intercept_[i]), 8) for i in order],
    }


def export_trees(gb, classes: tuple[str, ...]) -> dict:
    """A HistGradientBoostingClassifier's trees as flat node arrays (ledger/stance.py scores them):
    a leaf has left = right = -1; an inner node sends a row left where its feature is <= the threshold."""
    fitted = list(gb.classes_)
    out: dict[str, list] = {k: [] for k in ("cls", "root", "feature", "threshold", "left", "right", "value")}
    depth = 0
    for iteration in gb._predictors:
        for k, tree in enumerate(iteration):
            nodes, base = tree.nodes, len(out["feature"])
            out["cls"].append(classes.index(fitted[k]))
            out["root"].append(base)
            depth = max(depth, int(nodes["depth"].max()))
            for node in nodes:
                leaf = bool(node["is_leaf"])
                out["feature"].append(0 if leaf else int(node["feature_idx"]))
                out["threshold"].append(0.0 if leaf else float(node["num_threshold"]))  # exact: a row may sit on it
                out["left"].append(-1 if leaf else base + int(node["left"]))
                out["right"].append(-1 if leaf else base + int(node["right"]))
                out["value"].append(round(float(node["value"]), 8) if leaf else 0.0)
    baseline = np.ravel(gb._baseline_prediction)
    return {
        "baseline": [round(float(baseline[fitted.index(c)]), 8) for c in classes],
        "trees": {"depth": depth, **out},
    }


def predict(data: dict, X: np.ndarray, found: np.ndarray) -> np.ndarray:
    from claimgraph.ledger.stance import Combiner

    model = Combiner(data)
    out = np.array(["unrelated"] * len(X), dtype=object)
    if found.any():
        out[found] = np.array(model.classes)[model.proba(X[found]).argmax(axis=1)]
    return out


def scores(gold: np.ndarray, pred: np.ndarray) -> dict:
    from sklearn.metrics import f1_score

    from claimgraph.ledger.stance import CLASSES

    per = f1_score(gold, pred, labels=list(CLASSES), average=None, zero_division=0)
    return {
        "macro_f1": round(float(per.mean()), 3),
        **{c: round(float(f), 3) for c, f in zip(CLASSES, per, strict=True)},
    }


def run(
    db: str,
    stories: int | None,
    seed: int,
    out: Path | None,
    gold: Path = GOLD,
    encoder: str = "lexical",
    model: str = "logistic",
) -> dict:
    from sklearn.model_selection import GroupKFold

    pairs = load_pairs(gold, stories)
    bodies = {p["body_id"] for p in pairs} if stories else None
    X, found, encoder = features(ledger_for(gold, db, bodies), pairs, encoder)
    y = np.array([LABEL[p["stance"]] for p in pairs], dtype=object)
    groups = np.array([p["story"] for p in pairs])
    cv = np.array(["unrelated"] * len(pairs), dtype=object)
    for train, test in GroupKFold(n_splits=min(5, len(set(groups)))).split(X, y, groups):
        train = train[found[train]]
        data = fit(X[train], y[train], seed, encoder, model)
        cv[test] = predict(data, X[test], found[test])
    data = fit(X[found], y[found], seed, encoder, model)
    whole = predict(data, X, found)
    report = {"pairs": len(pairs), "retrieved": int(found.sum()), "cv": scores(y, cv), "whole": scores(y, whole)}
    if out is not None:
        out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", default="/tmp/claimgraph-dev-stance.sqlite", help="ledger of the bodies (made when missing)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--stories", type=int, default=None, help="only the first N stories (a quick retrain)")
    p.add_argument("--encoder", choices=sorted(OUT), default="lexical", help="meaning encoder (default lexical)")
    # logistic by default: trees score higher on discusses/supports but lower on refutes, cross-validated
    p.add_argument("--model", choices=("logistic", "trees"), default="logistic", help="the combiner (default logistic)")
    p.add_argument("--out", default=None, help="where to write the fitted file ('-': nowhere; default by encoder)")
    args = p.parse_args(argv)
    out = OUT[args.encoder] if args.out is None else None if args.out == "-" else Path(args.out)
    if not (GOLD / "pairs.csv").exists():
        print(f"no data at {GOLD}", file=sys.stderr)
        return 1
    report = run(args.db, args.stories, args.seed, out, encoder=args.encoder, model=args.model)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())

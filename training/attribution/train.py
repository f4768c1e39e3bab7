"""Fit the learned cue detector (src/claimgraph/fitted/attribution.json) on train-attribution.

    make train-attribution
    .venv/bin/python training/attribution/train.py [--shared ../shared] [--seed 0] [--limit N] [--out FILE]

Each article of PolNeAR's training split (never dev-attribution) is parsed
(cached as a DocBin under --cache, claimgraph-attribution-parses in the temp folder by default) and run
through the stages before attribution; every candidate word
(`learned.candidate`) becomes one row of `learned.features`, labelled 1 when
it is the head of a gold cue span (the span's word whose syntactic head lies
outside it). An L2 logistic regression (scikit-learn, liblinear) is fitted on
features seen in at least MIN_COUNT articles. The decision threshold is the
one that maximises *claims* F1 out of fold (GroupKFold by article: each
article analysed with the fold model that did not see it, its claims matched
to the gold as the shared scorer matches them, content words F1 >= 0.5, one to
one), since a cue with no claim costs nothing and a false cue costs a claim;
the veto (below which "both" drops a lexicon cue) is the probability under
which the out-of-fold precision of lexicon words falls below VETO_PRECISION.
Deterministic given --seed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # training/corpus.py
from corpus import cached_parses, load_articles

ROOT = Path(__file__).resolve().parents[2]
CORPUS = "gold/train-attribution"
FOLDS = 3
MIN_COUNT = 3  # a feature must occur in this many articles to get a weight
C = 0.25  # inverse regularisation: out-of-fold cue F1 0.768 at 0.1, 0.776 at 0.25, 0.774 at 0.5
# in "both", a lexicon cue the model gives less than this precision (out of fold) is dropped
VETO_PRECISION = 0.2
# the decision thresholds tried for claims F1 out of fold (each one analyses every article once)
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45)
# the shared scorer's matching bar (eval/README.md: token F1 >= 0.5)
MATCH_F1 = 0.5


def parses(analyzer, texts: list[str], cache: Path):
    """spaCy parses of `texts` (line by line, as the analyser parses), cached as one DocBin."""
    from claimgraph.analyse.nlp import parse_many

    nlp = analyzer.resources.nlp
    size = analyzer.settings.batch_size
    return cached_parses(nlp, texts, cache, lambda ts: (d for d, _ in parse_many(nlp, ((t, None) for t in ts), size)))


def cue_heads(doc, article: dict) -> set[int]:
    """Token indices of the heads of the gold cue spans."""
    heads = set()
    for c in article["claims"]:
        span = c.get("cue_span")
        if not span:
            continue
        toks = doc.char_span(span[0], span[1], alignment_mode="expand")
        if toks is None or len(toks) == 0:
            continue
        inside = {t.i for t in toks}
        top = [t for t in toks if t.head.i not in inside or t.head.i == t.i]
        heads.add((top or list(toks))[0].i)
    return heads


def collect(articles: list[dict], cache: Path):
    """Feature lists, labels, article index, and whether each row's lemma is a lexicon cue."""
    from claimgraph.analyse import STAGES, Analyzer, attribution
    from claimgraph.analyse.attribution.learned import candidate, features
    from claimgraph.analyse.document import Document
    from claimgraph.config import Settings
    from claimgraph.ingest.articles import parse_date
    from claimgraph.model import Article

    analyzer = Analyzer(Settings(attribution="rules"))  # only what attribution reads is loaded
    lex = analyzer.resources.lexicons
    before = STAGES[: STAGES.index(attribution.run)]
    docs = parses(analyzer, [a["text"] for a in articles], cache)
    rows, labels, groups, lexical = [], [], [], []
    for i, (a, doc) in enumerate(zip(articles, docs, strict=True)):
        article = Article(text=a["text"], published=parse_date(a.get("published")))
        document = Document(article=article, doc=doc, resources=analyzer.resources)
        for stage in before:
            stage(document)
        gold = cue_heads(doc, a)
        for sent in document.sents:
            for tok in sent:
                if not candidate(tok):
                    continue
                rows.append(features(document, tok))
                labels.append(int(tok.i in gold))
                groups.append(i)
                lemma = tok.lemma_.lower()
                lexical.append(lemma in lex.cue_verbs or lemma in lex.cue_nouns)
    return rows, np.array(labels), np.array(groups), np.array(lexical), docs


def overlap_f1(shared: Path):
    """The shared scorer's own token F1 of two spans (`overlap_f1` of shared/eval/score.py)."""
    spec = importlib.util.spec_from_file_location("shared_score", shared / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.overlap_f1


def matched(text: str, gold: list[tuple[int, int]], pred: list[tuple[int, int]], overlap) -> int:
    """How many gold contents a predicted content matches, one to one, best overlaps first."""
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            f1 = overlap(text, g, p)
            if f1 >= MATCH_F1:
                pairs.append((f1, gi, pi))
    used_g, used_p = set(), set()
    for _, gi, pi in sorted(pairs, reverse=True):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
    return len(used_g)


def claim_counts(articles: list[dict], docs: list, models: list, thresholds: tuple[float, ...], overlap) -> dict:
    """For each threshold: matched, predicted and gold claims over `articles`, each analysed (up to
    attribution, cues by the learned setting) with its own fold's model at that threshold."""
    from dataclasses import replace

    from claimgraph.analyse import STAGES, Analyzer, attribution
    from claimgraph.analyse.document import Document
    from claimgraph.config import Settings
    from claimgraph.ingest.articles import parse_date
    from claimgraph.model import Article

    analyzer = Analyzer(Settings(attribution="learned"))
    resources = analyzer.resources
    upto = STAGES[: STAGES.index(attribution.run) + 1]
    counts = {t: [0, 0, 0] for t in thresholds}
    for a, doc, model in zip(articles, docs, models, strict=True):
        gold = [tuple(c["content_span"]) for c in a["claims"] if c.get("required", True)]
        article = Article(text=a["text"], published=parse_date(a.get("published")))
        for t in thresholds:
            resources.attribution_model = replace(model, threshold=t)  # a cached property: set on the instance
            document = Document(article=article, doc=doc, resources=resources)
            for stage in upto:
                stage(document)
            pred = [(c.content.start, c.content.end) for c in document.claims]
            counts[t][0] += matched(a["text"], gold, pred, overlap)
            counts[t][1] += len(pred)
            counts[t][2] += len(gold)
    return counts


def f1_of(tp: int, npred: int, ngold: int) -> float:
    return 2 * tp / (npred + ngold) if tp else 0.0


def vocabulary(rows: list[list[str]], groups: np.ndarray) -> list[str]:
    seen: dict[str, set[int]] = {}
    for feats, g in zip(rows, groups, strict=True):
        for f in feats:
            seen.setdefault(f, set()).add(int(g))
    return sorted(f for f, arts in seen.items() if len(arts) >= MIN_COUNT)


def matrix(rows: list[list[str]], vocab: list[str]):
    from scipy.sparse import csr_matrix

    index = {f: k for k, f in enumerate(vocab)}
    indptr, cols = [0], []
    for feats in rows:
        cols += sorted({index[f] for f in feats if f in index})
        indptr.append(len(cols))
    return csr_matrix(
        (np.ones(len(cols)), np.array(cols, dtype=np.int64), np.array(indptr)), shape=(len(rows), len(vocab))
    )


def fit(x, y, seed: int):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, solver="liblinear", random_state=seed, max_iter=200).fit(x, y)


def weights_of(model, vocab: list[str]) -> dict[str, float]:
    return {f: round(float(w), 4) for f, w in zip(vocab, model.coef_[0], strict=True) if abs(w) >= 1e-4}


def model_of(model, vocab: list[str], threshold: float, veto: float):
    """The fitted regression as the analyser scores it (the same rounding as the written file)."""
    from claimgraph.analyse.attribution.model import CueModel

    bias = round(float(model.intercept_[0]), 4)
    return CueModel(weights=weights_of(model, vocab), bias=bias, threshold=threshold, veto=veto)


def best_threshold(p: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The threshold (on a 0.05 grid) with the best F1, and that F1."""
    best = (0.5, 0.0)
    for t in np.arange(0.1, 0.91, 0.05):
        pred = p >= t
        tp = float((pred & (y == 1)).sum())
        f1 = 2 * tp / (pred.sum() + y.sum()) if tp else 0.0
        if f1 > best[1]:
            best = (round(float(t), 2), f1)
    return best


def veto_threshold(p: np.ndarray, y: np.ndarray, lexical: np.ndarray) -> float:
    """The highest probability band (0.05 wide) under which lexicon words are cues less than
    VETO_PRECISION of the time."""
    veto = 0.0
    for t in np.arange(0.05, 0.51, 0.05):
        band = lexical & (p < t) & (p >= t - 0.05)
        if band.sum() and y[band].mean() < VETO_PRECISION:
            veto = round(float(t), 2)
        else:
            break
    return veto


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=int, help="only the first N articles (a quick check)")
    ap.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "claimgraph-attribution-parses",
        help="folder for cached spaCy parses",
    )
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "claimgraph" / "fitted" / "attribution.json")
    args = ap.parse_args(argv)
    if not (args.shared / CORPUS).is_dir():
        print(f"train-attribution: no {CORPUS} under {args.shared} (pass --shared DIR)", file=sys.stderr)
        return 2
    from sklearn.model_selection import GroupKFold

    from claimgraph.analyse.attribution.model import FORMAT

    started = time.perf_counter()
    articles = load_articles(args.shared, CORPUS, args.limit)
    rows, y, groups, lexical, docs = collect(articles, args.cache)
    vocab = vocabulary(rows, groups)
    x = matrix(rows, vocab)
    print(f"{len(articles)} articles, {len(y)} candidates, {int(y.sum())} cues, {len(vocab)} features", file=sys.stderr)
    oof = np.zeros(len(y))
    fold_models: list = [None] * len(articles)
    for train, test in GroupKFold(n_splits=min(FOLDS, len(articles))).split(x, y, groups):
        fold = fit(x[train], y[train], args.seed)
        oof[test] = fold.predict_proba(x[test])[:, 1]
        cue_model = model_of(fold, vocab, 0.5, 0.0)
        for g in set(groups[test].tolist()):
            fold_models[g] = cue_model
    cue_threshold, cv_f1 = best_threshold(oof, y)
    veto = veto_threshold(oof, y, lexical)
    counts = claim_counts(articles, docs, fold_models, THRESHOLDS, overlap_f1(args.shared))
    threshold = max(THRESHOLDS, key=lambda t: (f1_of(*counts[t]), -t))
    cv_claims = {str(t): round(f1_of(*c), 4) for t, c in counts.items()}
    model = fit(x, y, args.seed)
    weights = weights_of(model, vocab)
    lex_pred = lexical
    tp = float((lex_pred & (y == 1)).sum())
    report = {
        "candidates": len(y),
        "cues": int(y.sum()),
        "features": len(weights),
        "cv_cue_f1": round(cv_f1, 4),
        "cv_cue_threshold": cue_threshold,
        "cv_claims_f1": cv_claims,
        "cv_claims_prf": dict(zip(("matched", "predicted", "gold"), counts[threshold], strict=True)),
        "lexicon_cue_f1": round(2 * tp / (lex_pred.sum() + y.sum()), 4),
        "seconds": round(time.perf_counter() - started, 1),
    }
    data = {
        "format": FORMAT,
        "trained_on": f"{CORPUS} ({len(articles)} articles), training/attribution/train.py --seed {args.seed}",
        "params": {"C": C, "min_count": MIN_COUNT, "folds": FOLDS, "veto_precision": VETO_PRECISION},
        "seed": args.seed,
        "report": report,
        "threshold": threshold,
        "veto": veto,
        "bias": round(float(model.intercept_[0]), 4),
        "weights": dict(sorted(weights.items())),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(report), file=sys.stderr)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

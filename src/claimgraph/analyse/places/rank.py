"""Places, step 2b: the learned ranker over each target's candidates.

After `score.decide` has run the hand-set scorer (priors, evidence terms and
three rounds of article focus), each candidate is described by the numbers
in `FEATURES` (how the name matched, kind, population, feature class, the
feature words around the mention, containment, the outlet, the article's
focus and nearness to its other places, metonymy, and the hand-set score
itself) and scored by gradient-boosted trees fitted by
`training/places/train.py` on dev-geo (`fitted/place_ranker.json`). The trees
are evaluated here in plain numpy; scikit-learn is used only to fit them.

The probability of a candidate is its tree score's sigmoid, normalised over
the target's candidates. `Settings.place_ranker` picks the scorer: "learned"
(the default), "hand" (the old hand-set scores alone) or "cv" (each dev-geo
article scored by the fold model that did not see it: the cross-validated
figure of `make eval`).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from claimgraph.analyse.places.gazetteer import distance_km
from claimgraph.analyse.places.target import BROAD, OUTLET_LABEL, Candidate, Target
from claimgraph.errors import ResourceError
from claimgraph.lexicons import load_table

FORMAT = "place-ranker/1"
FITTED_NAME = "place_ranker.json"
RANKERS = ("learned", "hand", "cv")

_KINDS = ("country", "continent", "area", "water", "region", "district", "city", "town")
_FORMS = ("name", "alt", "alias", "demonym", "seat", "subd", "county_bare")
_LABELS = ("GPE", "LOC", "FAC", "NORP", "ORG", "PERSON", "")
# the feature-word kinds around a mention ("Tartus province": region), as lexicons/place_features.tsv
# names them, and "settlement" ("naval base in Tartus"); a new kind there asks for a re-fit
_HINTS = tuple(sorted({r["kind"] for r in load_table("place_features.tsv")} | {"settlement"}))
# distances are fed as log10(1 + km); "no such place" counts as this far (20,000 km)
_FAR_LOG_KM = math.log10(20_001)

FEATURES: tuple[str, ...] = (
    *(f"kind_{k}" for k in _KINDS),
    "kind_other",
    *(f"form_{f}" for f in _FORMS),
    "exact",
    *(f"label_{lab or 'none'}" for lab in _LABELS),
    "label_other",
    "nested",
    "person_like",
    "metonym",
    "locative",
    "log_pop",
    "log_pop_below_max",
    "most_populous",
    "log_candidates",
    "fcode_capital",
    "fcode_seat",
    "fcode_seat2",
    "fcode_seat3",
    *(f"hint_{h}" for h in _HINTS),
    "hint_in_name",
    "feature_part",
    "contained",
    "has_container",
    "pair",
    "outlet_part",
    "home",
    "outlet_country",
    "outlet_known",
    "focus_country",
    "focus_region",
    "near",
    "log_km_nearest",
    "log_km_home",
    "share_country_best",
    "share_region_best",
    "log_mentions",
    "hand_score_below_max",
    "hand_prob",
)


@dataclass(frozen=True)
class Trees:
    """Gradient-boosted regression trees (binary log-loss), as arrays padded to one width."""

    feature: np.ndarray  # (trees, nodes) int; -1 at leaves
    threshold: np.ndarray  # (trees, nodes): x (rounded to float32, as scikit-learn does) <= threshold goes left
    left: np.ndarray  # (trees, nodes) int
    right: np.ndarray
    value: np.ndarray  # (trees, nodes) float: the leaf's contribution, already times the learning rate
    init: float
    depth: int

    def raw(self, x: np.ndarray) -> np.ndarray:
        """The log-odds of each row of `x` (rows: candidates, columns: FEATURES)."""
        x = np.asarray(x, dtype=np.float32).astype(np.float64)
        n, t = x.shape[0], self.feature.shape[0]
        rows = np.arange(n)[:, None]
        cols = np.arange(t)[None, :]
        node = np.zeros((n, t), dtype=np.int64)
        for _ in range(self.depth):
            f = self.feature[cols, node]
            leaf = f < 0
            go_left = x[rows, np.where(leaf, 0, f)] <= self.threshold[cols, node]
            node = np.where(leaf, node, np.where(go_left, self.left[cols, node], self.right[cols, node]))
        return self.init + self.value[cols, node].sum(axis=1)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Trees:
        trees = data["trees"]
        width = max(len(t["feature"]) for t in trees)

        def pad(key: str, fill: float, dtype: Any) -> np.ndarray:
            return np.array([t[key] + [fill] * (width - len(t[key])) for t in trees], dtype=dtype)

        return cls(
            feature=pad("feature", -1, np.int64),
            threshold=pad("threshold", 0.0, np.float64),
            left=pad("left", -1, np.int64),
            right=pad("right", -1, np.int64),
            value=pad("value", 0.0, np.float64) * float(data["learning_rate"]),
            init=float(data["init"]),
            depth=int(data["depth"]),
        )


@dataclass(frozen=True)
class Ranker:
    """The whole-set model, and for "cv" the fold models with the articles each held out."""

    model: Trees
    folds: tuple[Trees, ...] = ()
    held_out: dict[str, int] | None = None  # article key -> the fold that did not train on it

    def for_text(self, text: str) -> Trees:
        if self.held_out is None:
            return self.model
        fold = self.held_out.get(article_key(text))
        return self.model if fold is None else self.folds[fold]


def article_key(text: str) -> str:
    """How the fitted file names an article: the start of its text's SHA-1."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def load_ranker(data: dict[str, Any], mode: str) -> Ranker | None:
    """The ranker a fitted file describes, for `mode` (RANKERS); None for "hand"."""
    if mode not in RANKERS:
        raise ResourceError(f"place ranker {mode!r}: expected one of {', '.join(RANKERS)}")
    if mode == "hand":
        return None
    if data.get("format") != FORMAT or tuple(data.get("features", ())) != FEATURES:
        raise ResourceError(
            f"{FITTED_NAME}: format {data.get('format')!r} or its features do not match this code; "
            "run make train-places"
        )
    model = Trees.from_json(data["model"])
    if mode == "learned":
        return Ranker(model)
    folds = tuple(Trees.from_json(f) for f in data["folds"])
    return Ranker(model, folds, dict(data["held_out"]))


# ------------------------------------------------------------------ features


def feature_rows(targets: list[Target], context: dict[str, Any]) -> list[np.ndarray]:
    """One matrix a target (rows: its candidates, columns: FEATURES), after `score.decide`.
    `context`: `outlet_country` (or None), `homes` (the outlet's home targets) and
    `metonyms` (the ids of targets that act as governments)."""
    anchors = [(t, t.best()) for t in targets]
    homes = [h.best() for h in context.get("homes", ())]
    outlet_cc = context.get("outlet_country")
    belief: dict[str, float] = {}
    regions: dict[str, float] = {}
    for t, best in anchors:
        if best is not None and best.place.country and t.label != OUTLET_LABEL:
            belief[best.place.country] = belief.get(best.place.country, 0.0) + 1.0
            if best.place.region_key and best.place.kind != "region":
                regions[best.place.region_key] = regions.get(best.place.region_key, 0.0) + 1.0
    total = sum(belief.values())
    metonyms = context.get("metonyms", set())
    # the other places a candidate's distance is measured to, and each target's candidate ids
    # (the same name twice is no evidence): built once, not per candidate
    placed = [(t, a) for t, a in anchors if a is not None and a.place.kind not in BROAD]
    gids = {id(t): {c.place.gid for c in t.candidates} for t, _ in placed}
    out = []
    for t, own in anchors:
        pops = [math.log10(c.place.population + 1) for c in t.candidates]
        top_pop = max(pops) if pops else 0.0
        scores = [c.score for c in t.candidates]
        top_score = max(scores) if scores else 0.0
        hand_probs = t.probs if len(t.probs) == len(t.candidates) else [0.0] * len(t.candidates)
        own_cc = own.place.country if own is not None and t.label != OUTLET_LABEL else None
        own_rk = own.place.region_key if own is not None and own_cc and own.place.kind != "region" else None
        n_regions = sum(regions.values()) - (1.0 if own_rk else 0.0)
        rows = [
            [
                *_row(t, c, pop - top_pop, placed, gids, homes, outlet_cc, id(t) in metonyms),
                _share(belief, total, c.place.country, own_cc),
                _region_share(regions, n_regions, c, own_rk),
                math.log1p(len(t.spans)),
                score - top_score,
                prob,
            ]
            for c, pop, score, prob in zip(t.candidates, pops, scores, hand_probs, strict=True)
        ]
        out.append(np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURES)))
    return out


def _share(belief: dict[str, float], total: float, cc: str | None, own_cc: str | None) -> float:
    """The share of the article's other places (at their current best) in the candidate's country."""
    if not cc:
        return 0.0
    n = belief.get(cc, 0.0) - (1.0 if own_cc == cc else 0.0)
    rest = total - (1.0 if own_cc else 0.0)
    return n / rest if rest > 0 else 0.0


def _region_share(regions: dict[str, float], rest: float, c: Candidate, own_rk: str | None) -> float:
    """The share of the article's other towns and counties (at their current best) in the candidate's
    first-level region (a region candidate: inside it); US local news keeps to one state."""
    rk = c.place.region_key
    if not rk or rest <= 0:
        return 0.0
    return (regions.get(rk, 0.0) - (1.0 if own_rk == rk else 0.0)) / rest


def _row(
    t: Target,
    c: Candidate,
    pop_below: float,
    placed: list[tuple[Target, Candidate]],
    gids: dict[int, set[str]],
    homes: list[Candidate | None],
    outlet_cc: str | None,
    metonym: bool,
) -> list[float]:
    p, m = c.place, c.match
    kind = [float(p.kind == k) for k in _KINDS]
    label = [float(t.label == lab) for lab in _LABELS]
    fcode = p.fcode or ""
    parts = c.parts
    return [
        *kind,
        float(p.kind not in _KINDS),
        *(float(m.form == f) for f in _FORMS),
        float(m.exact),
        *label,
        float(t.label not in _LABELS),
        float(t.nested),
        float(t.person_like),
        float(metonym),
        math.log1p(t.locative),
        math.log10(p.population + 1),
        pop_below,
        float(pop_below >= 0),
        math.log10(len(t.candidates)),
        float(fcode == "PPLC"),
        float(fcode == "PPLA"),
        float(fcode == "PPLA2"),
        float(fcode in ("PPLA3", "PPLA4")),
        *(float(t.hints.get(h, 0)) for h in _HINTS),
        float(bool(t.name_hints)),
        parts.get("feature", 0.0),
        float("contained" in parts),
        float(bool(t.containers)),
        float("pair" in parts),
        float("outlet" in parts),
        float("home" in parts),
        float(outlet_cc is not None and p.country == outlet_cc),
        float(outlet_cc is not None),
        parts.get("focus_country", 0.0),
        parts.get("focus_region", 0.0),
        parts.get("near", 0.0),
        _log_km(c, [a for o, a in placed if o is not t and c.place.gid not in gids[id(o)]]),
        _log_km(c, homes),
    ]  # then share_country_best, share_region_best, log_mentions, hand_score_below_max, hand_prob


def _log_km(c: Candidate, anchors: list[Candidate | None]) -> float:
    """log10(1 + km) to the nearest of `anchors` that is not broad (a country's point says little)."""
    best = math.inf
    for a in anchors:
        if a is None or a.place.kind in BROAD:
            continue
        best = min(best, distance_km(c.place.lat, c.place.lon, a.place.lat, a.place.lon))
    return _FAR_LOG_KM if best == math.inf else math.log10(1 + best)


# ------------------------------------------------------------------ ranking


def rank(targets: list[Target], trees: Trees, context: dict[str, Any]) -> None:
    """Re-score every target's candidates with the trees: `Candidate.learned` and `Target.probs`."""
    ranked = [t for t in targets if t.candidates]
    if not ranked:
        return
    matrices = feature_rows(ranked, context)
    raw = trees.raw(np.vstack(matrices))
    at = 0
    for t, matrix in zip(ranked, matrices, strict=True):
        values = raw[at : at + len(matrix)]
        at += len(matrix)
        probs = 1 / (1 + np.exp(-values))
        total = float(probs.sum())
        for c, v in zip(t.candidates, values, strict=True):
            c.learned = float(v)
        t.probs = [float(p) / total for p in probs] if total > 0 else t.probs

"""How an article stands to a claim: features over its sentences and stored
claims, scored with the fitted combiner (training/stance/train.py).

One feature function for the training script and `check()`, so what was
fitted is what runs. Scoring is plain numpy: a multinomial logistic
regression over standardised features, read from fitted/stance.json.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from claimgraph.errors import ResourceError
from claimgraph.fitted import HERE, load_fitted
from claimgraph.lexicons import load_table
from claimgraph.text.semantic import CachedEncoder, Encoder, load_encoder, semantic_available, terms

FORMAT = "claimgraph/stance@1"
CLASSES = ("unrelated", "discusses", "supports", "refutes")
FEATURES = (
    "sim_max",
    "sim_top3",
    "sim_claim_max",
    "overlap",
    "overlap_lead",
    "refute_density",
    "refute_top",
    "discuss_top",
    "discuss_density",
    "claim_refute",
    "negation_mismatch",
    "best_denied",
    "best_reported",
    "best_speculated",
    "best_hedged",
    "log_sentences",
    "sim_x_refute",
    "sim_x_discuss",
    "overlap_x_refute",
)
TOP = 3  # sentences nearest the claim that the cue counts read


@dataclass
class Unit:
    """A sentence or a stored claim of an article: what evidence can be."""

    start: int
    end: int
    text: str
    status: str | None = None  # a stored claim's status; None for a plain sentence
    source: str | None = None
    hedges: list[str] = field(default_factory=list)


@dataclass
class Doc:
    """An article as the stance features read it: its sentences and claims, from the stored analysis."""

    sentences: list[Unit]
    claims: list[Unit]


def doc_from_analysis(analysis: dict) -> Doc:
    text = analysis["text"]
    sentences = [Unit(s["start"], s["end"], s["text"]) for s in analysis.get("sentences", [])]
    if not sentences and text.strip():
        sentences = [Unit(0, len(text), text)]
    claims = []
    for c in analysis.get("claims", []):
        span = c["content"]
        claims.append(
            Unit(
                span["start"],
                span["end"],
                span["text"],
                status=c.get("status"),
                source=(c.get("source") or {}).get("text"),
                hedges=[h["text"] for h in c.get("hedges", [])],
            )
        )
    return Doc(sentences, claims)


@cache
def cues() -> dict[str, re.Pattern]:
    """One word-boundary pattern per side of lexicons/stance_cues.tsv."""
    sides: dict[str, list[str]] = {}
    for row in load_table("stance_cues.tsv"):
        sides.setdefault(row["side"], []).append(row["cue"].lower())
    return {
        side: re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in sorted(ws, key=len, reverse=True)) + r")(?!\w)")
        for side, ws in sides.items()
    }


def count(side: str, text: str) -> int:
    return len(cues()[side].findall(text.lower()))


@dataclass
class Assessment:
    features: np.ndarray
    order: list[int]  # sentence indexes, nearest the claim first
    best_claim: int | None  # index of the nearest stored claim
    sims: np.ndarray
    claim_sims: np.ndarray


def assess(claim: str, doc: Doc, encoder: Encoder) -> Assessment:
    """The feature row of (claim, article), and which units are nearest the claim."""
    texts = [u.text for u in doc.sentences] + [u.text for u in doc.claims]
    vectors = encoder.encode([claim, *texts])
    sims_all = vectors[1:] @ vectors[0] if texts else np.zeros(0, dtype=np.float32)
    sims = sims_all[: len(doc.sentences)]
    claim_sims = sims_all[len(doc.sentences) :]
    order = [int(i) for i in np.argsort(-sims, kind="stable")]
    top = [doc.sentences[i].text for i in order[:TOP]]
    claim_terms = set(terms(claim))
    body_terms = set(terms(" ".join(u.text for u in doc.sentences)))
    lead_terms = set(terms(" ".join(u.text for u in doc.sentences[:2])))
    n = max(len(claim_terms), 1)
    overlap = len(claim_terms & body_terms) / n
    overlap_lead = len(claim_terms & lead_terms) / n
    body = " ".join(u.text for u in doc.sentences)
    nsent = max(len(doc.sentences), 1)
    refute_density = min(count("refute", body) / nsent, 2.0)
    refute_top = min(sum(count("refute", s) for s in top), 5)
    discuss_top = min(sum(count("discuss", s) for s in top), 5)
    discuss_density = min(count("discuss", body) / nsent, 2.0)
    claim_refute = min(count("refute", claim), 2)
    best_sentence = top[0] if top else ""
    mismatch = float((count("negation", claim) > 0) != (count("negation", best_sentence) > 0))
    best_claim = int(np.argmax(claim_sims)) if len(claim_sims) else None
    best = doc.claims[best_claim] if best_claim is not None else None
    sim_max = float(sims[order[0]]) if order else 0.0
    row = [
        sim_max,
        float(np.mean(sims[order[:TOP]])) if order else 0.0,
        float(claim_sims.max()) if len(claim_sims) else 0.0,
        overlap,
        overlap_lead,
        refute_density,
        refute_top,
        discuss_top,
        discuss_density,
        claim_refute,
        mismatch,
        float(best is not None and best.status == "denied"),
        float(best is not None and best.status == "reported"),
        float(best is not None and best.status == "speculated"),
        float(best is not None and bool(best.hedges)),
        math.log1p(len(doc.sentences)),
        sim_max * refute_top,
        sim_max * discuss_top,
        overlap * refute_density,
    ]
    return Assessment(np.asarray(row, dtype=np.float64), order, best_claim, sims, claim_sims)


class Combiner:
    """The fitted multinomial logistic regression, scored with numpy."""

    def __init__(self, data: dict) -> None:
        if data.get("format") != FORMAT:
            raise ResourceError(f"stance file has format {data.get('format')!r}, expected {FORMAT!r}")
        if tuple(data["features"]) != FEATURES:
            raise ResourceError("stance file's features are not this code's: make train-stance")
        self.classes = tuple(data["classes"])
        self.encoder = data["encoder"]
        self.mean = np.asarray(data["mean"])
        self.scale = np.asarray(data["scale"])
        self.coef = np.asarray(data["coef"])
        self.intercept = np.asarray(data["intercept"])

    def proba(self, rows: np.ndarray) -> np.ndarray:
        z = (np.atleast_2d(rows) - self.mean) / self.scale
        logits = z @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)


def fitted_name() -> str:
    """stance-minilm.json where the semantic extra is installed and that file was fitted
    (`train.py --encoder minilm`); else stance.json, the lexical one the default install reads."""
    if semantic_available() and (HERE / "stance-minilm.json").exists():
        return "stance-minilm.json"
    return "stance.json"


@cache
def combiner() -> Combiner:
    return Combiner(load_fitted(fitted_name()))


def encoder_for(model: Combiner) -> Encoder:
    # the encoder the combiner was fitted with: vectors of another would shift every similarity;
    # cached, as one article's sentences are read again for every claim that finds it
    return CachedEncoder(load_encoder(model.encoder))

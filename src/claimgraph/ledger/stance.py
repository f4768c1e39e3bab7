"""How an article stands to a claim: features over its sentences and stored
claims, scored with the fitted combiner (training/stance/train.py).

One feature function for the training script and `check()`, so what was
fitted is what runs. Scoring is plain numpy, read from fitted/stance.json: a
multinomial logistic regression over standardised features (what the script
fits by default), or gradient-boosted trees (`--model trees`).

Whether an article is listed at all is the relevance gate's call (`judge`):
a binary logistic regression over similarity, shared names, numbers and
specific words, each also relative to the claim's other candidates, fitted on
every article the retrieval brings in (same story or not), so it has seen the
near misses that the retrieval hands it. The combiner then picks the stance
among supports / refutes / discusses.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache

import numpy as np

from claimgraph.errors import ResourceError
from claimgraph.fitted import HERE, load_fitted
from claimgraph.lexicons import load_table
from claimgraph.text.semantic import CachedEncoder, Encoder, load_encoder, semantic_available, terms

FORMAT = "claimgraph/stance@4"  # 3: the relevance gate ("gate"); 4: cues against the other candidates ("_rel")
CLASSES = ("unrelated", "discusses", "supports", "refutes")
# an article's own features (`assess`); FEATURES adds, for the RELATIVE ones, the gap to the claim's other
# candidates
BASE_FEATURES = (
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
    "sent_overlap_max",
    "bigram_overlap",
    "claim_discuss",
    "refute_near",
    "refute_lead",
    "discuss_lead",
    "negation_top",
    "log_claim_terms",
    "claim_negation",
    "support_top",
    "support_lead",
    "support_density",
    "refute_weighted",
    "discuss_weighted",
    "support_weighted",
    "denied_sim",
    "hedged_sim",
    "claim_polar",
    "polar_x_refute",
    "polar_x_plain",
    "claim_attribution",
    "attribution_density",
    "refute_match",
    "discuss_match",
    "support_match",
    "denied_share",
    "negation_match",
    "polarity_clash",
    "polar_x_sim",
    "polar_x_support",
    "polar_x_overlap",
    "polar_x_sent_overlap",
)
# the cues compared with the claim's other candidates: a debunk stands out among the articles that repeat a
# claim, while a story's own wording (its cues in every article) does not. Cross-validated by story on
# dev-stance (train.py, 5 folds): refutes F1 0.255 -> 0.314, macro F1 0.608 -> 0.638 (with its class weight);
# every feature's gap instead: refutes 0.236
RELATIVE = (
    "refute_density",
    "refute_top",
    "refute_lead",
    "refute_weighted",
    "refute_match",
    "denied_sim",
    "denied_share",
    "discuss_weighted",
    "support_weighted",
    "negation_match",
    "negation_top",
    "refute_near",
    "discuss_top",
    "discuss_density",
    "discuss_lead",
    "discuss_match",
    "support_top",
    "support_lead",
    "support_density",
    "support_match",
    "best_denied",
    "polarity_clash",
    "polar_x_refute",
    "sim_x_refute",
    "hedged_sim",
    "attribution_density",
)
FEATURES = BASE_FEATURES + tuple(f + "_rel" for f in RELATIVE)
_RELATIVE = [BASE_FEATURES.index(f) for f in RELATIVE]
TOP = 3  # sentences nearest the claim that the cue counts read
# the relevance gate's features: how much of the claim the article holds, and how that compares with
# the claim's other candidates (a near miss shares words with the claim, but fewer than the story's own)
GATE_FEATURES = (
    "sim_max",
    "sim_top3",
    "sim_claim_max",
    "overlap",
    "overlap_lead",
    "sent_overlap_max",
    "bigram_overlap",
    "log_claim_terms",
    "name_share",
    "number_share",
    "claim_has_number",
    "specific_share",
    "specific_sent",
    "specific_lead",
    "log_rank",
    "rank_share",
    "sim_gap",
    "sim_z",
    "overlap_gap",
    "specific_gap",
    "specific_z",
    "sim_rank_share",
    "specific_rank_share",
    # a story's articles resemble each other: the candidate's likeness to the claim's best candidates
    "cohesion_top",
    "cohesion_best",
    "cohesion_weighted",
    "is_best",
)
COHESION_TOP = 3  # best candidates (by sim_max + specific_share) that the cohesion features compare with
# the gate's features that the combiner's row holds (the first ones). Not the article's length nor the number of
# candidates: on dev-stance nearly every claim has the full 50 and its bodies' length is the benchmark's own,
# so a weight on them only extrapolates to a small ledger
_BASE = tuple(FEATURES.index(f) for f in GATE_FEATURES[:8])
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


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
    names: frozenset[str] = frozenset()  # the stems of the article's entity names and aliases


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
    names = frozenset(
        stem for e in analysis.get("entities", []) for n in (e["name"], *e.get("aliases", [])) for stem in terms(n)
    )
    return Doc(sentences, claims, names)


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


_APOSTROPHES = str.maketrans("\u2019\u2018\u02bc", "'" * 3)


# an article's sentences are read again for every claim that finds it: their counts and words are kept
@lru_cache(maxsize=1 << 17)
def count(side: str, text: str) -> int:
    return len(cues()[side].findall(text.lower().translate(_APOSTROPHES)))


@lru_cache(maxsize=1 << 16)
def _term_set(text: str) -> frozenset[str]:
    return frozenset(terms(text))


@lru_cache(maxsize=1 << 12)
def _terms(text: str) -> tuple[str, ...]:
    return tuple(terms(text))


def _weighted(side: str, texts: list[str], sims: np.ndarray) -> float:
    """The side's cues a sentence, averaged with the sentences' similarity to the claim as weights."""
    w = np.clip(sims, 0.0, None)
    if not len(texts) or w.sum() == 0:
        return 0.0
    return float(np.dot(w, [min(count(side, x), 3) for x in texts]) / w.sum())


def _match(side: str, sentences: list[Unit], sentence_terms: list[frozenset[str]], claim_terms: set[str]) -> float:
    """The largest share of the claim's words in one sentence that holds a cue of the side."""
    n = max(len(claim_terms), 1)
    shares = (len(claim_terms & st) / n for u, st in zip(sentences, sentence_terms, strict=True) if count(side, u.text))
    return max(shares, default=0.0)


def _max_sim(units: list[Unit], sims: np.ndarray, keep: Callable[[Unit], bool]) -> float:
    """The greatest similarity to the claim among the stored claims that `keep` accepts (0 where none)."""
    return max((float(sims[i]) for i, u in enumerate(units) if keep(u)), default=0.0)


@dataclass
class Assessment:
    features: np.ndarray  # BASE_FEATURES: the article's own; `stance_rows` adds the relative ones
    order: list[int]  # sentence indexes, nearest the claim first
    best_claim: int | None  # index of the nearest stored claim
    sims: np.ndarray
    claim_sims: np.ndarray
    claim_terms: frozenset[str] = frozenset()
    sentence_terms: list[frozenset[str]] = field(default_factory=list)
    body_vector: np.ndarray | None = None  # the sentences' vectors summed, of unit length


def assess(claim: str, doc: Doc, encoder: Encoder) -> Assessment:
    """The feature row of (claim, article), and which units are nearest the claim."""
    texts = [u.text for u in doc.sentences] + [u.text for u in doc.claims]
    vectors = encoder.encode([claim, *texts])
    sims_all = vectors[1:] @ vectors[0] if texts else np.zeros(0, dtype=np.float32)
    sims = sims_all[: len(doc.sentences)]
    sentence_texts = texts[: len(doc.sentences)]
    claim_sims = sims_all[len(doc.sentences) :]
    order = [int(i) for i in np.argsort(-sims, kind="stable")]
    top = [doc.sentences[i].text for i in order[:TOP]]
    claim_terms = set(terms(claim))
    sentence_terms = [_term_set(u.text) for u in doc.sentences]
    body_terms = frozenset().union(*sentence_terms)
    lead_terms = frozenset().union(*sentence_terms[:2])
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
    # the whole body against the claim: the sentence holding most of its words, its word pairs anywhere,
    # and the cues next to the best sentence and in the lead (a debunk often says so first)
    sent_overlap = max((len(claim_terms & st) / n for st in sentence_terms), default=0.0)
    claim_pairs = set(itertools.pairwise(terms(claim)))
    body_pairs = set(itertools.pairwise(_terms(body)))
    bigram_overlap = len(claim_pairs & body_pairs) / max(len(claim_pairs), 1)
    near = {j for i in order[:1] for j in (i - 1, i, i + 1) if 0 <= j < len(doc.sentences)}
    refute_near = min(sum(count("refute", doc.sentences[j].text) for j in near), 5)
    lead = " ".join(u.text for u in doc.sentences[:3])
    negation_top = min(sum(count("negation", x) for x in top), 5)
    refute_weighted = _weighted("refute", sentence_texts, sims)
    polar = float(min(count("negation", claim) + claim_refute, 2))
    negated = float(polar > 0)
    support_top = min(sum(count("support", x) for x in top), 5)
    negation_match = _match("negation", doc.sentences, sentence_terms, claim_terms)
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
        sent_overlap,
        bigram_overlap,
        min(count("discuss", claim) + claim.count("?"), 3),
        refute_near,
        min(count("refute", lead), 5),
        min(count("discuss", lead), 5),
        negation_top,
        math.log1p(len(claim_terms)),
        min(count("negation", claim), 3),
        support_top,
        min(count("support", lead), 5),
        min(count("support", body) / nsent, 2.0),
        refute_weighted,
        _weighted("discuss", sentence_texts, sims),
        _weighted("support", sentence_texts, sims),
        _max_sim(doc.claims, claim_sims, lambda u: u.status == "denied"),
        _max_sim(doc.claims, claim_sims, lambda u: u.status in ("reported", "speculated") or bool(u.hedges)),
        # a claim that itself denies ("X did not ...", "the hoax that ...") is refuted by a body that asserts
        polar,
        polar * refute_weighted,
        polar * float(refute_top == 0),
        min(count("attribution", claim), 3),
        min(count("attribution", body) / nsent, 2.0),
        *(_match(side, doc.sentences, sentence_terms, claim_terms) for side in ("refute", "discuss", "support")),
        sum(u.status == "denied" for u in doc.claims) / max(len(doc.claims), 1),
        negation_match,
        # the claim negated and its best match not, or the other way round
        abs(negated - negation_match),
        # how much of a negated claim the body matches: a body that asserts it at length refutes it
        negated * sim_max,
        negated * support_top,
        negated * overlap,
        negated * sent_overlap,
    ]
    features = np.asarray(row, dtype=np.float64)
    body_vector = vectors[1 : 1 + len(doc.sentences)].sum(axis=0)
    body_vector = body_vector / max(float(np.linalg.norm(body_vector)), 1e-12)
    return Assessment(
        features, order, best_claim, sims, claim_sims, frozenset(claim_terms), sentence_terms, body_vector
    )


def _weighted_share(weights: dict[str, float], found: frozenset[str]) -> float:
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in found) / total if total else 0.0


def _relative(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each value's gap to the best, its z-score, and its rank share (0 = the best) among the claim's candidates."""
    # a floor under the spread: among near-equal candidates a tiny difference is no signal
    z = (values - values.mean()) / max(float(values.std()), 0.05)
    rank = np.empty(len(values))
    rank[np.argsort(-values, kind="stable")] = np.arange(len(values))
    return values - values.max(), z, rank / max(len(values) - 1, 1)


def gate_rows(claim: str, docs: list[Doc], assessments: list[Assessment]) -> np.ndarray:
    """The relevance gate's feature rows of a claim's candidates, given in retrieval order (best first)."""
    n = len(docs)
    if not n:
        return np.zeros((0, len(GATE_FEATURES)))
    claim_terms = assessments[0].claim_terms
    bodies = [frozenset().union(*a.sentence_terms) for a in assessments]
    # the claim's specific words: those few of its candidates hold (smoothed idf over the candidates)
    # in sorted order: summed over a set's order, the shares (and their ties) changed with the hash seed
    weights = {t: math.log((n + 1) / (sum(t in b for b in bodies) + 0.5)) for t in sorted(claim_terms)}
    numbers = set(_NUMBER.findall(claim))
    rows = []
    for rank, (doc, a, body) in enumerate(zip(docs, assessments, bodies, strict=True)):
        lead = frozenset().union(*a.sentence_terms[:2])
        text = " ".join(u.text for u in doc.sentences)
        found_numbers = numbers & set(_NUMBER.findall(text)) if numbers else set()
        rows.append(
            [
                *a.features[list(_BASE)],
                len(claim_terms & doc.names) / max(len(claim_terms), 1),
                len(found_numbers) / max(len(numbers), 1),
                float(bool(numbers)),
                _weighted_share(weights, body),
                max((_weighted_share(weights, st) for st in a.sentence_terms), default=0.0),
                _weighted_share(weights, lead),
                math.log1p(rank),
                rank / max(n - 1, 1),
            ]
        )
    out = np.asarray(rows, dtype=np.float64)
    sim_gap, sim_z, sim_rank = _relative(out[:, GATE_FEATURES.index("sim_max")])
    overlap_gap = _relative(out[:, GATE_FEATURES.index("overlap")])[0]
    specific_gap, specific_z, specific_rank = _relative(out[:, GATE_FEATURES.index("specific_share")])
    cohesion = _cohesion(
        assessments, out[:, GATE_FEATURES.index("sim_max")] + out[:, GATE_FEATURES.index("specific_share")]
    )
    return np.column_stack(
        [out, sim_gap, sim_z, overlap_gap, specific_gap, specific_z, sim_rank, specific_rank, cohesion]
    )


def stance_rows(assessments: list[Assessment]) -> np.ndarray:
    """The combiner's rows of a claim's candidates (in any order): each article's own features, then its
    RELATIVE cues less their mean over the candidates, weighted by squared similarity to the claim (the
    articles nearest the claim are its story's; a lone candidate's gaps are 0)."""
    if not assessments:
        return np.zeros((0, len(FEATURES)))
    base = np.stack([a.features for a in assessments])
    w = np.clip(base[:, BASE_FEATURES.index("sim_max")], 0.0, None) ** 2
    if w.sum() == 0:
        w = np.ones(len(base))
    mean = (w @ base[:, _RELATIVE]) / w.sum()
    return np.column_stack([base, base[:, _RELATIVE] - mean])


def _cohesion(assessments: list[Assessment], score: np.ndarray) -> np.ndarray:
    """Each candidate's likeness to the best others (by `score`): the mean over the top few, the best one,
    and all weighted by their score; and whether it is the best. A near miss of another story is unlike them."""
    n = len(assessments)
    bodies = np.stack([a.body_vector for a in assessments])
    like = bodies @ bodies.T
    top = [int(i) for i in np.argsort(-score, kind="stable")[:COHESION_TOP]]
    weights = np.clip(score, 0.0, None)
    out = np.zeros((n, 4))
    for j in range(n):
        others = [k for k in top if k != j][: COHESION_TOP - 1]
        w = weights.copy()
        w[j] = 0.0
        out[j] = (
            float(like[j, others].mean()) if others else 0.0,
            float(like[j, others[0]]) if others else 0.0,
            float(like[j] @ w / w.sum()) if w.sum() > 0 else 0.0,
            float(top[0] == j),
        )
    return out


class Combiner:
    """The fitted combiner, scored with numpy: a multinomial logistic regression over
    standardised features (`"model": "logistic"`), or gradient-boosted trees (`"trees"`:
    every tree's nodes in flat arrays, each tree adding to one class's logit)."""

    def __init__(self, data: dict) -> None:
        if data.get("format") != FORMAT:
            raise ResourceError(f"stance file has format {data.get('format')!r}, expected {FORMAT!r}")
        if tuple(data["features"]) != FEATURES:
            raise ResourceError("stance file's features are not this code's: make train-stance")
        self.classes = tuple(data["classes"])
        self.encoder = data["encoder"]
        self.kind = data["model"]
        if self.kind == "logistic":
            self.mean = np.asarray(data["mean"])
            self.scale = np.asarray(data["scale"])
            self.coef = np.asarray(data["coef"])
            self.intercept = np.asarray(data["intercept"])
        elif self.kind == "trees":
            trees = data["trees"]
            self.baseline = np.asarray(data["baseline"], dtype=np.float64)
            self.depth = int(trees["depth"])
            self.root = np.asarray(trees["root"], dtype=np.int64)
            self.feature = np.asarray(trees["feature"], dtype=np.int64)
            self.threshold = np.asarray(trees["threshold"], dtype=np.float64)
            self.left = np.asarray(trees["left"], dtype=np.int64)
            self.right = np.asarray(trees["right"], dtype=np.int64)
            self.value = np.asarray(trees["value"], dtype=np.float64)
            # which class's logit each tree adds to, as a (trees, classes) 0/1 matrix
            self.adds_to = np.eye(len(self.classes))[np.asarray(trees["cls"], dtype=np.int64)]
        else:
            raise ResourceError(f"stance file has model {self.kind!r}, expected logistic or trees")

    def _logits(self, rows: np.ndarray) -> np.ndarray:
        if self.kind == "logistic":
            return (rows - self.mean) / self.scale @ self.coef.T + self.intercept
        # all rows down all trees at once, a level a step; a leaf points at itself (left = -1)
        node = np.repeat(self.root[None, :], len(rows), axis=0)
        at = np.arange(len(rows))[:, None]
        for _ in range(self.depth):
            inner = self.left[node] >= 0
            if not inner.any():
                break
            left = rows[at, self.feature[node]] <= self.threshold[node]
            node = np.where(inner, np.where(left, self.left[node], self.right[node]), node)
        return self.baseline + self.value[node] @ self.adds_to

    def proba(self, rows: np.ndarray) -> np.ndarray:
        logits = self._logits(np.atleast_2d(np.asarray(rows, dtype=np.float64)))
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)


class Gate:
    """The relevance gate: a binary logistic regression over standardised `GATE_FEATURES`;
    an article is listed where its probability of addressing the claim reaches `threshold`."""

    def __init__(self, data: dict) -> None:
        if not isinstance(data, dict) or tuple(data.get("features", ())) != GATE_FEATURES:
            raise ResourceError("stance file's gate features are not this code's: make train-stance")
        self.mean = np.asarray(data["mean"], dtype=np.float64)
        self.scale = np.asarray(data["scale"], dtype=np.float64)
        self.coef = np.asarray(data["coef"], dtype=np.float64)
        self.intercept = float(data["intercept"])
        self.threshold = float(data["threshold"])

    def proba(self, rows: np.ndarray) -> np.ndarray:
        """P(the article addresses the claim), a row each."""
        z = (np.atleast_2d(rows) - self.mean) / self.scale @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


@dataclass
class Verdict:
    assessment: Assessment
    stance: str | None  # None: about something else, not listed
    score: float  # P(addresses the claim) x P(this stance | it does)


def decide(related: np.ndarray, proba: np.ndarray, classes: tuple[str, ...], threshold: float):
    """(stances, scores) from the gate's P(related) and the combiner's class probabilities, a row each.
    A row under the threshold is not listed (None): the gate, fitted on the retrieval's near misses, says
    whether. The others take the combiner's class, and "discusses" (reported, no position taken) where
    the combiner, which saw only random other-story bodies as unrelated, would call it unrelated
    (cross-validated by story: macro F1 0.005 over the likeliest related class instead)."""
    unrelated = classes.index("unrelated")
    keep = np.array([i for i in range(len(classes)) if i != unrelated])
    best = proba.argmax(axis=1)
    best = np.where(best == unrelated, classes.index("discusses"), best)
    scores = related * proba[np.arange(len(best)), best] / np.maximum(proba[:, keep].sum(axis=1), 1e-12)
    stances = [classes[b] if r >= threshold else None for b, r in zip(best, related, strict=True)]
    return stances, scores


def judge(claim: str, docs: list[Doc], encoder: Encoder, model: Combiner, relevance: Gate) -> list[Verdict]:
    """Each candidate's verdict, the candidates given in retrieval order (the gate reads each against the others)."""
    assessments = [assess(claim, doc, encoder) for doc in docs]
    if not docs:
        return []
    related = relevance.proba(gate_rows(claim, docs, assessments))
    proba = model.proba(stance_rows(assessments))
    stances, scores = decide(related, proba, model.classes, relevance.threshold)
    return [Verdict(a, st, float(sc)) for a, st, sc in zip(assessments, stances, scores, strict=True)]


def fitted_name() -> str:
    """stance-minilm.json where the semantic extra is installed and that file was fitted
    (`train.py --encoder minilm`); else stance.json, the lexical one the default install reads."""
    if semantic_available() and (HERE / "stance-minilm.json").exists():
        return "stance-minilm.json"
    return "stance.json"


@cache
def combiner() -> Combiner:
    return Combiner(load_fitted(fitted_name()))


@cache
def gate() -> Gate:
    """The relevance gate fitted beside the combiner (the same file's "gate")."""
    data = load_fitted(fitted_name())
    if "gate" not in data:
        raise ResourceError(f"{fitted_name()} has no relevance gate: make train-stance")
    return Gate(data["gate"])


def encoder_for(model: Combiner) -> Encoder:
    # the encoder the combiner was fitted with: vectors of another would shift every similarity;
    # cached, as one article's sentences are read again for every claim that finds it
    return CachedEncoder(load_encoder(model.encoder))

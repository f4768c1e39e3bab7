"""Stage: status and hedges.

A claim's status says how the writer presents it:

- ``reported``: attributed to a source;
- ``speculated``: the cue is speculative ("speculation", "suggested") or the
  content's main verb carries an epistemic modal ("he may have perished");
- ``denied``: a denial cue ("denied", "rejected"), content that calls a
  claim false ("told reporters the claim is patently false",
  `lexicons/refutations.tsv`), or a negated report that answers an earlier
  claim of another source ("Unions said the plant closed. The company did not
  confirm that the plant closed."); a negated cue alone ("I don't want to")
  is part of what is said, not a denial;
- ``asserted``: the writer states it (claims with no cue).

Hedges ("may", "likely", "apparent", "potentially") are marked wherever they
occur, in claims or not; each hedge names the claim it sits in.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Token

from claimgraph.analyse.document import Document
from claimgraph.analyse.overlap import shared_terms
from claimgraph.analyse.stage import stage
from claimgraph.lexicons import load_table
from claimgraph.model import Claim, Hedge, Span

# These hedge only as approximators of a number: "about 300", "some 20 people".
APPROXIMATORS = frozenset({"about", "around", "some", "nearly", "almost", "roughly", "approximately"})
# Modal verbs count as hedges only when tagged as modals ("may" is also a month).
MODAL_KIND = "modal"


@stage(
    "modality",
    requires=["sents", "claims", "cue_sense", "negated_cues"],
    assigns=["hedges", "claims.status", "claims.hedges"],
)
def run(document: Document) -> None:
    hedges = find_hedges(document)
    document.hedges = hedges
    for claim in document.claims:
        inside = [
            h
            for h in hedges
            if claim.content.start <= h.start < claim.content.end
            or (claim.cue is not None and claim.cue.start <= h.start < claim.cue.end)
        ]
        for h in inside:
            h.claim = claim.id
        claim.hedges = [Span(start=h.start, end=h.end, text=h.text) for h in inside]
        claim.status = status(document, claim)


def status(document: Document, claim: Claim) -> str:
    sense = document.cue_sense.get(claim.id)
    if claim.cue is None or sense is None:
        return "asserted"
    if sense == "denial" or _refutes(document, claim):
        return "denied"
    if claim.id in document.negated_cues and _answers(document, claim):
        return "denied"
    if sense == "speculation" or _modal_root(document, claim):
        return "speculated"
    return "reported"


def _answers(document: Document, claim: Claim) -> bool:
    """Whether an earlier claim of another source says what this one's content says."""
    for other in document.claims:
        if other.content.start >= claim.content.start or other.id == claim.id:
            continue
        if _source_text(other) != _source_text(claim) and shared_terms(other.content.text, claim.content.text):
            return True
    return False


def _source_text(claim: Claim) -> str | None:
    if claim.source is None:
        return None
    return claim.source.entity or claim.source.text.lower()


@lru_cache(maxsize=1)
def _refutation_words() -> tuple[frozenset[str], frozenset[str]]:
    rows = load_table("refutations.tsv")
    verdicts = frozenset(r["word"] for r in rows if r["role"] == "verdict")
    return verdicts, frozenset(r["word"] for r in rows if r["role"] == "subject")


def _refutes(document: Document, claim: Claim) -> bool:
    """'the claim "is patently false"', 'these reports are baseless': content that
    calls what was said false (the verdict's clause has a claim word as subject)."""
    span = document.doc.char_span(claim.content.start, claim.content.end, alignment_mode="expand")
    if span is None:
        return False
    verdicts, subjects = _refutation_words()
    for tok in span:
        if tok.lemma_.lower() not in verdicts or tok.dep_ not in ("acomp", "attr", "ROOT", "ccomp", "conj", "oprd"):
            continue
        if any(c.dep_ == "neg" for c in tok.head.children) or any(c.dep_ == "neg" for c in tok.children):
            continue  # "is not false"
        clause = tok.head if tok.dep_ in ("acomp", "attr", "oprd") else tok
        subj = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
        if any(s.lemma_.lower() in subjects or s.lower_ in subjects for s in subj):
            return True
    return False


def _modal_root(document: Document, claim: Claim) -> bool:
    """Whether the main verb of the content has an epistemic modal."""
    span = document.doc.char_span(claim.content.start, claim.content.end, alignment_mode="expand")
    if span is None:
        return False
    roots = [t for t in span if t.head.i < span.start or t.head.i >= span.end or t.head.i == t.i]
    epistemic = document.resources.lexicons.epistemic_modals  # lexicons/modals.tsv
    return any(c.dep_ == "aux" and c.lower_ in epistemic and c.tag_ == "MD" for r in roots for c in r.children)


def find_hedges(document: Document) -> list[Hedge]:
    lexicon = document.resources.lexicons.hedges
    words = {w: k for w, k in lexicon.items() if " " not in w}
    text = document.text
    phrases = _phrase_pattern(tuple(w for w in lexicon if " " in w))
    out: list[Hedge] = []
    taken: set[int] = set()
    for sent in document.sents:
        for m in phrases.finditer(text, sent.start_char, sent.end_char):
            out.append(Hedge(start=m.start(), end=m.end(), text=m.group(0)))
            taken.update(range(m.start(), m.end()))
        for tok in sent:
            kind = words.get(tok.lower_)
            if kind is None or tok.idx in taken or not _is_hedge(tok, kind):
                continue
            out.append(Hedge(start=tok.idx, end=tok.idx + len(tok), text=tok.text))
    out.sort(key=lambda h: h.start)
    return out


def _is_hedge(tok: Token, kind: str) -> bool:
    lower = tok.lower_
    if lower in APPROXIMATORS:
        nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
        return nxt is not None and (nxt.like_num or nxt.pos_ == "NUM")
    if kind == MODAL_KIND:
        return tok.tag_ == "MD"
    if kind == "verb":
        # "appears to", "seems to", "it seems": not "appeared in court"
        return any(c.dep_ in ("xcomp", "ccomp", "acomp", "attr") for c in tok.children)
    return True


@lru_cache(maxsize=4)
def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)) or "(?!)"
    return re.compile(r"\b(?:" + alternatives + r")\b", re.IGNORECASE)

"""An event's status and negation, and whether it is told in the present.

Status comes from the claim the event is reported in (`asserted` outside
claims), turned hypothetical under a conditional ("would mark", "if ...")
and speculated under an epistemic modal (`lexicons/modals.tsv`); `negated`
marks "did not withdraw", "no attack", "did not launch an attack".
"""

from __future__ import annotations

from spacy.tokens import Token

from claimgraph.analyse.events.lexicon import EventLexicon
from claimgraph.lexicons import Lexicons
from claimgraph.model import Claim

# How far governing_verbs climbs: from a noun trigger to its verb, and from a
# verb through the verbs it is the subject or complement of. Set by hand.
CLIMB = 4


def status(tok: Token, claim: Claim | None, lex: EventLexicon, lexicons: Lexicons) -> tuple[str, bool]:
    """The event's status and whether it is negated."""
    status = claim.status if claim is not None else "asserted"
    chain = governing_verbs(tok)
    # "did not withdraw"; "did not launch an attack" (a light verb's negation is its noun's)
    own = tok if tok.pos_ == "VERB" else tok.head if tok.head.lemma_.lower() in lex.light else None
    negated = own is not None and any(c.dep_ == "neg" for c in own.children)
    if tok.pos_ == "NOUN" and any(c.dep_ == "det" and c.lower_ == "no" for c in tok.children):
        negated = True  # "no withdrawal"
    if status == "denied":
        return status, negated
    modals = {c.lower_ for v in chain for c in v.children if c.dep_ == "aux" and c.tag_ == "MD"}
    # "if Russia withdraws": a condition on the trigger's own verbs, or anywhere in the sentence
    marked = any(c.dep_ == "mark" and c.lower_ in lex.conditional for v in chain for c in v.children)
    conditional = marked or any(t.lower_ in lex.conditional and t.dep_ == "mark" for t in tok.sent)
    if modals & lexicons.hypothetical_modals and (conditional or claim is None):
        return "hypothetical", negated
    if marked:
        return "hypothetical", negated  # "if Russia withdraws"
    if modals & lexicons.epistemic_modals:
        return "speculated", negated
    return status, negated


def governing_verbs(tok: Token) -> list[Token]:
    """The trigger's verb (or the verb a noun trigger hangs on), then the
    verbs it is the subject or complement of: where modals and 'if' sit."""
    cur = tok
    steps = 0
    while cur.pos_ not in ("VERB", "AUX") and cur.head.i != cur.i and steps < CLIMB:
        cur = cur.head
        steps += 1
    if cur.pos_ not in ("VERB", "AUX"):
        return []
    chain = [cur]
    while cur.dep_ in ("csubj", "csubjpass", "xcomp", "conj") and cur.head.i != cur.i and len(chain) < CLIMB:
        cur = cur.head
        chain.append(cur)
    return chain


def present(tok: Token, lex: EventLexicon, lexicons: Lexicons) -> bool:
    """Present or present perfect: 'has commenced', 'are advancing', 'withdraws'."""
    verb = governing_verbs(tok)[:1]
    if not verb:
        return False
    v = verb[0]
    auxes = {c.lower_ for c in v.children if c.dep_ in ("aux", "auxpass")}
    if auxes & lex.present:
        return True
    return v.tag_ in ("VBZ", "VBP") and not auxes & lexicons.modals

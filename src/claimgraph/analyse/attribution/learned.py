"""The learned cue detector: which verb, noun or adjective marks an attribution.

A logistic regression over the parse around each candidate word (its lemma,
part of speech and dependency, its head, which complements it takes and
the words that head them, the predicate or object it takes and what hangs on
that, what kind of subject it has and where, whether it stands inside or
beside a quotation),
fitted on PolNeAR's training split by `training/attribution/train.py` and
read from `fitted/attribution.json`. It decides only *whether* a word is a
cue; content and source are cut by the same patterns as the lexicon's cues
(`patterns.py`). The features use no lexicon, so that the "learned" setting
is the model alone and "both" is a real combination.
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Token

from claimgraph.analyse.attribution.quotes import in_quote
from claimgraph.analyse.document import Document
from claimgraph.lexicons import Cue

# The parts of speech a cue's head word has in PolNeAR (almost all of its cues).
CANDIDATE_POS = frozenset({"VERB", "AUX", "NOUN", "ADJ"})
SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
# Most of the cues the lexicons lack are stances ("went after", "is adamant"): content argued for or against.
LEARNED_SENSE = "stance"


def candidate(tok: Token) -> bool:
    return tok.pos_ in CANDIDATE_POS and not tok.is_punct


def features(document: Document, tok: Token) -> list[str]:
    """The candidate's features, as strings (absent ones are simply not listed)."""
    lemma = tok.lemma_.lower()
    head = tok.head
    out = [
        f"l={lemma}",
        f"p={tok.pos_}",
        f"t={tok.tag_}",
        f"d={tok.dep_}",
        f"lp={lemma}|{tok.pos_}",
        f"lt={lemma}|{tok.tag_}",
        f"hd={head.lemma_.lower()}|{tok.dep_}",
        f"ld={lemma}|{tok.dep_}",
        f"hl={head.lemma_.lower()}",
        f"hp={head.pos_}|{tok.dep_}",
        f"q={in_quote(document, tok.idx)}",
    ]
    subject = None
    complements = []
    for c in tok.children:
        dep = c.dep_
        out.append(f"c={dep}")
        out.append(f"lc={lemma}|{dep}")
        if dep == "prep" or dep == "prt" or dep == "agent":
            out.append(f"cw={c.lower_}")
            out.append(f"lcw={lemma}|{c.lower_}")
        elif dep in ("ccomp", "xcomp", "acl", "relcl"):
            mark = next((m.lower_ for m in c.children if m.dep_ in ("mark", "aux") and m.i < c.i), "-")
            out.append(f"cm={dep}|{mark}")
            out.append(f"lcm={lemma}|{dep}|{mark}")
            out.append(f"cl={dep}|{c.lemma_.lower()}")  # "declined to comment", "refused to say"
            complements.append(dep)
        elif dep in SUBJECT_DEPS:
            subject = c
        elif dep == "aux":
            out.append(f"cx={dep}|{c.lemma_.lower()}")  # "would say", "will claim"
        elif dep == "dobj":
            complements.append(dep)
            # a light verb's object carries the attribution: "raised concerns about", "sounded a call for"
            out.append(f"lo={lemma}|{c.lemma_.lower()}")
        if dep in ("acomp", "attr", "oprd", "dobj"):
            # a predicate or object that takes the content: "is adamant that", "is critical of";
            # an object's word only with the verb's ("lo"): "sought support" is no claim
            # (these and "lo": out-of-fold cue F1 on train-attribution 0.7735 -> 0.7779)
            if dep != "dobj":
                out.append(f"pr={dep}|{c.lemma_.lower()}")
            for g in c.children:
                if g.dep_ in ("ccomp", "xcomp", "prep", "acl"):
                    out.append(f"prc={dep}|{g.dep_}|{g.lower_ if g.dep_ == 'prep' else '-'}")
    if subject is None and tok.dep_ in ("xcomp", "conj", "advcl") and head.i != tok.i:
        subject = next((c for c in head.children if c.dep_ in SUBJECT_DEPS), None)
    if subject is not None:
        kind = subject.ent_type_ or ("PRON" if subject.pos_ == "PRON" else subject.pos_)
        out.append(f"s={kind}")
        out.append(f"ls={lemma}|{kind}")
        out.append(f"sl={subject.lemma_.lower()}")
        out.append(f"st={subject.tag_}")
        out.append(f"ssd={kind}|{subject.dep_}|{'before' if subject.i < tok.i else 'after'}")
        for dep in complements or ["-"]:
            out.append(f"sc={kind}|{dep}")
    else:
        out.append("s=none")
        for dep in complements or ["-"]:
            out.append(f"sc=none|{dep}")
    doc = tok.doc
    prev = doc[tok.i - 1] if tok.i > 0 else None
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    out.append(f"pw={prev.lower_ if prev is not None else '<s>'}")
    out.append(f"nw={nxt.lower_ if nxt is not None else '</s>'}")
    if nxt is not None and nxt.text in (":", ","):
        out.append(f"np={nxt.text}")
    if tok.dep_ == "parataxis":
        out.append("parataxis")
    return out


def word_cue(document: Document, tok: Token, table: dict[str, Cue]) -> Cue | None:
    """The cue `tok` is, by the setting: the lexicon's entry ("rules"), the model's
    decision ("learned"), or the model's where the lexicon lacks the word and the
    lexicon's unless the model vetoes it ("both"). A word the lexicon lacks gets
    the sense LEARNED_SENSE; in "learned", any cue the model accepts may take a
    bare object as its content."""
    lemma = tok.lemma_.lower()
    listed = table.get(lemma)
    model = document.resources.attribution_model
    if model is None:
        return listed
    p = model.probability(features(document, tok))
    if listed is not None and document.resources.settings.attribution == "both":
        return listed if p >= model.veto else None
    if p < model.threshold:
        return None
    if listed is not None:
        # the model takes this use for a cue, so its object may be the content ("rejected the
        # plan", "cited the report") whatever the lexicon says of the word's other uses:
        # dev-attribution claims F1 0.716 -> 0.720, train-attribution 0.731 -> 0.734 (in sample)
        return replace(listed, takes_object=True)
    return Cue(lemma, LEARNED_SENSE, takes_object=True)

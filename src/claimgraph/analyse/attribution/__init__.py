"""Stage: attribution, every source - cue - content triple.

The patterns over the dependency parse (`patterns.py`, each named in
`Claim.pattern`) and the layout (`layout.py`: a dash after a quotation, a
transcript's speaker line) find the claims; quotations (`quotes.py`) make
content direct, run it on to a quotation's end and keep a quote that runs on
into the following sentences with its speaker; sources are resolved to
entities (`sources.py`, through `analyse/coreference.py`).
"""

from __future__ import annotations

from itertools import takewhile

from claimgraph.analyse.attribution.layout import layout_claims
from claimgraph.analyse.attribution.patterns import sentence_claims
from claimgraph.analyse.attribution.quotes import claim_kind, extend_quotes
from claimgraph.analyse.attribution.sources import SourceResolver
from claimgraph.analyse.attribution.spans import Found, trim
from claimgraph.analyse.document import Document
from claimgraph.analyse.stage import stage
from claimgraph.model import Claim


@stage(
    "attribution",
    requires=["paragraphs", "sentences", "sents", "quotes", "entities", "token_entity"],
    assigns=["claims", "cue_sense", "negated_cues", "entities"],
)
def run(document: Document) -> None:
    lex = document.resources.lexicons
    found: list[Found] = []
    for i, sent in enumerate(document.sents):
        found += sentence_claims(document, sent, i, lex)
    found += layout_claims(document, found)
    found = _dedupe(found)
    _cut_nested(document, found)
    extend_quotes(document, found)
    resolver = SourceResolver(document, lex)
    for f in sorted(found, key=lambda f: (f.content[0], f.cue[0])):
        source = resolver.resolve(f)
        content = document.span(*f.content)
        document.claims.append(
            Claim(
                id=document.next_id("c", document.claims),
                content=content,
                source=source,
                cue=document.span(*f.cue),
                kind=claim_kind(document, f.content, f.pattern),
                status="reported",  # refined by the modality stage
                sentence=f.sentence,
                pattern=f.pattern,
            )
        )
        document.cue_sense[document.claims[-1].id] = f.cue_sense
        if f.negated:
            document.negated_cues.add(document.claims[-1].id)


def _dedupe(found: list[Found]) -> list[Found]:
    """One claim per content span and cue; a verb claim beats an adverb claim."""
    seen: dict[tuple[int, int], Found] = {}
    for f in found:
        seen.setdefault(f.cue, f)
    out = list(seen.values())
    by_content: dict[tuple[int, int], Found] = {}
    for f in out:
        other = by_content.get(f.content)
        if other is None or (other.pattern == "adverb" and f.pattern != "adverb"):
            by_content[f.content] = f
    return list(by_content.values())


def _cut_nested(document: Document, found: list[Found]) -> None:
    """'Reports indicate that Assad fled, with some speculation that he died':
    a trailing adjunct that holds a claim of its own is not part of the first; nor is a
    coordinated clause with its own cue ('X said A, and Y warned B': dev-attribution claims
    F1 0.722 -> 0.723)."""
    doc = document.doc
    for f in found:
        for g in found:
            if g is f or not (f.content[0] <= g.cue[0] and g.content[1] <= f.content[1]):
                continue
            tok = doc.char_span(g.cue[0], g.cue[1], alignment_mode="expand")
            if tok is None:
                continue
            # the cue's chain of heads inside the content: its last link is the
            # content's root, the one before it the constituent to cut
            lo, hi = f.content
            chain = list(takewhile(lambda t, lo=lo, hi=hi: lo <= t.idx < hi, [tok[0], *tok[0].ancestors]))
            if len(chain) < 2:
                continue
            root, path = chain[-1], chain[-2]
            if path.i > root.i and path.dep_ in ("prep", "advcl", "npadvmod", "parataxis", "conj"):
                f.content = trim(document, f.content[0], path.left_edge.idx)

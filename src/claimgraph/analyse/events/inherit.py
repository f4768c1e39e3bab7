"""What an event takes from its surroundings when its own clause does not
say: a time from the claim it is reported in, else the publication date for
present and present-perfect events ("has commenced"); a place (for events
that are done, not said) from the claim, else the article's focus place.
Whatever is taken is listed in the event's `inherited`."""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Token

from claimgraph.analyse.document import Document
from claimgraph.analyse.events.arguments import Arguments
from claimgraph.analyse.events.referents import Referents
from claimgraph.analyse.events.status import present
from claimgraph.model import Claim


def in_heading(document: Document, offset: int) -> bool:
    """Whether `offset` lies in a heading (titles, not reports of events)."""
    return any(p.heading and p.start <= offset < p.end for p in document.paragraphs)


class Inheritance:
    def __init__(self, document: Document, referents: Referents, time_at: dict[int, str]):
        self.document = document
        self.lex = document.resources.events
        self.referents = referents
        self.time_at = time_at
        self._focus: str | bool | None = False  # not computed yet

    def inherit(self, found: Arguments, claim: Claim | None) -> None:
        if found.time is None:
            value = self._claim_time(claim) if claim is not None else None
            published = self.document.article.published
            if value is None and published is not None and present(found.token, self.lex, self.referents.lexicons):
                value = published.isoformat()  # "has commenced": as of publication
            if value is not None:
                found.time = value
                found.inherited.append("time")
        if found.location is None and found.trigger.type not in self.lex.verbal:
            place = self._claim_place(claim) if claim is not None else None
            if place is None:
                place = self._focus_place()
            if place is not None and place not in (found.actor, found.target):
                found.location = place
                found.inherited.append("location")

    def _claim_time(self, claim: Claim) -> str | None:
        span = self.document.doc.char_span(claim.content.start, claim.content.end, alignment_mode="expand")
        if span is None:
            return None
        return next((self.time_at[t.i] for t in span if t.i in self.time_at), None)

    def _claim_place(self, claim: Claim) -> str | None:
        span = self.document.doc.char_span(claim.content.start, claim.content.end, alignment_mode="expand")
        if span is None:
            return None
        return next((eid for t in span if (eid := self._placed(t)) is not None), None)

    def _placed(self, tok: Token) -> str | None:
        """The place a token names after a locative preposition ("in Syria")."""
        eid = self.document.token_entity.get(tok.i)
        if eid is not None and self.referents.is_place(eid) and tok.head.dep_ == "prep":
            return eid if tok.head.lower_ in self.lex.locative else None
        return None

    def _focus_place(self) -> str | None:
        """The article's place: of the places in its first sentence, the one
        named most often (a country where the places stage says which is one)."""
        if self._focus is not False:
            return self._focus  # type: ignore[return-value]
        self._focus = None
        counts = Counter({e.id: len(e.mentions) for e in self.document.entities})
        lead = next((s for s in self.document.sents if not in_heading(self.document, s.start_char)), None)
        if lead is None:
            return None
        # places the lead sentence puts something in, from or at; not its actors ("Egypt urged ...")
        candidates = {eid for t in lead if (eid := self._placed(t)) is not None}
        if candidates:

            def rank(eid: str) -> tuple[int, int]:
                ent = self.referents.entities[eid]
                country = int(ent.geo is not None and ent.geo.kind in ("country", "region"))
                return (country, counts[eid])

            self._focus = max(sorted(candidates), key=rank)
        return self._focus  # type: ignore[return-value]

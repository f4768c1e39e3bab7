"""The working document every stage reads and extends.

A `Document` pairs the spaCy parse with the contract objects the stages
have produced so far. Stages append to its lists and may use the lookup
helpers; entities and mentions go through `add_entity` / `add_mention`, which
keep the token index (`token_entity`) right, so no stage maintains it by
hand. `to_analysis()` freezes it into the `Analysis` contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from claimgraph.model import (
    Analysis,
    Article,
    Claim,
    Entity,
    Event,
    Hedge,
    Mention,
    MentionKind,
    Paragraph,
    Quote,
    Relation,
    Sentence,
    Span,
    Time,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan

    from claimgraph.analyse.resources import Resources


@dataclass
class Document:
    article: Article
    doc: Doc
    resources: Resources
    paragraphs: list[Paragraph] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    hedges: list[Hedge] = field(default_factory=list)
    times: list[Time] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    # token index -> id of the entity whose shortest mention covers it; kept by
    # add_entity / add_mention (read it, never write it)
    token_entity: dict[int, str] = field(default_factory=dict)
    _token_len: dict[int, int] = field(default_factory=dict, repr=False)  # that mention's length
    # claim id -> sense of its cue (speech, speculation, denial ...), and the
    # claims whose cue is negated: working facts for the modality stage
    cue_sense: dict[str, str] = field(default_factory=dict)
    negated_cues: set[str] = field(default_factory=set)
    # spaCy sentences, parallel to `sentences`
    sents: list[SpacySpan] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.article.text

    def span(self, start: int, end: int) -> Span:
        return Span(start=start, end=end, text=self.text[start:end])

    def token_span(self, first: int, last: int) -> Span:
        """The character span from token `first` to token `last`, inclusive."""
        doc = self.doc
        return self.span(doc[first].idx, doc[last].idx + len(doc[last]))

    def entity(self, entity_id: str) -> Entity | None:
        return next((e for e in self.entities if e.id == entity_id), None)

    def add_entity(self, entity: Entity) -> Entity:
        """Append `entity` (its id from `next_id("e", ...)`) and index its mentions."""
        self.entities.append(entity)
        for m in entity.mentions:
            self._index(m.start, m.end, entity.id)
        return entity

    def add_mention(self, entity: Entity, start: int, end: int, kind: MentionKind = "name") -> Mention | None:
        """Add a mention of `entity` at [start, end) unless one is there already;
        mentions stay in text order. Returns the new mention, or None."""
        if any(m.start == start and m.end == end for m in entity.mentions):
            return None
        mention = Mention(start=start, end=end, text=self.text[start:end], kind=kind)
        entity.mentions.append(mention)
        entity.mentions.sort(key=lambda m: m.start)
        self._index(start, end, entity.id)
        return mention

    def reindex(self) -> None:
        """Rebuild the token index from every mention (after mentions were merged or dropped)."""
        self.token_entity.clear()
        self._token_len.clear()
        for e in self.entities:
            for m in e.mentions:
                self._index(m.start, m.end, e.id)

    def _index(self, start: int, end: int, entity_id: str) -> None:
        # the shortest mention over a token names it: "Syrian" in "the Syrian army"
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return
        for tok in span:
            if self._token_len.get(tok.i, end - start + 1) >= end - start:
                self.token_entity[tok.i] = entity_id
                self._token_len[tok.i] = end - start

    def next_id(self, prefix: str, items: list) -> str:
        """Ids are a prefix and a running number: e1, e2 ... for entities."""
        return f"{prefix}{len(items) + 1}"

    def to_analysis(self) -> Analysis:
        a = self.article
        meta = self.resources.nlp.meta
        return Analysis(
            id=a.id,
            title=a.title,
            url=a.url,
            publisher=a.publisher,
            published=a.published,
            model=f"{meta.get('lang', 'xx')}_{meta.get('name', '?')}-{meta.get('version', '?')}",
            text=a.text,
            paragraphs=self.paragraphs,
            headings=[self.span(p.start, p.end) for p in self.paragraphs if p.heading],
            sentences=self.sentences,
            quotes=self.quotes,
            entities=self.entities,
            claims=self.claims,
            hedges=self.hedges,
            times=self.times,
            events=self.events,
            relations=self.relations,
        )

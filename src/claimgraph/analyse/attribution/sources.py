"""Sources resolved to entities: names through the entities stage, pronouns
("They assert") to the source or person just before, and descriptions
("Russian officials", "the ministry") to an entity of their own or an earlier
organisation of that kind, through `analyse/coreference.py`. Generic sources
("reports", "some analysts") stay unresolved."""

from __future__ import annotations

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from claimgraph.analyse.attribution.spans import Found
from claimgraph.analyse.coreference import Descriptions, MentionIndex, pronoun_kind, relative_head, source_agrees
from claimgraph.analyse.document import Document
from claimgraph.lexicons import Lexicons
from claimgraph.model import Entity, Source
from claimgraph.text.translit import plain


class SourceResolver:
    """Turns a source noun phrase into a `Source`, resolving it to an entity."""

    def __init__(self, document: Document, lex: Lexicons):
        self.document = document
        self.lex = lex
        self.last_source: Source | None = None
        # whether the last source's head noun is one person ("the masked ISIS figure", "a Pentagon
        # spokesman"), whatever entity it was resolved to: a "he" or "she" after it is that speaker
        self.last_is_person = False
        self.descriptions = Descriptions(document)

    def resolve(self, f: Found) -> Source | None:
        """The claim's source, resolved where it can be; remembered for the pronouns after it."""
        if f.source is None or f.source_head is None:
            return None
        doc = self.document.doc
        head = f.source_head
        first, last = f.source
        span = self.document.token_span(first, last)
        entity = self._entity_of(head, first, last)
        pronoun = entity is None and head.lower_ in self.lex.source_pronouns
        if pronoun:
            entity = self._antecedent(head)
            if entity is not None and (entity.type == "PERSON" or pronoun_kind(self.lex, head) != "person"):
                self.document.add_mention(entity, head.idx, head.idx + len(head), "pronoun")
        elif entity is None and head.pos_ in ("NOUN", "PROPN") and head.lemma_.lower() in self.lex.source_nouns:
            entity = self._description(doc[first : last + 1], head)
        source = Source(start=span.start, end=span.end, text=span.text, entity=entity.id if entity else None)
        if not pronoun:  # "He said ... He added": the pronoun keeps the speaker it continues
            self.last_is_person = (entity is not None and entity.type == "PERSON") or self._person_noun(head)
        self.last_source = source
        return source

    def _person_noun(self, head: Token) -> bool:
        """A singular common noun that is not a body: "figure", "spokesman", not "ministry"."""
        return head.pos_ == "NOUN" and head.tag_ == "NN" and head.lemma_.lower() not in self.lex.collective_nouns

    def _entity_of(self, head: Token, first: int, last: int) -> Entity | None:
        te = self.document.token_entity
        doc = self.document.doc
        # "Its spokesman, Idris Kalen, said": the apposition names the source
        named = [c.i for c in head.children if c.dep_ == "appos" and c.i in te]
        candidates = [head.i, *named] + [c.i for c in head.children if c.dep_ == "poss"] + list(range(first, last + 1))
        for i in candidates:
            eid = te.get(i)
            if eid is not None:
                ent = self.document.entity(eid)
                # "Russian officials": the demonym describes the source, it is not it.
                demonym = ent is not None and ent.type == "NORP" and i != head.i and doc[i].dep_ == "amod"
                if (
                    ent is not None
                    and not demonym
                    and (i == head.i or doc[i].dep_ in ("poss", "compound", "appos") or i in (first, last))
                    and not _under_preposition(doc[i], head)
                ):
                    return ent
        return None

    def _antecedent(self, pronoun: Token) -> Entity | None:
        """He/she: the last person named; they: the last plural or collective source."""
        head = relative_head(self.lex, pronoun)
        if head is not None:
            return self._entity_of(head, head.i, head.i)  # "Obama, who said"
        kind = pronoun_kind(self.lex, pronoun) or ""
        last = self.last_source
        if last is not None and last.entity and last.end <= pronoun.idx:
            ent = self.document.entity(last.entity)
            if ent is not None and (source_agrees(kind, ent) or (kind == "person" and self.last_is_person)):
                return ent  # "The masked ISIS figure said ... He said": the speaker, counted under ISIS
        # otherwise the latest mention that ends before it and agrees, the mentions added so far included
        mentions = MentionIndex(self.document.entities, ties="earlier-entity")
        return mentions.latest(pronoun.idx, lambda e: source_agrees(kind, e), ended=True)

    def _description(self, np: SpacySpan, head: Token) -> Entity | None:
        """'Russian officials', 'the ministry', 'a Pentagon spokesman'."""
        words = [t for t in np if t.dep_ not in ("det", "predet") and not t.is_punct]
        det = next((t.lower_ for t in np if t.dep_ in ("det", "predet")), None)
        modifiers = [t for t in words if t.i != head.i and t.dep_ in ("amod", "compound", "poss", "nmod")]
        specific = [t for t in modifiers if t.pos_ == "PROPN" or t.ent_type_ in ("NORP", "GPE", "ORG") or t.is_title]
        if det in self.lex.generic_determiners or (not specific and det != "the"):
            return None  # generic: "sources", "some analysts", "reports"
        if not specific:
            # "the ministry": an earlier organisation of that kind
            return self.descriptions.earlier(head.lemma_.lower(), np.start_char, np.end_char)
        name = " ".join(t.text for t in words)
        start = words[0].idx
        end = words[-1].idx + len(words[-1])
        # a singular noun is a person ("a Pentagon spokesman") unless it names a body ("the Russian ministry")
        person = head.tag_ == "NN" and head.lemma_.lower() not in self.lex.collective_nouns
        return self.descriptions.mention(
            plain(name), name, start, end, "PERSON" if person else "ORG", one_per_start=False, alias=False
        )


def _under_preposition(tok: Token, head: Token) -> bool:
    """'Opponents of President X': a name in a prepositional phrase of the source's head is
    not the source; the head is ('Opponents')."""
    for anc in (tok, *tok.ancestors):
        if anc.i == head.i:
            return False
        if anc.dep_ == "prep":
            return True
    return False

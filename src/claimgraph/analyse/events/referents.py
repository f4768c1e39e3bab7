"""What an event's noun phrase refers to: an entity of the entities stage, an
earlier entity for a pronoun (`analyse/coreference.py`), the entity a proxy
stands for ("the regime of X", "the Russian military": X and Russia), a
place named in "the city of Mosul", or a description entity of its own for
an unnamed group ("opposition forces")."""

from __future__ import annotations

import re

from spacy.tokens import Token

from claimgraph.analyse.coreference import (
    ARGUMENT_REACH,
    ARGUMENT_TYPES,
    Descriptions,
    MentionIndex,
    argument_agrees,
    possessor_inside_name,
    pronoun_kind,
    relative_head,
)
from claimgraph.analyse.document import Document
from claimgraph.model import PLACE_TYPES, Entity
from claimgraph.text.translit import plain

SUBJ = frozenset({"nsubj", "csubj"})
# "anti-Assad", "pro-Russian": the name is what the group is for or against
NEGATIVE_PREFIX = re.compile(r"(?i)\b(?:anti|pro|non|ex|post|pre)\s*[-‐–]\s*$")
# characters before a name searched for such a prefix: a four-letter one, its hyphen and a space
PREFIX_WINDOW = 6


class Referents:
    """Resolves noun phrases (given by their head token) to entity ids, adding
    description entities to the document as it meets unnamed groups."""

    def __init__(self, document: Document):
        self.document = document
        self.lex = document.resources.events
        self.lexicons = document.resources.lexicons
        self.entities: dict[str, Entity] = {e.id: e for e in document.entities}
        # pronouns look back over the mentions the stage starts with, not the descriptions it adds
        self.mentions = MentionIndex(document.entities, ties="greater-id")
        # "city", "province", "base": "the city of Mosul" is Mosul
        single = frozenset(f for f in self.lexicons.place_features if " " not in f)
        self.features = single | self.lex.features
        self.descriptions = Descriptions(document)

    def resolve(self, tok: Token | None) -> str | None:
        """The entity a noun phrase (given by its head) refers to."""
        if tok is None:
            return None
        te = self.document.token_entity
        if tok.i in te and not self.negated_modifier(tok):
            return te[tok.i]
        if tok.pos_ == "PRON" or pronoun_kind(self.lexicons, tok) == "relative":
            head = relative_head(self.lexicons, tok)
            if head is not None:
                return self.resolve(head)  # "the regime ..., which fled"
            return self.antecedent(tok)
        if tok.pos_ not in ("NOUN", "PROPN"):
            return None
        appos = next((c for c in tok.children if c.dep_ == "appos" and c.i in te), None)
        if appos is not None:
            return te[appos.i]  # "the opposition leader Kemal Ozturk"
        lemma = singular(tok)
        if lemma in self.features:
            named = _of_entity(tok, te)
            if named is not None:
                return named  # "the city of Mosul"
        mods = [c for c in tok.children if c.dep_ in ("compound", "amod", "poss", "nmod")]
        if lemma in self.lex.proxy or lemma in self.lex.group:
            for c in mods:
                if c.i in te and not self.negated_modifier(c):
                    return te[c.i]  # "the Russian military", "Kremlin officials"
                if c.dep_ == "poss" and c.pos_ == "PRON":
                    return self.antecedent(c)  # "its army"
            if lemma in self.lex.proxy:
                named = _of_entity(tok, te)
                if named is not None:
                    return named  # "the regime of Bashar al-Assad"
        group_mod = next((c for c in mods if singular(c) in self.lex.group and c.i not in te), None)
        if lemma in self.lex.group or group_mod is not None:
            return self._description(tok, mods, group_mod)
        return None

    def negated_modifier(self, tok: Token) -> bool:
        """'anti-Assad', 'pro-Russian': the name is what the group is for or against."""
        start = tok.idx
        return bool(NEGATIVE_PREFIX.search(self.document.text[max(0, start - PREFIX_WINDOW) : start]))

    def antecedent(self, tok: Token) -> str | None:
        """The entity a pronoun refers back to: of a fitting type, the latest
        mentioned within `ARGUMENT_REACH`."""
        kind = pronoun_kind(self.lexicons, tok)
        if kind in ("plural", "thing") and tok.dep_ in SUBJ and tok.head.dep_ == "ccomp":
            # "The army denied that it attacked": the reporting clause's subject
            gov = next((c for c in tok.head.head.children if c.dep_ in SUBJ), None)
            if gov is not None and gov.pos_ in ("NOUN", "PROPN"):
                return self.resolve(gov)
        if kind not in ARGUMENT_TYPES:
            return None
        entity = self.mentions.latest(
            tok.idx,
            lambda e: argument_agrees(kind, e),
            reach=ARGUMENT_REACH,
            # a possessor inside a longer name ("Ukraine's Defence ...") is no antecedent
            skip=lambda start, e: possessor_inside_name(self.document, start, e.id),
        )
        return entity.id if entity is not None else None

    def _description(self, head: Token, mods: list[Token], group_mod: Token | None) -> str:
        """An unnamed group ("opposition forces") as an entity of its own."""
        doc = self.document.doc
        first = min([m for m in mods if m.dep_ != "poss"] + [head], key=lambda t: t.i)
        # "anti-Assad forces": the words before the head, hyphens included
        left = min(
            (t for t in head.subtree if t.i < head.i and t.dep_ in ("amod", "compound", "punct")),
            key=lambda t: t.i,
            default=first,
        )
        first = min(first, left, key=lambda t: t.i)
        start, end = first.idx, head.idx + len(head)
        if group_mod is not None:
            key = singular(group_mod)
        else:
            key = plain(" ".join(t.lemma_.lower() if t.i == head.i else t.lower_ for t in doc[first.i : head.i + 1]))
        name = self.document.text[start:end]
        entity = self.descriptions.mention(key, name, start, end, "ORG", one_per_start=True, alias=True)
        self.entities.setdefault(entity.id, entity)
        return entity.id

    def is_place(self, entity_id: str) -> bool:
        ent = self.entities.get(entity_id)
        return ent is not None and (ent.type in PLACE_TYPES or ent.geo is not None)

    def is_agent(self, entity_id: str) -> bool:
        ent = self.entities.get(entity_id)
        if ent is None:
            return False
        return ent.type in self.lex.agent_types or (ent.geo is not None and ent.geo.role == "metonym")


def singular(tok: Token) -> str:
    """The lemma, also of a capitalised plural the tagger took for a name ("Rebels")."""
    lemma = tok.lemma_.lower()
    if tok.pos_ == "PROPN" and lemma.endswith("s") and not lemma.endswith("ss"):
        return lemma[:-1]
    return lemma


def pobj(prep: Token | None) -> Token | None:
    """The object of a preposition."""
    if prep is None:
        return None
    return next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)


def _of_entity(tok: Token, te: dict[int, str]) -> str | None:
    """The entity named in the noun's "of" phrase: "the city of Mosul"."""
    of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    obj = pobj(of)
    return te[obj.i] if obj is not None and obj.i in te else None

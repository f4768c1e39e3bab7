"""Coreference shared by the attribution and events stages: what a pronoun
refers back to, and unnamed groups ("Russian officials", "opposition
forces") as entities of their own.

Pronouns and their kinds are data (`lexicons/pronouns.tsv`). Both stages look
back from a pronoun to the latest earlier mention of an entity that agrees
with it, through `MentionIndex.latest`; they ask slightly different questions
and each keeps its own through the parameters:

| | attribution: a claim's source | events: an argument |
| --- | --- | --- |
| mentions | as they are now (new ones count) | as the stage found them |
| a mention counts when it | ends before the pronoun | starts before it, within `ARGUMENT_REACH` |
| agreement | `source_agrees` | `argument_agrees` |
| two mentions at one start | the earlier entity wins | the greater id wins |
| a possessor inside a longer name | is an antecedent | is skipped |

Descriptions go through one `Descriptions` register per stage, one entity
per key (each stage makes its own keys); attribution also resolves "the
ministry" to an earlier organisation of that kind (`Descriptions.earlier`).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import Literal

from spacy.tokens import Token

from claimgraph.analyse.document import Document
from claimgraph.lexicons import Lexicons
from claimgraph.model import Entity

# dependencies of a subject; a relative pronoun that is one stands for the noun its clause hangs on
SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass"})
# How far back (characters) an event argument's pronoun looks for its antecedent: about
# a paragraph. Set by hand when the events stage was written; no tuning is recorded.
ARGUMENT_REACH = 600
# Entity types a pronoun of each kind may refer back to, as an event's argument.
ARGUMENT_TYPES: dict[str, frozenset[str]] = {
    "person": frozenset({"PERSON"}),
    "plural": frozenset({"ORG", "NORP", "GPE"}),
    "thing": frozenset({"ORG", "GPE", "NORP"}),
    "relative": frozenset({"ORG", "GPE", "NORP"}),
}
Ties = Literal["greater-id", "earlier-entity"]


def pronoun_kind(lexicons: Lexicons, tok: Token) -> str | None:
    """person, plural, thing, relative or speaker; None for a word that is no listed pronoun."""
    return lexicons.pronouns.get(tok.lower_)


def relative_head(lexicons: Lexicons, tok: Token) -> Token | None:
    """For a relative pronoun that is its clause's subject ("Obama, who said"),
    the noun the clause hangs on; otherwise None."""
    if pronoun_kind(lexicons, tok) == "relative" and tok.dep_ in SUBJECTS and tok.head.dep_ == "relcl":
        return tok.head.head
    return None


# the entity types that "it" or "the group" can stand for as a source ("Russia said": a country speaks)
SPEAKING_BODIES = frozenset({"ORG", "GPE"})


def source_agrees(kind: str, entity: Entity) -> bool:
    """Attribution's agreement, among the entities that can speak: he/she a person; they
    an organisation or a plural-named people or person ("the Kurds", "the Clintons", not
    the adjective "Kurdish"); any other kind ("it", "the group") an organisation or a
    country. A town, a date or a nationality adjective says nothing."""
    if kind == "person":
        return entity.type == "PERSON"
    if kind == "plural":
        return entity.type == "ORG" or (entity.type in ("PERSON", "NORP") and entity.name.endswith("s"))
    return entity.type in SPEAKING_BODIES


def argument_agrees(kind: str, entity: Entity) -> bool:
    """The events stage's agreement, by `ARGUMENT_TYPES`."""
    return entity.type in ARGUMENT_TYPES.get(kind, ())


class MentionIndex:
    """The mentions of a document's entities in text order, for looking back
    from a pronoun. Built once it sees the mentions of that moment; build
    another to see mentions added since."""

    def __init__(self, entities: Sequence[Entity], ties: Ties):
        def rank(pos: int, entity: Entity) -> str | int:
            return entity.id if ties == "greater-id" else -pos  # later in the sort wins a tie

        rows = sorted((m.start, rank(pos, e), m.end, pos) for pos, e in enumerate(entities) for m in e.mentions)
        self.entities = list(entities)
        self.starts = [start for start, _, _, _ in rows]
        self.rows = rows

    def latest(
        self,
        offset: int,
        agrees: Callable[[Entity], bool],
        *,
        reach: int | None = None,
        ended: bool = False,
        skip: Callable[[int, Entity], bool] | None = None,
    ) -> Entity | None:
        """The entity of the latest mention that starts before `offset` (and
        ends before it, if `ended`), no more than `reach` characters back,
        that `agrees` and that `skip` (start, entity) does not refuse."""
        i = bisect.bisect_left(self.starts, offset) - 1
        while i >= 0 and (reach is None or offset - self.starts[i] <= reach):
            start, _, end, pos = self.rows[i]
            entity = self.entities[pos]
            if (not ended or end <= offset) and agrees(entity) and not (skip is not None and skip(start, entity)):
                return entity
            i -= 1
        return None


def possessor_inside_name(document: Document, start: int, entity_id: str) -> bool:
    """Whether the mention at `start` is a possessor inside another entity's
    name ("Ukraine" in "Ukraine's Defence Intelligence Directorate")."""
    span = document.doc.char_span(start, start + 1, alignment_mode="expand")
    tok = span[0] if span is not None and len(span) else None
    te = document.token_entity
    return tok is not None and tok.dep_ == "poss" and tok.head.i in te and te[tok.head.i] != entity_id


class Descriptions:
    """Description entities of one stage, one per key: an unnamed group or
    body ("opposition forces", "Russian officials") named by its words."""

    def __init__(self, document: Document):
        self.document = document
        self.by_key: dict[str, Entity] = {}
        for e in document.entities:  # the descriptions an earlier stage added
            if e.mentions and e.mentions[0].kind == "description":
                self.by_key.setdefault(e.key, e)

    def mention(
        self, key: str, name: str, start: int, end: int, type: str, *, one_per_start: bool, alias: bool
    ) -> Entity:
        """The entity for `key`, made (named `name`, typed `type`) if new, with
        a description mention at [start, end). `one_per_start`: no second
        mention where one already starts (events); `alias`: another wording
        of a description becomes an alias (events)."""
        document = self.document
        entity = self.by_key.get(key)
        if entity is None:
            entity = Entity(id=document.next_id("e", document.entities), type=type, name=name, key=key, mentions=[])
            document.add_entity(entity)
            self.by_key[key] = entity
            document.add_mention(entity, start, end, "description")
            return entity
        if one_per_start and any(m.start == start for m in entity.mentions):
            return entity
        document.add_mention(entity, start, end, "description")
        text = document.text[start:end]
        if alias and text not in entity.aliases and text != entity.name:
            entity.aliases.append(text)
        return entity

    def earlier(self, lemma: str, start: int, end: int) -> Entity | None:
        """'the ministry': the latest organisation or country whose name has the
        noun in it, with a description mention at [start, end)."""
        for entity in reversed(self.document.entities):
            if entity.type in ("ORG", "GPE") and lemma in entity.name.lower():
                self.document.add_mention(entity, start, end, "description")
                return entity
        return None

"""Stage: events, who did what to whom, where and when.

Triggers are verbs and event nouns from `lexicons/event_triggers.tsv`, each
typed with PLOVER (`lexicon.py`); outside headings, every trigger in the text
is an event. Its actor, target, place and time come from the parse of its
clause (`arguments.py`), noun phrases resolve to entities (`referents.py`,
pronouns through `analyse/coreference.py`), a missing time or place may be
inherited from the claim or the article (`inherit.py`), and the status comes
from the claim, modals and conditions (`status.py`).
"""

from __future__ import annotations

from spacy.tokens import Token

from claimgraph.analyse.document import Document
from claimgraph.analyse.events.arguments import ArgumentFinder, dated_tokens
from claimgraph.analyse.events.inherit import Inheritance, in_heading
from claimgraph.analyse.events.lexicon import (
    EventLexicon,
    Trigger,
    load_event_lexicon,
    trigger_entry,
    trigger_lemma,
)
from claimgraph.analyse.events.referents import Referents
from claimgraph.analyse.events.status import status
from claimgraph.analyse.stage import stage
from claimgraph.model import Event

__all__ = ["EventLexicon", "Trigger", "load_event_lexicon", "run", "trigger_entry", "trigger_lemma"]


@stage(
    "events",
    requires=["paragraphs", "sents", "entities", "entities.geo", "token_entity", "claims", "claims.status", "times"],
    assigns=["events", "entities"],
)
def run(document: Document) -> None:
    if not document.sents:
        return
    lex = document.resources.events
    referents = Referents(document)
    time_at = dated_tokens(document)
    arguments = ArgumentFinder(document, referents, time_at)
    inheritance = Inheritance(document, referents, time_at)
    claims = sorted(document.claims, key=lambda c: c.content.end - c.content.start)
    for sent in document.sents:
        if in_heading(document, sent.start_char):
            continue  # headings are titles, not reports of events
        for tok in sent:
            trig = _trigger(tok, lex, document.token_entity)
            if trig is None:
                continue
            found = arguments.find(tok, trig)
            claim = next((c for c in claims if c.content.start <= tok.idx < c.content.end), None)
            inheritance.inherit(found, claim)
            event_status, negated = status(tok, claim, lex, document.resources.lexicons)
            document.events.append(
                Event(
                    id=document.next_id("ev", document.events),
                    type=trig.type,  # type: ignore[arg-type]
                    mode=trig.mode,
                    trigger=document.span(tok.idx, tok.idx + len(tok)),
                    actor=found.actor,
                    target=found.target,
                    location=found.location,
                    time=found.time,
                    inherited=found.inherited,  # type: ignore[arg-type]
                    claim=claim.id if claim else None,
                    status=event_status,  # type: ignore[arg-type]
                    negated=negated,
                )
            )


def _trigger(tok: Token, lex: EventLexicon, token_entity: dict[int, str]) -> Trigger | None:
    """The lexicon entry `tok` fires in the sense of its type, or None."""
    trig = _entry(tok, lex, token_entity)
    if trig is None or _other_sense(tok, trig, lex):
        return None
    return trig


def _other_sense(tok: Token, trig: Trigger, lex: EventLexicon) -> bool:
    """'cardiac arrest', 'the talks collapsed', 'the collapse of the deal': a
    modifier, subject or "of" object (`event_senses.tsv`) that changes the sense."""
    pos = "verb" if tok.pos_ == "VERB" else "noun"
    lemma = trig.lemma.split(" ")[0]
    for where, deps in (("modifier", ("amod", "compound")), ("subject", ("nsubj", "nsubjpass")), ("of", ("of",))):
        words = lex.other_senses.get((lemma, pos, where))
        if not words:
            continue
        if where == "of":
            of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            heads = [c for c in of.children if c.dep_ == "pobj"] if of is not None else []
        else:
            heads = [c for c in tok.children if c.dep_ in deps]
        if any(h.lemma_.lower() in words or h.lower_ in words for h in heads):
            return True
    return False


def _entry(tok: Token, lex: EventLexicon, token_entity: dict[int, str]) -> Trigger | None:
    """The lexicon entry `tok`'s lemma fires, or None."""
    if tok.pos_ == "VERB":
        if tok.dep_ in ("amod", "compound"):
            return None  # "a negotiated transfer": an adjective, not an event
        for c in tok.children:
            # "stepped down" (prt, or advmod in some parses), "called for" (prep)
            if c.dep_ in ("prt", "advmod", "prep") and c.i > tok.i:
                t = lex.phrasal.get((tok.lemma_.lower(), c.lower_))
                if t is not None:
                    return t
        return lex.verbs.get(tok.lemma_.lower())
    if tok.pos_ == "NOUN" and tok.dep_ != "compound" and tok.i not in token_entity:
        if tok.dep_ == "pobj" and (tok.head.lower_, tok.lower_) in lex.idioms:
            return None  # "in exchange for": a fixed phrase
        return lex.nouns.get(tok.lemma_.lower()) or lex.nouns.get(tok.lower_)
    return None

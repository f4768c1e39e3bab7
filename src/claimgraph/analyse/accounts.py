"""What a claim accuses someone of, and what it gives as the cause of a harm,
for the relations stage (`lexicons/accusations.tsv`).

- accusations: an ACCUSE event on the claim's cue whose trigger lays blame
  ("blamed the Front", "accused the army of ..."): its target is the accused;
- causes: "a drone strike disabled two cranes" / "the cranes were damaged by
  a fire": the harm (an effect verb), what was harmed and what harmed it,
  read from the parse (inside one article only: stored analyses keep no parse).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Doc, Token

from claimgraph.lexicons import load_table
from claimgraph.model import Claim, Event, Span


@dataclass(frozen=True)
class Words:
    accuse: frozenset[str]
    involvement: frozenset[str]
    effect: frozenset[str]


@dataclass(frozen=True)
class Cause:
    effect: str  # the harm's verb lemma: "damage"
    patient: str  # the harmed thing's head lemma: "crane"
    cause: str  # what harmed it, its head lemma: "strike", "fire"
    span: Span  # the cause as the text has it ("a drone strike")


@cache
def words() -> Words:
    rows = load_table("accusations.tsv")

    def role(name: str) -> frozenset[str]:
        return frozenset(r["word"] for r in rows if r["role"] == name)

    return Words(role("accuse"), role("involvement"), role("effect"))


def accusation_events(claim: Claim, events: list[Event], lemma_of: Callable[[str], str]) -> list[Event]:
    """The claim's blaming events: on its cue ("Officials blamed X"; a blame told
    inside the content is someone else's: "officials said police accused X")."""
    if claim.cue is None:
        return []
    cue = claim.cue
    return [
        ev
        for ev in events
        if ev.type == "ACCUSE"
        and ev.target is not None
        and cue.start <= ev.trigger.start < cue.end
        and lemma_of(ev.trigger.text) in words().accuse
    ]


def names_involvement(text: str) -> bool:
    """'denied any involvement', 'rejected the allegations': a denial that names
    the accusation rather than an event."""
    tokens = set(re.findall(r"[a-z]+", text.lower()))
    return any(w in tokens or w + "s" in tokens for w in words().involvement)


def harms(doc: Doc, claim: Claim, text: str) -> list[Cause]:
    """The harms the claim's content tells with their causes."""
    span = doc.char_span(claim.content.start, claim.content.end, alignment_mode="expand")
    if span is None:
        return []
    out = []
    for tok in span:
        if tok.pos_ != "VERB" or tok.lemma_.lower() not in words().effect:
            continue
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)
        if passive:
            patient = _child(tok, ("nsubjpass",))
            agent = _child(tok, ("agent",))
            cause = _child(agent, ("pobj",)) if agent is not None else None
        else:
            patient = _child(tok, ("dobj", "obj"))
            cause = _child(tok, ("nsubj",))
        if patient is None or cause is None or cause.pos_ not in ("NOUN", "PROPN"):
            continue  # "it damaged the cranes": a pronoun names no account of its own
        if patient.pos_ not in ("NOUN", "PROPN"):
            continue
        first = min((t for t in cause.subtree if t.i <= cause.i), key=lambda t: t.i)
        start, end = first.idx, cause.idx + len(cause)
        out.append(
            Cause(
                effect=tok.lemma_.lower(),
                patient=patient.lemma_.lower(),
                cause=cause.lemma_.lower(),
                span=Span(start=start, end=end, text=text[start:end]),
            )
        )
    return out


def _child(tok: Token, deps: tuple[str, ...]) -> Token | None:
    return next((c for c in tok.children if c.dep_ in deps), None)

"""An event's actor, target, place and time, from the dependency parse of
its clause.

- actor: the subject of an active verb, the "by"-agent of a passive, the
  subject a coordinated, controlled or participle verb shares with its head,
  the possessor or "by" phrase of a noun ("Russia's withdrawal"), or the
  subject of a light verb that takes the noun ("Russia has commenced the
  withdrawal");
- target: the object, the subject of a passive, "against"/"on" phrases,
  "to"/"with" phrases of the types that take them (`event_types.tsv`);
- location: a place reached through a locative preposition in the clause
  ("from its bases in Syria"), or a place object ("fled Damascus");
- time: a dated TIMEX3 value inside the clause.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Token

from claimgraph.analyse.document import Document
from claimgraph.analyse.events.lexicon import Trigger
from claimgraph.analyse.events.referents import Referents, pobj

SUBJ = frozenset({"nsubj", "csubj"})
SUBJ_PASS = frozenset({"nsubjpass", "csubjpass"})
OBJ = frozenset({"dobj", "obj"})
# Children whose subtrees are other clauses or other participants: a place or
# time inside them is not this event's ("Opposition groups, emboldened by
# successes in Latakia, captured Damascus": Latakia is not where it happened).
NOT_CLAUSE = frozenset(
    {
        "nsubj",
        "nsubjpass",
        "csubj",
        "csubjpass",
        "agent",
        "poss",
        "conj",
        "cc",
        "ccomp",
        "advcl",
        "relcl",
        "parataxis",
        "mark",
        "punct",
        "acl",
        "appos",
        "xcomp",
        "dep",
    }
)
DATED = re.compile(r"^\d{4}")
# How many verbs a subject search climbs through coordinated, controlled and
# participle verbs before it gives up; set by hand when the stage was written.
SUBJECT_CLIMB = 5


@dataclass
class Arguments:
    """An event's trigger and the arguments found for it (entity ids, a TIMEX3 value)."""

    token: Token
    trigger: Trigger
    actor: str | None = None
    target: str | None = None
    location: str | None = None
    time: str | None = None
    inherited: list[str] = field(default_factory=list)


def dated_tokens(document: Document) -> dict[int, str]:
    """Token index -> TIMEX3 value, for the tokens of dated times only."""
    out: dict[int, str] = {}
    for t in document.times:
        if t.value and DATED.match(t.value):
            span = document.doc.char_span(t.start, t.end, alignment_mode="expand")
            if span is not None:
                for tok in span:
                    out.setdefault(tok.i, t.value)
    return out


def light_verb(tok: Token, light: frozenset[str]) -> Token | None:
    """The light verb a noun trigger is the object of ("commenced the withdrawal")."""
    if tok.dep_ in OBJ and tok.head.lemma_.lower() in light:
        return tok.head
    return None


class ArgumentFinder:
    def __init__(self, document: Document, referents: Referents, time_at: dict[int, str]):
        self.document = document
        self.lex = document.resources.events
        self.referents = referents
        self.resolve = referents.resolve
        self.time_at = time_at

    def find(self, tok: Token, trig: Trigger) -> Arguments:
        found = Arguments(tok, trig)
        if trig.pos == "verb":
            self._verb_arguments(tok, trig, found)
        else:
            self._noun_arguments(tok, trig, found)
        if found.location is None:
            found.location = self._clause_place(tok, found)
        if found.time is None:
            found.time = self._clause_time(tok)
        if found.actor is not None and found.actor == found.target:
            found.target = None  # "Russia withdrew its own ..." is no recipient
        return found

    def _verb_arguments(self, tok: Token, trig: Trigger, found: Arguments) -> None:
        passive = any(c.dep_ in SUBJ_PASS or c.dep_ == "auxpass" for c in tok.children)
        subj = self._subject(tok)
        if passive:
            agent = next((c for c in tok.children if c.dep_ == "agent"), None)
            found.actor = self.resolve(pobj(agent))
            patient = next((c for c in tok.children if c.dep_ in SUBJ_PASS), None)
            if patient is None and tok.dep_ == "conj":
                patient = self._subject(tok, passive=True)
            if patient is not None:
                self._object(self.resolve(patient), trig, found, patient)
        else:
            found.actor = self.resolve(subj)
            obj = next((c for c in tok.children if c.dep_ in OBJ), None)
            if obj is not None:
                self._object(self.resolve(obj), trig, found, obj)
        for prep in (c for c in tok.children if c.dep_ in ("prep", "dative")):
            self._preposition(prep, trig, found)

    def _noun_arguments(self, tok: Token, trig: Trigger, found: Arguments) -> None:
        patient = trig.object == "patient"
        for c in tok.children:
            if c.dep_ == "poss" or (c.dep_ in ("compound", "amod", "nmod") and c.i in self.document.token_entity):
                who = self.resolve(c)
                if who is None or not self.referents.is_agent(who):
                    continue
                if patient:
                    self._object(who, trig, found, c)
                elif found.actor is None:
                    found.actor = who
            elif c.dep_ == "prep":
                word = c.lower_
                obj = pobj(c)
                if obj is None:
                    continue
                if word == "by" and found.actor is None:
                    found.actor = self.resolve(obj)
                elif word == "of":
                    who = self.resolve(obj)
                    if who is None:
                        continue
                    if patient:
                        self._object(who, trig, found, obj)
                    elif found.actor is None and self.referents.is_agent(who):
                        found.actor = who  # "the resignation of Assad"
                else:
                    self._preposition(c, trig, found)
        verb = light_verb(tok, self.lex.light)
        if found.actor is None and verb is not None:
            found.actor = self.resolve(self._subject(verb))  # "Russia has commenced the withdrawal"

    def _object(self, who: str | None, trig: Trigger, found: Arguments, tok: Token | None = None) -> None:
        """A direct object or patient: target, and the location if a place
        named there ("captured Damascus"; not "its troops", resolved to Russia)."""
        if who is None:
            return
        place = self.referents.is_place(who) and (tok is None or self.document.token_entity.get(tok.i) == who)
        if place and found.location is None:
            found.location = who
        if not (place and trig.object == "place") and found.target is None:
            found.target = who

    def _preposition(self, prep: Token, trig: Trigger, found: Arguments) -> None:
        word = prep.lower_
        obj = pobj(prep)
        if obj is None:
            return
        against = word in self.lex.target_prepositions
        if (
            against
            or (word == "to" and trig.type in self.lex.to_target)
            or (word == "with" and trig.type in self.lex.with_target)
        ):
            who = self.resolve(obj)
            hostile = trig.type in self.lex.hostile and against
            place = who is not None and self.referents.is_place(who)
            if who is not None and found.target is None and (hostile or word == "to" or not place):
                if hostile and place and found.location is None:
                    found.location = who  # "an attack on Gaza": the target and the place
                found.target = who
                return
        if word == "by" and found.actor is None and prep.dep_ == "agent":
            found.actor = self.resolve(obj)

    def _subject(self, verb: Token, passive: bool = False) -> Token | None:
        """The verb's subject, or the one it shares with the verb it hangs on."""
        deps = SUBJ_PASS if passive else SUBJ
        for _ in range(SUBJECT_CLIMB):
            subj = next((c for c in verb.children if c.dep_ in deps), None)
            if subj is not None:
                return subj
            if verb.dep_ == "conj" or (verb.dep_ in ("advcl", "xcomp", "pcomp") and verb.tag_ in ("VBG", "VBN", "VB")):
                head = verb.head
                if verb.dep_ == "xcomp":
                    # object control: "urged Russia to withdraw": the object acts
                    obj = next((c for c in head.children if c.dep_ in OBJ), None)
                    if obj is not None:
                        return obj
                if verb.dep_ == "pcomp":
                    head = head.head
                verb = head
                continue
            if verb.dep_ == "relcl":
                return verb.head  # "the regime ..., which fled"
            if verb.dep_ == "acl" and verb.tag_ == "VBG":
                return verb.head  # "forces advancing on the city"
            return None
        return None

    # -- place and time inside the clause

    def _clause(self, tok: Token) -> Iterable[tuple[Token, Token | None]]:
        """Tokens of the event's own clause, breadth first, with the preposition above each."""
        queue: list[tuple[Token, Token | None]] = [(tok, None)]
        seen = {tok.i}
        while queue:
            cur, prep = queue.pop(0)
            yield cur, prep
            for c in cur.children:
                if c.i in seen or (c.dep_ in NOT_CLAUSE and not (c.dep_ == "conj" and cur.pos_ != "VERB")):
                    continue
                seen.add(c.i)
                queue.append((c, c if c.dep_ in ("prep", "dative") else prep))

    def _clause_place(self, tok: Token, found: Arguments) -> str | None:
        te = self.document.token_entity
        fallback = None
        for cur, prep in self._clause(tok):
            if prep is None or cur.i == tok.i or cur.i not in te or prep.lower_ not in self.lex.locative:
                continue
            eid = te[cur.i]
            if eid in (found.actor, found.target):
                continue  # "granted to Russia": a recipient, not a place
            if self.referents.is_place(eid):
                return eid
            ent = self.referents.entities.get(eid)
            if (
                fallback is None
                and ent is not None
                and ent.type == "ORG"
                and prep.lower_ in self.lex.strong_locative
                and cur.pos_ == "PROPN"
            ):
                fallback = eid  # "in Tartus" with Tartus mistyped as an organisation
        verb = light_verb(tok, self.lex.light) if tok.pos_ == "NOUN" else None
        if fallback is None and verb is not None:
            return self._clause_place(verb, found)  # "launched an attack in Gaza"
        return fallback

    def _clause_time(self, tok: Token) -> str | None:
        best: tuple[int, str] | None = None
        for cur, _ in self._clause(tok):
            value = self.time_at.get(cur.i)
            if value is not None and (best is None or abs(cur.i - tok.i) < best[0]):
                best = (abs(cur.i - tok.i), value)
        verb = light_verb(tok, self.lex.light) if tok.pos_ == "NOUN" else None
        if best is None and verb is not None:
            return self._clause_time(verb)
        return best[1] if best else None

"""Stage: events, who did what to whom, where and when.

Triggers are verbs and event nouns from `lexicons/event_triggers.tsv`, each
typed with PLOVER. Arguments come from the dependency parse of the clause:

- actor: the subject of an active verb, the "by"-agent of a passive, the
  subject a coordinated, controlled or participle verb shares with its head,
  the possessor or "by" phrase of a noun ("Russia's withdrawal"), or the
  subject of a light verb that takes the noun ("Russia has commenced the
  withdrawal");
- target: the object, the subject of a passive, "against"/"on"/"with"
  phrases, "to" phrases of transfers ("granted to Russia");
- location: a place reached through a locative preposition in the clause
  ("from its bases in Syria"), or a place object ("fled Damascus");
- time: a dated TIMEX3 value inside the clause.

Noun phrases become entities through the entities stage's mentions, pronouns
through the nearest earlier entity that fits, "the regime of X" and "the
Russian military" through X and Russia, and unnamed groups ("opposition
forces") become description entities of their own. A clause without a time
or place may inherit the claim's or the article's, and the event says so in
`inherited`. Status comes from the claim the event is reported in, turned
hypothetical under a conditional ("would mark", "if ...") and speculated
under an epistemic modal; `negated` marks "did not withdraw", "no attack".
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from claimgraph.analyse.document import Document
from claimgraph.analyse.stage import stage
from claimgraph.lexicons import load_table
from claimgraph.model import PLACE_TYPES, Claim, Entity, Event, Mention
from claimgraph.text.translit import plain

AGENT_TYPES = frozenset({"PERSON", "ORG", "NORP", "GPE"})
SUBJ = frozenset({"nsubj", "csubj"})
SUBJ_PASS = frozenset({"nsubjpass", "csubjpass"})
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
LOCATIVE = frozenset(
    {
        "in",
        "at",
        "near",
        "from",
        "into",
        "to",
        "towards",
        "toward",
        "across",
        "inside",
        "outside",
        "throughout",
        "around",
        "within",
        "on",
        "onto",
        "through",
        "off",
        "out",
        "over",
        "along",
    }
)
# "in/at/near X" is a place even when the NER called X an organisation
# (the places stage fixes such types; this is the fallback without it).
STRONG_LOCATIVE = frozenset({"in", "at", "near", "outside", "inside", "across", "throughout"})
TO_TARGET_TYPES = frozenset(
    {"AGREE", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "REQUEST", "ACCUSE", "REJECT", "THREATEN", "SANCTION"}
)
# "talks with X", "cooperate with X"; elsewhere "with" is circumstance ("with Damascus under ...")
WITH_TARGET_TYPES = frozenset({"CONSULT", "COOPERATE", "AGREE", "ASSAULT"})
# Fixed phrases whose noun is no event: "in exchange for", "in return".
IDIOMS = frozenset({("in", "exchange"), ("in", "return"), ("in", "charge"), ("in", "support")})
# "an attack on Gaza", "sanctions on Belarus": a place after "on"/"against" is the target
HOSTILE_TYPES = frozenset({"ASSAULT", "COERCE", "SANCTION", "THREATEN", "PROTEST", "ACCUSE", "MOBILIZE"})
VERBAL_TYPES = frozenset({"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "REQUEST", "ACCUSE", "REJECT", "THREATEN"})
HYPOTHETICAL_MODALS = frozenset({"would", "could", "might", "should"})
EPISTEMIC_MODALS = frozenset({"may", "might", "could"})
CONDITIONAL_MARKS = frozenset({"if", "unless"})
NEGATIVE_PREFIX = re.compile(r"(?i)\b(?:anti|pro|non|ex|post|pre)\s*[-‐–]\s*$")
PERSON_PRONOUNS = frozenset({"he", "him", "his", "she", "her", "hers", "himself", "herself"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their", "theirs", "themselves"})
THING_PRONOUNS = frozenset({"it", "its", "itself"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom", "whose"})
DATED = re.compile(r"^\d{4}")
PRONOUN_REACH = 600  # characters back to look for a pronoun's antecedent


@dataclass(frozen=True)
class Trigger:
    lemma: str
    pos: str  # verb or noun
    type: str
    mode: str | None
    object: str  # target, place or patient
    outcome: str | None  # death, flight, resignation ...
    outcome_of: str  # "actor" or "target": whose fate the outcome is


@dataclass(frozen=True)
class EventLexicon:
    verbs: dict[str, Trigger]
    nouns: dict[str, Trigger]
    phrasal: dict[tuple[str, str], Trigger]  # (verb lemma, particle) -> trigger
    light: frozenset[str]
    group: frozenset[str]
    proxy: frozenset[str]
    conflicts: dict[frozenset[str], str]  # two outcomes -> why they cannot both hold
    forms: dict[str, str]  # lower-cased inflected form -> lemma, for triggers read back from JSON


@cache
def load_event_lexicon() -> EventLexicon:
    verbs: dict[str, Trigger] = {}
    nouns: dict[str, Trigger] = {}
    phrasal: dict[tuple[str, str], Trigger] = {}
    for row in load_table("event_triggers.tsv"):
        outcome, _, of = (row["outcome"] or "").partition("@")
        t = Trigger(
            lemma=row["trigger"].lower(),
            pos=row["pos"],
            type=row["type"],
            mode=row["mode"] or None,
            object=row["object"] or "target",
            outcome=outcome or None,
            outcome_of="target" if of == "target" else "actor",
        )
        if " " in t.lemma:
            verb, particle = t.lemma.split(" ", 1)
            phrasal[(verb, particle)] = t
        else:
            (verbs if t.pos == "verb" else nouns)[t.lemma] = t
    support = load_table("event_support.tsv")
    roles = {r: frozenset(x["word"].lower() for x in support if x["role"] == r) for r in ("light", "group", "proxy")}
    conflicts = {frozenset((r["a"], r["b"])): r["why"] for r in load_table("event_outcomes.tsv")}
    forms: dict[str, str] = {}
    for lemma in verbs:
        for form in _verb_forms(lemma):
            forms.setdefault(form, lemma)
    for lemma in nouns:
        forms.setdefault(lemma, lemma)
        forms.setdefault(lemma + "s", lemma)
    for verb, _particle in phrasal:
        for form in _verb_forms(verb):
            forms.setdefault(form, verb)
    return EventLexicon(verbs, nouns, phrasal, roles["light"], roles["group"], roles["proxy"], conflicts, forms)


# Irregular past forms of trigger verbs: the regular ones are generated.
_IRREGULAR = {
    "flee": ["fled"],
    "leave": ["left"],
    "withdraw": ["withdrew", "withdrawn"],
    "fight": ["fought"],
    "strike": ["struck", "stricken"],
    "shoot": ["shot"],
    "meet": ["met"],
    "win": ["won"],
    "lose": ["lost"],
    "seek": ["sought"],
    "undertake": ["undertook", "undertaken"],
    "begin": ["began", "begun"],
    "hold": ["held"],
    "make": ["made"],
    "lend": ["lent"],
    "feed": ["fed"],
    "send": ["sent"],
    "quit": ["quit"],
    "forbid": ["forbade", "forbidden"],
    "stand": ["stood"],
    "take": ["took", "taken"],
    "break": ["broke", "broken"],
    "blow": ["blew", "blown"],
    "set": ["set"],
    "cut": ["cut"],
    "shut": ["shut"],
    "freeze": ["froze", "frozen"],
    "overrun": ["overran"],
    "die": ["died", "dying"],
    "tell": ["told"],
    "give": ["gave", "given"],
    "bring": ["brought"],
    "lay": ["laid"],
}


def _verb_forms(lemma: str) -> Iterable[str]:
    """The lemma and its regular inflections, plus listed irregular ones."""
    yield lemma
    yield from _IRREGULAR.get(lemma, [])
    stem = lemma
    if lemma.endswith("e"):
        yield lemma + "s"
        yield lemma + "d"
        yield lemma[:-1] + "ing"
        return
    if lemma.endswith("y") and len(lemma) > 2 and lemma[-2] not in "aeiou":
        yield lemma[:-1] + "ies"
        yield lemma[:-1] + "ied"
        yield lemma + "ing"
        return
    yield lemma + ("es" if lemma.endswith(("s", "sh", "ch", "x", "z")) else "s")
    yield stem + "ed"
    yield stem + "ing"
    if re.search(r"[^aeiou][aeiou][bdgklmnprt]$", lemma) and len(lemma) <= 6:
        yield stem + lemma[-1] + "ed"  # "ban" -> "banned", "ship" -> "shipped"
        yield stem + lemma[-1] + "ing"


def trigger_lemma(text: str) -> str:
    """The lexicon lemma of a trigger's surface text ("fled" -> "flee")."""
    low = text.lower()
    return load_event_lexicon().forms.get(low, low)


def trigger_entry(text: str) -> Trigger | None:
    """The lexicon entry for a trigger's surface text, verb first."""
    lex = load_event_lexicon()
    lemma = trigger_lemma(text)
    return lex.verbs.get(lemma) or lex.nouns.get(lemma)


# ------------------------------------------------------------------ stage


@stage(
    "events",
    requires=["paragraphs", "sents", "entities", "entities.geo", "token_entity", "claims", "claims.status", "times"],
    assigns=["events", "entities"],
)
def run(document: Document) -> None:
    if not document.sents:
        return
    _Extractor(document).run()


@dataclass
class _Found:
    token: Token
    trigger: Trigger
    actor: str | None = None
    target: str | None = None
    location: str | None = None
    time: str | None = None
    inherited: list[str] = field(default_factory=list)


class _Extractor:
    def __init__(self, document: Document):
        self.document = document
        self.doc = document.doc
        self.lex = document.resources.events
        self.entities: dict[str, Entity] = {e.id: e for e in document.entities}
        heading_spans = [(p.start, p.end) for p in document.paragraphs if p.heading]
        self.headings = heading_spans
        # every mention's start, for pronoun antecedents (sorted by position)
        mentions = sorted((m.start, e.id) for e in document.entities for m in e.mentions)
        self.mention_starts = [s for s, _ in mentions]
        self.mention_ids = [eid for _, eid in mentions]
        # token index -> TIMEX3 value, for dated times only
        self.time_at: dict[int, str] = {}
        for t in document.times:
            if t.value and DATED.match(t.value):
                span = self.doc.char_span(t.start, t.end, alignment_mode="expand")
                if span is not None:
                    for tok in span:
                        self.time_at.setdefault(tok.i, t.value)
        # "city", "province", "base": "the city of Mosul" is Mosul
        self.features = frozenset(f for f in document.resources.lexicons.place_features if " " not in f) | {
            "city",
            "town",
            "village",
            "capital",
            "country",
            "region",
            "province",
            "port",
            "district",
        }
        self.descriptions: dict[str, str] = {}  # group key -> description entity id
        for e in document.entities:
            if e.mentions and e.mentions[0].kind == "description":
                self.descriptions.setdefault(e.key, e.id)
        self._focus: str | bool | None = False  # not computed yet

    # -- the pass over the text

    def run(self) -> None:
        claims = sorted(self.document.claims, key=lambda c: c.content.end - c.content.start)
        for sent in self.document.sents:
            if any(a <= sent.start_char < b for a, b in self.headings):
                continue  # headings are titles, not reports of events
            for tok in sent:
                trig = self._trigger(tok)
                if trig is None:
                    continue
                found = self._arguments(tok, trig)
                claim = next((c for c in claims if c.content.start <= tok.idx < c.content.end), None)
                self._inherit(found, sent, claim)
                status, negated = self._status(tok, claim)
                self.document.events.append(
                    Event(
                        id=self.document.next_id("ev", self.document.events),
                        type=trig.type,  # type: ignore[arg-type]
                        mode=trig.mode,
                        trigger=self.document.span(tok.idx, tok.idx + len(tok)),
                        actor=found.actor,
                        target=found.target,
                        location=found.location,
                        time=found.time,
                        inherited=found.inherited,  # type: ignore[arg-type]
                        claim=claim.id if claim else None,
                        status=status,  # type: ignore[arg-type]
                        negated=negated,
                    )
                )

    def _trigger(self, tok: Token) -> Trigger | None:
        if tok.pos_ == "VERB":
            if tok.dep_ in ("amod", "compound"):
                return None  # "a negotiated transfer": an adjective, not an event
            for c in tok.children:
                # "stepped down" (prt, or advmod in some parses), "called for" (prep)
                if c.dep_ in ("prt", "advmod", "prep") and c.i > tok.i:
                    t = self.lex.phrasal.get((tok.lemma_.lower(), c.lower_))
                    if t is not None:
                        return t
            return self.lex.verbs.get(tok.lemma_.lower())
        if tok.pos_ == "NOUN" and tok.dep_ != "compound" and tok.i not in self.document.token_entity:
            if tok.dep_ == "pobj" and (tok.head.lower_, tok.lower_) in IDIOMS:
                return None
            return self.lex.nouns.get(tok.lemma_.lower()) or self.lex.nouns.get(tok.lower_)
        return None

    # -- arguments

    def _arguments(self, tok: Token, trig: Trigger) -> _Found:
        found = _Found(tok, trig)
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

    def _verb_arguments(self, tok: Token, trig: Trigger, found: _Found) -> None:
        passive = any(c.dep_ in SUBJ_PASS or c.dep_ == "auxpass" for c in tok.children)
        subj = self._subject(tok)
        if passive:
            agent = next((c for c in tok.children if c.dep_ == "agent"), None)
            pobj = _pobj(agent) if agent is not None else None
            found.actor = self.resolve(pobj) if pobj is not None else None
            patient = next((c for c in tok.children if c.dep_ in SUBJ_PASS), None)
            if patient is None and tok.dep_ == "conj":
                patient = self._subject(tok, passive=True)
            if patient is not None:
                self._object(self.resolve(patient), trig, found, patient)
        else:
            found.actor = self.resolve(subj) if subj is not None else None
            obj = next((c for c in tok.children if c.dep_ in ("dobj", "obj")), None)
            if obj is not None:
                self._object(self.resolve(obj), trig, found, obj)
        for prep in (c for c in tok.children if c.dep_ in ("prep", "dative")):
            self._preposition(prep, trig, found)

    def _noun_arguments(self, tok: Token, trig: Trigger, found: _Found) -> None:
        patient = trig.object == "patient"
        for c in tok.children:
            if c.dep_ == "poss" or (c.dep_ in ("compound", "amod", "nmod") and c.i in self.document.token_entity):
                who = self.resolve(c)
                if who is None or not self._is_agent(who, c):
                    continue
                if patient:
                    self._object(who, trig, found, c)
                elif found.actor is None:
                    found.actor = who
            elif c.dep_ == "prep":
                word = c.lower_
                pobj = _pobj(c)
                if pobj is None:
                    continue
                if word == "by" and found.actor is None:
                    found.actor = self.resolve(pobj)
                elif word == "of":
                    who = self.resolve(pobj)
                    if who is None:
                        continue
                    if patient:
                        self._object(who, trig, found, pobj)
                    elif found.actor is None and self._is_agent(who, pobj):
                        found.actor = who  # "the resignation of Assad"
                else:
                    self._preposition(c, trig, found)
        if found.actor is None and tok.dep_ in ("dobj", "obj") and tok.head.lemma_.lower() in self.lex.light:
            subj = self._subject(tok.head)  # "Russia has commenced the withdrawal"
            found.actor = self.resolve(subj) if subj is not None else None

    def _object(self, who: str | None, trig: Trigger, found: _Found, tok: Token | None = None) -> None:
        """A direct object or patient: target, and the location if a place
        named there ("captured Damascus"; not "its troops", resolved to Russia)."""
        if who is None:
            return
        place = self._is_place(who) and (tok is None or self.document.token_entity.get(tok.i) == who)
        if place and found.location is None:
            found.location = who
        if not (place and trig.object == "place") and found.target is None:
            found.target = who

    def _preposition(self, prep: Token, trig: Trigger, found: _Found) -> None:
        word = prep.lower_
        pobj = _pobj(prep)
        if pobj is None:
            return
        if (
            word in ("against", "on", "upon")
            or (word == "to" and trig.type in TO_TARGET_TYPES)
            or (word == "with" and trig.type in WITH_TARGET_TYPES)
        ):
            who = self.resolve(pobj)
            hostile = trig.type in HOSTILE_TYPES and word in ("against", "on", "upon")
            if who is not None and found.target is None and (hostile or word == "to" or not self._is_place(who)):
                if hostile and self._is_place(who) and found.location is None:
                    found.location = who  # "an attack on Gaza": the target and the place
                found.target = who
                return
        if word == "by" and found.actor is None and prep.dep_ == "agent":
            found.actor = self.resolve(pobj)

    def _subject(self, verb: Token, passive: bool = False) -> Token | None:
        """The verb's subject, or the one it shares with the verb it hangs on."""
        deps = SUBJ_PASS if passive else SUBJ
        for _ in range(5):
            subj = next((c for c in verb.children if c.dep_ in deps), None)
            if subj is not None:
                return subj
            if verb.dep_ == "conj" or (verb.dep_ in ("advcl", "xcomp", "pcomp") and verb.tag_ in ("VBG", "VBN", "VB")):
                head = verb.head
                if verb.dep_ == "xcomp":
                    # object control: "urged Russia to withdraw": the object acts
                    obj = next((c for c in head.children if c.dep_ in ("dobj", "obj")), None)
                    if obj is not None:
                        return obj
                if verb.dep_ == "pcomp":
                    head = head.head
                verb = head
                deps = SUBJ_PASS if passive else SUBJ
                continue
            if verb.dep_ == "relcl":
                return verb.head  # "the regime ..., which fled"
            if verb.dep_ == "acl" and verb.tag_ == "VBG":
                return verb.head  # "forces advancing on the city"
            return None
        return None

    # -- entities

    def resolve(self, tok: Token | None) -> str | None:
        """The entity a noun phrase (given by its head) refers to."""
        if tok is None:
            return None
        te = self.document.token_entity
        if tok.i in te and not self._negated_modifier(tok):
            return te[tok.i]
        low = tok.lower_
        if tok.pos_ == "PRON" or low in RELATIVE_PRONOUNS:
            if low in RELATIVE_PRONOUNS and tok.dep_ in SUBJ | SUBJ_PASS and tok.head.dep_ == "relcl":
                return self.resolve(tok.head.head)
            return self._antecedent(tok)
        if tok.pos_ not in ("NOUN", "PROPN"):
            return None
        appos = next((c for c in tok.children if c.dep_ == "appos" and c.i in te), None)
        if appos is not None:
            return te[appos.i]  # "the opposition leader Kemal Ozturk"
        lemma = _singular(tok)
        if lemma in self.features:
            of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            pobj = _pobj(of) if of is not None else None
            if pobj is not None and pobj.i in te:
                return te[pobj.i]  # "the city of Mosul"
        mods = [c for c in tok.children if c.dep_ in ("compound", "amod", "poss", "nmod")]
        if lemma in self.lex.proxy or lemma in self.lex.group:
            for c in mods:
                if c.i in te and not self._negated_modifier(c):
                    return te[c.i]  # "the Russian military", "Kremlin officials"
                if c.dep_ == "poss" and c.pos_ == "PRON":
                    return self._antecedent(c)  # "its army"
            if lemma in self.lex.proxy:
                of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
                pobj = _pobj(of) if of is not None else None
                if pobj is not None and pobj.i in te:
                    return te[pobj.i]  # "the regime of Bashar al-Assad"
        group_mod = next((c for c in mods if _singular(c) in self.lex.group and c.i not in te), None)
        if lemma in self.lex.group or group_mod is not None:
            return self._description(tok, mods, group_mod)
        return None

    def _negated_modifier(self, tok: Token) -> bool:
        """'anti-Assad', 'pro-Russian': the name is what the group is for or against."""
        start = tok.idx
        return bool(NEGATIVE_PREFIX.search(self.document.text[max(0, start - 6) : start]))

    def _antecedent(self, tok: Token) -> str | None:
        low = tok.lower_
        if low in PLURAL_PRONOUNS | THING_PRONOUNS and tok.dep_ in SUBJ and tok.head.dep_ == "ccomp":
            # "The army denied that it attacked": the reporting clause's subject
            gov = next((c for c in tok.head.head.children if c.dep_ in SUBJ), None)
            if gov is not None and gov.pos_ in ("NOUN", "PROPN"):
                return self.resolve(gov)
        if low in PERSON_PRONOUNS:
            wanted = {"PERSON"}
        elif low in PLURAL_PRONOUNS:
            wanted = {"ORG", "NORP", "GPE"}
        elif low in THING_PRONOUNS or low in RELATIVE_PRONOUNS:
            wanted = {"ORG", "GPE", "NORP"}
        else:
            return None
        i = bisect.bisect_left(self.mention_starts, tok.idx) - 1
        while i >= 0 and tok.idx - self.mention_starts[i] <= PRONOUN_REACH:
            ent = self.entities.get(self.mention_ids[i])
            # a possessor inside a longer name ("Ukraine's Defence ...") is no antecedent
            if ent is not None and ent.type in wanted and not self._inside_longer_name(self.mention_starts[i], ent.id):
                return ent.id
            i -= 1
        return None

    def _inside_longer_name(self, start: int, entity_id: str) -> bool:
        tok = self._token_at(start)
        return (
            tok is not None
            and tok.dep_ == "poss"
            and tok.head.i in self.document.token_entity
            and (self.document.token_entity[tok.head.i] != entity_id)
        )

    def _token_at(self, char: int) -> Token | None:
        span = self.doc.char_span(char, char + 1, alignment_mode="expand")
        return span[0] if span is not None and len(span) else None

    def _description(self, head: Token, mods: list[Token], group_mod: Token | None) -> str:
        """An unnamed group ("opposition forces") as an entity of its own."""
        first = min([m for m in mods if m.dep_ != "poss"] + [head], key=lambda t: t.i)
        # "anti-Assad forces": the words before the head, hyphens included
        left = min(
            (t for t in head.subtree if t.i < head.i and t.dep_ in ("amod", "compound", "punct")),
            key=lambda t: t.i,
            default=first,
        )
        first = min(first, left, key=lambda t: t.i)
        start, end = first.idx, head.idx + len(head)
        name = self.document.text[start:end]
        key = (
            _singular(group_mod)
            if group_mod is not None
            else plain(
                " ".join(t.lemma_.lower() if t.i == head.i else t.lower_ for t in self.doc[first.i : head.i + 1])
            )
        )
        eid = self.descriptions.get(key)
        if eid is None:
            eid = self.document.next_id("e", self.document.entities)
            mention = Mention(start=start, end=end, text=name, kind="description")
            entity = self.document.add_entity(Entity(id=eid, type="ORG", name=name, key=key, mentions=[mention]))
            self.entities[eid] = entity
            self.descriptions[key] = eid
        else:
            entity = self.entities[eid]
            if not any(m.start == start for m in entity.mentions):
                self.document.add_mention(entity, start, end, "description")
                if name not in entity.aliases and name != entity.name:
                    entity.aliases.append(name)
        return eid

    def _is_place(self, entity_id: str) -> bool:
        ent = self.entities.get(entity_id)
        return ent is not None and (ent.type in PLACE_TYPES or ent.geo is not None)

    def _is_agent(self, entity_id: str, tok: Token) -> bool:
        ent = self.entities.get(entity_id)
        if ent is None:
            return False
        return ent.type in AGENT_TYPES or (ent.geo is not None and ent.geo.role == "metonym")

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

    def _clause_place(self, tok: Token, found: _Found) -> str | None:
        te = self.document.token_entity
        fallback = None
        for cur, prep in self._clause(tok):
            if prep is None or cur.i == tok.i or cur.i not in te or prep.lower_ not in LOCATIVE:
                continue
            eid = te[cur.i]
            if eid in (found.actor, found.target):
                continue  # "granted to Russia": a recipient, not a place
            if self._is_place(eid):
                return eid
            ent = self.entities.get(eid)
            if (
                fallback is None
                and ent is not None
                and ent.type == "ORG"
                and prep.lower_ in STRONG_LOCATIVE
                and (cur.pos_ == "PROPN")
            ):
                fallback = eid  # "in Tartus" with Tartus mistyped as an organisation
        if (
            fallback is None
            and tok.pos_ == "NOUN"
            and tok.dep_ in ("dobj", "obj")
            and tok.head.lemma_.lower() in (self.lex.light)
        ):
            return self._clause_place(tok.head, found)
        return fallback

    def _clause_time(self, tok: Token) -> str | None:
        best: tuple[int, str] | None = None
        for cur, _ in self._clause(tok):
            value = self.time_at.get(cur.i)
            if value is not None and (best is None or abs(cur.i - tok.i) < best[0]):
                best = (abs(cur.i - tok.i), value)
        if (
            best is None
            and tok.pos_ == "NOUN"
            and tok.dep_ in ("dobj", "obj")
            and tok.head.lemma_.lower() in (self.lex.light)
        ):
            return self._clause_time(tok.head)
        return best[1] if best else None

    # -- inheritance

    def _inherit(self, found: _Found, sent: SpacySpan, claim: Claim | None) -> None:
        if found.time is None:
            value = self._claim_time(claim) if claim is not None else None
            if value is None and _present(found.token) and self.document.article.published is not None:
                value = self.document.article.published.isoformat()  # "has commenced": as of publication
            if value is not None:
                found.time = value
                found.inherited.append("time")
        if found.location is None and found.trigger.type not in VERBAL_TYPES:
            place = self._claim_place(claim) if claim is not None else None
            if place is None:
                place = self._focus_place()
            if place is not None and place not in (found.actor, found.target):
                found.location = place
                found.inherited.append("location")

    def _claim_time(self, claim: Claim) -> str | None:
        span = self.doc.char_span(claim.content.start, claim.content.end, alignment_mode="expand")
        if span is None:
            return None
        return next((self.time_at[t.i] for t in span if t.i in self.time_at), None)

    def _claim_place(self, claim: Claim) -> str | None:
        span = self.doc.char_span(claim.content.start, claim.content.end, alignment_mode="expand")
        if span is None:
            return None
        te = self.document.token_entity
        for t in span:
            if t.i in te and self._is_place(te[t.i]) and t.head.dep_ == "prep" and t.head.lower_ in LOCATIVE:
                return te[t.i]
        return None

    def _focus_place(self) -> str | None:
        """The article's place: of the places in its first sentence, the one
        named most often (a country where the places stage says which is one)."""
        if self._focus is not False:
            return self._focus  # type: ignore[return-value]
        self._focus = None
        counts = Counter({e.id: len(e.mentions) for e in self.document.entities})
        lead = next((s for s in self.document.sents if not any(a <= s.start_char < b for a, b in self.headings)), None)
        if lead is None:
            return None
        te = self.document.token_entity
        # places the lead sentence puts something in, from or at; not its actors ("Egypt urged ...")
        candidates = {
            te[t.i]
            for t in lead
            if t.i in te and self._is_place(te[t.i]) and t.head.dep_ == "prep" and t.head.lower_ in LOCATIVE
        }
        if candidates:

            def rank(eid: str) -> tuple[int, int]:
                ent = self.entities[eid]
                country = int(ent.geo is not None and ent.geo.kind in ("country", "region"))
                return (country, counts[eid])

            self._focus = max(sorted(candidates), key=rank)
        return self._focus  # type: ignore[return-value]

    # -- status and negation

    def _status(self, tok: Token, claim: Claim | None) -> tuple[str, bool]:
        status = claim.status if claim is not None else "asserted"
        chain = _governing_verbs(tok)
        # "did not withdraw"; "did not launch an attack" (a light verb's negation is its noun's)
        own = tok if tok.pos_ == "VERB" else tok.head if tok.head.lemma_.lower() in self.lex.light else None
        negated = own is not None and any(c.dep_ == "neg" for c in own.children)
        if tok.pos_ == "NOUN" and any(c.dep_ == "det" and c.lower_ == "no" for c in tok.children):
            negated = True  # "no withdrawal"
        if status == "denied":
            return status, negated
        modals = {c.lower_ for v in chain for c in v.children if c.dep_ == "aux" and c.tag_ == "MD"}
        conditional = any(c.dep_ == "mark" and c.lower_ in CONDITIONAL_MARKS for v in chain for c in v.children) or any(
            t.lower_ in CONDITIONAL_MARKS and t.dep_ == "mark" for t in tok.sent
        )
        if modals & HYPOTHETICAL_MODALS and (conditional or claim is None):
            return "hypothetical", negated
        if conditional and any(c.dep_ == "mark" and c.lower_ in CONDITIONAL_MARKS for v in chain for c in v.children):
            return "hypothetical", negated  # "if Russia withdraws"
        if modals & EPISTEMIC_MODALS:
            return "speculated", negated
        return status, negated


def _singular(tok: Token) -> str:
    """The lemma, also of a capitalised plural the tagger took for a name ("Rebels")."""
    lemma = tok.lemma_.lower()
    if tok.pos_ == "PROPN" and lemma.endswith("s") and not lemma.endswith("ss"):
        return lemma[:-1]
    return lemma


def _pobj(prep: Token | None) -> Token | None:
    if prep is None:
        return None
    return next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)


def _governing_verbs(tok: Token) -> list[Token]:
    """The trigger's verb (or the verb a noun trigger hangs on), then the
    verbs it is the subject or complement of: where modals and 'if' sit."""
    cur = tok
    steps = 0
    while cur.pos_ not in ("VERB", "AUX") and cur.head.i != cur.i and steps < 4:
        cur = cur.head
        steps += 1
    if cur.pos_ not in ("VERB", "AUX"):
        return []
    chain = [cur]
    while cur.dep_ in ("csubj", "csubjpass", "xcomp", "conj") and cur.head.i != cur.i and len(chain) < 4:
        cur = cur.head
        chain.append(cur)
    return chain


def _present(tok: Token) -> bool:
    """Present or present perfect: 'has commenced', 'are advancing', 'withdraws'."""
    verb = _governing_verbs(tok)[:1]
    if not verb:
        return False
    v = verb[0]
    auxes = {c.lower_ for c in v.children if c.dep_ in ("aux", "auxpass")}
    if auxes & {"has", "have", "is", "are", "am", "'s", "'re"}:
        return True
    return v.tag_ in ("VBZ", "VBP") and not auxes & {"will", "would", "could", "might", "may", "should"}

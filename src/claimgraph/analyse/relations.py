"""Stage: relations between claims, each with a reason a person can check.

Built on the structured events and entities (no NLI model offline):

- ``contradicts``
  - explicit contrast: a claim whose sentence opens with a contrast phrase
    ("Contrary to these reports, X claims ...") against the earlier claims
    of other sources that share an event, an entity or content words with
    it (the nearest sentence that has such claims, within two paragraphs),
    never a whole sentence's claims for being near;
  - incompatible outcomes: the same person's fate told two ways ("resigned"
    vs "fled"), by the pairs in `lexicons/event_outcomes.tsv`;
  - denial of an accusation: "the ministry blamed X" / "X denied any
    involvement" (`analyse/accounts.py`);
  - denial: a denied claim against another claim of the same event (an
    event the denier names without an actor is its own: "X denied the attack");
  - counter-accounts: the same harm given two causes ("a drone strike
    disabled the cranes" / "the cranes were damaged by a fire"), inside one
    article;
  - opposite polarity: the same event, negated in one claim only;
  - conflicting numbers for the same count ("20 killed" vs "at least 40").
- ``supports``: different sources, the same event (type, actor) and no
  argument that disagrees (target, place, time); or the same accusation
  ("blamed X" / "accused X").
- ``elaborates``: the same source, a nearby claim about the same actor that
  adds an event or an argument.

`relate(left, right)` runs the same rules between two analyses (the ledger's
cross-article call); `run(document)` inside one article. A pair of claims
gets at most one relation, the strongest; inside an article each claim is
compared only with earlier claims that share an entity or a count, at most
`WINDOW` of them per entity, so the cost stays linear in practice.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from spacy.tokens import Token

from claimgraph.analyse.accounts import Cause, accusation_events, harms, names_involvement
from claimgraph.analyse.document import Document
from claimgraph.analyse.events.lexicon import load_event_lexicon, trigger_entry, trigger_lemma
from claimgraph.analyse.overlap import as_written, content_terms, shared_terms
from claimgraph.analyse.stage import stage
from claimgraph.model import Analysis, Claim, Entity, Event, Relation, Span
from claimgraph.text.negation import negation_before
from claimgraph.text.translit import plain

# Tunables, all set by hand when the rules were written (no tuning run is recorded):
WINDOW = 40  # earlier claims per shared entity compared inside one article: keeps the cost linear
ELABORATE_SENTENCES = 3  # how far apart two claims of one source may be to elaborate
APPROX = 0.15  # "about 300" covers 255..345
COUNT_REACH = 60  # characters from a number to the event after it ("20 people were killed")
CONTRAST_PARAGRAPHS = 2  # how many paragraphs back a contrast phrase looks for the claims it contrasts


class _Analysed(Protocol):
    """What the rules read: an `Analysis` or the working `Document`."""

    text: str
    claims: list[Claim]
    events: list[Event]
    entities: list[Entity]


@dataclass
class _EventFacts:
    event: Event
    lemma: str
    outcome: str | None
    fated: str | None  # entity id whose fate `outcome` is
    actor: str | None = None  # the event's actor, or the denier of an event it names without one


@dataclass
class _Count:
    key: str  # what is counted: "killed people"
    low: float
    high: float
    span: Span


@dataclass
class _ClaimFacts:
    side: int  # which analysis: 0, or 1 for the right-hand one of `relate`
    claim: Claim
    uid: str  # the id the relation uses
    source: str | None  # a key for who says it; None for the writer
    source_label: str
    cue: str  # the cue as the text has it, with its negation ("did not confirm")
    events: list[_EventFacts] = field(default_factory=list)
    counts: list[_Count] = field(default_factory=list)
    accused: list[str] = field(default_factory=list)  # entity ids the claim blames
    denier: str | None = None  # the source entity of a denial
    causes: list[Cause] = field(default_factory=list)
    entities: set[str] = field(default_factory=set)  # entity ids named in the content or its events


class _Entities:
    """Entity identity within one analysis (ids) and across two (name keys)."""

    def __init__(self, sides: Sequence[_Analysed]):
        self.by_id = [{e.id: e for e in side.entities} for side in sides]

    def name(self, side: int, eid: str | None) -> str:
        ent = self.by_id[side].get(eid or "")
        return ent.name if ent is not None else "someone"

    def keys(self, side: int, eid: str) -> set[str]:
        ent = self.by_id[side].get(eid)
        if ent is None:
            return set()
        keys = {ent.key}
        if ent.type == "PERSON" and ent.key.split():
            keys.add("surname:" + ent.key.split()[-1])  # "Assad" in one article, "Bashar al-Assad" in another
        return keys

    def same(self, a_side: int, a: str | None, b_side: int, b: str | None) -> bool:
        if a is None or b is None:
            return False
        if a_side == b_side:
            return a == b
        ka, kb = self.keys(a_side, a), self.keys(b_side, b)
        return bool(ka & kb)

    def bucket_keys(self, side: int, eid: str, cross: bool) -> set[str]:
        return self.keys(side, eid) if cross else {f"{side}:{eid}"}


# ------------------------------------------------------------------ entry points


@stage("relations", requires=["sentences", "entities", "claims", "claims.status", "events"], assigns=["relations"])
def run(document: Document) -> None:
    rels = _relations([document], cross=False)
    for r in rels:
        r.id = document.next_id("r", document.relations)
        document.relations.append(r)


def relate(left: Analysis, right: Analysis) -> list[Relation]:
    """Relations between the claims of two analyses (two articles). Claim ids
    in the result are qualified by the analysis id: "<id>:<claim id>"."""
    rels = _relations([left, right], cross=True)
    for i, r in enumerate(rels, start=1):
        r.id = f"r{i}"
    return rels


def _relations(sides: Sequence[_Analysed], cross: bool) -> list[Relation]:
    ents = _Entities(sides)
    facts: list[_ClaimFacts] = []
    for side_no, side in enumerate(sides):
        prefix = f"{getattr(side, 'id', None) or f'a{side_no + 1}'}:" if cross else ""
        facts += _claim_facts(side, side_no, prefix, ents)
    found: dict[tuple[str, str], Relation] = {}
    if not cross:
        for rel in _explicit_contrast(sides[0], {cf.uid: cf for cf in facts}, ents):  # type: ignore[arg-type]
            found[_pair(rel.a, rel.b)] = rel
    for a, b in _candidates(facts, ents, cross):
        key = _pair(a.uid, b.uid)
        rel = _judge(a, b, ents)
        if rel is None:
            continue
        old = found.get(key)
        if old is None:
            found[key] = rel
        elif old.type == "contradicts" and rel.type == "contradicts" and old.cue is not None:
            # explicit contrast and an event-level reason: one relation, both reasons
            old.reason = f"{old.reason}; {rel.reason}"
            old.spans += [s for s in rel.spans if s not in old.spans]
    return list(found.values())


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


# ------------------------------------------------------------------ facts


def _claim_facts(side: _Analysed, side_no: int, prefix: str, ents: _Entities) -> list[_ClaimFacts]:
    by_claim: dict[str, list[Event]] = defaultdict(list)
    for ev in side.events:
        if ev.claim is not None:
            by_claim[ev.claim].append(ev)
    out = []
    for claim in side.claims:
        source, label = _source_key(claim, ents, side_no)
        cue = negation_before(side.text, claim.cue.start) + claim.cue.text if claim.cue is not None else ""
        cf = _ClaimFacts(side_no, claim, prefix + claim.id, source, label, cue)
        for ev in by_claim.get(claim.id, []):
            entry = trigger_entry(ev.trigger.text)
            outcome = entry.outcome if entry is not None else None
            fated = None
            if outcome is not None:
                fated = ev.target if entry is not None and entry.outcome_of == "target" else ev.actor
                if (
                    fated is None
                    or ents.by_id[side_no].get(fated) is None
                    or (ents.by_id[side_no][fated].type != "PERSON")
                ):
                    outcome = fated = None  # fates are told of people ("captured Damascus" is no capture of a person)
            cf.events.append(_EventFacts(ev, trigger_lemma(ev.trigger.text), outcome, fated, ev.actor))
        cf.counts = _counts(claim, cf.events)
        _parties(cf, side, ents)
        doc = getattr(side, "doc", None)
        if doc is not None:
            cf.causes = harms(doc, claim, side.text)
        out.append(cf)
    return out


def _parties(cf: _ClaimFacts, side: _Analysed, ents: _Entities) -> None:
    """Who the claim blames, who denies, and the entities it names."""
    claim = cf.claim
    blaming = accusation_events(claim, side.events, trigger_lemma)
    cf.accused = [ev.target for ev in blaming if ev.target is not None]
    blame_ids = {ev.id for ev in blaming}
    cf.events = [e for e in cf.events if e.event.id not in blame_ids]  # the blame itself is no event told
    if claim.status == "denied" and claim.source is not None and claim.source.entity is not None:
        cf.denier = claim.source.entity
        for ef in cf.events:
            if ef.actor is None and ef.event.type not in ("ACCUSE", "REJECT"):
                ef.actor = cf.denier  # "X denied the attack": its own part in it
    content = claim.content
    cf.entities = {e.id for e in side.entities if any(content.start <= m.start < content.end for m in e.mentions)}
    for ef in cf.events:
        cf.entities |= {x for x in (ef.actor, ef.event.target, ef.fated) if x is not None}


def _source_key(claim: Claim, ents: _Entities, side: int) -> tuple[str | None, str]:
    if claim.source is None:
        return (None, "the writer") if claim.cue is None else ("unnamed", "an unnamed source")
    if claim.source.entity:
        ent = ents.by_id[side].get(claim.source.entity)
        if ent is not None:
            return f"{side}:{ent.id}", ent.name
    return "text:" + claim.source.text.lower(), claim.source.text


_NUMBER_NAMES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty"
)
NUMBER_WORDS = {w: i for i, w in enumerate(_NUMBER_NAMES.split())}
_COUNT = re.compile(
    r"(?i)\b(at least|more than|over|upwards of|nearly|almost|about|around|approximately|roughly|some|"
    r"up to|at most|fewer than|less than|under)?\s*(\d[\d,]*(?:\.\d+)?|"
    + "|".join(NUMBER_WORDS)
    + r")\s+(?:[a-z\-]+\s+)?(people|persons|civilians|soldiers|troops|fighters|children|dead|killed|wounded|"
    r"injured|deaths|casualties|bodies|protesters|refugees|prisoners|hostages|migrants|residents|ships|aircraft|"
    r"jets|missiles|drones|rockets|tanks|vessels)\b"
)
_COUNT_EVENT = {
    "dead": "death",
    "killed": "death",
    "deaths": "death",
    "bodies": "death",
    "wounded": "injury",
    "injured": "injury",
    "casualties": "casualty",
}


def _counts(claim: Claim, events: list[_EventFacts]) -> list[_Count]:
    """Numbers the claim gives, keyed by what they count and the event counted."""
    out = []
    text = claim.content.text
    for m in _COUNT.finditer(text):
        qual, raw, noun = (m.group(1) or "").lower(), m.group(2).lower(), m.group(3).lower()
        value = float(NUMBER_WORDS[raw]) if raw in NUMBER_WORDS else float(raw.replace(",", ""))
        what = _COUNT_EVENT.get(noun)
        if what is None:
            # "20 people were killed": the nearest event after the number says what happened to them
            start = claim.content.start + m.end()
            after = [e for e in events if -1 <= e.event.trigger.start - start < COUNT_REACH]
            near = min(after, key=lambda e: e.event.trigger.start, default=None)
            if near is None:
                continue
            what = f"{near.lemma} {noun}"
        low, high = value, value
        if qual in ("at least", "more than", "over", "upwards of"):
            high = float("inf")
        elif qual in ("up to", "at most", "fewer than", "less than", "under"):
            low = 0.0
        elif qual:
            low, high = value * (1 - APPROX), value * (1 + APPROX)
        span = Span(
            start=claim.content.start + m.start(2), end=claim.content.start + m.end(3), text=text[m.start(2) : m.end(3)]
        )
        out.append(_Count(what, low, high, span))
    return out


# ------------------------------------------------------------------ pairing


def _candidates(facts: list[_ClaimFacts], ents: _Entities, cross: bool) -> Iterable[tuple[_ClaimFacts, _ClaimFacts]]:
    """Pairs of claims that share an entity argument or a count (no all-pairs scan)."""
    buckets: dict[str, list[int]] = defaultdict(list)
    seen: set[tuple[int, int]] = set()
    for i, cf in enumerate(facts):
        keys: set[str] = set()
        for ef in cf.events:
            for eid in (ef.actor, ef.event.target, ef.fated):
                if eid is not None:
                    keys |= ents.bucket_keys(cf.side, eid, cross)
        for eid in [*cf.accused, *([cf.denier] if cf.denier else [])]:
            keys |= {"party:" + k for k in ents.bucket_keys(cf.side, eid, cross)}
        keys |= {"count:" + c.key for c in cf.counts}
        keys |= {"harmed:" + c.patient for c in cf.causes}
        if not cross:
            # a denial and what it answers may share only words ("denied that the patient was beaten")
            keys |= {"word:" + w for w in content_terms(cf.claim.content.text)}
        for key in keys:
            earlier = buckets[key]
            for j in earlier[-WINDOW:] if not cross else earlier:
                if facts[j].side == cf.side and cross:
                    continue  # across articles, only pairs from the two articles
                if key.startswith("word:") and "denied" not in (cf.claim.status, facts[j].claim.status):
                    continue
                if (j, i) not in seen:
                    seen.add((j, i))
                    yield facts[j], cf
            earlier.append(i)


def _judge(a: _ClaimFacts, b: _ClaimFacts, ents: _Entities) -> Relation | None:
    """The strongest relation between two claims, or None."""
    for rule in (_fates, _accusal, _denial, _counter_accounts, _polarity, _numbers):
        rel = rule(a, b, ents)
        if rel is not None:
            return rel
    if a.source is not None and a.source == b.source and a.side == b.side:
        return _elaborates(a, b, ents)
    if a.source != b.source:
        return _supports(a, b, ents)
    return None


def _event_pairs(
    kind: str, a: _ClaimFacts, b: _ClaimFacts, reason: Callable[[_EventFacts, _EventFacts], str | None]
) -> Relation | None:
    """A relation of `kind`, b to a, for the first pair of their events that
    `reason` finds one for; its spans are the two triggers and the claims."""
    for ea in a.events:
        for eb in b.events:
            why = reason(ea, eb)
            if why is not None:
                return _relation(kind, b, a, why, [eb.event.trigger, ea.event.trigger])
    return None


def _fates(a: _ClaimFacts, b: _ClaimFacts, ents: _Entities) -> Relation | None:
    conflicts = load_event_lexicon().conflicts

    def reason(ea: _EventFacts, eb: _EventFacts) -> str | None:
        if ea.outcome is None or eb.outcome is None or ea.outcome == eb.outcome:
            return None
        why = conflicts.get(frozenset((ea.outcome, eb.outcome)))
        if why is None or ea.event.negated or eb.event.negated:
            return None
        if not ents.same(a.side, ea.fated, b.side, eb.fated) or _times_differ(ea.event, eb.event):
            return None
        who = ents.name(a.side, ea.fated)
        return (
            f"incompatible outcomes for {who}: “{eb.event.trigger.text}” ({eb.outcome}, according to "
            f"{b.source_label}) vs “{ea.event.trigger.text}” ({ea.outcome}, according to {a.source_label}); {why}"
        )

    return _event_pairs("contradicts", a, b, reason)


def _denial(a: _ClaimFacts, b: _ClaimFacts, ents: _Entities) -> Relation | None:
    if (a.claim.status == "denied") == (b.claim.status == "denied"):
        return None
    denier, other = (a, b) if a.claim.status == "denied" else (b, a)
    for ed in denier.events:
        for eo in other.events:
            if _same_event(ed, denier.side, eo, other.side, ents) or _covers(ed, denier.side, eo, other.side, ents):
                reason = (
                    f"{denier.source_label} denies what {other.source_label} reports: {_telling(eo, other.side, ents)}"
                )
                return _relation("contradicts", denier, other, reason, [ed.event.trigger, eo.event.trigger])
    if denier.side != other.side or denier.source == other.source:
        return None
    words = shared_terms(denier.claim.content.text, other.claim.content.text)
    if words and (not denier.events or not other.events or _shares_event_kind(denier, other)):
        reason = (
            f"{denier.source_label} denies what {other.source_label} says "
            f"({', '.join(as_written(other.claim.content.text, words))}): "
            f"“{_cue_and(denier)}” vs “{_cue_and(other)}”"
        )
        return _relation("contradicts", denier, other, reason, _cue_spans(denier, other))
    return None


def _shares_event_kind(a: _ClaimFacts, b: _ClaimFacts) -> bool:
    return any(x.lemma == y.lemma or x.event.type == y.event.type != "OTHER" for x in a.events for y in b.events)


def _accusal(a: _ClaimFacts, b: _ClaimFacts, ents: _Entities) -> Relation | None:
    """'The ministry blamed X' against 'X denied any involvement' (contradicts),
    and two sources blaming the same party for the same thing (supports)."""
    if a.source == b.source and a.side == b.side:
        return None
    for denier, accuser in ((a, b), (b, a)):
        if denier.denier is None or not accuser.accused:
            continue
        who = next((x for x in accuser.accused if ents.same(accuser.side, x, denier.side, denier.denier)), None)
        if who is None or not _same_charge(denier, accuser, ents):
            continue
        answers = names_involvement(denier.claim.content.text) or shared_terms(
            denier.claim.content.text, accuser.claim.content.text
        )
        if not answers and not (_charged_events(denier) and _charged_events(accuser)):
            continue  # a denial of something else by the same party
        reason = (
            f"{denier.source_label} denies what {accuser.source_label} blames it for: "
            f"“{_cue_and(accuser)}” vs “{_cue_and(denier)}”"
        )
        return _relation("contradicts", denier, accuser, reason, _cue_spans(denier, accuser))
    if a.denier is not None or b.denier is not None or "denied" in (a.claim.status, b.claim.status):
        return None
    for x in a.accused:
        if any(ents.same(a.side, x, b.side, y) for y in b.accused) and _same_charge(a, b, ents):
            reason = (
                f"{b.source_label} and {a.source_label} both blame {ents.name(a.side, x)}: "
                f"“{_cue_and(b)}” and “{_cue_and(a)}”"
            )
            return _relation("supports", b, a, reason, _cue_spans(b, a))
    return None


def _charged_events(cf: _ClaimFacts) -> list[_EventFacts]:
    """What a claim blames or denies: its events, but those of other actors
    ("blamed X, a militia that has fought Y": the fighting is no charge)."""
    own = {cf.denier, *cf.accused}
    return [e for e in cf.events if e.actor is None or e.actor in own]


def _same_charge(a: _ClaimFacts, b: _ClaimFacts, ents: _Entities) -> bool:
    """Both name the same deed, or one names none ("blamed X" / "X denied involvement")."""
    ea, eb = _charged_events(a), _charged_events(b)
    if not ea or not eb:
        return True
    return any(x.lemma == y.lemma or x.event.type == y.event.type != "OTHER" for x in ea for y in eb)


def _cue_and(cf: _ClaimFacts) -> str:
    return _short(f"{cf.cue} {cf.claim.content.text}".strip())


def _cue_spans(a: _ClaimFacts, b: _ClaimFacts) -> list[Span]:
    return [c.claim.cue for c in (a, b) if c.claim.cue is not None]


def _counter_accounts(a: _ClaimFacts, b: _ClaimFacts, ents: _Entities) -> Relation | None:
    """The same harm, two causes: 'a drone strike disabled two cranes' /
    'the cranes had been damaged by a fire'."""
    if a.source == b.source:
        return None
    trigger_types = load_event_lexicon().nouns
    for ca in a.causes:
        for cb in b.causes:
            if ca.patient != cb.patient or ca.cause == cb.cause:
                continue
            ta, tb = trigger_types.get(ca.cause), trigger_types.get(cb.cause)
            if ta is not None and tb is not None and ta.type == tb.type:
                continue  # "the strike" / "the attack": one cause named two ways
            reason = (
                f"two causes of the same harm to the {cb.patient}: “{cb.span.text}” (according to "
                f"{b.source_label}) vs “{ca.span.text}” (according to {a.source_label})"
            )
            return _relation("contradicts", b, a, reason, [cb.span, ca.span])
    return None


def _polarity(a: _ClaimFacts, b: _ClaimFacts, ents: _Entities) -> Relation | None:
    def reason(ea: _EventFacts, eb: _EventFacts) -> str | None:
        if ea.event.negated == eb.event.negated or not _same_event(ea, a.side, eb, b.side, ents):
            return None
        neg, pos = (ea, eb) if ea.event.negated else (eb, ea)
        who = ents.name(a.side, ea.actor)
        return (
            f"one claim says {who} {pos.event.trigger.text}, the other that {who} did not "
            f"({neg.event.trigger.text}, negated): opposite polarity of the same event"
        )

    return _event_pairs("contradicts", a, b, reason)


def _numbers(a: _ClaimFacts, b: _ClaimFacts, ents: _Entities) -> Relation | None:
    for ca in a.counts:
        for cb in b.counts:
            if ca.key != cb.key or not (ca.high < cb.low or cb.high < ca.low):
                continue
            reason = f"conflicting numbers for the same count ({ca.key}): “{ca.span.text}” vs “{cb.span.text}”"
            return _relation("contradicts", b, a, reason, [cb.span, ca.span])
    return None


def _supports(a: _ClaimFacts, b: _ClaimFacts, ents: _Entities) -> Relation | None:
    def reason(ea: _EventFacts, eb: _EventFacts) -> str | None:
        if ea.event.negated or eb.event.negated or "denied" in (ea.event.status, eb.event.status):
            return None
        if not _same_event(ea, a.side, eb, b.side, ents) or not _compatible(ea, a.side, eb, b.side, ents):
            return None
        return (
            f"{b.source_label} and {a.source_label} both report that {ents.name(a.side, ea.event.actor)} "
            f"{ea.event.trigger.text}/{eb.event.trigger.text} ({ea.event.type}) with no detail in conflict"
        )

    return _event_pairs("supports", a, b, reason)


def _elaborates(a: _ClaimFacts, b: _ClaimFacts, ents: _Entities) -> Relation | None:
    if abs(a.claim.sentence - b.claim.sentence) > ELABORATE_SENTENCES:
        return None

    def reason(ea: _EventFacts, eb: _EventFacts) -> str | None:
        if not ents.same(a.side, ea.event.actor, b.side, eb.event.actor):
            return None
        if ea.lemma == eb.lemma and not _adds_detail(eb.event, ea.event):
            return None  # the same event told again, nothing added
        return (
            f"{a.source_label} adds detail about {ents.name(a.side, ea.event.actor)}: "
            f"“{eb.event.trigger.text}” after “{ea.event.trigger.text}”"
        )

    return _event_pairs("elaborates", a, b, reason)


def _telling(ef: _EventFacts, side: int, ents: _Entities) -> str:
    """'the army attacked Homs' from the event's arguments."""
    ev = ef.event
    actor = ents.name(side, ev.actor) if ev.actor else "someone"
    target = f" {ents.name(side, ev.target)}" if ev.target else ""
    return f"{actor} {ev.trigger.text}{target}"


def _same_event(ea: _EventFacts, a_side: int, eb: _EventFacts, b_side: int, ents: _Entities) -> bool:
    """The same kind of happening by the same actor."""
    if ea.actor is None and eb.actor is None:
        # "the army attacked Homs" / "it attacked Homs": no actor named, the same target
        return ea.lemma == eb.lemma and ents.same(a_side, ea.event.target, b_side, eb.event.target)
    if not ents.same(a_side, ea.actor, b_side, eb.actor):
        return False
    if ea.lemma == eb.lemma:
        return True
    return ea.event.type == eb.event.type != "OTHER" and ea.event.mode == eb.event.mode and ea.event.mode is not None


def _covers(ed: _EventFacts, d_side: int, eo: _EventFacts, o_side: int, ents: _Entities) -> bool:
    """A denied event named by its kind covers a told one of that kind by the
    same actor: denying "the attack" denies the shelling."""
    return (
        ed.event.mode is None
        and ed.event.type == eo.event.type != "OTHER"
        and ents.same(d_side, ed.actor, o_side, eo.actor)
    )


def _compatible(ea: _EventFacts, a_side: int, eb: _EventFacts, b_side: int, ents: _Entities) -> bool:
    for role in ("target", "location"):
        x, y = getattr(ea.event, role), getattr(eb.event, role)
        if role in ea.event.inherited or role in eb.event.inherited:
            continue  # an inherited place says little
        if x is not None and y is not None and not ents.same(a_side, x, b_side, y):
            return False
    return not _times_differ(ea.event, eb.event)


def _times_differ(a: Event, b: Event) -> bool:
    """Stated (not inherited) times that cannot be the same day, month or year."""
    if a.time is None or b.time is None or "time" in a.inherited or "time" in b.inherited:
        return False
    return not (a.time.startswith(b.time) or b.time.startswith(a.time))


def _adds_detail(new: Event, old: Event) -> bool:
    return any(getattr(new, r) is not None and getattr(old, r) is None for r in ("target", "location", "time"))


def _relation(kind: str, a: _ClaimFacts, b: _ClaimFacts, reason: str, spans: list[Span]) -> Relation:
    return Relation(
        id="r0",
        type=kind,  # type: ignore[arg-type]
        a=a.uid,
        b=b.uid,
        reason=reason,
        spans=[*spans, a.claim.content, b.claim.content],
    )


# ------------------------------------------------------------------ explicit contrast


def _explicit_contrast(document: Document, facts: dict[str, _ClaimFacts], ents: _Entities) -> list[Relation]:
    by_sentence: dict[int, list[Claim]] = {}
    for claim in document.claims:
        by_sentence.setdefault(claim.sentence, []).append(claim)
    pattern = _contrast_pattern(document.resources.lexicons.contrast)
    out = []
    for index, claims in sorted(by_sentence.items()):
        sentence = document.sentences[index]
        m = pattern.match(document.text, sentence.start, sentence.end)
        if m is None:
            continue
        cue = document.span(m.start(), m.end())
        for b in claims:
            for a, shared in _contrasted(by_sentence, index, document, facts[b.id], facts, ents):
                out.append(
                    Relation(
                        id="r0",
                        type="contradicts",
                        a=b.id,
                        b=a.id,
                        reason=(
                            f"“{cue.text}” sets “{_short(b.content.text)}” against “{_short(a.content.text)}” "
                            f"({shared})"
                        ),
                        cue=cue,
                        spans=[b.content, a.content],
                    )
                )
    return out


def _contrasted(
    by_sentence: dict[int, list[Claim]],
    index: int,
    document: Document,
    b: _ClaimFacts,
    facts: dict[str, _ClaimFacts],
    ents: _Entities,
) -> list[tuple[Claim, str]]:
    """The claims a contrast phrase sets `b` against: of the nearest earlier
    sentence (within `CONTRAST_PARAGRAPHS`) that has any, those of other
    sources sharing an event, an entity or content words with `b`."""
    paragraph = document.sentences[index].paragraph
    for j in range(index - 1, -1, -1):
        if paragraph - document.sentences[j].paragraph > CONTRAST_PARAGRAPHS:
            break
        found = []
        for a in by_sentence.get(j, []):
            if _same_source(a, b.claim):
                continue  # a source restating itself is no contradiction
            shared = _shared(facts[a.id], b, ents) or _pronoun_tie(document, a, b.claim)
            if shared is not None:
                found.append((a, shared))
        if found:
            return found
    return []


def _pronoun_tie(document: Document, a: Claim, b: Claim) -> str | None:
    """'the minister left' / 'he stayed home': the later claim's subject is a
    pronoun for a person or group that the earlier claim's subject names."""
    kinds = document.resources.lexicons.pronouns
    sb, sa = _content_subject(document, b), _content_subject(document, a)
    if sb is None or sa is None or sa.pos_ not in ("NOUN", "PROPN"):
        return None
    kind = kinds.get(sb.lower_)
    plural = sa.tag_ in ("NNS", "NNPS")
    if (kind == "person" and not plural) or (kind == "plural" and plural):
        return f"“{sb.text}” is “{sa.text}”"
    return None


def _content_subject(document: Document, claim: Claim) -> Token | None:
    """The subject of the content's main verb."""
    span = document.doc.char_span(claim.content.start, claim.content.end, alignment_mode="expand")
    if span is None:
        return None
    root = span.root
    return next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)


def _shared(a: _ClaimFacts, b: _ClaimFacts, ents: _Entities) -> str | None:
    """What two claims of one article share, in words, or None."""
    for ea in a.events:
        for eb in b.events:
            if _same_event(ea, a.side, eb, b.side, ents):
                return f"the same event: “{ea.event.trigger.text}” / “{eb.event.trigger.text}”"
    common = sorted(a.entities & b.entities)
    if common:
        return "both about " + ", ".join(ents.name(a.side, e) for e in common)
    words = shared_terms(a.claim.content.text, b.claim.content.text, least=1)
    if words:
        return "both speak of " + ", ".join(as_written(a.claim.content.text, words))
    return None


def _same_source(a: Claim, b: Claim) -> bool:
    if a.source is None or b.source is None:
        return False
    if a.source.entity is not None or b.source.entity is not None:
        return a.source.entity == b.source.entity
    return plain(a.source.text).removeprefix("the ") == plain(b.source.text).removeprefix("the ")


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


@lru_cache(maxsize=4)
def _contrast_pattern(phrases: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)) or "(?!)"
    return re.compile(r"(?:" + alternatives + r")\b[^,]{0,60}", re.IGNORECASE)

"""Stage: relations between claims, each with a reason a person can check.

Built on the structured events and entities (no NLI model offline):

- ``contradicts``
  - explicit contrast: a claim whose sentence opens with a contrast phrase
    ("Contrary to these reports, X claims ...") against the claims of the
    sentence before it from other sources;
  - incompatible outcomes: the same person's fate told two ways ("resigned"
    vs "fled"), by the pairs in `lexicons/event_outcomes.tsv`;
  - denial: a denied claim against another claim of the same event;
  - opposite polarity: the same event, negated in one claim only;
  - conflicting numbers for the same count ("20 killed" vs "at least 40").
- ``supports``: different sources, the same event (type, actor) and no
  argument that disagrees (target, place, time).
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

from claimgraph.analyse.document import Document
from claimgraph.analyse.events.lexicon import load_event_lexicon, trigger_entry, trigger_lemma
from claimgraph.analyse.stage import stage
from claimgraph.model import Analysis, Claim, Entity, Event, Relation, Span
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
    events: list[_EventFacts] = field(default_factory=list)
    counts: list[_Count] = field(default_factory=list)


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
        for rel in _explicit_contrast(sides[0]):  # type: ignore[arg-type]
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
        cf = _ClaimFacts(side_no, claim, prefix + claim.id, source, label)
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
            cf.events.append(_EventFacts(ev, trigger_lemma(ev.trigger.text), outcome, fated))
        cf.counts = _counts(claim, cf.events)
        out.append(cf)
    return out


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
            for eid in (ef.event.actor, ef.event.target, ef.fated):
                if eid is not None:
                    keys |= ents.bucket_keys(cf.side, eid, cross)
        keys |= {"count:" + c.key for c in cf.counts}
        for key in keys:
            earlier = buckets[key]
            for j in earlier[-WINDOW:] if not cross else earlier:
                if facts[j].side == cf.side and cross:
                    continue  # across articles, only pairs from the two articles
                if (j, i) not in seen:
                    seen.add((j, i))
                    yield facts[j], cf
            earlier.append(i)


def _judge(a: _ClaimFacts, b: _ClaimFacts, ents: _Entities) -> Relation | None:
    """The strongest relation between two claims, or None."""
    for rule in (_fates, _denial, _polarity, _numbers):
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
            if _same_event(ed, denier.side, eo, other.side, ents):
                reason = (
                    f"{denier.source_label} denies what {other.source_label} reports: {_telling(eo, other.side, ents)}"
                )
                return _relation("contradicts", denier, other, reason, [ed.event.trigger, eo.event.trigger])
    return None


def _polarity(a: _ClaimFacts, b: _ClaimFacts, ents: _Entities) -> Relation | None:
    def reason(ea: _EventFacts, eb: _EventFacts) -> str | None:
        if ea.event.negated == eb.event.negated or not _same_event(ea, a.side, eb, b.side, ents):
            return None
        neg, pos = (ea, eb) if ea.event.negated else (eb, ea)
        who = ents.name(a.side, ea.event.actor)
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
    if ea.event.actor is None and eb.event.actor is None:
        # "the army attacked Homs" / "it attacked Homs": no actor named, the same target
        return ea.lemma == eb.lemma and ents.same(a_side, ea.event.target, b_side, eb.event.target)
    if not ents.same(a_side, ea.event.actor, b_side, eb.event.actor):
        return False
    if ea.lemma == eb.lemma:
        return True
    return ea.event.type == eb.event.type != "OTHER" and ea.event.mode == eb.event.mode and ea.event.mode is not None


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


def _explicit_contrast(document: Document) -> list[Relation]:
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
        earlier = _previous_claims(by_sentence, index, document)
        cue = document.span(m.start(), m.end())
        for b in claims:
            for a in earlier:
                if _same_source(a, b):
                    continue  # a source restating itself is no contradiction
                out.append(
                    Relation(
                        id="r0",
                        type="contradicts",
                        a=b.id,
                        b=a.id,
                        reason=(f"“{cue.text}” sets “{_short(b.content.text)}” against “{_short(a.content.text)}”"),
                        cue=cue,
                        spans=[b.content, a.content],
                    )
                )
    return out


def _same_source(a: Claim, b: Claim) -> bool:
    if a.source is None or b.source is None:
        return False
    if a.source.entity is not None or b.source.entity is not None:
        return a.source.entity == b.source.entity
    return plain(a.source.text).removeprefix("the ") == plain(b.source.text).removeprefix("the ")


def _previous_claims(by_sentence: dict[int, list[Claim]], index: int, document: Document) -> list[Claim]:
    """The claims of the nearest earlier sentence that has any, within two paragraphs."""
    paragraph = document.sentences[index].paragraph
    for j in range(index - 1, -1, -1):
        if paragraph - document.sentences[j].paragraph > CONTRAST_PARAGRAPHS:
            break
        if j in by_sentence:
            return by_sentence[j]
    return []


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


@lru_cache(maxsize=4)
def _contrast_pattern(phrases: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)) or "(?!)"
    return re.compile(r"(?:" + alternatives + r")\b[^,]{0,60}", re.IGNORECASE)

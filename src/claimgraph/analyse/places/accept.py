"""Places, step 3: take a target's best candidate or leave it unplaced, and write
the result: `entity.geo` with its evidence, a place type for names the NER
mislabelled, new entities for names no entity covered, and the mentions found
inside other names.

Names the NER called places are taken; the others (PERSON, ORG, NORP, names
inside other names) need evidence: a preposition such as "in", a containing
place, or the article's region, or a place big enough to be meant anyway.
"""

from __future__ import annotations

from claimgraph.analyse.document import Document
from claimgraph.analyse.places.detect import is_metonym
from claimgraph.analyse.places.lexicon import PlaceLexicon
from claimgraph.analyse.places.target import BROAD, SETTLEMENTS, Candidate, Target
from claimgraph.analyse.places.weights import WEIGHTS as W
from claimgraph.model import PLACE_TYPES, Entity, Geo, Mention
from claimgraph.text.translit import name_key, plain


def accept(document: Document, t: Target, lexicon: PlaceLexicon) -> None:
    """Place `t` at its best candidate if it is accepted."""
    best = t.best()
    if best is None or not _accepted(t, best):
        return
    geo = _geo(document, t, best, lexicon)
    if t.entity is None:
        t.entity = _new_entity(document, t, best, lexicon)
    t.entity.geo = geo
    _retype(t, best, lexicon)
    for start, end in t.extra:
        document.add_mention(t.entity, start, end)


def _has_evidence(t: Target, best: Candidate) -> bool:
    """Context that says a name is a place here: "in X", "X, Ohio", or the article's region."""
    return (
        t.locative > 0
        or "contained" in best.parts
        or best.parts.get("focus_region", 0.0) >= W.evidence_part
        or best.parts.get("near", 0.0) >= W.evidence_part
    )


def _accepted(t: Target, best: Candidate) -> bool:
    """Names the NER did not call places need evidence: care with people and companies."""
    place, form = best.place, best.match.form
    # a town matched only by one of its other names ("Hamas" is listed for Hamm, "Sheriff" for
    # Sarajevo) needs the context to say place, whatever the label
    alt_only = form == "alt" and place.kind in SETTLEMENTS and place.population < W.alt_name_big
    if alt_only and not (_has_evidence(t, best) or best.parts.get("focus_country", 0.0) >= W.evidence_part):
        return False
    if t.label in PLACE_TYPES or (t.label == "" and not t.nested):
        return True
    if t.label == "PERSON":  # "Jordan", "Clinton", "Madison": people first
        if t.locative > 0 or "contained" in best.parts or (place.fcode == "PPLC" and " " not in t.names[0]):
            return True
        return not t.person_like and place.population >= W.person_min_population and _has_evidence(t, best)
    if place.kind in BROAD or place.kind == "district" or form in ("alias", "demonym"):
        return True  # "Butler County Coroner": a county name is a place name
    if t.nested:  # "Lee Academy", "Central Community Center": mostly not the town
        return (
            place.population >= W.big_place
            or "contained" in best.parts
            or (place.population >= W.nested_min_population and _has_evidence(t, best))
        )
    return place.population >= W.big_place or _has_evidence(t, best)


def _geo(document: Document, t: Target, best: Candidate, lexicon: PlaceLexicon) -> Geo:
    place = best.place
    idx = t.candidates.index(best)
    m = best.match
    evidence = [
        f"{'name' if m.exact else 'transliteration of'} {t.names[0]!r} matches {place.name!r} "
        f"({m.form}, {place.kind}{', ' + place.country if place.country else ''}"
        f"{f', population {place.population:,}' if place.population else ''})",
        f"prior {best.prior:.2f} from kind and population; {len(t.candidates)} candidate(s)",
    ]
    if best.learned is not None:
        evidence.append(f"learned ranker (fitted/place_ranker.json): log-odds {best.learned:+.2f}")
    for part, value in sorted(best.parts.items(), key=lambda kv: -abs(kv[1])):
        if abs(value) >= W.evidence_shown and part in best.notes:
            evidence.append(f"{best.notes[part]} ({value:+.2f})")
    role = "place"
    # a country speaks for its government as its capital does: "Russia said", "Moscow warned"
    if (place.kind in SETTLEMENTS or place.kind == "country") and is_metonym(document, t, lexicon):
        role = "metonym"
        evidence.append("metonym: the name acts as a government (subject of a speech verb or owner of a decision)")
    return Geo(
        lat=round(place.lat, 5),
        lon=round(place.lon, 5),
        kind=place.kind,
        country=place.country,
        gazetteer_id=place.gid,
        score=round(t.probs[idx], 3),
        role=role,
        evidence=evidence,
    )


def _retype(t: Target, best: Candidate, lexicon: PlaceLexicon) -> None:
    """A name the gazetteer confirms as a place gets a place type; demonyms stay NORP."""
    entity = t.entity
    assert entity is not None
    if best.match.form == "demonym" or entity.type in PLACE_TYPES:
        return
    if entity.type == "ORG" and best.place.kind == "area":
        return  # "EU": an organisation placed at its seat
    entity.type = lexicon.kind_type.get(best.place.kind, "GPE")


def _new_entity(document: Document, t: Target, best: Candidate, lexicon: PlaceLexicon) -> Entity:
    text = document.text
    entity = Entity(
        id=document.next_id("e", document.entities),
        type=lexicon.kind_type.get(best.place.kind, "GPE") if best.match.form != "demonym" else "NORP",
        name=t.names[0],
        key=name_key(t.names[0]) or plain(t.names[0]),
        mentions=[Mention(start=s, end=e, text=text[s:e]) for s, e in sorted(t.spans)],
    )
    return document.add_entity(entity)

"""Places, step 2: each target's candidates from the gazetteer, and their scores.

A candidate's score is its prior plus evidence terms (`Candidate.parts`),
each recorded in words for `geo.evidence`:

- prior: feature importance (country > region > city > town) and population;
- match: the main name beats another name, another name beats a
  transliteration-key match;
- feature words: "Khmeimim Air Base" wants an air base, "Tartus province" a
  region, "naval base in Tartus" a settlement;
- containment: "Damascus, Maryland" wants a Damascus inside Maryland;
- a town and a county of the article that fit together;
- the outlet's country (`outlet`);
- article focus: candidates in the countries and first-level regions that the
  article's other places are probably in, and near its other towns.

The weights are `weights.WEIGHTS`; the probabilities a softmax over the scores.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator

from claimgraph.analyse.places.aliases import AliasTable
from claimgraph.analyse.places.detect import split_feature
from claimgraph.analyse.places.gazetteer import Gazetteer, distance_km
from claimgraph.analyse.places.index import Match, Place
from claimgraph.analyse.places.lexicon import PlaceLexicon
from claimgraph.analyse.places.target import BROAD, OUTLET_LABEL, SETTLEMENTS, Candidate, Target
from claimgraph.analyse.places.weights import WEIGHTS as W
from claimgraph.model import PLACE_TYPES

# ------------------------------------------------------------------ candidates


def find_candidates(t: Target, gazetteer: Gazetteer, aliases: AliasTable, lexicon: PlaceLexicon) -> None:
    """The places `t` may be, each with its prior (`t.candidates`)."""
    matches: dict[str, Match] = {}
    for name in t.names:
        forms = [name]
        if name.upper() == name and len(name) > 4:  # "CHARLESTON" in a dateline
            forms.append(name.title())
        forms += [full for f in forms if (full := spelt_out(f, lexicon))]
        for form in forms:
            _keep_best(matches, aliases.lookup_all(form, gazetteer))
    if not any(m.exact for m in matches.values()):
        for name in t.names:  # "Khmeimim Air Base" -> "Khmeimim", the feature word kept as a hint
            core, _ = split_feature(name, lexicon)
            if core != name:
                _keep_best(matches, aliases.lookup_all(core, gazetteer))
    if not any(m.exact for m in matches.values()):
        for name in t.names:
            # "Northeast Georgia", "Western Pennsylvania": the place it is part of
            first, _, rest = name.partition(" ")
            if first.lower() in lexicon.directions and rest:
                for m in aliases.lookup_all(rest, gazetteer):
                    if m.exact and m.place.kind in ("country", "region", "district"):
                        matches.setdefault(m.place.gid, m)
    if t.label in PLACE_TYPES or t.label == "":
        _keep_best(matches, bare_counties(t, gazetteer, aliases, lexicon))
    found = list(matches.values())
    if any(m.exact for m in found):
        found = [m for m in found if m.exact]
    if "region" not in t.hints:  # a region named after its seat only with "province" & co.
        found = [m for m in found if m.form != "seat"]
        # a region named only by airport data ("Gaza" in Mozambique) yields to any other place
        # unless it dwarfs them: "Ontario" (17.8 million) is the province, not the US towns
        others = [m.place.population for m in found if m.form != "subd"]
        if others:
            found = [m for m in found if m.form != "subd" or m.place.population >= W.subd_dwarfs * max(others)]
    found = [m for m in found if _allowed(t, m)]
    for strict in t.name_hints:
        if lexicon.hint_otherwise.get(strict) == "drop":
            # "Neches River" is not the town of Neches: no candidate rather than a wrong one
            found = [m for m in found if m.place.kind in lexicon.accepts(strict)]
    t.candidates = [Candidate(m, prior(m, t)) for m in found]


def spelt_out(name: str, lexicon: PlaceLexicon) -> str | None:
    """The name with an abbreviated first word spelt out ("St. Paris" -> "Saint Paris"), or None."""
    first, _, rest = name.partition(" ")
    full = lexicon.abbreviations.get(first.rstrip(".").lower())
    return f"{full} {rest}" if full and rest else None


def bare_counties(t: Target, gazetteer: Gazetteer, aliases: AliasTable, lexicon: PlaceLexicon) -> list[Match]:
    """Counties a name may be with its county word dropped ("in DeKalb": DeKalb County), as
    matches of form 'county_bare'; none for a name that already ends in a county word."""
    out = []
    for name in t.names:
        if name.rsplit(" ", 1)[-1].lower() in (w.lower() for w in lexicon.county_words):
            continue
        base = name.title() if name.isupper() else name
        for word in lexicon.county_words:
            for m in aliases.lookup_all(f"{base} {word}", gazetteer):
                if m.exact and m.place.kind == "district":
                    out.append(Match(m.place, "county_bare", True))
    return out


def _keep_best(matches: dict[str, Match], new: list[Match]) -> None:
    """One match a place: exact over key, alias over the gazetteer's, main name over others."""
    for m in new:
        old = matches.get(m.place.gid)
        if old is None or _match_rank(m) > _match_rank(old):
            matches[m.place.gid] = m


def _match_rank(m: Match) -> tuple[bool, bool, bool]:
    return (m.exact, m.form == "alias", m.form == "name")


def _allowed(t: Target, m: Match) -> bool:
    """Which matches an entity's label lets through: care with ORG and NORP names."""
    p = m.place
    if not m.exact and p.kind not in BROAD and m.form != "alias" and p.population < W.key_match_min_population:
        return False  # a transliteration-key match to a small town is noise
    if t.label in PLACE_TYPES or t.label == "":
        return not (m.form == "demonym" and t.label == "FAC")
    if t.label == "NORP":
        return m.exact or m.form in ("demonym", "alias")
    if t.label == "PERSON":
        # a surname that GeoNames lists among a town's other names ("Lane", "Weber") is the person:
        # on dev-geo (hand-set best) none of the 38 PERSON names placed so was right: 37 were no gold place
        if m.form == "alt" and p.kind in SETTLEMENTS:
            return False
        return m.exact and m.form != "demonym" and p.kind not in ("airport", "airbase")
    # ORG: "Tartus", "EU", "Russian" (a one-word name); `accept` asks for more evidence
    return m.exact and (m.form != "demonym" or " " not in t.names[0])


def prior(m: Match, t: Target) -> float:
    """What the name most often means before any context: kind, population, capital, match form."""
    p = m.place
    value = W.kind_base.get(p.kind, W.kind_base_other)
    value += W.population_weight * math.log10(p.population + 1) / W.population_log_max
    value += W.fcode_bonus.get(p.fcode, 0.0)
    value += W.form_bonus.get(m.form, 0.0)
    if m.form == "demonym" and t.label not in ("NORP", ""):
        value -= W.demonym_penalty
    if not m.exact:
        value += W.key_match_penalty
    return value


# ------------------------------------------------------------------ decision


def decide(
    targets: list[Target], lexicon: PlaceLexicon, outlet_country: str | None = None, national: bool = False
) -> None:
    """Score every candidate and set each target's `probs`. `national`: the outlet's
    country comes from its national domain (lfpress.ca)."""
    for t in targets:
        for c in t.candidates:
            _local_evidence(t, c, lexicon)
            if national and c.place.country == outlet_country and c.place.kind not in BROAD:
                c.parts["outlet"] = W.outlet_place  # London in lfpress.ca: London, Ontario
                c.notes["outlet"] = f"in the outlet's country {outlet_country}"
    _pairs(targets)
    for t in targets:
        _normalise(t)
    for _ in range(W.focus_rounds):  # the article's focus, from the other places' current beliefs
        country_mass: dict[str, float] = defaultdict(float)
        region_mass: dict[str, float] = defaultdict(float)
        if outlet_country:  # the outlet's country counts as a few places of the article
            country_mass[outlet_country] += W.outlet
        for t in targets:
            _add_belief(t, country_mass, region_mass)
        # the other places nearness is measured to, with each one's candidate ids, built once a round
        anchors = [(t, a, {c.place.gid for c in t.candidates}) for t in targets if (a := t.best()) is not None]
        anchors = [x for x in anchors if x[1].place.kind not in BROAD]
        mass = sum(_weight(t) for t in targets) + (W.outlet if outlet_country else 0)
        for t in targets:
            total = max(1.0, mass - _weight(t))
            own_c: dict[str, float] = defaultdict(float)
            own_r: dict[str, float] = defaultdict(float)
            _add_belief(t, own_c, own_r)
            for c in t.candidates:
                cc, rk = c.place.country, c.place.region_key
                share_c = (country_mass[cc] - own_c[cc]) / total if cc else 0.0
                share_r = (region_mass[rk] - own_r[rk]) / total if rk and c.place.kind != "country" else 0.0
                c.parts["focus_country"] = W.country_focus * min(1.0, share_c * W.focus_gain)
                c.parts["focus_region"] = W.region_focus * min(1.0, share_r * W.focus_gain)
                c.notes["focus_country"] = f"article focus: {share_c:.0%} of the other places in {cc}"
                c.notes["focus_region"] = f"article focus: {share_r:.0%} of the other places in {rk}"
                c.parts["near"] = _nearness(t, c, anchors)
            _normalise(t)


def _add_belief(t: Target, by_country: dict[str, float], by_region: dict[str, float]) -> None:
    """Add `t`'s belief (its weight times each candidate's probability) to the countries
    and first-level regions its candidates are in."""
    w = _weight(t)
    for c, p in zip(t.candidates, t.probs, strict=True):
        if c.place.country:
            by_country[c.place.country] += w * p
        if c.place.region_key:
            by_region[c.place.region_key] += w * p


def _pairs(targets: list[Target]) -> None:
    """A town and a county of the article that fit together: "Paris and Henry County" are the
    Paris inside a Henry County (Tennessee), whatever the bigger namesakes."""
    counties: dict[tuple, set[int]] = defaultdict(set)
    towns: dict[tuple, set[int]] = defaultdict(set)
    for n, c in _county_places(targets):
        (counties if c.place.kind == "district" else towns)[_county_key(c.place)].add(n)
    for n, c in _county_places(targets):
        other = (counties if c.place.kind in SETTLEMENTS else towns)[_county_key(c.place)] - {n}
        if other:
            c.parts["pair"] = W.pair
            names = ", ".join(repr(targets[o].names[0]) for o in sorted(other)[:3])
            c.notes["pair"] = f"fits {names} in the article (town within county)"


def _county_places(targets: list[Target]) -> Iterator[tuple[int, Candidate]]:
    """(target number, candidate) for the candidates that are towns or counties with a county code."""
    for n, t in enumerate(targets):
        for c in t.candidates:
            p = c.place
            if p.country and p.admin1 and p.admin2 and (p.kind == "district" or p.kind in SETTLEMENTS):
                yield n, c


def _county_key(p: Place) -> tuple[str | None, str | None, str | None]:
    return (p.country, p.admin1, p.admin2)


def _weight(t: Target) -> float:
    """How much a target speaks for the article's focus: names the NER called
    places fully, names found another way (ORG, PERSON, inside other names) less."""
    if t.label == OUTLET_LABEL:
        return W.home
    if t.label in PLACE_TYPES or t.label == "NORP" or (t.label == "" and not t.nested):
        return 1.0
    return W.weak_target


def _local_evidence(t: Target, c: Candidate, lexicon: PlaceLexicon) -> None:
    place = c.place
    hint_score = 0.0
    for hint, n in t.hints.items():
        if place.kind in lexicon.accepts(hint):
            hint_score += W.hint * n
        else:
            otherwise = lexicon.hint_otherwise.get(hint)
            if otherwise == "penalty" or (otherwise == "penalty-broad" and place.kind in BROAD):
                hint_score -= W.hint_mismatch * n
    if hint_score:
        c.parts["feature"] = hint_score
        c.notes["feature"] = f"feature words: {', '.join(dict.fromkeys(t.hint_words))}"
    for name, container in t.containers:
        if _contains(container, place):
            c.parts["contained"] = W.contained
            c.notes["contained"] = f"contained in {name!r} ({container.gid})"
            break


def _contains(outer: Place, inner: Place) -> bool:
    if outer.gid == inner.gid or not outer.country or outer.country != inner.country:
        return False
    if outer.kind == "country":
        return True
    if outer.kind == "region":
        return outer.admin1 == inner.admin1
    if outer.kind == "district":
        return outer.admin1 == inner.admin1 and outer.admin2 == inner.admin2 and inner.kind != "district"
    return False


def _nearness(t: Target, c: Candidate, anchors: list[tuple[Target, Candidate, set[str]]]) -> float:
    """Close to the article's other towns (Paris near Dallas is Paris, Texas). `anchors`: the
    other targets' best candidates that are not broad, with each target's candidate ids."""
    if c.place.kind in BROAD:
        return 0.0
    best = math.inf
    for other, anchor, gids in anchors:
        if other is t or c.place.gid in gids:
            continue  # the same name twice is no evidence
        best = min(best, distance_km(c.place.lat, c.place.lon, anchor.place.lat, anchor.place.lon))
    if best == math.inf:
        return 0.0
    c.notes["near"] = f"{best:.0f} km from another place in the article"
    return W.near * max(0.0, 1 - best / W.near_km)


def _normalise(t: Target) -> None:
    scores = [c.score / W.temperature for c in t.candidates]
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    t.probs = [e / total for e in exps]

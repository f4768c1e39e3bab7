"""Stage: places. Every place an article names gets coordinates and a gazetteer id.

Detection: the entities stage's GPE, LOC and FAC entities; NORP and ORG
entities whose names the gazetteer knows as places or demonyms (the NER
often calls Tartus an ORG and Hmeimim a NORP); and capitalised names the NER
missed that the gazetteer knows, when the context says they are places.

Disambiguation is a scored choice among the gazetteer's candidates, each
evidence a separate term recorded in `geo.evidence`:

- prior: feature importance (country > region > city > town) and population;
- match: the main name beats another name, another name beats a
  transliteration-key match;
- feature words: "Khmeimim Air Base" wants an air base, "Tartus province" a
  region, "naval base in Tartus" a settlement;
- containment: "Damascus, Maryland" wants a Damascus inside Maryland;
- article focus: candidates in the countries and first-level regions that the
  article's other places are probably in, and near its other towns.

Metonymy: a city that speaks or decides ("Moscow said", "Moscow's support")
keeps its coordinates but gets role 'metonym', so that events and maps do not
put things there.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from claimgraph.analyse.document import Document
from claimgraph.analyse.places.aliases import AliasTable
from claimgraph.analyse.places.gazetteer import Gazetteer, Match, Place, distance_km
from claimgraph.analyse.stage import stage
from claimgraph.model import PLACE_TYPES, Entity, Geo, Mention

MAYBE_LABELS = frozenset({"NORP", "ORG", "PERSON", "PRODUCT"})  # the NER calls some countries PRODUCT
DIRECTIONS = frozenset(
    [
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "northeastern",
        "northwestern",
        "southeastern",
        "southwestern",
        "upper",
        "lower",
        "greater",
    ]
)
# the contract's entity type for each gazetteer kind
KIND_TYPE = {
    "country": "GPE",
    "region": "GPE",
    "district": "GPE",
    "city": "GPE",
    "town": "GPE",
    "continent": "LOC",
    "area": "LOC",
    "water": "LOC",
    "airbase": "FAC",
    "airport": "FAC",
    "port": "FAC",
    "facility": "FAC",
}
KIND_BASE = {
    "country": 1.2,
    "continent": 1.0,
    "area": 1.0,
    "water": 0.8,
    "region": 0.9,
    "district": 0.45,
    "city": 0.3,
    "town": 0.1,
    "airbase": 0.4,
    "airport": 0.1,
    "port": 0.4,
    "facility": 0.3,
}
FCODE_BONUS = {"PPLC": 0.8, "PPLA": 0.15, "PPLA2": 0.05}
FORM_BONUS = {"name": 0.0, "alt": -0.4, "alias": 0.25, "demonym": 0.0, "seat": -0.7, "subd": -0.2}
KEY_MATCH_PENALTY = -0.8
KEY_MATCH_MIN_POPULATION = 50_000
SUBD_DWARFS = 10  # a region named only by airport data stays a candidate if this many times bigger
SETTLEMENTS = frozenset({"city", "town"})
BROAD = frozenset({"country", "continent", "area", "water", "region"})
# what a feature word's kind accepts among candidates' kinds
HINT_ACCEPTS = {
    "region": {"region", "district"},
    "city": SETTLEMENTS,
    "town": SETTLEMENTS,
    "settlement": SETTLEMENTS,
    "airbase": {"airbase", "airport"},
    "airport": {"airport", "airbase"},
    "port": {"port"} | SETTLEMENTS,
    "facility": {"facility", "airbase", "port"},
    "water": {"water"},
    "area": {"area", "region"},
}
# prepositions after which a name is a location
LOCATIVE = frozenset(
    [
        "in",
        "at",
        "near",
        "from",
        "to",
        "into",
        "outside",
        "inside",
        "across",
        "around",
        "throughout",
        "toward",
        "towards",
    ]
)
# possessed nouns that make a city stand for its government: "Moscow's support"
AGENT_NOUNS = frozenset(
    [
        "support",
        "backing",
        "decision",
        "position",
        "response",
        "policy",
        "government",
        "officials",
        "stance",
        "demand",
        "demands",
        "offer",
        "proposal",
        "plan",
        "approval",
        "refusal",
        "ally",
        "allies",
        "influence",
        "intervention",
        "involvement",
        "troops",
        "forces",
        "military",
    ]
)
# capitalised words that are places in the gazetteer but far more often not
FALSE_FRIENDS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "god",
        "mobile",
        "reading",
        "nice",
        "bath",
        "independence",
        "liberty",
        "unity",
        "victory",
        "commerce",
    ]
)
ENTITY_TYPES_TO_SKIP_IN_SCAN = frozenset(
    {"PERSON", "DATE", "TIME", "MONEY", "CARDINAL", "ORDINAL", "PERCENT", "QUANTITY", "WORK_OF_ART", "LAW"}
)
W_COUNTRY_FOCUS = 0.7
W_REGION_FOCUS = 1.2
W_NEAR = 1.0
NEAR_KM = 300.0
W_CONTAINED = 2.5
W_HINT = 1.0
W_OUTLET = 2.0
W_OUTLET_PLACE = 1.0  # a town or county in the outlet's country
W_HOME = 1.5  # a town or county named in the outlet's domain, as that many places of the article
W_PAIR = 1.0  # a town inside a county the article also names (or the county of such a town)
W_HOME_NAME = 0.8  # a candidate that is a home namesake (in the outlet's country)
OUTLET_LABEL = "outlet"
HOME_MIN_POPULATION = 5000
HOME_MIN_LETTERS = 4
HOME_MAX_LETTERS = 20
US_TLDS = frozenset({"com", "net", "org", "us"})
OUTLET_LABEL_SKIP = frozenset({"www", "news", "m", "mobile", "web", "online"})
# newspaper words that are also towns somewhere: not a home
OUTLET_WORDS = frozenset(
    [
        "news",
        "daily",
        "times",
        "post",
        "herald",
        "star",
        "tribune",
        "journal",
        "register",
        "record",
        "gazette",
        "press",
        "leader",
        "online",
        "review",
        "sentinel",
        "telegram",
        "chronicle",
        "observer",
        "courier",
        "dispatch",
        "mercury",
        "express",
        "examiner",
        "enterprise",
        "independent",
        "standard",
        "bulletin",
        "item",
        "citizen",
        "democrat",
        "republican",
        "ledger",
        "enquirer",
        "monitor",
        "reporter",
        "local",
        "live",
        "today",
        "weekly",
        "city",
        "county",
        "town",
        "mail",
        "globe",
        "sun",
        "free",
        "media",
        "report",
        "voice",
        "world",
        "state",
        "eagle",
        "banner",
        "messenger",
        "pioneer",
        "beacon",
        "argus",
        "union",
        "advocate",
        "patriot",
        "progress",
        "signal",
        "echo",
        "the",
        "and",
        "of",
        "area",
        "newspapers",
        "newspaper",
        "paper",
        "sports",
        "radio",
        "tv",
    ]
)
WEAK_WEIGHT = 0.3
# two-letter domains used as generic names rather than for their country
GENERIC_TLDS = frozenset({"tv", "me", "io", "co", "fm", "ai", "ly", "cc", "ws", "to", "am", "gg", "la", "nu", "is"})
TEMPERATURE = 0.5


@dataclass
class _Candidate:
    match: Match
    prior: float
    parts: dict[str, float] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def place(self) -> Place:
        return self.match.place

    @property
    def score(self) -> float:
        return self.prior + sum(self.parts.values())


@dataclass
class _Target:
    entity: Entity | None
    label: str
    names: list[str]
    spans: list[tuple[int, int]]
    hints: Counter = field(default_factory=Counter)
    name_hints: set[str] = field(default_factory=set)  # feature kinds written in the name itself
    locative: int = 0  # mentions after "in", "at", "near" ...
    nested: bool = False  # found inside another entity's name: "Athens Police Department"
    person_like: bool = False  # a mention after a title (Mr., Sen.) or speaking: "Jackson said"
    hint_words: list[str] = field(default_factory=list)
    containers: list[tuple[str, Place]] = field(default_factory=list)
    candidates: list[_Candidate] = field(default_factory=list)
    extra: list[tuple[int, int]] = field(default_factory=list)  # new mentions for an existing entity
    probs: list[float] = field(default_factory=list)

    def best(self) -> _Candidate | None:
        if not self.candidates:
            return None
        return max(self.candidates, key=lambda c: c.score)


@stage("places", requires=["entities", "token_entity"], assigns=["entities", "entities.geo"])
def run(document: Document) -> None:
    gazetteer = document.resources.gazetteer
    aliases = document.resources.place_aliases
    features = document.resources.lexicons.place_features
    targets = [_target_of(e) for e in document.entities if e.type in PLACE_TYPES | MAYBE_LABELS]
    for t in targets:
        _read_context(document, t, features, gazetteer, aliases)
        _find_candidates(t, gazetteer, aliases, features)
    # places inside other names: "Athens Police Department", "University of Cincinnati"
    hosts = [e for e in document.entities if e.type not in ("PERSON", "NORP") and " " in e.name]
    known = {id(t.entity) for t in targets if t.candidates}
    nested = _nested_names(document, [e for e in hosts if id(e) not in known], targets, gazetteer, aliases)
    missed = _missed_names(document, gazetteer, aliases)
    for t in nested + missed:
        _read_context(document, t, features, gazetteer, aliases)
        _find_candidates(t, gazetteer, aliases, features)
    targets = [t for t in targets + nested + missed if t.candidates]
    country, homes = _outlet(document.article.url, gazetteer)
    home_gids = {c.place.gid for h in homes for c in h.candidates}
    for t in targets:  # "Paris" in a story of parisbeacon.com: a Paris the outlet may be at
        for c in t.candidates:
            if c.place.gid in home_gids:
                c.parts["home"] = W_HOME_NAME
                c.notes["home"] = "named in the outlet's domain"
    _decide(
        targets + homes,
        country,
        national=country is not None and _outlet_country(document.article.url, gazetteer) == country,
    )
    for t in targets:
        best = t.best()
        if best is None or not _accepted(t, best):
            continue
        geo = _geo(document, t, best)
        if t.entity is None:
            t.entity = _new_entity(document, t, best)
        t.entity.geo = geo
        _retype(t, best)
        _add_mentions(document, t)


# ------------------------------------------------------------------ targets


def _target_of(entity: Entity) -> _Target:
    # An acronym defined in the text ("... Directorate (HUR)") names the
    # organisation, never the town that happens to share its letters.
    acronyms = {m.text for m in entity.mentions if m.kind == "acronym"}
    return _Target(
        entity=entity,
        label=entity.type,
        names=[n for n in (entity.name, *entity.aliases) if n not in acronyms] or [entity.name],
        spans=[(m.start, m.end) for m in entity.mentions],
    )


_NAME_TOKEN = re.compile(r"[A-Z][\w'’.\-]*$")


def _missed_names(document: Document, gazetteer: Gazetteer, aliases: AliasTable) -> list[_Target]:
    """Capitalised names no entity covers that the gazetteer knows, where the context says place."""
    doc = document.doc
    covered = set(document.token_entity)
    found: dict[str, _Target] = {}
    i = 0
    while i < len(doc):
        tok = doc[i]
        if i in covered or tok.ent_type_ in ENTITY_TYPES_TO_SKIP_IN_SCAN or not _NAME_TOKEN.match(tok.text):
            i += 1
            continue
        # the longest run of capitalised tokens (up to four) that the gazetteer knows
        hit = None
        for n in range(min(4, len(doc) - i), 0, -1):
            span = doc[i : i + n]
            if any(t.i in covered or not _NAME_TOKEN.match(t.text) for t in span):
                continue
            name = span.text
            if n == 1 and (name.lower() in FALSE_FRIENDS or tok.is_stop or len(name) < 3):
                break
            matches = [m for m in gazetteer.lookup(name) + aliases.lookup(name, gazetteer) if m.exact]
            if matches and _looks_like_place(document, span, matches, gazetteer, aliases):
                hit = (span, matches)
                break
        if hit is None:
            i += 1
            continue
        span, _ = hit
        t = found.get(span.text)
        if t is None:
            t = found[span.text] = _Target(entity=None, label="", names=[span.text], spans=[])
        t.spans.append((span.start_char, span.end_char))
        i = span.end
    return list(found.values())


def _looks_like_place(
    document: Document, span, matches: list[Match], gazetteer: Gazetteer, aliases: AliasTable
) -> bool:
    kinds = {m.place.kind for m in matches}
    if any(m.form == "alias" for m in matches) or kinds & {"country", "region", "continent"}:
        return not span[0].is_sent_start or span[0].pos_ == "PROPN"
    if span[0].is_sent_start:
        return False
    before = span.doc[span.start - 1] if span.start > 0 else None
    if before is not None and before.lower_ in LOCATIVE and span[0].pos_ == "PROPN":
        return any(m.place.population >= 1000 or m.place.kind not in SETTLEMENTS for m in matches)
    return bool(_container_after(document.text, span.end_char, gazetteer, aliases))


_WORD = re.compile(r"[\w'’.\-]+")
_JOINERS = frozenset({"of", "in", "at", "for"})


def _nested_names(
    document: Document, hosts: list[Entity], targets: list[_Target], gazetteer: Gazetteer, aliases: AliasTable
) -> list[_Target]:
    """Place names at the head of another name or after its 'of': 'Athens Police Department'."""
    text = document.text
    by_name = {n.lower(): t for t in targets for n in t.names}
    new: dict[str, _Target] = {}
    taken = {(m.start, m.end) for e in document.entities for m in e.mentions}
    for host in hosts:
        for mention in host.mentions:
            words = list(_WORD.finditer(text, mention.start, mention.end))
            for i, w in enumerate(words):
                if not w.group()[:1].isupper():
                    continue
                # the head of the name, after "of" and the like, or after a direction
                # word: "East Texas Community College", "Association of Western Pennsylvania"
                if i > 0 and words[i - 1].group() not in _JOINERS and words[i - 1].group().lower() not in DIRECTIONS:
                    continue
                hit = None
                for j in range(min(len(words), i + 4), i, -1):
                    sub = words[i:j]
                    if j - i == len(words) or not all(x.group()[:1].isupper() for x in sub):
                        continue
                    start, end = sub[0].start(), sub[-1].end()
                    name = text[start:end].rstrip(".")
                    end = start + len(name)
                    if any(m.exact for m in _lookup_all(name, gazetteer, aliases)):
                        hit = (start, end, name)
                        break
                if hit is None:
                    continue
                start, end, name = hit
                if (start, end) in taken:
                    continue
                taken.add((start, end))
                t = by_name.get(name.lower())
                if t is not None:
                    t.spans.append((start, end))
                    t.extra.append((start, end))
                    continue
                t = new.get(name.lower())
                if t is None:
                    t = new[name.lower()] = _Target(entity=None, label="", names=[name], spans=[], nested=True)
                t.spans.append((start, end))
    return list(new.values())


def _add_mentions(document: Document, t: _Target) -> None:
    entity = t.entity
    if entity is None or not t.extra:
        return
    for start, end in t.extra:
        document.add_mention(entity, start, end)


# ------------------------------------------------------------------ context


_LIST_GAP = re.compile(r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+)[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*")
_LOCATIVE_BEFORE = re.compile(r"\b(?:" + "|".join(sorted(LOCATIVE)) + r")\s+(?:the\s+)?$")
_TITLE_BEFORE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Sen|Gov|Rep|Gen|Col|Lt|Sgt|Judge|President|Coach)\.?\s+$")
_CONTAINER = re.compile(r",\s*((?:[A-Z][\w'’\-]*\.?)(?:\s+[A-Z][\w'’\-]*\.?)*)")


def _read_context(
    document: Document, t: _Target, features: dict[str, str], gazetteer: Gazetteer, aliases: AliasTable
) -> None:
    text = document.text
    for name in t.names:  # "Tartus Province", "Khmeimim Air Base"
        core, kind = _split_feature(name, features)
        if kind and core != name:
            t.hints[kind] += 2
            t.name_hints.add(kind)
            t.hint_words.append(name[len(core) :].strip() or name[: len(name) - len(core)].strip())
    for start, end in t.spans:
        # after: "Tartus province", "Latakia, Hama, and Tartus provinces"
        pos = end
        while True:
            m = _LIST_GAP.match(text, pos)
            if not m:
                break
            pos = m.end()
        m = re.match(r"\s+([a-z]+(?:\s[a-z]+)?)", text[pos : pos + 40])
        if m:
            kind, word = _feature_at(m.group(1), features)
            if kind:
                t.hints[kind] += 1
                t.hint_words.append(word)
        # before: "naval base in Tartus", "the port of Tartus": the settlement
        m = re.search(
            r"\b([a-z]+(?:\s[a-z]+)?)\s+(?:in|of|at|near|outside)\s+(?:the\s+)?$",
            text[max(0, start - 40) : start],
        )
        if m:
            kind, word = _feature_at(m.group(1), features, suffix=True)
            if kind and kind not in ("region", "city", "town"):
                t.hints["settlement"] += 1
                t.hint_words.append(f"{word} in")
        if _LOCATIVE_BEFORE.search(text, max(0, start - 14), start):
            t.locative += 1
        if t.label == "PERSON" and (
            _TITLE_BEFORE.search(text, max(0, start - 12), start) or _speaks(document, start, end)
        ):
            t.person_like = True
        container = _container_after(text, end, gazetteer, aliases)
        if container:
            t.containers.append(container)


def _speaks(document: Document, start: int, end: int) -> bool:
    """The subject of a speech or cognition verb: 'Jackson said'."""
    span = document.doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    root = span.root
    return root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_.lower() in document.resources.lexicons.cue_verbs


def _split_feature(name: str, features: dict[str, str]) -> tuple[str, str | None]:
    """'Khmeimim Air Base' -> ('Khmeimim', 'airbase'); 'Tartus Province' -> ('Tartus', 'region')."""
    low = name.lower()
    for feature in sorted(features, key=len, reverse=True):
        if low.endswith(" " + feature) and len(low) > len(feature) + 1:
            return name[: -len(feature) - 1].strip(), features[feature]
        if low.startswith(feature + " of "):  # "Province of Hama", "Gulf of Aden"
            return name[len(feature) + 4 :].strip(), features[feature]
    return name, None


def _feature_at(words: str, features: dict[str, str], suffix: bool = False) -> tuple[str | None, str]:
    """The feature kind of the first (or, with `suffix`, the last) one or two words."""
    parts = words.split()
    options = [" ".join(parts[-2:]), parts[-1]] if suffix else [" ".join(parts[:2]), parts[0]]
    for w in options:
        for form in (w, w[:-1] if w.endswith("s") else w, w[:-2] if w.endswith("es") else w):
            if form in features:
                return features[form], w
    return None, ""


def _container_after(text: str, end: int, gazetteer: Gazetteer, aliases: AliasTable) -> tuple[str, Place] | None:
    """'Damascus, Maryland': the country, state or county named right after a place."""
    m = _CONTAINER.match(text, end, end + 40)
    if not m:
        return None
    name = m.group(1)
    for n in (name, name.rstrip(".")):
        found = [
            x
            for x in _lookup_all(n, gazetteer, aliases)
            if x.exact and x.place.kind in ("country", "region", "district")
        ]
        if found:
            best = max(found, key=lambda x: (x.place.kind == "region", x.place.population))
            return name, best.place
    return None


# ------------------------------------------------------------------ candidates


def _lookup_all(name: str, gazetteer: Gazetteer, aliases: AliasTable) -> list[Match]:
    return aliases.lookup(name, gazetteer) + gazetteer.lookup(name)


def _find_candidates(t: _Target, gazetteer: Gazetteer, aliases: AliasTable, features: dict[str, str]) -> None:
    matches: dict[str, Match] = {}
    for name in t.names:
        forms = [name]
        if name.upper() == name and len(name) > 4:  # "CHARLESTON" in a dateline
            forms.append(name.title())
        for form in forms:
            for m in _lookup_all(form, gazetteer, aliases):
                old = matches.get(m.place.gid)
                if old is None or _match_rank(m) > _match_rank(old):
                    matches[m.place.gid] = m
    if not any(m.exact for m in matches.values()):
        for name in t.names:  # "Khmeimim Air Base" -> "Khmeimim", the feature word kept as a hint
            core, _ = _split_feature(name, features)
            if core != name:
                for m in _lookup_all(core, gazetteer, aliases):
                    old = matches.get(m.place.gid)
                    if old is None or _match_rank(m) > _match_rank(old):
                        matches[m.place.gid] = m
    if not any(m.exact for m in matches.values()):
        for name in t.names:
            # "Northeast Georgia", "Western Pennsylvania": the place it is part of
            first, _, rest = name.partition(" ")
            if first.lower() in DIRECTIONS and rest:
                for m in _lookup_all(rest, gazetteer, aliases):
                    if m.exact and m.place.kind in ("country", "region", "district"):
                        matches.setdefault(m.place.gid, m)
    found = list(matches.values())
    if any(m.exact for m in found):
        found = [m for m in found if m.exact]
    if "region" not in t.hints:  # a region named after its seat only with "province" & co.
        found = [m for m in found if m.form != "seat"]
        # a region named only by airport data ("Gaza" in Mozambique) yields to any other place
        # unless it dwarfs them: "Ontario" (17.8 million) is the province, not the US towns
        others = [m.place.population for m in found if m.form != "subd"]
        if others:
            found = [m for m in found if m.form != "subd" or m.place.population >= SUBD_DWARFS * max(others)]
    found = [m for m in found if _allowed(t, m)]
    for strict in t.name_hints & {"water", "area"}:
        # "Neches River" is not the town of Neches: no candidate rather than a wrong one
        found = [m for m in found if m.place.kind in HINT_ACCEPTS[strict]]
    t.candidates = [_Candidate(m, _prior(m, t)) for m in found]


def _match_rank(m: Match) -> tuple[bool, bool, bool]:
    return (m.exact, m.form == "alias", m.form == "name")


def _allowed(t: _Target, m: Match) -> bool:
    """Which matches an entity's label lets through: care with ORG and NORP names."""
    p = m.place
    if not m.exact and p.kind not in BROAD and m.form != "alias" and p.population < KEY_MATCH_MIN_POPULATION:
        return False  # a transliteration-key match to a small town is noise
    if t.label in PLACE_TYPES or t.label == "":
        return not (m.form == "demonym" and t.label == "FAC")
    if t.label == "NORP":
        return m.exact or m.form in ("demonym", "alias")
    if t.label == "PERSON":
        return m.exact and m.form != "demonym" and p.kind not in ("airport", "airbase")
    # ORG: "Tartus", "EU", "Russian" (a one-word name); `_accepted` asks for more evidence
    return m.exact and (m.form != "demonym" or " " not in t.names[0])


def _prior(m: Match, t: _Target) -> float:
    p = m.place
    prior = KIND_BASE.get(p.kind, 0.1) + 0.6 * math.log10(p.population + 1) / 7
    prior += FCODE_BONUS.get(p.fcode, 0.0)
    prior += FORM_BONUS.get(m.form, 0.0)
    if m.form == "demonym" and t.label not in ("NORP", ""):
        prior -= 0.2
    if not m.exact:
        prior += KEY_MATCH_PENALTY
    return prior


# ------------------------------------------------------------------ decision


def _outlet_country(url: str | None, gazetteer: Gazetteer) -> str | None:
    """The country of a news site's national domain: lfpress.ca is Canadian, sptimes.ru Russian."""
    m = re.match(r"(?:[a-z]+://)?([^/:?#]+)", (url or "").lower())
    if not m:
        return None
    tld = m.group(1).rsplit(".", 1)[-1]
    if len(tld) != 2 or tld in GENERIC_TLDS:
        return None
    iso = "GB" if tld == "uk" else tld.upper()
    return iso if gazetteer.country(iso) is not None else None


def _outlet(url: str | None, gazetteer: Gazetteer) -> tuple[str | None, list[_Target]]:
    """The outlet's country and home: its national domain (lfpress.ca is Canadian) and the
    towns or counties its domain names (parisbeacon.com: a Paris; a .com local paper that
    names a US town is taken for American). Each home name becomes a target with no
    mention, resolved with the others, that speaks for the article's focus."""
    m = re.match(r"(?:[a-z]+://)?([^/:?#]+)", (url or "").lower())
    if not m:
        return None, []
    labels = m.group(1).split(".")
    tld = labels[-1]
    country = _outlet_country(url, gazetteer)
    names = _home_names(tuple(x for x in labels[:-1] if x not in OUTLET_LABEL_SKIP), gazetteer)
    if (
        country is None
        and tld in US_TLDS
        and any(p.country == "US" for name in names for p in _home_places(name, gazetteer))
        # but not where a same-named town abroad (not a capital) may be the home: woodstock.com
        and not any(
            p.country != "US" and p.kind in SETTLEMENTS and p.fcode != "PPLC"
            for name in names
            for p in _home_places(name, gazetteer)
        )
    ):
        country = "US"
    homes = []
    for name in names:
        matches = [Match(p, "name", True) for p in _home_places(name, gazetteer) if country in (None, p.country)]
        if matches:
            t = _Target(entity=None, label=OUTLET_LABEL, names=[name], spans=[])
            t.candidates = [_Candidate(mm, _prior(mm, t)) for mm in matches]
            homes.append(t)
    return country, homes


@lru_cache(maxsize=2048)
def _home_places(name: str, gazetteer: Gazetteer) -> tuple[Place, ...]:
    """The towns (of HOME_MIN_POPULATION or more) and counties a domain's word may name."""
    return tuple(
        m.place
        for m in gazetteer.lookup(name)
        if m.exact
        and m.form in ("name", "alt")
        and (m.place.kind == "district" or (m.place.kind in SETTLEMENTS and m.place.population >= HOME_MIN_POPULATION))
    )


@lru_cache(maxsize=2048)
def _home_names(labels: tuple[str, ...], gazetteer: Gazetteer) -> tuple[str, ...]:
    """Place names in a domain's labels, when the label reads wholly as places and newspaper
    words: 'columbuslocalnews' -> ('columbus',), 'richmondandtwickenhamtimes' ->
    ('richmond', 'twickenham'); 'dailypostathenian' or 'haaretz' name none."""
    found: list[str] = []
    for label in labels:
        word = re.sub(r"[^a-z]", "", label)
        # best[i]: the fewest parts that read word[:i], and the place names among them
        best: list[tuple[int, tuple[str, ...]] | None] = [None] * (len(word) + 1)
        best[0] = (0, ())
        for i in range(len(word)):
            if best[i] is None:
                continue
            n, names = best[i]  # type: ignore[misc]
            for j in range(i + 1, min(len(word), i + HOME_MAX_LETTERS) + 1):
                part = word[i:j]
                if part in OUTLET_WORDS:
                    step = (n + 1, names)
                elif (
                    j - i >= HOME_MIN_LETTERS
                    and _home_places(part, gazetteer)
                    and not any(m.place.kind == "country" for m in gazetteer.lookup(part))
                ):  # 'jordannews' is about the country Jordan, not a town named after it
                    step = (n + 1, (*names, part))
                else:
                    continue
                if best[j] is None or step[0] < best[j][0]:  # type: ignore[index]
                    best[j] = step
        if best[-1] is not None:
            found.extend(best[-1][1])
    return tuple(dict.fromkeys(found))


def _decide(targets: list[_Target], outlet_country: str | None = None, national: bool = False) -> None:
    """`national`: the outlet's country comes from its national domain (lfpress.ca)."""
    for t in targets:
        for c in t.candidates:
            _local_evidence(t, c)
            if national and c.place.country == outlet_country and c.place.kind not in BROAD:
                c.parts["outlet"] = W_OUTLET_PLACE  # London in lfpress.ca: London, Ontario
                c.notes["outlet"] = f"in the outlet's country {outlet_country}"
    _pairs(targets)
    for t in targets:
        _normalise(t)
    for _ in range(3):  # the article's focus, from the other places' current beliefs
        country_mass: dict[str, float] = defaultdict(float)
        region_mass: dict[str, float] = defaultdict(float)
        if outlet_country:  # the outlet's country counts as a few places of the article
            country_mass[outlet_country] += W_OUTLET
        for t in targets:
            w = _weight(t)
            for c, p in zip(t.candidates, t.probs, strict=True):
                if c.place.country:
                    country_mass[c.place.country] += w * p
                if c.place.region_key:
                    region_mass[c.place.region_key] += w * p
        anchors = [(t, t.best()) for t in targets]
        mass = sum(_weight(t) for t in targets) + (W_OUTLET if outlet_country else 0)
        for t in targets:
            w = _weight(t)
            total = max(1.0, mass - w)
            own_c: dict[str, float] = defaultdict(float)
            own_r: dict[str, float] = defaultdict(float)
            for c, p in zip(t.candidates, t.probs, strict=True):
                if c.place.country:
                    own_c[c.place.country] += w * p
                if c.place.region_key:
                    own_r[c.place.region_key] += w * p
            for c in t.candidates:
                cc, rk = c.place.country, c.place.region_key
                share_c = (country_mass[cc] - own_c[cc]) / total if cc else 0.0
                share_r = (region_mass[rk] - own_r[rk]) / total if rk and c.place.kind != "country" else 0.0
                c.parts["focus_country"] = W_COUNTRY_FOCUS * min(1.0, share_c * 2)
                c.parts["focus_region"] = W_REGION_FOCUS * min(1.0, share_r * 2)
                c.notes["focus_country"] = f"article focus: {share_c:.0%} of the other places in {cc}"
                c.notes["focus_region"] = f"article focus: {share_r:.0%} of the other places in {rk}"
                c.parts["near"] = _nearness(t, c, anchors)
            _normalise(t)


def _pairs(targets: list[_Target]) -> None:
    """A town and a county of the article that fit together: "Paris and Henry County" are the
    Paris inside a Henry County (Tennessee), whatever the bigger namesakes."""
    counties: dict[tuple, set[int]] = defaultdict(set)
    towns: dict[tuple, set[int]] = defaultdict(set)
    for n, t in enumerate(targets):
        for c in t.candidates:
            p = c.place
            if p.country and p.admin1 and p.admin2:
                key = (p.country, p.admin1, p.admin2)
                if p.kind == "district":
                    counties[key].add(n)
                elif p.kind in SETTLEMENTS:
                    towns[key].add(n)
    for n, t in enumerate(targets):
        for c in t.candidates:
            p = c.place
            if not (p.country and p.admin1 and p.admin2) or p.kind not in SETTLEMENTS | {"district"}:
                continue
            other = (counties if p.kind in SETTLEMENTS else towns)[(p.country, p.admin1, p.admin2)] - {n}
            if other:
                c.parts["pair"] = W_PAIR
                names = ", ".join(repr(targets[o].names[0]) for o in sorted(other)[:3])
                c.notes["pair"] = f"fits {names} in the article (town within county)"


def _weight(t: _Target) -> float:
    """How much a target speaks for the article's focus: names the NER called
    places fully, names found another way (ORG, PERSON, inside other names) less."""
    if t.label == OUTLET_LABEL:
        return W_HOME
    if t.label in PLACE_TYPES or t.label == "NORP" or (t.label == "" and not t.nested):
        return 1.0
    return WEAK_WEIGHT


def _local_evidence(t: _Target, c: _Candidate) -> None:
    place = c.place
    hint_score = 0.0
    for hint, n in t.hints.items():
        accepts = HINT_ACCEPTS.get(hint, {hint})
        if place.kind in accepts:
            hint_score += W_HINT * n
        elif hint in ("region", "airbase", "airport", "settlement") or (hint in SETTLEMENTS and place.kind in BROAD):
            hint_score -= 0.3 * n
    if hint_score:
        c.parts["feature"] = hint_score
        c.notes["feature"] = f"feature words: {', '.join(dict.fromkeys(t.hint_words))}"
    for name, container in t.containers:
        if _contains(container, place):
            c.parts["contained"] = W_CONTAINED
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


def _nearness(t: _Target, c: _Candidate, anchors: list[tuple[_Target, _Candidate | None]]) -> float:
    """Close to the article's other towns (Paris near Dallas is Paris, Texas)."""
    if c.place.kind in BROAD:
        return 0.0
    best = math.inf
    for other, anchor in anchors:
        if other is t or anchor is None or anchor.place.kind in BROAD:
            continue
        if any(a.place.gid == c.place.gid for a in other.candidates):
            continue  # the same name twice is no evidence
        best = min(best, distance_km(c.place.lat, c.place.lon, anchor.place.lat, anchor.place.lon))
    if best == math.inf:
        return 0.0
    c.notes["near"] = f"{best:.0f} km from another place in the article"
    return W_NEAR * max(0.0, 1 - best / NEAR_KM)


def _normalise(t: _Target) -> None:
    scores = [c.score / TEMPERATURE for c in t.candidates]
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    t.probs = [e / total for e in exps]


# ------------------------------------------------------------------ acceptance


def _has_evidence(t: _Target, best: _Candidate) -> bool:
    """Context that says a name is a place here: "in X", "X, Ohio", or the article's region."""
    return (
        t.locative > 0
        or "contained" in best.parts
        or best.parts.get("focus_region", 0.0) >= 0.3
        or best.parts.get("near", 0.0) >= 0.3
    )


def _accepted(t: _Target, best: _Candidate) -> bool:
    """Names the NER did not call places need evidence: care with people and companies."""
    place, form = best.place, best.match.form
    if t.label in PLACE_TYPES or (t.label == "" and not t.nested):
        return True
    if t.label == "PERSON":  # "Jordan", "Clinton", "Madison": people first
        if t.locative > 0 or "contained" in best.parts or (place.fcode == "PPLC" and " " not in t.names[0]):
            return True
        return not t.person_like and place.population >= 1000 and _has_evidence(t, best)
    if place.kind in BROAD or place.kind == "district" or form in ("alias", "demonym"):
        return True  # "Butler County Coroner": a county name is a place name
    if t.nested:  # "Lee Academy", "Central Community Center": mostly not the town
        return (
            place.population >= 100_000
            or "contained" in best.parts
            or (place.population >= 10_000 and _has_evidence(t, best))
        )
    return place.population >= 100_000 or _has_evidence(t, best)


# ------------------------------------------------------------------ output


def _geo(document: Document, t: _Target, best: _Candidate) -> Geo:
    place = best.place
    idx = t.candidates.index(best)
    m = best.match
    evidence = [
        f"{'name' if m.exact else 'transliteration of'} {t.names[0]!r} matches {place.name!r} "
        f"({m.form}, {place.kind}{', ' + place.country if place.country else ''}"
        f"{f', population {place.population:,}' if place.population else ''})",
        f"prior {best.prior:.2f} from kind and population; {len(t.candidates)} candidate(s)",
    ]
    for part, value in sorted(best.parts.items(), key=lambda kv: -abs(kv[1])):
        if abs(value) >= 0.05 and part in best.notes:
            evidence.append(f"{best.notes[part]} ({value:+.2f})")
    role = "place"
    if place.kind in SETTLEMENTS and _is_metonym(document, t):
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


def _is_metonym(document: Document, t: _Target) -> bool:
    cues = document.resources.lexicons.cue_verbs
    agent = locative = 0
    for start, end in t.spans:
        span = document.doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        root = span.root
        head = root.head
        if (root.dep_ in ("nsubj", "nsubjpass") and head.lemma_.lower() in cues) or (
            root.dep_ == "poss" and head.lemma_.lower() in AGENT_NOUNS
        ):
            agent += 1
        elif root.dep_ == "pobj" and head.lower_ in LOCATIVE:
            locative += 1
    return agent > 0 and agent >= locative


def _retype(t: _Target, best: _Candidate) -> None:
    """A name the gazetteer confirms as a place gets a place type; demonyms stay NORP."""
    entity = t.entity
    assert entity is not None
    if best.match.form == "demonym" or entity.type in PLACE_TYPES:
        return
    if entity.type == "ORG" and best.place.kind == "area":
        return  # "EU": an organisation placed at its seat
    entity.type = KIND_TYPE.get(best.place.kind, "GPE")


def _new_entity(document: Document, t: _Target, best: _Candidate) -> Entity:
    from claimgraph.text.translit import name_key, plain

    text = document.text
    entity = Entity(
        id=document.next_id("e", document.entities),
        type=KIND_TYPE.get(best.place.kind, "GPE") if best.match.form != "demonym" else "NORP",
        name=t.names[0],
        key=name_key(t.names[0]) or plain(t.names[0]),
        mentions=[Mention(start=s, end=e, text=text[s:e]) for s, e in sorted(t.spans)],
    )
    return document.add_entity(entity)

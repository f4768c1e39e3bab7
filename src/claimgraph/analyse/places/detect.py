"""Places, step 1: which names may be places, and what their context says.

Targets: the entities stage's GPE, LOC and FAC entities; NORP, ORG, PERSON and
PRODUCT entities (the NER often calls Tartus an ORG and Hmeimim a NORP); place
names inside other names ("Athens Police Department"); and capitalised names
no entity covers that the gazetteer knows, where the context says place.

Context, per mention: feature words in the name or around it ("Tartus
province", "naval base in Tartus"), a preceding preposition ("in Tartus"), a
containing place after a comma ("Damascus, Maryland"), a title or a speech
verb that makes a PERSON name a person's ("Sen. Jackson", "Jackson said"),
and metonymy (a city that speaks or decides: "Moscow said").
"""

from __future__ import annotations

import re

from spacy.tokens import Span as SpacySpan

from claimgraph.analyse.document import Document
from claimgraph.analyse.places.aliases import AliasTable
from claimgraph.analyse.places.gazetteer import Gazetteer
from claimgraph.analyse.places.index import Match, Place
from claimgraph.analyse.places.lexicon import PlaceLexicon
from claimgraph.analyse.places.target import SETTLEMENTS, Target
from claimgraph.analyse.places.weights import WEIGHTS as W
from claimgraph.model import PLACE_TYPES, Entity

MAYBE_LABELS = frozenset({"NORP", "ORG", "PERSON", "PRODUCT"})  # the NER calls some countries PRODUCT
ENTITY_TYPES_TO_SKIP_IN_SCAN = frozenset(
    {"PERSON", "DATE", "TIME", "MONEY", "CARDINAL", "ORDINAL", "PERCENT", "QUANTITY", "WORK_OF_ART", "LAW"}
)
# feature kinds that, before "in"/"of" ("the province of Hama"), do not make a settlement
_NOT_SETTLEMENT_HINTS = frozenset({"region", "city", "town"})

_NAME_TOKEN = re.compile(r"[A-Z][\w'’.\-]*$")
_WORD = re.compile(r"[\w'’.\-]+")
# the words of a name for the nested search: a hyphen parts them ("Omaha-Lincoln Transit Agency")
_PART = re.compile(r"[\w'’.]+")
_LIST_GAP = re.compile(r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+)[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*")
_WORDS_AFTER = re.compile(r"\s+([a-z]+(?:\s[a-z]+)?)")
_WORDS_BEFORE = re.compile(r"\b([a-z]+(?:\s[a-z]+)?)\s+(?:in|of|at|near|outside)\s+(?:the\s+)?$")
_CONTAINER = re.compile(r",\s*((?:[A-Z][\w'’\-]*\.?)(?:\s+[A-Z][\w'’\-]*\.?)*)")


def entity_targets(document: Document) -> list[Target]:
    """The entities that may be places: the NER's places and the labels it confuses with them."""
    return [_target_of(e) for e in document.entities if e.type in PLACE_TYPES | MAYBE_LABELS]


def _target_of(entity: Entity) -> Target:
    # An acronym defined in the text ("... Directorate (HUR)") names the
    # organisation, never the town that happens to share its letters.
    acronyms = {m.text for m in entity.mentions if m.kind == "acronym"}
    return Target(
        entity=entity,
        label=entity.type,
        names=[n for n in (entity.name, *entity.aliases) if n not in acronyms] or [entity.name],
        spans=[(m.start, m.end) for m in entity.mentions],
    )


def missed_names(document: Document, gazetteer: Gazetteer, aliases: AliasTable, lexicon: PlaceLexicon) -> list[Target]:
    """Capitalised names no entity covers that the gazetteer knows, where the context says place."""
    doc = document.doc
    covered = set(document.token_entity)
    found: dict[str, Target] = {}
    i = 0
    while i < len(doc):
        tok = doc[i]
        if i in covered or tok.ent_type_ in ENTITY_TYPES_TO_SKIP_IN_SCAN or not _NAME_TOKEN.match(tok.text):
            i += 1
            continue
        # the longest run of capitalised tokens that the gazetteer knows
        hit = None
        for n in range(min(W.name_max_words, len(doc) - i), 0, -1):
            span = doc[i : i + n]
            if any(t.i in covered or not _NAME_TOKEN.match(t.text) for t in span):
                continue
            name = span.text
            if n == 1 and (name.lower() in lexicon.false_friends or tok.is_stop or len(name) < W.missed_min_letters):
                break
            matches = [m for m in aliases.lookup_all(name, gazetteer) if m.exact]
            if matches and _looks_like_place(document, span, matches, gazetteer, aliases, lexicon):
                hit = span
                break
        if hit is None:
            i += 1
            continue
        t = found.get(hit.text)
        if t is None:
            t = found[hit.text] = Target(entity=None, label="", names=[hit.text], spans=[])
        t.spans.append((hit.start_char, hit.end_char))
        i = hit.end
    return list(found.values())


def _looks_like_place(
    document: Document,
    span: SpacySpan,
    matches: list[Match],
    gazetteer: Gazetteer,
    aliases: AliasTable,
    lexicon: PlaceLexicon,
) -> bool:
    kinds = {m.place.kind for m in matches}
    if any(m.form == "alias" for m in matches) or kinds & {"country", "region", "continent"}:
        return not span[0].is_sent_start or span[0].pos_ == "PROPN"
    if span[0].is_sent_start:
        return False
    before = span.doc[span.start - 1] if span.start > 0 else None
    if before is not None and before.lower_ in lexicon.locatives and span[0].pos_ == "PROPN":
        return any(m.place.population >= W.locative_min_population or m.place.kind not in SETTLEMENTS for m in matches)
    return bool(_container_after(document.text, span.end_char, gazetteer, aliases))


def nested_names(
    document: Document, targets: list[Target], gazetteer: Gazetteer, aliases: AliasTable, lexicon: PlaceLexicon
) -> list[Target]:
    """Place names at the head of another name or after its 'of': 'Athens Police Department',
    'University of Cincinnati'. A name that is already a target gets the mention (`extra`)."""
    known = {id(t.entity) for t in targets if t.candidates}
    hosts = [e for e in document.entities if _may_host(e, lexicon) and id(e) not in known]
    text = document.text
    by_name = {n.lower(): t for t in targets for n in t.names}
    new: dict[str, Target] = {}
    taken = {(m.start, m.end) for e in document.entities for m in e.mentions}
    for host in hosts:
        for mention in host.mentions:
            words = list(_PART.finditer(text, mention.start, mention.end))
            for i, w in enumerate(words):
                if not w.group()[:1].isupper():
                    continue
                # the head of the name, after "of" and the like, after a direction word or
                # after a hyphen: "East Texas Community College", "Association of Western
                # Pennsylvania", "Omaha-Lincoln Transit Agency", "Rep. Doe (R-San Antonio)"
                if (
                    i > 0
                    and text[words[i - 1].end() : w.start()] != "-"
                    and words[i - 1].group() not in lexicon.joiners
                    and words[i - 1].group().lower() not in lexicon.directions
                ):
                    continue
                hit = None
                for j in range(min(len(words), i + W.name_max_words), i, -1):
                    sub = words[i:j]
                    if j - i == len(words) or not all(x.group()[:1].isupper() for x in sub):
                        continue
                    start, end = sub[0].start(), sub[-1].end()
                    name = text[start:end].rstrip(".")
                    end = start + len(name)
                    if any(m.exact for m in aliases.lookup_all(name, gazetteer)):
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
                    t = new[name.lower()] = Target(entity=None, label="", names=[name], spans=[], nested=True)
                t.spans.append((start, end))
    return list(new.values())


def _may_host(e: Entity, lexicon: PlaceLexicon) -> bool:
    """A name of several words that may hold a place name; a person's name only when it holds a
    place's feature word too, the NER's run of office and holder ("Lee County Clerk Ann Smith")."""
    if e.type == "NORP" or not (" " in e.name or "-" in e.name):
        return False
    return e.type != "PERSON" or any(w.lower() in lexicon.features for w in _PART.findall(e.name))


# ------------------------------------------------------------------ context


def read_context(
    document: Document, t: Target, gazetteer: Gazetteer, aliases: AliasTable, lexicon: PlaceLexicon
) -> None:
    """Fill `t`'s hints, locative count, person-likeness and containers from its mentions."""
    text = document.text
    for name in t.names:  # "Tartus Province", "Khmeimim Air Base"
        core, kind = split_feature(name, lexicon)
        if kind and core != name:
            t.hints[kind] += W.hint_in_name
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
        m = _WORDS_AFTER.match(text[pos : pos + 40])
        if m:
            kind, word = _feature_at(m.group(1), lexicon)
            if kind:
                t.hints[kind] += 1
                t.hint_words.append(word)
        # before: "naval base in Tartus", "the port of Tartus": the settlement
        m = _WORDS_BEFORE.search(text[max(0, start - 40) : start])
        if m:
            kind, word = _feature_at(m.group(1), lexicon, suffix=True)
            if kind and kind not in _NOT_SETTLEMENT_HINTS:
                t.hints["settlement"] += 1
                t.hint_words.append(f"{word} in")
        if lexicon.locative_before.search(text, max(0, start - 14), start):
            t.locative += 1
        if t.label == "PERSON" and (
            lexicon.title_before.search(text, max(0, start - 12), start) or _speaks(document, start, end)
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


def split_feature(name: str, lexicon: PlaceLexicon) -> tuple[str, str | None]:
    """'Khmeimim Air Base' -> ('Khmeimim', 'airbase'); 'Tartus Province' -> ('Tartus', 'region')."""
    low = name.lower()
    for feature in lexicon.features_longest_first:
        if low.endswith(" " + feature) and len(low) > len(feature) + 1:
            return name[: -len(feature) - 1].strip(), lexicon.features[feature]
        if low.startswith(feature + " of "):  # "Province of Hama", "Gulf of Aden"
            return name[len(feature) + 4 :].strip(), lexicon.features[feature]
    return name, None


def _feature_at(words: str, lexicon: PlaceLexicon, suffix: bool = False) -> tuple[str | None, str]:
    """The feature kind of the first (or, with `suffix`, the last) one or two words."""
    parts = words.split()
    options = [" ".join(parts[-2:]), parts[-1]] if suffix else [" ".join(parts[:2]), parts[0]]
    for w in options:
        for form in (w, w[:-1] if w.endswith("s") else w, w[:-2] if w.endswith("es") else w):
            if form in lexicon.features:
                return lexicon.features[form], w
    return None, ""


def _container_after(text: str, end: int, gazetteer: Gazetteer, aliases: AliasTable) -> tuple[str, Place] | None:
    """'Damascus, Maryland': the country, state or county named right after a place."""
    m = _CONTAINER.match(text, end, end + 40)
    if not m:
        return None
    name = m.group(1)
    for n in (name, name.rstrip(".")):
        found = [
            x for x in aliases.lookup_all(n, gazetteer) if x.exact and x.place.kind in ("country", "region", "district")
        ]
        if found:
            best = max(found, key=lambda x: (x.place.kind == "region", x.place.population))
            return name, best.place
    return None


def is_metonym(document: Document, t: Target, lexicon: PlaceLexicon) -> bool:
    """A name that acts as a government: the subject of a speech verb ("Moscow said") or the
    owner of a decision ("Moscow's support") more often than the object of "in"."""
    cues = document.resources.lexicons.cue_verbs
    agent = locative = 0
    for start, end in t.spans:
        span = document.doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        root = span.root
        head = root.head
        if (root.dep_ in ("nsubj", "nsubjpass") and head.lemma_.lower() in cues) or (
            root.dep_ == "poss" and head.lemma_.lower() in lexicon.agent_nouns
        ):
            agent += 1
        elif root.dep_ == "pobj" and head.lower_ in lexicon.locatives:
            locative += 1
    return agent > 0 and agent >= locative

"""Stage: entities, one per real-world referent, with all their mentions.

spaCy's NER is the start; news needs more:

- acronyms defined in parentheses: "Defence Intelligence Directorate (HUR)",
  then "HUR" alone is the same entity;
- possessives: "Ukraine's Defence Intelligence Directorate" also mentions Ukraine;
- short forms of names: "Bashar al-Assad", then "Assad";
- spelling variants of transliterated names (Khmeimim / Hmeimim), through
  the consonant-skeleton key of `translit.name_key`;
- names the NER tagged once but missed elsewhere ("anti-Assad"): one sense
  per discourse, every later occurrence of a known name is a mention.

Pronouns and descriptions are resolved later, by the stages that need them
(attribution for sources: "They assert", "the ministry said"; events for
arguments: "its army", "opposition forces"), through `analyse/coreference.py`;
they add them as mentions.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from claimgraph.analyse.document import Document
from claimgraph.analyse.stage import stage
from claimgraph.lexicons import load_lexicons
from claimgraph.model import PLACE_TYPES, Entity, Mention
from claimgraph.text.translit import name_key, plain

KEEP_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "PRODUCT", "LAW"})
# Labels whose mentions may be merged with each other on a spelling-variant key:
# the NER often calls a foreign place ORG or NORP, but never merges a person.
_FAMILY = {"PERSON": "person"}
APOSTROPHES = "'’"
ACRONYM = re.compile(r"\(([A-Z][A-Z0-9&.\-]{1,11}s?)\)")
MIN_VARIANT_KEY = 3
FACILITY_KINDS = frozenset({"airbase", "airport", "port", "facility"})
STANCE_PREFIX = re.compile(
    r"(?:anti|pro|non|ex|post|pre)-", re.IGNORECASE
)  # shorter consonant skeletons (Hama: "hm") match too much


@dataclass
class _Cluster:
    label_votes: Counter = field(default_factory=Counter)
    mentions: list[Mention] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # surface forms, in order seen
    keys: set[str] = field(default_factory=set)  # plain keys of the forms
    variant_keys: set[str] = field(default_factory=set)  # transliteration keys
    # variant keys of a person's surname: every shorter tail of the name at word boundaries
    # ("khalil" and "abu khalil" of "Mohammed Abu Khalil"), so two-word surnames merge too
    last_words: set[str] = field(default_factory=set)
    acronyms: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        return self.label_votes.most_common(1)[0][0]

    def add_form(self, form: str, label: str) -> None:
        # A feature word ("Air Base", "Province") is stronger evidence of a
        # place than the NER's guess on a foreign name.
        strong = label in PLACE_TYPES and _core_name(form) != form
        self.label_votes[label] += 3 if strong else 1
        if form not in self.names:
            self.names.append(form)
        self.keys.add(plain(form))
        key = name_key(_core_name(form))
        if key:
            self.variant_keys.add(key)
            if label == "PERSON" and " " in key:
                self.last_words.update(_tails(key))


@stage("entities", requires=["paragraphs"], assigns=["entities", "token_entity"])
def run(document: Document) -> None:
    text = document.text
    raw = _ner_mentions(document)
    raw += _facility_mentions(document, raw)
    raw += _possessor_mentions(document, raw)
    clusters: list[_Cluster] = []
    for start, end, label, kind in sorted(raw):
        form = text[start:end]
        cluster = _find_cluster(clusters, form, label)
        if cluster is None:
            cluster = _Cluster()
            clusters.append(cluster)
        elif label == "ORG" and cluster.label == "PERSON":
            label = "PERSON"  # a person's name the NER called an organisation once does not outvote it
        cluster.add_form(form, label)
        cluster.mentions.append(Mention(start=start, end=end, text=form, kind=kind))
    _link_acronyms(document, clusters)
    _propagate(document, clusters)
    _emit(document, clusters)


# ------------------------------------------------------------------ mentions


def _ner_mentions(document: Document) -> list[tuple[int, int, str, str]]:
    """spaCy's entities, trimmed of a leading 'the' and a trailing possessive."""
    text = document.text
    headings = [(p.start, p.end) for p in document.paragraphs if p.heading]
    out = []
    for ent in document.doc.ents:
        # Title case fools the NER; names in headings come from the body (`_propagate`).
        if ent.label_ not in KEEP_LABELS or any(a <= ent.start_char < b for a, b in headings):
            continue
        start, end = ent.start_char, ent.end_char
        if ent[0].lower_ == "the" and len(ent) > 1:
            start = ent[1].idx
        if end - start > 2 and text[end - 2] in APOSTROPHES and text[end - 1] == "s":
            end -= 2
        elif text[end - 1] in APOSTROPHES:
            end -= 1
        paren = text.find("(", start, end)
        if paren > start:  # "Harbour Authority (HA": the acronym is linked by `_link_acronyms`
            end = paren
            while end > start and text[end - 1] == " ":
                end -= 1
        if STANCE_PREFIX.match(text, start, end):
            continue  # "anti-Assad" is about Assad, who is found there by `_propagate`
        if end > start and any(c.isalpha() for c in text[start:end]):
            out.append((start, end, ent.label_, "name"))
    return out


@lru_cache(maxsize=4)
def _facility_pattern(features: tuple[str, ...]) -> re.Pattern:
    """A capitalised name ending in a capitalised feature word: 'Khmeimim Air Base'."""
    titled = sorted((f.title() for f in features), key=len, reverse=True)
    return re.compile(r"\b((?:[A-Z][\w'’\-]+ )+)(" + "|".join(map(re.escape, titled)) + r")\b")


def _facility_mentions(document: Document, raw: list[tuple[int, int, str, str]]) -> list:
    """Facilities and areas the NER missed, found by their feature word."""
    features = document.resources.lexicons.place_features
    out = []
    for m in _facility_pattern(tuple(features)).finditer(document.text):
        start, end = m.span()
        if m.group(1).split()[0] in ("The", "A", "An"):
            start += len(m.group(1).split()[0]) + 1
        if start < m.end(1) and not any(s < end and start < e for s, e, _, _ in raw):
            kind = features.get(m.group(2).lower(), "")
            label = "FAC" if kind in FACILITY_KINDS else "LOC" if kind in ("water", "area") else "GPE"
            out.append((start, end, label, "name"))
    return out


def _possessor_mentions(document: Document, raw: list[tuple[int, int, str, str]]) -> list:
    """'Ukraine's Defence Intelligence Directorate' also mentions Ukraine."""
    text = document.text
    labels = {plain(text[s:e]): lab for s, e, lab, _ in raw}
    out = []
    for start, end, label, _ in raw:
        if label not in ("ORG", "FAC", "PRODUCT", "LAW", "EVENT"):
            continue
        m = re.match(r"((?:[A-Z][\w\-]*\s)*?[A-Z][\w\-]*)[’']s?\s", text[start:end])
        if m:
            owner = m.group(1)
            out.append((start, start + len(owner), labels.get(plain(owner), "GPE"), "name"))
    return out


def _core_name(form: str) -> str:
    """The name without feature words: 'Khmeimim Air Base' -> 'Khmeimim'."""
    words = form.split()
    core = [w for w in words if w.lower() not in _feature_words()]
    return " ".join(core) or form


@lru_cache(maxsize=1)
def _feature_words() -> frozenset[str]:
    # Only facility words: "Khmeimim Air Base" is at Khmeimim, but "Kansas City"
    # is not Kansas and "Tartus Province" is not the city of Tartus.
    features = load_lexicons().place_features
    return frozenset(w for f, kind in features.items() if kind in FACILITY_KINDS for w in f.split())


def _tails(key: str) -> set[str]:
    """The shorter ends of a name key at word boundaries: 'a b c' -> {'b c', 'c'}."""
    words = key.split()
    return {" ".join(words[i:]) for i in range(1, len(words))}


def _compatible(a: str, b: str) -> bool:
    return _FAMILY.get(a, "other") == _FAMILY.get(b, "other")


def _find_cluster(clusters: list[_Cluster], form: str, label: str) -> _Cluster | None:
    key = plain(form)
    for c in clusters:  # the same name, whatever the NER called it
        if key in c.keys:
            return c
    vkey = name_key(_core_name(form))
    # the NER often calls a surname alone an organisation ("Smith said" after "John Smith")
    if vkey and (label == "PERSON" or (label == "ORG" and " " not in vkey)):
        # A surname alone ("Abu Khalil") refers back to the last person of that surname;
        for c in reversed(clusters):
            if vkey in c.last_words and c.label == "PERSON":
                return c
        # and a fuller name to a person named before by a two-word surname alone.
        tails = _tails(vkey)
        for c in reversed(clusters):
            keys = c.variant_keys
            if c.label == "PERSON" and keys and keys <= tails and any(" " in k for k in keys):
                return c
    # Spelling variants merge places and organisations; for people the key is
    # too coarse (Tim Cole / Tom Cole), so they merge only by name or surname.
    if label != "PERSON" and len(vkey.replace(" ", "")) >= MIN_VARIANT_KEY:
        for c in clusters:
            if vkey in c.variant_keys and _compatible(c.label, label):
                return c
    return None


def _link_acronyms(document: Document, clusters: list[_Cluster]) -> None:
    """'Long Name (ACR)': ACR becomes a form of the entity just before it."""
    text = document.text
    for m in ACRONYM.finditer(text):
        acr = m.group(1)
        owner = None
        for c in clusters:
            if any(0 <= m.start() - mention.end <= 2 for mention in c.mentions):
                owner = c
                break
        if owner is None:
            owner = _cluster_with_key(clusters, plain(acr))
        if owner is None:
            owner = _Cluster()
            clusters.append(owner)
            long_form = _spelled_out(text, m.start(), acr)
            if long_form is not None:
                # the NER missed the name, but its initials spell the acronym
                owner.add_form(text[long_form[0] : long_form[1]], "ORG")
                owner.mentions.append(
                    Mention(start=long_form[0], end=long_form[1], text=text[long_form[0] : long_form[1]])
                )
            owner.add_form(acr, "ORG")
        owner.acronyms.add(acr)
        owner.keys.add(plain(acr))
        if acr not in owner.names:
            owner.names.append(acr)
        # an acronym found by the NER as its own entity joins the defining one
        for other in [c for c in clusters if c is not owner and plain(acr) in c.keys]:
            owner.mentions += other.mentions
            owner.names += [n for n in other.names if n not in owner.names]
            owner.keys |= other.keys
            clusters.remove(other)


def _spelled_out(text: str, paren: int, acr: str) -> tuple[int, int] | None:
    """The capitalised words just before '(ACR)' whose initials spell ACR."""
    words = list(re.finditer(r"[\w’'&-]+", text[max(0, paren - 200) : paren]))
    offset = max(0, paren - 200)
    letters = [c for c in acr.upper() if c.isalpha()]
    picked: list[re.Match] = []
    for w in reversed(words):
        word = w.group()
        if word.lower() in ("of", "for", "and", "the", "on", "de"):
            picked.append(w)
            continue
        if not word[:1].isupper():
            break
        picked.append(w)
        initials = [x.group()[0] for x in reversed(picked) if x.group()[:1].isupper()]
        if initials == letters:
            first = picked[-1]
            return offset + first.start(), offset + picked[0].end()
        if len(initials) >= len(letters):
            break
    return None


def _cluster_with_key(clusters: list[_Cluster], key: str) -> _Cluster | None:
    return next((c for c in clusters if key in c.keys), None)


def _propagate(document: Document, clusters: list[_Cluster]) -> None:
    """Every occurrence of a known name is a mention, also where NER missed it."""
    text = document.text
    taken = [(m.start, m.end) for c in clusters for m in c.mentions]
    forms: dict[str, _Cluster] = {}
    for c in clusters:
        for name in c.names:
            if name[:1].isupper() and len(name) > 1:
                forms.setdefault(name, c)
        # a surname alone ("Assad" in "anti-Assad") and the core of a facility name
        for name in c.names:
            words = name.split()
            if c.label == "PERSON" and len(words) > 1:
                last = re.sub(r"^(?:al|el|ad|as|ash|an|ar|at|az|ad)[-‐]", "", words[-1])
                if len(last) > 2:
                    forms.setdefault(last, c)
            core = _core_name(name)
            if core != name and len(core) > 2:
                forms.setdefault(core, c)
    if not forms:
        return
    pattern = re.compile(r"(?<![\w])(" + "|".join(map(re.escape, sorted(forms, key=len, reverse=True))) + r")(?![\w])")
    for m in pattern.finditer(text):
        s, e = m.span()
        if any(a < e and s < b for a, b in taken):
            continue
        c = forms[m.group(1)]
        c.mentions.append(
            Mention(start=s, end=e, text=m.group(1), kind="short" if m.group(1) not in c.names else "name")
        )
        taken.append((s, e))


def _emit(document: Document, clusters: list[_Cluster]) -> None:
    for c in clusters:
        c.mentions.sort(key=lambda m: m.start)
        for m in c.mentions:
            if m.text in c.acronyms:
                m.kind = "acronym"
    clusters.sort(key=lambda c: c.mentions[0].start)
    for c in clusters:
        names = [n for n in c.names if n not in c.acronyms] or c.names
        name = max(names, key=len)
        entity = Entity(
            id=document.next_id("e", document.entities),
            type=c.label,
            name=name,
            aliases=[n for n in c.names if n != name],
            key=name_key(_core_name(name)) or plain(name),
            mentions=c.mentions,
        )
        document.add_entity(entity)

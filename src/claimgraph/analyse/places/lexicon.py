"""The places stage's word lists: TSV files in `lexicons/places/`, each documenting
its columns, read once with the other resources (`Resources.place_lexicon`).

The regular expressions built from the lists are compiled here, at load, so
that the stage only matches. The feature words ("province", "air base") are
`lexicons/place_features.tsv`, shared with the entities and events stages and
handed in from `Lexicons`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from claimgraph.analyse.places.index import DATA
from claimgraph.errors import ResourceError
from claimgraph.lexicons import load_table

# what a feature word does to a candidate of a kind it does not accept (feature_kinds.tsv)
OTHERWISE = frozenset({"penalty", "penalty-broad", "drop", "-"})
OUTLET_ROLES = frozenset({"paper", "label", "generic-tld", "us-tld"})


# eq=False: hashed by identity, so that cached helpers can take the lexicon as an argument
@dataclass(frozen=True, eq=False)
class PlaceLexicon:
    features: Mapping[str, str]  # feature word or phrase -> the kind it suggests
    features_longest_first: tuple[str, ...]  # "air force base" is tried before "base"
    kind_type: Mapping[str, str]  # gazetteer kind -> the contract's entity type
    hint_accepts: Mapping[str, frozenset[str]]  # a feature word's kind -> the candidate kinds it fits
    hint_otherwise: Mapping[str, str]  # ... and what a candidate of another kind gets (OTHERWISE)
    directions: frozenset[str]
    abbreviations: Mapping[str, str]  # "st" -> "Saint": an abbreviated first word, spelt out
    county_words: tuple[str, ...]  # "County", "Parish": what a bare county name ("in DeKalb") drops
    locatives: frozenset[str]
    joiners: frozenset[str]
    agent_nouns: frozenset[str]
    false_friends: frozenset[str]
    paper_words: frozenset[str]  # newspaper words inside a domain label: no home
    skip_labels: frozenset[str]  # whole domain labels that name no home
    generic_tlds: frozenset[str]
    us_tlds: frozenset[str]
    locative_before: re.Pattern[str]  # "in ", "near the " right before a name
    title_before: re.Pattern[str]  # "Sen. ", "Coach " right before a name

    def accepts(self, hint: str) -> frozenset[str]:
        """The kinds a feature word's kind fits: its own, unless feature_kinds.tsv says more."""
        return self.hint_accepts.get(hint, frozenset((hint,)))


def _words(name: str, column: str = "word") -> list[str]:
    return [r[column] for r in load_table(name, DATA)]


@cache
def place_kinds() -> dict[str, str]:
    """kinds.tsv: each gazetteer kind and its entity type (also what alias files may say)."""
    return {r["kind"]: r["type"] for r in load_table("kinds.tsv", DATA)}


def load_place_lexicon(features: Mapping[str, str]) -> PlaceLexicon:
    """Read the lists; `features` is `Lexicons.place_features`."""
    accepts: dict[str, frozenset[str]] = {}
    otherwise: dict[str, str] = {}
    for r in load_table("feature_kinds.tsv", DATA):
        if r["otherwise"] not in OTHERWISE:
            raise ResourceError(f"feature_kinds.tsv: {r['hint']}: 'otherwise' must be one of {sorted(OTHERWISE)}")
        accepts[r["hint"]] = frozenset(r["accepts"].split())
        otherwise[r["hint"]] = r["otherwise"]
    outlet: dict[str, set[str]] = {role: set() for role in OUTLET_ROLES}
    for r in load_table("outlet_words.tsv", DATA):
        if r["role"] not in OUTLET_ROLES:
            raise ResourceError(f"outlet_words.tsv: {r['word']}: role must be one of {sorted(OUTLET_ROLES)}")
        outlet[r["role"]].add(r["word"])
    locatives = frozenset(_words("locatives.tsv"))
    titles = _words("titles.tsv", "title")
    return PlaceLexicon(
        features=dict(features),
        features_longest_first=tuple(sorted(features, key=len, reverse=True)),
        kind_type=place_kinds(),
        hint_accepts=accepts,
        hint_otherwise=otherwise,
        directions=frozenset(_words("directions.tsv")),
        abbreviations={r["short"]: r["full"] for r in load_table("abbreviations.tsv", DATA)},
        county_words=tuple(_words("county_words.tsv")),
        locatives=locatives,
        joiners=frozenset(_words("joiners.tsv")),
        agent_nouns=frozenset(_words("agent_nouns.tsv", "noun")),
        false_friends=frozenset(_words("false_friends.tsv")),
        paper_words=frozenset(outlet["paper"]),
        skip_labels=frozenset(outlet["label"]),
        generic_tlds=frozenset(outlet["generic-tld"]),
        us_tlds=frozenset(outlet["us-tld"]),
        locative_before=re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(locatives))) + r")\s+(?:the\s+)?$"),
        title_before=re.compile(r"\b(?:" + "|".join(map(re.escape, titles)) + r")\.?\s+$"),
    )

"""The places stage's name coverage: abbreviations spelt out, bare county names, and the
feature words the learned ranker reads coming from the lexicon file.

These use the real gazetteer (built into the user cache on first use) but no spaCy parse.
"""

from __future__ import annotations

import pytest

from claimgraph.analyse.places import gazetteer
from claimgraph.analyse.places.aliases import AliasTable, load_aliases
from claimgraph.analyse.places.detect import split_feature
from claimgraph.analyse.places.index import DATA
from claimgraph.analyse.places.lexicon import PlaceLexicon, load_place_lexicon
from claimgraph.analyse.places.rank import FEATURES
from claimgraph.analyse.places.score import find_candidates, spelt_out
from claimgraph.analyse.places.target import Target
from claimgraph.lexicons import load_lexicons, load_table


@pytest.fixture(scope="module")
def lex() -> PlaceLexicon:
    return load_place_lexicon(load_lexicons().place_features)


@pytest.fixture(scope="module")
def gaz() -> gazetteer.Gazetteer:
    return gazetteer.load()


@pytest.fixture(scope="module")
def aliases() -> AliasTable:
    return load_aliases()


def candidates(name: str, label: str, gaz, aliases, lex) -> Target:
    t = Target(None, label, [name], [(0, len(name))])
    find_candidates(t, gaz, aliases, lex)
    return t


def test_feature_words_come_from_the_lexicon_file(lex):
    rows = load_table("place_features.tsv")
    # the ranker has one hint column for each kind the file names (and "settlement")
    hints = {f.removeprefix("hint_") for f in FEATURES if f.startswith("hint_") and f != "hint_in_name"}
    assert hints == {r["kind"] for r in rows} | {"settlement"}
    for r in rows:
        assert split_feature(f"Quorvath {r['feature'].title()}", lex) == ("Quorvath", r["kind"])
    # a word the file lacks is no feature word; added to the lexicon it is
    assert split_feature("Quorvath Zindle", lex) == ("Quorvath Zindle", None)
    more = load_place_lexicon({**load_lexicons().place_features, "zindle": "water"})
    assert split_feature("Quorvath Zindle", more) == ("Quorvath", "water")


def test_abbreviations_are_spelt_out_from_the_lexicon_file(lex):
    short = {r["short"]: r["full"] for r in load_table("abbreviations.tsv", DATA)}
    assert short["st"] == "Saint"
    assert spelt_out("St. Quorvath", lex) == "Saint Quorvath"
    assert spelt_out("MT Quorvath", lex) == "Mount Quorvath"
    assert spelt_out("Stanford", lex) is None and spelt_out("St.", lex) is None


def test_st_petersburg_finds_the_russian_city(gaz, aliases, lex):
    t = candidates("St. Petersburg", "GPE", gaz, aliases, lex)
    assert any(c.place.country == "RU" and c.place.population > 1_000_000 for c in t.candidates)
    assert any(c.place.country == "US" for c in t.candidates)  # Florida's stays a candidate


def test_a_bare_county_name_is_a_county_candidate(gaz, aliases, lex):
    t = candidates("DeKalb", "GPE", gaz, aliases, lex)
    counties = [c for c in t.candidates if c.match.form == "county_bare"]
    assert counties and all(c.place.kind == "district" and c.place.country == "US" for c in counties)
    assert {c.place.admin1 for c in counties} >= {"GA", "IL"}
    # a name that already says "County" is looked up as written, and a person's name is no county
    said = candidates("DeKalb County", "GPE", gaz, aliases, lex)
    assert said.candidates and not any(c.match.form == "county_bare" for c in said.candidates)
    person = candidates("DeKalb", "PERSON", gaz, aliases, lex)
    assert not any(c.match.form == "county_bare" for c in person.candidates)

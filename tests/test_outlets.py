"""Across outlets: entities of different articles are one only on evidence, and every merge says why."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from claimgraph.ledger import relink
from claimgraph.model import Geo
from claimgraph.store import schema as t
from claimgraph.store.testing import make_analysis, postgres_available
from claimgraph.store.write import Record, add_records

PG_SKIP = postgres_available()


def article(n: int, names: list[tuple], aliases: dict[str, list[str]] | None = None):
    """An article of our own naming each entity once."""
    text = " ".join(f"{spec[0]} was named in report {n}." for spec in names)
    a = make_analysis(text, entities=names, url=f"https://outlet{n}.example/story")
    for e in a.entities:
        e.aliases = (aliases or {}).get(e.name, [])
    return a


def unified(store, *analyses) -> tuple[dict[str, int], dict[str, str | None]]:
    with store.engine.begin() as conn:
        add_records(conn, [Record(a, f"t{i}") for i, a in enumerate(analyses)])
    relink(db=store)
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(t.entities.c.name, t.entities.c.xentity_id, t.entities.c.xentity_reason)).all()
    return {name: x for name, x, _ in rows}, {name: why for name, _, why in rows}


@pytest.mark.parametrize(
    "names",
    [
        [("WeWork", "ORG"), ("Iraqi", "NORP"), ("York", "GPE")],
        [("WeWork", "GPE"), ("Iraqi", "GPE"), ("York", "GPE")],  # one type: the short skeleton alone is no evidence
        [("US", "GPE"), ("Asian", "NORP"), ("ASEAN", "ORG"), ("Asia", "LOC")],
        [("Asian", "ORG"), ("ASEAN", "ORG")],
        [("NASA", "ORG"), ("Nazi", "NORP")],
        [("NASA", "ORG"), ("Nazi", "ORG")],
        [("Serena", "PERSON"), ("Syria", "GPE"), ("Siri", "PRODUCT")],
        [("Syria", "GPE"), ("Siri", "GPE")],
        [("Ohio", "GPE"), ("Yahoo", "ORG")],
        [("Ohio", "ORG"), ("Yahoo", "ORG")],
    ],
)
def test_names_that_only_share_a_short_skeleton_stay_apart(store, names):
    # each name in its own article, all of them sharing a context name, so that only the rule keeps them apart
    x, _ = unified(store, *(article(i, [spec, ("Damascus", "GPE")]) for i, spec in enumerate(names)))
    assert len({x[spec[0]] for spec in names}) == len(names)
    assert len({x["Damascus"]}) == 1


def test_a_place_and_a_person_sharing_a_surname_key_stay_apart(store):
    x, _ = unified(
        store, article(1, [("Paris", "GPE")]), article(2, [("Juan Perez", "PERSON")], {"Juan Perez": ["Perez"]})
    )
    assert x["Paris"] != x["Juan Perez"]


def test_a_qualified_name_is_not_the_name_inside_it(store):
    x, _ = unified(
        store,
        article(1, [("York", "GPE"), ("Korea", "GPE")]),
        article(2, [("New York", "GPE"), ("South Korea", "GPE")]),
    )
    assert x["York"] != x["New York"] and x["Korea"] != x["South Korea"]


def test_two_people_sharing_a_family_name_stay_apart(store):
    x, _ = unified(
        store,
        article(1, [("Bashar al-Assad", "PERSON")], {"Bashar al-Assad": ["Assad"]}),
        article(2, [("Hafez Assad", "PERSON")], {"Hafez Assad": ["Assad"]}),
    )
    assert x["Bashar al-Assad"] != x["Hafez Assad"]


def test_spelling_variants_merge_with_their_reason(store):
    x, why = unified(
        store,
        article(1, [("Bashar al-Assad", "PERSON"), ("Tartus", "GPE")]),
        article(2, [("Bashar Assad", "PERSON"), ("Ţarţūs", "GPE")]),
    )
    assert x["Bashar al-Assad"] == x["Bashar Assad"] and x["Tartus"] == x["Ţarţūs"]
    assert "same name after ASCII folding" in why["Bashar Assad"] and why["Bashar al-Assad"] is None
    assert why["Bashar Assad"].startswith("'Bashar al-Assad' (article ")
    assert "same name after ASCII folding" in why["Ţarţūs"]


def test_a_skeleton_only_match_needs_the_articles_to_agree(store):
    apart, _ = unified(store, article(1, [("Khmeimim", "FAC")]), article(2, [("Hmeimim", "FAC")]))
    assert apart["Khmeimim"] != apart["Hmeimim"]


def test_a_skeleton_only_match_with_a_shared_context_merges(store):
    x, why = unified(
        store,
        article(1, [("Khmeimim", "FAC"), ("Latakia", "GPE")]),
        article(2, [("Hmeimim", "FAC"), ("Latakia", "GPE")]),
    )
    assert x["Khmeimim"] == x["Hmeimim"]
    assert "both articles name 'latakia'" in why["Hmeimim"]


def test_a_skeleton_only_match_of_places_goes_by_distance(store):
    near = Geo(lat=35.40, lon=35.95, kind="airbase")
    far = Geo(lat=35.40, lon=38.95, kind="airbase")
    x, why = unified(store, article(1, [("Khmeimim", "FAC", near)]), article(2, [("Hmeimim", "FAC", near)]))
    assert x["Khmeimim"] == x["Hmeimim"] and "km apart" in why["Hmeimim"]
    y, _ = unified(store, article(3, [("Humaymim", "FAC", far), ("Latakia", "GPE")]), article(4, [("Latakia", "GPE")]))
    assert y["Humaymim"] not in (x["Khmeimim"], None)


def test_different_gazetteer_ids_never_merge_and_the_same_one_does(store):
    one = Geo(lat=34.9, lon=35.9, kind="city", gazetteer_id="geonames:1")
    two = Geo(lat=34.9, lon=35.9, kind="city", gazetteer_id="geonames:2")
    x, why = unified(
        store,
        article(1, [("Tartus", "GPE", one)]),
        article(2, [("Tartus", "GPE", two)]),
        article(3, [("Tortosa", "GPE", one)]),
    )
    assert len(set(x.values())) == 2
    assert "same gazetteer id geonames:1" in why["Tortosa"]


def test_incremental_unification_gives_what_a_full_run_gives(store):
    arts = [
        article(1, [("Khmeimim", "FAC"), ("Latakia", "GPE")]),
        article(2, [("York", "GPE"), ("Latakia", "GPE")]),
        article(3, [("Hmeimim", "FAC"), ("Latakia", "GPE")]),
        article(4, [("Iraqi", "NORP"), ("Bashar Assad", "PERSON")]),
        article(5, [("Bashar al-Assad", "PERSON"), ("Humaymim", "FAC"), ("Latakia", "GPE")]),
    ]
    for a in arts:  # one link per article
        step, step_why = unified(store, a)
    relink(db=store, full=True)
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(t.entities.c.name, t.entities.c.xentity_id, t.entities.c.xentity_reason)).all()
    assert {n: x for n, x, _ in rows} == step and {n: w for n, _, w in rows} == step_why
    assert step["Khmeimim"] == step["Hmeimim"] == step["Humaymim"] != step["York"]


def _place(n: int) -> Geo:
    return Geo(lat=10.0 + n, lon=20.0, kind="country", gazetteer_id=f"geonames:{900 + n}")


@pytest.mark.parametrize(
    "country, nationality",
    [
        ("Argentina", "Argentine"),
        ("Germany", "German"),
        ("China", "Chinese"),
        ("Mexico", "Mexican"),
        ("Russia", "Russian"),
    ],
)
def test_a_nationality_is_not_its_country_under_one_gazetteer_id(store, country, nationality):
    # one gazetteer id, one type and one name key: only the demonym rule keeps them apart
    geo = _place(1)
    x, _ = unified(
        store,
        article(1, [(country, "GPE", geo), ("Damascus", "GPE")]),
        article(2, [(nationality, "GPE", geo), ("Damascus", "GPE")]),
    )
    assert x[country] != x[nationality]


def test_plurals_and_spellings_of_a_nationality_still_merge(store):
    geo = _place(2)
    x, why = unified(
        store,
        article(1, [("Colombian", "NORP", geo), ("Argentinean", "NORP", _place(3))]),
        article(2, [("Colombians", "NORP", geo), ("Argentinian", "NORP", _place(3))]),
    )
    assert x["Colombian"] == x["Colombians"] and x["Argentinean"] == x["Argentinian"]
    assert why["Colombians"] and why["Argentinian"]


def test_an_abbreviation_stands_for_the_whole_name(store):
    state = _place(4)
    x, why = unified(
        store,
        article(1, [("Ala.", "GPE", state)]),
        article(2, [("Alabama State", "GPE", state)]),  # "Ala." is letters of it, not its abbreviation
        article(3, [("Alabama", "GPE", state)]),
        article(4, [("ARE", "GPE", _place(5))]),
        article(5, [("Arab Republic of Egypt", "GPE", _place(5))]),  # its initials, every word used
    )
    assert "'Ala.' is short for 'Alabama'" in why["Alabama"] and x["Ala."] == x["Alabama"]
    assert "Ala." not in (why["Alabama State"] or "")
    assert x["ARE"] == x["Arab Republic of Egypt"]


def test_a_description_is_written_as_one_and_a_proper_name_is_not_one(store):
    x, _ = unified(
        store,
        article(1, [("Marvenna", "GPE", _place(6))]),
        article(2, [("Federal Republic", "GPE", _place(6))]),  # a name of its own: no word shared, no description
    )
    assert x["Marvenna"] != x["Federal Republic"]
    x, why = unified(
        store,
        article(3, [("Ruritania", "GPE", _place(7))]),
        article(4, [("the Ruritanian capital", "GPE", _place(7))]),
    )
    assert x["Ruritania"] == x["the Ruritanian capital"] and "description" in why["the Ruritanian capital"]


def test_a_common_noun_joins_only_a_name_with_its_head(store):
    # the key they share comes from the analysis (a coreference alias), as the analyser gives it
    x, _ = unified(
        store,
        article(1, [("Insurgents", "ORG"), ("Damascus", "GPE")]),
        article(2, [("insurgent group", "ORG"), ("Damascus", "GPE")], {"insurgent group": ["insurgents"]}),
        article(3, [("insurgent", "ORG"), ("Damascus", "GPE")]),
    )
    assert x["Insurgents"] != x["insurgent group"]  # another number of words is no respelling
    assert x["insurgent"] != x["insurgent group"]  # a common noun is its head word: a group is not an insurgent


def test_a_respelled_common_noun_still_merges_on_context(store):
    x, why = unified(
        store,
        article(1, [("haemorrhage", "EVENT"), ("Damascus", "GPE")]),
        article(2, [("hemorrhage", "EVENT"), ("Damascus", "GPE")]),
    )
    assert x["haemorrhage"] == x["hemorrhage"] and "both articles name 'damascus'" in why["hemorrhage"]

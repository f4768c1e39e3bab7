"""Bounded reads on a large ledger give what the plain reads give: SQLite's
date-index walk for broad texts (store.search.WALK_AT, WINDOW) and the story read in
time-ordered slices. WALK_AT is lowered so a small ledger takes both paths."""

from __future__ import annotations

import pytest

from claimgraph import ledger
from claimgraph.link.claims import link
from claimgraph.store import open_store
from claimgraph.store import search as search_mod
from claimgraph.store.synthetic import synthetic_analyses
from claimgraph.store.write import Record, add_records

QUERIES = ["port", "struck", '"the bridge"', "port status:denied", "struck from:2024-03 to:2024-05", "source:police"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = open_store(str(tmp_path_factory.mktemp("bounded") / "b.sqlite"))
    with s.engine.begin() as conn:
        add_records(conn, [Record(a, a.id or "") for a in synthetic_analyses(300, seed=3)])
    link(s)
    return s


def _ids(rows):
    return [r["id"] for r in rows]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("order", ["newest", "time"])
@pytest.mark.parametrize("window", [10, 100_000])  # too small a window falls back to the sort
def test_walking_the_date_index_lists_what_sorting_lists(store, monkeypatch, query, order, window):
    sorted_rows = search_mod.search(store, query, 25, order=order)
    assert sorted_rows, query
    monkeypatch.setattr(search_mod, "WALK_AT", 1)
    monkeypatch.setattr(search_mod, "WINDOW", window)
    with store.engine.connect() as conn:
        bound = search_mod.date_walk(store, search_mod.parse(query), conn, order)
    assert bound is not None
    assert _ids(search_mod.search(store, query, 25, order=order)) == _ids(sorted_rows)


def test_contradicted_claims_are_walked_and_list_what_a_sort_lists(store, monkeypatch):
    # each claim's cluster is looked up by key, so a walk of the date index stops at the limit
    query = "port is:contradicted"
    monkeypatch.setattr(search_mod, "WALK_AT", 10**9)  # never walked: every match sorted
    sorted_ = search_mod.search(store, query, 10)
    monkeypatch.setattr(search_mod, "WALK_AT", 1)
    with store.engine.connect() as conn:
        assert search_mod.date_walk(store, search_mod.parse(query), conn) is not None
    walked = search_mod.search(store, query, 10)
    assert walked and all(r["contradicted"] for r in walked) and _ids(walked) == _ids(sorted_)


def test_a_story_limit_cuts_the_timeline_not_the_clusters(store, monkeypatch):
    whole = ledger.story("port", db=store, limit=None)
    assert len(whole) > 12 and any(e["also"] for e in whole)
    monkeypatch.setattr(search_mod, "WALK_AT", 1)
    for limit in (1, 5, 12):
        assert ledger.story("port", db=store, limit=limit) == whole[:limit]


def test_contradicted_claims_looked_up_one_by_one_are_the_ones_listed(store, monkeypatch):
    query = "is:contradicted port"
    monkeypatch.setattr(search_mod, "WALK_AT", 0)  # never few: list every text match
    listed = search_mod.search(store, query, 25)
    assert listed and all(r["contradicted"] for r in listed)
    monkeypatch.setattr(search_mod, "WALK_AT", 10**9)  # always few: look each one up
    with store.engine.connect() as conn:
        assert search_mod._few_contradicted(store, search_mod.parse(query), conn) is not None
    assert _ids(search_mod.search(store, query, 25)) == _ids(listed)

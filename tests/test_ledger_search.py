"""Search, claims, story, stats and exports, on both back ends with one query syntax."""

from __future__ import annotations

import csv
import io
import json

import pytest

from claimgraph import ledger
from claimgraph.errors import UsageError
from claimgraph.model import Geo
from claimgraph.store import open_store
from claimgraph.store.search import parse
from claimgraph.store.testing import make_analysis, postgres_available, postgres_schema
from claimgraph.store.write import Record, add_records

PG_SKIP = postgres_available()
BELGOROD = Geo(lat=50.6, lon=36.6, kind="city", gazetteer_id="geonames:578072")


def articles():
    return [
        make_analysis(
            "Russian officials said Ukrainian drones struck an oil depot in Belgorod on Monday.",
            [("Russian officials", "said", "Ukrainian drones struck an oil depot in Belgorod on Monday")],
            entities=[("Belgorod", "GPE", BELGOROD)],
            events=[("ASSAULT", "struck", 0, "Belgorod")],
            url="https://a.example/1",
            publisher="Alpha",
            published="2024-12-08",
            title="Depot struck",
        ),
        make_analysis(
            "Ukraine denied that drones struck an oil depot in Belgorod on Monday.",
            [("Ukraine", "denied", "drones struck an oil depot in Belgorod on Monday", "denied")],
            entities=[("Ukraine", "GPE"), ("Belgorod", "GPE", BELGOROD)],
            url="https://b.example/1",
            publisher="Beta",
            published="2024-12-09",
            title="Kyiv denies",
        ),
        make_analysis(
            "The mayor of Leeds said the bridge would reopen in January after repairs.",
            [("The mayor of Leeds", "said", "the bridge would reopen in January after repairs")],
            entities=[("Leeds", "GPE")],
            url="https://c.example/1",
            publisher="Gamma",
            published="2025-01-03",
            title="Bridge",
        ),
    ]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(request, tmp_path_factory):
    if request.param == "sqlite":
        s = open_store(str(tmp_path_factory.mktemp("search") / "l.sqlite"))
        _fill(s)
        yield s
        s.close()
        return
    if PG_SKIP:
        pytest.skip(PG_SKIP)
    with postgres_schema() as url, open_store(url) as s:
        _fill(s)
        yield s


def _fill(store):
    with store.engine.begin() as conn:
        add_records(conn, [Record(a, f"t{i}") for i, a in enumerate(articles())])
    ledger.relink(db=store)


def found(store, query):
    return [r["content"] for r in ledger.search(query, db=store)]


STRIKE = "Ukrainian drones struck an oil depot in Belgorod on Monday"
DENIAL = "drones struck an oil depot in Belgorod on Monday"
BRIDGE = "the bridge would reopen in January after repairs"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("drones", [DENIAL, STRIKE]),  # newest first
        ("drone depots", [DENIAL, STRIKE]),  # stemming on both back ends
        ('"oil depot" Ukrainian', [STRIKE]),
        ('"depot oil"', []),  # a phrase keeps its order
        ("drones -Ukrainian", [DENIAL]),
        ("source:Ukraine", [DENIAL]),
        ('source:"russian officials"', [STRIKE]),
        ("entity:Belgorod", [DENIAL, STRIKE]),
        ("place:Leeds", [BRIDGE]),
        ("place:Ukraine", [DENIAL]),
        ("status:denied", [DENIAL]),
        ("status:denied status:reported", [BRIDGE, DENIAL, STRIKE]),
        ("type:ASSAULT", [STRIKE]),
        ("type:indirect drones", [DENIAL, STRIKE]),
        ("from:2024-12-09", [BRIDGE, DENIAL]),
        ("from:2024-12 to:2024", [DENIAL, STRIKE]),
        ("to:2024-12-08", [STRIKE]),
        ("is:contradicted", [DENIAL, STRIKE]),
        ("bridge entity:Belgorod", []),
    ],
)
def test_one_query_syntax(store, query, expected):
    assert found(store, query) == expected


@pytest.mark.parametrize("bad", ["colour:red", "from:yesterday", "status:maybe", "-alone", "is:odd"])
def test_bad_queries_are_usage_errors(store, bad):
    with pytest.raises(UsageError):
        ledger.search(bad, db=store)


def test_odd_characters_are_searched_as_words(store):
    assert found(store, 'drones AND "NEAR(" ) * ^') == []
    assert found(store, "drones*") == [DENIAL, STRIKE]


def test_parse_separates_words_phrases_and_filters():
    q = parse('"oil depot" drones -rumour source:"Russian officials" from:2024')
    assert (q.words, q.phrases, q.excluded) == (["drones"], ["oil depot"], ["rumour"])
    assert q.filters == {"source": ["Russian officials"], "from": ["2024"]}


def test_claims_filters(store):
    assert [r["content"] for r in ledger.claims(db=store, contradicted=True)] == [DENIAL, STRIKE]
    assert [r["content"] for r in ledger.claims(db=store, source="Ukraine")] == [DENIAL]
    assert [r["content"] for r in ledger.claims(db=store, since="2025-01-01")] == [BRIDGE]
    assert [r["content"] for r in ledger.claims(db=store, entity="Belgorod", contradicted=True)] == [DENIAL, STRIKE]


def test_story_is_a_timeline_of_clusters(store):
    timeline = ledger.story("Belgorod", db=store)
    assert [(e["published"].isoformat(), e["content"]) for e in timeline] == [
        ("2024-12-08", STRIKE),
        ("2024-12-09", DENIAL),
    ]
    assert [e["content"] for e in ledger.story("bridge", db=store)] == [BRIDGE]  # not an entity: a text search


def test_stats(store):
    s = ledger.stats(db=store)
    assert (s["articles"], s["claims"], s["contradicted_clusters"]) == (3, 3, 2)
    assert (s["published_from"], s["published_to"]) == ("2024-12-08", "2025-01-03")
    assert {p["publisher"] for p in s["top_publishers"]} == {"Alpha", "Beta", "Gamma"}


def test_exports(store, tmp_path):
    out = io.StringIO()
    assert ledger.export("jsonl", out, db=store) == 3
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["published"] for r in rows] == ["2024-12-08", "2024-12-09", "2025-01-03"]

    out = io.StringIO()
    assert ledger.export("csv", out, db=store, query="status:denied") == 1
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert row["content"] == DENIAL and row["source"] == "Ukraine"

    out = io.StringIO()
    ledger.export("geojson", out, db=store)
    geo = json.loads(out.getvalue())
    kinds = sorted((f["properties"]["kind"], f["geometry"]["coordinates"][0]) for f in geo["features"])
    assert kinds == [("event", 36.6), ("place", 36.6)]

    out = io.StringIO()
    ledger.export("claimreview", out, db=store, query="entity:Belgorod")
    reviews = json.loads(out.getvalue())["@graph"]
    assert len(reviews) == 2 and all(r["@type"] == "ClaimReview" for r in reviews)
    assert all(r["reviewRating"]["alternateName"].startswith("Contradicted") for r in reviews)

    path = tmp_path / "claims.parquet"
    assert ledger.export("parquet", str(path), db=store) == 3
    import pyarrow.parquet as pq

    assert pq.read_table(path).column("content").to_pylist()[2] == BRIDGE
    with pytest.raises(UsageError):
        ledger.export("xml", io.StringIO(), db=store)

"""What a user reads names things they know: each claim's article by its
input id, title, publisher and URL (the ledger's row numbers stay, as extra
fields); a contradicted claim says which claim contradicts it, in which
article and why; ClaimReview appearances name their article even without a
URL. On both back ends; the articles are our own."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
import sqlalchemy as sa

from claimgraph import ledger
from claimgraph.cli import main
from claimgraph.model import Geo
from claimgraph.store import open_store
from claimgraph.store import schema as t
from claimgraph.store.contradictions import attach
from claimgraph.store.testing import make_analysis, postgres_available, postgres_schema
from claimgraph.store.write import Record, add_records

PG_SKIP = postgres_available()
KESSA = Geo(lat=43.1, lon=16.4, kind="town")


def _articles():
    return [
        # no URL: only its input id, title and publisher say which article it is
        make_analysis(
            "Harbour officials said a cargo ship ran aground near Port Velmar on Tuesday.",
            [("Harbour officials", "said", "a cargo ship ran aground near Port Velmar on Tuesday")],
            entities=[("Port Velmar", "GPE")],
            published="2031-03-04",
            title="Ship aground at Velmar",
            publisher="Coast Courier",
        ).model_copy(update={"id": "cc-0001"}),
        make_analysis(
            "The shipping company denied that a cargo ship ran aground near Port Velmar on Tuesday.",
            [("The shipping company", "denied", "a cargo ship ran aground near Port Velmar on Tuesday", "denied")],
            entities=[("Port Velmar", "GPE")],
            published="2031-03-05",
            url="https://tidewire.example/velmar-denial",
            title="Company denies grounding",
            publisher="Tidewire",
        ).model_copy(update={"id": "tw-77"}),
        # a contradiction the analyser found inside one article
        make_analysis(
            "The mayor said the Orlen footbridge was closed for repairs. "
            "The council said the Orlen footbridge stayed open all week.",
            [
                ("The mayor", "said", "the Orlen footbridge was closed for repairs"),
                ("The council", "said", "the Orlen footbridge stayed open all week"),
            ],
            published="2031-04-01",
            title="Footbridge row",
            relations=[("contradicts", 1, 0, "the council has the footbridge open where the mayor has it closed")],
        ).model_copy(update={"id": "local-5"}),
        # nothing to name it by but the ledger
        make_analysis(
            "Rangers said the lynx population in the Dravik hills had doubled.",
            [("Rangers", "said", "the lynx population in the Dravik hills had doubled")],
            published="2031-05-02",
        ),
        make_analysis(
            "Police said fishermen protested outside the Kessa harbour office.",
            [("Police", "said", "fishermen protested outside the Kessa harbour office")],
            entities=[("Kessa", "GPE", KESSA)],
            events=[("PROTEST", "protested", 0, "Kessa")],
            published="2031-05-09",
            title="Fishermen protest",
        ).model_copy(update={"id": "kessa-9"}),
    ]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db(request, tmp_path_factory):
    if request.param == "sqlite":
        path = str(tmp_path_factory.mktemp("names") / "l.sqlite")
        with open_store(path, create=True) as s:
            _fill(s)
        yield path
        return
    if PG_SKIP:
        pytest.skip(PG_SKIP)
    with postgres_schema() as url:
        with open_store(url, create=True) as s:
            _fill(s)
        yield url


def _fill(store):
    with store.engine.begin() as conn:
        add_records(conn, [Record(a, f"t{i}") for i, a in enumerate(_articles())])
    ledger.relink(db=store)


def _by_content(rows, words):
    return next(r for r in rows if words in r["content"])


def _row_ids(db) -> set[int]:
    with open_store(db) as s, s.engine.connect() as conn:
        return set(conn.execute(sa.select(t.articles.c.id)).scalars())


def test_claim_rows_carry_the_input_id_title_publisher_and_url(db):
    rows = ledger.search("Velmar", db=db)
    said = next(r for r in rows if r["status"] != "denied")
    denied = next(r for r in rows if r["status"] == "denied")
    assert (said["input_id"], said["title"], said["publisher"], said["url"]) == (
        "cc-0001",
        "Ship aground at Velmar",
        "Coast Courier",
        None,
    )
    assert (denied["input_id"], denied["url"]) == ("tw-77", "https://tidewire.example/velmar-denial")
    assert said["article_id"] != denied["article_id"]  # the row numbers stay for JSON consumers


def test_a_contradicted_claim_says_by_which_claim_in_which_article_and_why(db):
    rows = ledger.claims(db=db, contradicted=True, query="Velmar")
    said = next(r for r in rows if r["status"] != "denied")
    denied = next(r for r in rows if r["status"] == "denied")
    [against] = said["contradicted_by"]
    assert against["claim_id"] == denied["id"] and against["against"] == said["id"]
    assert (against["input_id"], against["publisher"], against["url"]) == (
        "tw-77",
        "Tidewire",
        "https://tidewire.example/velmar-denial",
    )
    assert against["source"] == "The shipping company" and against["by"] == "denial"
    assert "denies" in against["reason"]
    assert not re.search(r"article \d", against["reason"])  # no row numbers in what a user reads
    [back] = denied["contradicted_by"]
    assert (
        back["claim_id"] == said["id"] and back["input_id"] == "cc-0001" and back["title"] == "Ship aground at Velmar"
    )


def test_a_contradiction_inside_one_article_says_so(db):
    rows = ledger.search("footbridge", db=db)
    closed = _by_content(rows, "closed for repairs")
    opened = _by_content(rows, "stayed open")
    assert closed["contradicted"] and opened["contradicted"]
    [why] = closed["contradicted_by"]
    assert why["claim_id"] == opened["id"] and why["by"] == "same-article" and why["input_id"] == "local-5"
    assert why["reason"] == "the council has the footbridge open where the mayor has it closed"
    assert opened["contradicted_by"][0]["claim_id"] == closed["id"]


def test_a_claim_nothing_contradicts_has_an_empty_list(db):
    [lynx] = ledger.search("lynx", db=db)
    assert not lynx["contradicted"] and lynx["contradicted_by"] == []


def test_the_story_names_its_articles_and_contradictions(db):
    entries = ledger.story("Velmar", db=db)
    assert {e["input_id"] for e in entries} | {o["input_id"] for e in entries for o in e["also"]} >= {"cc-0001"}
    assert any(e["contradicted_by"] for e in entries)


def _cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_pretty_views_name_articles_not_row_numbers(db, capsys):
    out = _cli(capsys, "claims", "--contradicted", "--db", db, "--format", "pretty")
    flat = " ".join(out.split())  # rich wraps long lines
    assert "id cc-0001" in flat and "Tidewire" in flat and "https://tidewire.example/velmar-denial" in flat
    assert "contradicted by" in flat and "The shipping company" in flat and "why:" in flat
    assert "the council has the footbridge open where the mayor has it closed" in flat
    assert not any(f"article {n}" in flat for n in _row_ids(db))
    lynx = " ".join(_cli(capsys, "search", "lynx", "--db", db, "--format", "pretty").split())
    assert "Dravik" in lynx and "article " in lynx  # with no name at all, the row number is all there is
    story = " ".join(_cli(capsys, "story", "Velmar", "--db", db, "--format", "pretty").split())
    assert "cc-0001" in story and "contradicted by" in story


def test_json_views_carry_the_contradiction(db, capsys):
    rows = json.loads(_cli(capsys, "claims", "--contradicted", "--db", db, "--format", "json"))
    assert {r["input_id"] for r in rows} == {"cc-0001", "tw-77", "local-5"}
    assert all(r["contradicted_by"] and r["contradicted_by"][0]["reason"] for r in rows)
    lines = _cli(capsys, "search", "Velmar", "--db", db, "--format", "jsonl").splitlines()
    assert {o["input_id"] for line in lines for o in json.loads(line)["contradicted_by"]} == {"cc-0001", "tw-77"}
    assert json.loads(_cli(capsys, "story", "Velmar", "--db", db, "--format", "json"))[0]["contradicted_by"]


def test_exports_carry_input_ids_and_contradictions(db):
    out = io.StringIO()
    ledger.export("jsonl", out, db=db)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {r["input_id"] for r in rows} == {"cc-0001", "tw-77", "local-5", "kessa-9", None}
    said = next(r for r in rows if r["input_id"] == "cc-0001")
    assert [x["input_id"] for x in said["contradicted_by"]] == ["tw-77"]
    out = io.StringIO()
    ledger.export("csv", out, db=db)
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    cell = next(r for r in table if r["input_id"] == "tw-77")["contradicted_by"]
    assert json.loads(cell)[0]["input_id"] == "cc-0001"
    assert next(r for r in table if "lynx" in r["content"])["contradicted_by"] == ""


def test_claimreview_appearances_name_their_article_without_a_url(db):
    out = io.StringIO()
    ledger.export("claimreview", out, db=db)
    works = [w for review in json.loads(out.getvalue())["@graph"] for w in review["itemReviewed"]["appearance"]]
    by_id = {w.get("identifier"): w for w in works}
    assert by_id["cc-0001"]["headline"] == "Ship aground at Velmar" and "url" not in by_id["cc-0001"]
    assert by_id["cc-0001"]["publisher"]["name"] == "Coast Courier"
    assert by_id["tw-77"]["url"] == "https://tidewire.example/velmar-denial"
    assert all(set(w) - {"@type", "datePublished"} for w in works)  # never an empty appearance


def test_contradictions_are_read_for_the_shown_rows_in_a_bounded_number_of_queries(db):
    with open_store(db) as s:
        rows = ledger.claims(db=s, limit=None)
        statements = []
        sa.event.listen(s.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        with s.engine.connect() as conn:
            plain = [dict(r, contradicted=False) for r in rows]
            attach(conn, plain)
            assert statements == []  # nothing contradicted shown: nothing read
            attach(conn, [dict(r) for r in rows])
        assert len(statements) == 2  # the contradictions, then the claims at their ends


def test_geojson_events_name_their_article(db):
    out = io.StringIO()
    ledger.export("geojson", out, db=db)
    [event] = [f["properties"] for f in json.loads(out.getvalue())["features"] if f["properties"]["kind"] == "event"]
    assert (event["article_input_id"], event["article_title"]) == ("kessa-9", "Fishermen protest")


def test_parquet_rows_carry_input_ids_and_contradictions(db):
    pq = pytest.importorskip("pyarrow.parquet")
    out = io.BytesIO()
    ledger.export("parquet", out, db=db)
    out.seek(0)
    rows = pq.read_table(out).to_pylist()
    said = next(r for r in rows if r["input_id"] == "cc-0001")
    assert [x["input_id"] for x in said["contradicted_by"]] == ["tw-77"]

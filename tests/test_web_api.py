"""The web app through its HTTP interface (FastAPI's TestClient over httpx):
pages and their JSON twins, the API as the ledger functions, errors, safety.
The ledger is built from articles written for these tests, analysed for real."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("fastapi", reason="the web app needs fastapi (pip install -e .)")
from fastapi.testclient import TestClient

from claimgraph import ledger
from claimgraph.config import Settings
from claimgraph.store import open_store
from claimgraph.store.testing import postgres_available, postgres_schema
from claimgraph.web.app import create_app
from claimgraph.web.security import CSP, key_ok

KEY = "test-key-0123456789"

ARTICLES = [
    {
        "id": "w1",
        "title": "Floodgates Fail at Dunmore Reservoir",
        "publisher": "Valley Courier",
        "url": "https://courier.example/dunmore",
        "published": "2025-04-02",
        "text": "Floodgates Fail at Dunmore Reservoir\n\n"
        "The water authority said on Tuesday that two floodgates at the Dunmore reservoir had failed during the storm. "
        "Engineers believe the gates may have been damaged by debris.\n\n"
        "“We evacuated the lower valley as a precaution,” the mayor of Dunmore said.",
    },
    {
        "id": "w2",
        "title": "Reservoir Operator Denies Failure",
        "publisher": "Northern Ledger",
        "url": "https://ledger.example/dunmore-denial",
        "published": "2025-04-03",
        "text": "Reservoir Operator Denies Failure\n\n"
        "The operator of the Dunmore reservoir denied that any floodgates had failed. "
        "A spokeswoman said the gates were opened on purpose to release water on Tuesday.",
    },
    {
        "id": "w3",
        "title": "Bridge Reopens in Kelso",
        "publisher": "Border Times",
        "url": "https://border.example/kelso",
        "published": "2025-05-10",
        "text": "Bridge Reopens in Kelso\n\n"
        "Council officials said the old bridge in Kelso reopened on Friday after six months of repairs.",
    },
]

HOSTILE = {
    "id": "evil",
    "title": '<script>window.__pwned=1</script> Breaking <img src=x onerror="window.__pwned=2">',
    "publisher": "<b onmouseover=alert(1)>Evil Press</b>",
    "url": "javascript:window.__pwned=3",
    "published": "2025-06-01",
    "text": "<script>window.__pwned=4</script> Hostile Page\n\n"
    'Officials said the <img src=x onerror="window.__pwned=5"> depot at Tarn was closed on Monday. '
    "Witnesses said a [link](javascript:window.__pwned=6) \u202egnp.exe\u202c and \u200bzero-width text "
    '<a href="javascript:window.__pwned=7">click</a> appeared in Tarn.',
}


def build(db: str, analyzer, hostile: bool = True) -> str:
    """Ingest the test articles (and the hostile one) into a new ledger at `db`."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "articles.jsonl"
        rows = [*ARTICLES, *([HOSTILE] if hostile else [])]
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        summary = ledger.ingest([str(path)], db=db, analyzer=analyzer)
    assert summary.stored == len(rows), summary.line()
    return db


@pytest.fixture(scope="module")
def ledger_db(tmp_path_factory, analyzer) -> str:
    return build(str(tmp_path_factory.mktemp("web") / "web.sqlite"), analyzer)


@pytest.fixture(scope="module")
def client(ledger_db, analyzer):
    app = create_app(open_store(ledger_db), settings=Settings(api_keys=(KEY,)), analyzer=analyzer)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _article_id(client, title_word: str) -> int:
    rows = client.get("/api/search", params={"query": title_word, "limit": 50}).json()
    assert rows, f"nothing found for {title_word}"
    return rows[0]["article_id"]


PAGES = (
    "/",
    "/search?q=floodgates",
    "/story?q=Dunmore",
    "/check?claim=the+floodgates+failed",
    "/map",
    "/sources",
    "/ingest",
)


def _twin(path: str) -> str:
    """The JSON twin's path of a page: `.json` before the query string."""
    if path == "/":
        return "/.json"
    return path.replace("?", ".json?", 1) if "?" in path else path + ".json"


def _assert_pages_answer(client) -> None:
    aid = _article_id(client, "storm")
    for path in (*PAGES, f"/articles/{aid}"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert page.headers["content-type"].startswith("text/html")
        assert page.headers["content-security-policy"] == CSP
        twin = client.get(_twin(path))
        accept = client.get(path, headers={"Accept": "application/json"})
        assert twin.status_code == 200 and accept.status_code == 200, path
        assert twin.json() == accept.json(), path


def test_every_page_answers_html_and_json(client):
    _assert_pages_answer(client)


@pytest.mark.skipif(postgres_available() is not None, reason=str(postgres_available()))
def test_every_page_answers_on_postgresql_as_on_sqlite(client, analyzer):
    with postgres_schema() as url:
        build(url, analyzer)
        app = create_app(open_store(url), settings=Settings(api_keys=(KEY,)), analyzer=analyzer)
        with TestClient(app, raise_server_exceptions=False) as pg:
            _assert_pages_answer(pg)
            for query in ("Dunmore", "floodgates status:reported"):
                found = {r["content"] for r in pg.get("/api/search", params={"query": query}).json()}
                assert found, query
                assert found == {r["content"] for r in client.get("/api/search", params={"query": query}).json()}
            board = pg.get("/story.json", params={"q": "Dunmore"}).json()
            assert board == client.get("/story.json", params={"q": "Dunmore"}).json()
            app.state.store.engine.dispose()  # before the schema is dropped


def test_search_page_shows_claims_facets_and_volume(client):
    page = client.get("/search", params={"q": "Dunmore"}).text
    assert "floodgates" in page and "Valley Courier" in page
    twin = client.get("/search.json", params={"q": "Dunmore"}).json()
    assert {r["publisher"] for r in twin["results"]} >= {"Valley Courier", "Northern Ledger"}
    statuses = {f["value"] for f in twin["facets"]["status"]}
    assert "denied" in statuses  # the operator's denial
    assert sum(v["claims"] for v in twin["facets"]["volume"]) == twin["facets"]["sampled"]
    narrowed = client.get("/search.json", params={"q": "Dunmore status:denied"}).json()
    assert narrowed["results"] and all(r["status"] == "denied" for r in narrowed["results"])


def test_article_json_twin_carries_claim_cards(client):
    aid = _article_id(client, "storm")
    d = client.get(f"/articles/{aid}.json").json()
    assert d["article"]["title"] == "Floodgates Fail at Dunmore Reservoir"
    assert set(d["claims"]) == {c["id"] for c in d["analysis"]["claims"]}
    assert all(isinstance(card["claim"], int) for card in d["claims"].values())
    page = client.get(f"/articles/{aid}").text
    assert '<h2 class="heading">Floodgates Fail at ' in page and 'class="m-place"' in page
    assert 'class="mark m-source"' in page and "m-hedge" in page  # "may" hedges the engineers' claim


def test_api_is_the_ledger_functions(client, ledger_db):
    assert client.get("/api/search", params={"query": "bridge"}).json() == json.loads(
        json.dumps(ledger.search("bridge", db=ledger_db), default=str)
    )
    stats = client.get("/api/stats").json()
    assert stats["articles"] == ledger.stats(db=ledger_db)["articles"] == 4
    claims = client.get("/api/claims", params={"source": "operator"}).json()
    assert claims and all("operator" in r["source"].lower() for r in claims)
    story = client.get("/api/story", params={"subject": "Dunmore"}).json()
    assert story == json.loads(json.dumps(ledger.story("Dunmore", db=ledger_db), default=str))
    csv = client.get("/api/export", params={"format": "csv", "query": "bridge"})
    assert csv.status_code == 200 and "Kelso" in csv.text and csv.headers["content-type"].startswith("text/csv")


def test_errors_are_problem_details_or_a_page_never_a_traceback(client):
    bad = client.get("/api/search", params={"query": "nosuch:filter"})
    assert bad.status_code == 400 and bad.headers["content-type"] == "application/problem+json"
    assert "unknown filter" in bad.json()["detail"]
    assert client.get("/api/search", params={"limit": "lots"}).status_code == 422
    page = client.get("/articles/999999")
    assert page.status_code == 404 and "no article 999999" in page.text and "Traceback" not in page.text
    assert client.get("/articles/999999.json").json()["status"] == 404
    assert client.get("/no/such/page").status_code == 404


def test_writing_needs_a_key_compared_in_constant_time(client):
    body = {"text": "Port officials said the ferry to Arran was cancelled on Sunday because of high winds."}
    assert client.post("/api/ingest", json=body).status_code == 401
    assert client.post("/api/ingest", json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    done = client.post("/api/ingest", json=body, headers={"Authorization": f"Bearer {KEY}"}).json()
    assert done["state"] == "done" and done["articles"], done
    assert client.get(f"/articles/{done['articles'][0]}.json").json()["analysis"]["claims"]
    # the form: a key field, a redirect to the job, which lands on the article
    form = client.post(
        "/ingest",
        data={"text": "Police said the road to Brora reopened on Monday.", "api_key": KEY},
        follow_redirects=False,
    )
    assert form.status_code == 303 and form.headers["location"].startswith("/ingest/jobs/")
    assert key_ok(KEY, ("other", KEY)) and not key_ok(KEY[:-1], (KEY,)) and not key_ok("", (KEY,))


def test_url_ingest_refuses_private_addresses(client):
    done = client.post("/api/ingest", json={"url": "http://127.0.0.1:9/x"}, headers={"Authorization": f"Bearer {KEY}"})
    job = done.json()
    assert job["state"] == "failed" and not job["articles"]
    assert "private" in job["error"] or "loopback" in job["error"] or "not allowed" in job["error"], job["error"]


def test_requests_over_the_size_limit_are_refused(client):
    big = client.post(
        "/api/ingest",
        content=b"x" * (11 * 1024 * 1024),
        headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"},
    )
    assert big.status_code == 413 and big.json()["status"] == 413


def test_writing_is_off_without_keys(ledger_db):
    with TestClient(create_app(open_store(ledger_db), settings=Settings(api_keys=()))) as c:
        assert c.post("/api/ingest", json={"text": "x"}, headers={"Authorization": "Bearer x"}).status_code == 403
        assert "Writing is off" in c.get("/ingest").text


def test_hostile_text_is_escaped(client):
    aid = _article_id(client, "Tarn")
    page = client.get(f"/articles/{aid}").text
    assert "<script>window" not in page and "<img src=x" not in page and 'href="javascript:' not in page
    assert "&lt;script&gt;" in page
    assert "<script" not in page.replace('<script src="/static/', "")  # only our own script files


def test_check_page_uses_the_claim_check_when_the_ledger_has_one(client, monkeypatch):
    seen = {}
    first = client.get("/api/search", params={"query": "floodgates"}).json()[0]
    claim_id = first["id"]

    def check(claims, *, db=None, query=""):
        seen.update(claims=claims, query=query)
        row = {"claim": claims[0], "id": claim_id, "url": "javascript:alert(1)", "title": "T", "publisher": "P"}
        return [
            {**row, "stance": "refutes", "evidence": "<b>the operator denied it</b>", "reason": "a denial"},
            {**row, "stance": "supports", "evidence": "the gates failed", "reason": "same event", "id": None},
        ]

    monkeypatch.setattr(ledger, "check", check, raising=False)
    d = client.get("/check.json", params={"claim": "the floodgates failed", "query": "from:2025"}).json()
    assert seen == {"claims": ["the floodgates failed"], "query": "from:2025"}
    assert d["checked"] and d["counts"] == {"supports": 1, "refutes": 1, "discusses": 0}
    assert d["columns"]["refutes"][0]["article_id"] == first["article_id"]
    page = client.get("/check", params={"claim": "the floodgates failed"}).text
    assert "&lt;b&gt;the operator denied it" in page and "a denial" in page and "javascript:" not in page
    monkeypatch.delattr(ledger, "check")
    fallback = client.get("/check.json", params={"claim": "the floodgates failed"}).json()
    assert not fallback["checked"] and fallback["similar"]


def test_the_check_module_alone_is_not_taken_for_the_check(client, monkeypatch):
    import types

    monkeypatch.setattr(ledger, "check", types.ModuleType("claimgraph.ledger.check"), raising=False)
    page = client.get("/check.json", params={"claim": "the floodgates failed"})
    assert page.status_code == 200 and not page.json()["checked"]

"""The pages show what the ledger knows about contradictions: a contradicted
claim on the search, story and article pages names the claim that
contradicts it, that claim's article (publisher, title, input id, a link to
it and to the original) and the reason; articles are named as their reader
knows them, never by the ledger's row numbers. The ledger is hand-built
(store/testing.make_analysis, no spaCy): a denial in another outlet and a
contradiction inside one article (the same articles as test_outputs_name_things)."""

from __future__ import annotations

import html
import re

import pytest

pytest.importorskip("fastapi", reason="the web app needs fastapi (pip install -e .)")
import sqlalchemy as sa
from fastapi.testclient import TestClient

from claimgraph.store import open_store
from claimgraph.store import schema as t
from claimgraph.web.app import create_app
from test_outputs_name_things import _fill


def named_ledger(path: str) -> str:
    with open_store(path, create=True) as s:
        _fill(s)
    return path


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    return named_ledger(str(tmp_path_factory.mktemp("webc") / "named.sqlite"))


@pytest.fixture(scope="module")
def client(db):
    with TestClient(create_app(open_store(db)), raise_server_exceptions=False) as c:
        yield c


def _rows(db) -> dict[str, int]:
    """Article row ids by input id (None for the one without)."""
    with open_store(db) as s, s.engine.connect() as conn:
        return {ext: rid for rid, ext in conn.execute(sa.select(t.articles.c.id, t.articles.c.ext_id))}


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _row_numbers_named(page: str, ids: dict[str, int]) -> list[str]:
    """'article N' for the row number of an article that has a name."""
    text = _text(page)
    return [f"article {n}" for ext, n in ids.items() if ext and re.search(rf"\barticle {n}\b", text)]


def test_search_page_says_what_contradicts_a_claim_and_where(client, db):
    ids = _rows(db)
    twin = client.get("/search.json", params={"q": "Velmar"}).json()
    said = next(r for r in twin["results"] if r["status"] != "denied")
    [against] = said["contradicted_by"]
    assert against["input_id"] == "tw-77"
    page = client.get("/search", params={"q": "Velmar"}).text
    row = page[page.index(f'#claim-{said["id"]}"') :]  # the said claim's row in the listing
    block = row[row.index('class="contradicted-by"') :]
    block = block[: block.index("</li>")]
    # the other claim, linked into its article; the article by name; the original; the reason
    assert f'href="/articles/{ids["tw-77"]}#claim-{against["claim_id"]}"' in block
    assert "The shipping company" in block and "Tidewire" in block and "Company denies grounding" in block
    assert "id tw-77" in block and 'href="https://tidewire.example/velmar-denial"' in block
    assert html.escape(against["reason"], quote=False) in block or against["reason"] in html.unescape(block)
    assert _row_numbers_named(page, ids) == []


def test_a_claim_nothing_contradicts_shows_no_contradiction(client):
    page = client.get("/search", params={"q": "lynx"}).text
    assert "lynx" in page and 'class="contradicted-by"' not in page


def test_article_card_names_the_contradicting_claim_its_article_and_reason(client, db):
    ids = _rows(db)
    d = client.get(f"/articles/{ids['cc-0001']}.json").json()
    [card] = d["claims"].values()
    [against] = card["contradicted_by"]
    named = (against["input_id"], against["publisher"], against["source"])
    assert named == ("tw-77", "Tidewire", "The shipping company")
    page = client.get(f"/articles/{ids['cc-0001']}").text
    section = page[page.index(f'id="claim-{card["claim"]}"') :]
    section = section[: section.index("</section>")]
    assert "Contradicted by" in section and "Tidewire" in section and "“Company denies grounding”" in section
    assert f'href="/articles/{ids["tw-77"]}#claim-{against["claim_id"]}"' in section
    assert "denies" in section  # the reason
    assert _row_numbers_named(page, ids) == []


def test_a_contradiction_inside_the_article_links_to_the_other_card(client, db):
    ids = _rows(db)
    d = client.get(f"/articles/{ids['local-5']}.json").json()
    cards = {c["claim"]: c for c in d["claims"].values()}
    assert all(len(c["contradicted_by"]) == 1 for c in cards.values())
    page = client.get(f"/articles/{ids['local-5']}").text
    for cid, card in cards.items():
        other = card["contradicted_by"][0]["claim_id"]
        assert other in cards and other != cid
        section = page[page.index(f'id="claim-{cid}"') :]
        section = section[: section.index("</section>")]
        assert f'data-claim="{other}"' in section and "in this article" in section
        assert "the council has the footbridge open where the mayor has it closed" in section


def test_story_board_sets_contradictions_side_by_side_with_named_articles(client, db):
    ids = _rows(db)
    d = client.get("/story.json", params={"q": "Velmar"}).json()
    [pair] = d["contradictions"]
    assert {pair["a"]["input_id"], pair["b"]["input_id"]} == {"cc-0001", "tw-77"} and "denies" in pair["reason"]
    page = client.get("/story", params={"q": "Velmar"}).text
    pairs = page[page.index('class="contradictions"') : page.index("<h2>Claims</h2>")]
    assert "Coast Courier" in pairs and "Tidewire" in pairs and "id cc-0001" in pairs and "denies" in pairs
    assert 'class="contradicted-by"' in page[page.index("<h2>Claims</h2>") :]
    assert _row_numbers_named(page, ids) == []


def test_an_article_with_no_name_falls_back_to_its_row_number(client, db):
    ids = _rows(db)
    page = client.get("/story", params={"q": "lynx"}).text
    assert f"article {ids[None]}" in _text(page)  # no publisher, title or input id: all there is

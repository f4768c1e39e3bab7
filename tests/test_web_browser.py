"""The web app in a real Chromium (Debian's `chromium` package driven by
Playwright for Python; Playwright's own browser download is not used).
Skips with the reason when either is missing. WEB_SCREENSHOT=PATH (make
screenshot) also saves the article view there, for the README."""

from __future__ import annotations

import shutil
import threading
import time
from contextlib import contextmanager

import pytest

pytest.importorskip("fastapi", reason="the web app needs fastapi (pip install -e .)")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (Python) is not installed (the dev extra)")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytest.skip("no chromium on PATH (apt-get install chromium; .ci/run does)", allow_module_level=True)

from claimgraph.config import Settings  # noqa: E402
from claimgraph.store import open_store  # noqa: E402
from claimgraph.web.app import create_app  # noqa: E402
from test_web_api import KEY, build  # noqa: E402
from test_web_contradictions import named_ledger  # noqa: E402

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def _serving(app):
    """The app on a free loopback port, in a thread: yields its base URL."""
    import socket

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def server(tmp_path_factory, analyzer):
    db = build(str(tmp_path_factory.mktemp("webb") / "web.sqlite"), analyzer)
    with _serving(create_app(open_store(db), settings=Settings(api_keys=(KEY,)), analyzer=analyzer)) as url:
        yield url


@pytest.fixture(scope="module")
def named_server(tmp_path_factory):
    """A ledger with a denial across outlets (test_web_contradictions)."""
    db = named_ledger(str(tmp_path_factory.mktemp("webn") / "named.sqlite"))
    with _serving(create_app(open_store(db))) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    # one Playwright per module: its sync API cannot be started twice at once
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _new_page(browser):
    pg = browser.new_context(viewport={"width": 1360, "height": 900}).new_page()
    pg.errors, pg.violations = [], []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("console", lambda m: pg.violations.append(m.text) if "Content Security Policy" in m.text else None)
    return pg


@pytest.fixture(scope="module")
def page(browser, server):
    return _new_page(browser)


@pytest.fixture(scope="module")
def named_page(browser, named_server):
    return _new_page(browser)


def test_search_click_a_claim_and_see_its_card(page, server, tmp_path):
    page.goto(f"{server}/")
    page.fill("header input[name=q]", "Dunmore")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?q=Dunmore")
    assert page.locator("li.claim").count() >= 2
    assert page.locator(".facets").inner_text().count("denied") >= 1
    page.screenshot(path=str(tmp_path / "search.png"), full_page=True)
    page.locator("li.claim a.content", has_text="storm").first.click()
    page.wait_for_selector("article.text")
    mark = page.locator("a.mark.m-source").first
    mark.click()
    card = page.locator(".card.shown")
    assert card.count() == 1 and card.is_visible()
    assert "Status" in card.inner_text() and "Pattern" in card.inner_text()
    assert page.locator("a.mark.active").count() >= 2  # source, cue and content of the claim
    assert page.locator("h2.heading").count() == 1
    page.screenshot(path=str(tmp_path / "article.png"), full_page=True)
    import os

    if os.environ.get("WEB_SCREENSHOT"):  # the README's image (make screenshot)
        page.screenshot(path=os.environ["WEB_SCREENSHOT"])
    assert not page.errors and not page.violations


def test_story_check_map_sources_and_ingest_pages(page, server, tmp_path):
    page.goto(f"{server}/story?q=Dunmore")
    assert page.locator("table.board tbody tr").count() >= 2
    page.screenshot(path=str(tmp_path / "story.png"), full_page=True)
    page.goto(f"{server}/check")
    page.fill("textarea[name=claim]", "the floodgates at the Dunmore reservoir failed")
    page.click("form.check button")
    page.wait_for_url("**/check?claim=*")
    # the evidence sits in whichever column its stance is (the fallback search has one column)
    columns = page.locator(".stance").all_inner_texts()
    assert columns and any("floodgates" in text for text in columns)
    page.screenshot(path=str(tmp_path / "check.png"), full_page=True)
    page.goto(f"{server}/search?q=Dunmore")  # an entity from a search result's article
    page.locator("li.claim a.content", has_text="storm").first.click()
    page.wait_for_selector("article.text")
    page.locator("a[href^='/entities/']:visible", has_text="Dunmore").first.click()
    page.wait_for_url("**/entities/*")
    assert "Dunmore" in page.locator("h1").inner_text()
    assert page.locator("ol.claims li").count() >= 1
    page.screenshot(path=str(tmp_path / "entity.png"), full_page=True)
    page.goto(f"{server}/map")
    page.wait_for_selector("#map svg path.land", timeout=10_000)
    assert page.locator("#map .marker").count() >= 1
    page.locator("#map .marker").first.click(force=True)
    assert page.locator("#map-info li").count() >= 1
    page.screenshot(path=str(tmp_path / "map.png"), full_page=True)
    page.goto(f"{server}/sources")
    assert "Valley Courier" in page.locator("table.board").first.inner_text()
    page.goto(f"{server}/ingest")
    page.fill("textarea[name=text]", "Harbour officials said the ferry to Islay was cancelled on Sunday.")
    page.fill("input[name=api_key]", KEY)
    page.click("form.ingest button")
    page.wait_for_url("**/articles/*", timeout=30_000)
    assert "Islay" in page.locator("article.text").inner_text()
    assert not page.errors and not page.violations


def test_hostile_article_runs_nothing(page, server):
    page.goto(f"{server}/search?q=Tarn")
    page.locator("li.claim a.content").first.click()
    page.wait_for_selector("article.text")
    for mark in page.locator("a.mark").all()[:6]:
        mark.click()
    page.hover("article.text")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("article.text script, article.text img, a[href^='javascript:']").count() == 0
    assert "<script>" in page.locator("article.text").inner_text()  # shown as text
    assert not page.errors


def test_a_contradicted_claim_shows_what_contradicts_it_and_leads_there(named_page, named_server, tmp_path):
    page = named_page
    page.goto(f"{named_server}/search?q=Velmar")
    said = page.locator("li.claim").filter(has=page.locator(".meta .pub", has_text="Coast Courier"))
    against = said.locator(".contradicted-by")
    assert against.is_visible()
    text = against.inner_text()
    assert "The shipping company" in text and "Tidewire" in text and "Company denies grounding" in text
    assert "denies" in text  # the reason
    page.screenshot(path=str(tmp_path / "contradicted.png"), full_page=True)
    against.locator("a[href*='#claim-']").first.click()  # the contradicting claim, in its article
    page.wait_for_selector("article.text")
    assert "Company denies grounding" in page.locator("h1").inner_text()
    card = page.locator(".card.shown")
    assert card.count() == 1 and "contradicted by" in card.inner_text().lower() and "Coast Courier" in card.inner_text()
    page.screenshot(path=str(tmp_path / "contradicted-card.png"), full_page=True)
    assert not page.errors and not page.violations

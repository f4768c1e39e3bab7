"""URLs, feeds, WARC and watch, against a local HTTP server on 127.0.0.1 only."""

from __future__ import annotations

import gzip
import io
import threading
import time
from http.server import ThreadingHTTPServer
from typing import ClassVar

import pytest

from claimgraph import ledger
from claimgraph.analyse import Analyzer
from claimgraph.errors import InputError
from claimgraph.ingest.fetch import Fetcher
from claimgraph.store import open_store
from loopback import QuietHandler

ARTICLE = b"""<html lang="en"><head><title>Port closed</title>
<meta property="article:published_time" content="2024-12-08"></head><body><article>
<p>Officials in Tartus said the port was closed on Sunday after a night of heavy shelling nearby.</p>
<p>The harbour master said ships were told to wait offshore until the inspections were complete.</p>
</article></body></html>"""
FULL = " ".join(["The minister said the new bridge would open in the spring after years of delay."] * 8)
FEED = f"""<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Local Wire</title><link>http://127.0.0.1/</link><description>x</description>
<item><title>Port</title><link>{{base}}/article</link><description>Teaser only.</description>
<pubDate>Sun, 08 Dec 2024 10:00:00 GMT</pubDate></item>
<item><title>Bridge</title><link>{{base}}/bridge</link><pubDate>Mon, 09 Dec 2024 10:00:00 GMT</pubDate>
<content:encoded><![CDATA[<p>{FULL}</p>]]></content:encoded></item>
</channel></rss>"""


class Handler(QuietHandler):
    hits: ClassVar[list[tuple[str, str | None]]] = []
    flaky: ClassVar[dict[str, int]] = {"n": 0}

    def do_GET(self):
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        Handler.hits.append((self.path, self.headers.get("If-None-Match")))
        routes = {
            "/robots.txt": lambda: self.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain"),
            "/article": lambda: self.send(200, ARTICLE),
            "/private/page": lambda: self.send(200, ARTICLE),
            "/image": lambda: self.send(200, b"\x89PNG....", "image/png"),
            "/big": lambda: self.send(200, b"<html><body>" + b"word " * 5000 + b"</body></html>"),
            "/to-private": lambda: self.send(302, headers=[("Location", "http://10.0.0.1/secret")]),
            "/to-article": lambda: self.send(301, headers=[("Location", "/article")]),
            "/badfeed.xml": lambda: self.send(200, b"<?xml version='1.0'?><rss><channel><item>", "application/rss+xml"),
        }
        if self.path == "/feed.xml":
            if self.headers.get("If-None-Match") == '"v1"':
                return self.send(304)
            return self.send(200, FEED.replace("{base}", base).encode(), "application/rss+xml", [("ETag", '"v1"')])
        if self.path == "/slow":
            time.sleep(1.5)
            return self.send(200, ARTICLE)
        if self.path == "/flaky":
            self.flaky["n"] += 1
            return self.send(503) if self.flaky["n"] == 1 else self.send(200, ARTICLE.replace(b"Sunday", b"Friday"))
        if self.path in routes:
            return routes[self.path]()
        self.send(404, b"not found")


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer().load()


def fetcher(**kw):
    options = {
        "allow_private": ["127.0.0.1"],
        "delay": 0,
        "backoff": 0.01,
        "timeout": 0.5,
        "retries": 1,
        "max_bytes": 20_000,
    }
    return Fetcher(**{**options, **kw})


def test_the_private_address_guard_resolves_first_and_sends_nothing(server):
    Handler.hits.clear()
    for url in (server + "/article", server.replace("127.0.0.1", "localhost") + "/article"):
        with pytest.raises(InputError, match="private or reserved address"):
            Fetcher(delay=0).fetch(url)
    assert Handler.hits == []
    with pytest.raises(InputError, match="only http and https"):
        Fetcher().fetch("file:///etc/passwd")


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing", "HTTP 404"),
        ("/image", "not an article (content type image/png)"),
        ("/to-private", "10.0.0.1"),
        ("/private/page", "robots.txt"),
        ("/slow", "timed out"),
        ("/big", "size cap"),
        ("/badfeed.xml", "not a readable feed"),
    ],
)
def test_every_bad_url_is_a_reason_and_the_run_goes_on(tmp_path, server, analyzer, path, reason):
    with open_store(str(tmp_path / "l.sqlite")) as store:
        summary = ledger.ingest([server + path, server + "/to-article"], db=store, analyzer=analyzer, fetcher=fetcher())
    ((origin, why),) = summary.failed
    assert origin == server + path and reason in why
    assert summary.new == 1 and summary.exit_code == 3


def test_retries_with_back_off(tmp_path, server, analyzer):
    Handler.flaky["n"] = 0
    with open_store(str(tmp_path / "l.sqlite")) as store:
        summary = ledger.ingest([server + "/flaky"], db=store, analyzer=analyzer, fetcher=fetcher())
    assert summary.new == 1 and Handler.flaky["n"] == 2


def test_a_feed_is_polled_with_conditional_get_and_entries_are_not_refetched(tmp_path, server, analyzer):
    Handler.hits.clear()
    with open_store(str(tmp_path / "l.sqlite")) as store:
        rounds = list(
            ledger.watch(
                [server + "/feed.xml"], db=store, rounds=2, analyzer=analyzer, fetcher=fetcher(), sleep=lambda s: None
            )
        )
        assert [(r.new, r.duplicate, r.failed) for r in rounds] == [(2, 0, []), (0, 0, [])]
        assert ("/feed.xml", '"v1"') in Handler.hits  # the second poll was conditional
        assert [h for h in Handler.hits if h[0] == "/article"] == [("/article", None)]
        # ingesting the feed again asks conditionally, gets 304 and fetches nothing more
        Handler.hits.clear()
        again = ledger.ingest([server + "/feed.xml"], db=store, analyzer=analyzer, fetcher=fetcher())
        pages = [h for h in Handler.hits if h[0] != "/robots.txt"]
        assert (again.new, again.duplicate, pages) == (0, 0, [("/feed.xml", '"v1"')])
        titles = sorted(r["title"] for r in ledger.claims(db=store, limit=None))
    assert titles[0] == "Bridge" and "Port closed" in titles


def test_feed_entries_already_stored_are_not_fetched(tmp_path, server, analyzer):
    with open_store(str(tmp_path / "l.sqlite")) as store:
        ledger.ingest([server + "/article"], db=store, analyzer=analyzer, fetcher=fetcher())
        Handler.hits.clear()
        summary = ledger.ingest([server + "/feed.xml"], db=store, analyzer=analyzer, fetcher=fetcher())
    assert summary.new == 1  # the full-text entry; the teaser's page is stored already
    assert "/article" not in [path for path, _ in Handler.hits]


def _warc(pages: list[tuple[str, bytes]]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for url, body in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    return out.getvalue()


def test_warc_files_whole_and_truncated(tmp_path, analyzer):
    second = (
        b"<html><body><article><p>The mayor of Latakia said the new hospital wing would open in March, "
        b"two years later than planned.</p><p>Builders said the delay came from a shortage of steel.</p>"
        b"</article></body></html>"
    )
    data = _warc([("https://a.example/1", ARTICLE), ("https://b.example/2", second)])
    (tmp_path / "crawl.warc.gz").write_bytes(data)
    first_len = len(_warc([("https://a.example/1", ARTICLE)]))
    (tmp_path / "cut.warc.gz").write_bytes(data[: first_len + 200])
    assert gzip.decompress(data)  # a valid archive to start from
    with open_store(str(tmp_path / "l.sqlite")) as store:
        cut = ledger.ingest([str(tmp_path / "cut.warc.gz")], db=store, analyzer=analyzer)
        whole = ledger.ingest([str(tmp_path / "crawl.warc.gz")], db=store, analyzer=analyzer)
        stats = ledger.stats(db=store)
    assert cut.new == 1 and len(cut.failed) == 1 and "truncated" in cut.failed[0][1]
    assert (whole.new, whole.duplicate, whole.failed) == (1, 1, [])
    assert stats["articles"] == 2


def test_plain_warc_cut_short_is_reported(tmp_path, analyzer):
    plain_data = gzip.decompress(_warc([("https://a.example/1", ARTICLE), ("https://b.example/2", ARTICLE)]))
    (tmp_path / "cut.warc").write_bytes(plain_data[:-120])
    with open_store(str(tmp_path / "l.sqlite")) as store:
        cut = ledger.ingest([str(tmp_path / "cut.warc")], db=store, analyzer=analyzer)
    assert len(cut.failed) == 1 and "cut short" in cut.failed[0][1]

"""Hostile URLs and servers: bad URLs in every place a URL comes from, a fetch
deadline against a trickling server, robots.txt on redirects and 5xx,
Retry-After, IDN hosts, IPv6 forms that carry a private IPv4 address,
credentials in URLs, and canonical links that name another site.

Made-up host names resolve through a fake resolver (HOSTS); any other name
fails to resolve, and a connection to an address outside 127.0.0.0/8 fails
the test before it is opened, so nothing here reaches another machine.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import ThreadingHTTPServer
from typing import ClassVar

import pytest
import sqlalchemy as sa

from claimgraph import ledger
from claimgraph.errors import InputError
from claimgraph.ingest.fetch import Fetcher, _forbidden
from claimgraph.ingest.html import from_html
from claimgraph.store import open_store
from claimgraph.store import schema as t
from claimgraph.text.identity import canonical_url, check_url
from loopback import QuietHandler, loopback_only

IDN = "例え.テスト"  # not Latin-1: a Host header of it cannot even be encoded
PUNY = IDN.encode("idna").decode()
LONG_LABEL = "a" * 64
# the IPv6 forms that carry a private or link-local IPv4 address a gateway would reach
EMBEDDED_PRIVATE = {
    "sixtofour.test": "2002:a9fe:a9fe::",  # 6to4 of 169.254.169.254
    "sixtofour-ten.test": "2002:a00:1::1",  # 6to4 of 10.0.0.1
    "teredo.test": "2001:0:4136:e378:8000:63bf:5601:5601",  # Teredo, client 169.254.169.254
    "mapped.test": "::ffff:10.0.0.1",
    "nat64.test": "64:ff9b::a9fe:a9fe",
    "nat64-local.test": "64:ff9b:1::a00:1",  # local-use NAT64 (RFC 8215)
}
HOSTS = {
    "a.test": "127.0.0.1",
    "www.a.test": "127.0.0.1",
    "b.test": "127.0.0.1",
    "down.test": "127.0.0.1",
    "dropped.test": "127.0.0.1",
    "gone.test": "127.0.0.1",
    "locked.test": "127.0.0.1",
    "slow-dns.test": "127.0.0.1",
    PUNY: "127.0.0.1",
    **EMBEDDED_PRIVATE,
}


def page(body: str, head: str = "") -> bytes:
    return f'<html lang="en"><head>{head}</head><body><article><p>{body}</p></article></body></html>'.encode()


STORY_A = "Officials in Tartus said the port was closed on Sunday after a night of heavy shelling nearby."
STORY_B = "The harbour master in Latakia said ships were told to wait offshore until inspections ended."
STORY_IDN = "The mayor of Homs said the new hospital wing would open in March, two years late."
FULL = " ".join(["The minister said the new bridge in Aleppo would open in the spring after years of delay."] * 8)


class Handler(QuietHandler):
    """One loopback server for every made-up host: routes by (host, path)."""

    hits: ClassVar[list[tuple[str, str, str | None]]] = []  # (host header, path, user agent)
    busy: ClassVar[dict[str, int]] = {}

    def do_GET(self):
        host_header = self.headers.get("Host") or ""
        host = host_header.rsplit(":", 1)[0]
        port = self.server.server_address[1]
        Handler.hits.append((host_header, self.path, self.headers.get("User-Agent")))
        if self.path == "/robots.txt":
            if host == "down.test":
                return self.send(503, b"busy")
            if host == "dropped.test":  # the connection closes with no answer: robots.txt is unreachable
                self.close_connection = True
                return None
            if host in ("gone.test", "locked.test"):
                return self.send(404 if host == "gone.test" else 403, b"no")
            return self.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        if self.path.startswith("/busy"):
            n = Handler.busy[self.path] = Handler.busy.get(self.path, 0) + 1
            if self.path == "/busy-once" and n > 1:
                return self.send(200, page(STORY_B))
            after = {
                "/busy-once": "1",
                "/busy-long": "3600",
                "/busy-date": format_datetime(datetime.now(UTC) + timedelta(hours=2), usegmt=True),
            }[self.path]
            return self.send(429 if self.path != "/busy-long" else 503, b"slow down", headers=[("Retry-After", after)])
        routes = {
            ("a.test", "/story"): lambda: self.send(200, page(STORY_A, "<title>Port closed</title>")),
            ("b.test", "/page"): lambda: self.send(
                200,
                page(
                    STORY_B,
                    f'<link rel="canonical" href="http://a.test:{port}/story">'
                    '<meta property="og:site_name" content="B Daily">',
                ),
            ),
            ("www.a.test", "/other"): lambda: self.send(
                200, page(STORY_B, f'<link rel="canonical" href="http://a.test:{port}/other-story">')
            ),
            ("down.test", "/page"): lambda: self.send(200, page(STORY_B)),
            ("dropped.test", "/page"): lambda: self.send(200, page(STORY_B)),
            ("gone.test", "/page"): lambda: self.send(200, page(STORY_B)),
            ("locked.test", "/page"): lambda: self.send(200, page(STORY_B)),
            (PUNY, "/page"): lambda: self.send(200, page(STORY_IDN)),
            ("127.0.0.1", "/article"): lambda: self.send(200, page(STORY_A)),
            ("127.0.0.1", "/teaser-target"): lambda: self.send(200, page(STORY_B)),
            ("127.0.0.1", "/to-private"): lambda: self.send(302, headers=[("Location", "/private/page")]),
            ("127.0.0.1", "/private/page"): lambda: self.send(200, page(STORY_B)),
        }
        route = routes.get((host, self.path))
        return route() if route else self.send(404, b"not found")


@pytest.fixture(scope="module")
def server() -> Iterator[int]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture(autouse=True)
def network(monkeypatch) -> list[tuple[str, int]]:
    """Names resolve through HOSTS only (no real DNS); connections go to loopback only."""
    connected: list[tuple[str, int]] = []

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        if host == "slow-dns.test":
            time.sleep(SLOW_DNS)  # a DNS server that answers late: the system resolver takes no time-out
        try:
            address = str(ipaddress.ip_address(host))
        except ValueError:
            if host not in HOSTS:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
            address = HOSTS[host]
        if ":" in address:
            return [(socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port, 0, 0))]
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", loopback_only(connected))
    return connected


SLOW_DNS = 3.0  # seconds the fake resolver takes for slow-dns.test


def fetcher(**kw) -> Fetcher:
    options = {"allow_private": ["127.0.0.1"], "delay": 0, "backoff": 0.01, "timeout": 3, "retries": 1}
    return Fetcher(**{**options, **kw})


def _bad_urls(port: int) -> dict[str, str]:
    return {
        "port out of range": f"http://a.test:{port + 70000}/x",
        "port not a number": "http://a.test:8o/x",
        "bad IPv6 literal": "http://[::1/x",
        "bad IPv6 address": "http://[zz::1]/x",
        "64-character label": f"http://{LONG_LABEL}.test/x",
        "empty label": "http://a..test/x",
        "bad IDN": "http://xn--a\u0301.test/x",
    }


def _rows(db: str) -> list:
    with open_store(db) as store, store.engine.connect() as conn:
        return conn.execute(sa.select(t.articles.c.key, t.articles.c.url, t.articles.c.origin)).all()


# ------------------------------------------------------------- 1. bad URLs


def test_bad_urls_in_jsonl_do_not_stop_the_batch(tmp_path, analyzer, server):
    bad = _bad_urls(server)
    lines = [{"id": "good1", "text": STORY_A, "url": "https://a.test/good1"}]
    lines += [{"id": kind, "text": f"{STORY_B} Case {n}.", "url": url} for n, (kind, url) in enumerate(bad.items())]
    lines += [{"id": "good2", "text": STORY_IDN, "url": f"https://{IDN}/story"}]
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    db = str(tmp_path / "x.sqlite")
    summary = ledger.ingest([str(path)], db=db, analyzer=analyzer, batch=100)
    with open_store(db) as store, store.engine.connect() as conn:
        keys = dict(conn.execute(sa.select(t.articles.c.ext_id, t.articles.c.key)).all())
    assert keys["good1"] == "https://a.test/good1"
    assert keys["good2"] == f"https://{PUNY}/story"  # an IDN is named by its punycode form
    # each bad URL is one failure line for its line, or its article is kept without that URL as its identity
    failed = dict(summary.failed)
    for n, kind in enumerate(bad, start=2):
        if f"{path}:{n}" in failed:
            assert "\n" not in failed[f"{path}:{n}"]
        else:
            assert keys[kind].startswith("sha256:"), kind
    assert summary.stored + len(summary.failed) == len(lines)


def test_bad_links_in_a_feed_are_one_line_each(tmp_path, analyzer, server, network):
    bad = _bad_urls(server)
    base = f"http://127.0.0.1:{server}"
    items = [f"<item><title>Full</title><link>{base}/full</link><description>{FULL}</description></item>"]
    items.append(f"<item><title>Teaser</title><link>{base}/teaser-target</link><description>T.</description></item>")
    items.append(f"<item><title>IDN</title><link>http://{IDN}:{server}/page</link><description>T.</description></item>")
    for kind, url in bad.items():  # each bad link once as a teaser and once with full text
        link = url.replace("&", "&amp;")
        items.append(f"<item><title>{kind}</title><link>{link}</link><description>Teaser.</description></item>")
        items.append(
            f"<item><title>{kind} full</title><link>{link}</link><description>{FULL} {kind}.</description></item>"
        )
    feed = tmp_path / "wire.xml"
    feed.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire</title>'
        f"<link>{base}/</link><description>x</description>{''.join(items)}</channel></rss>",
        encoding="utf-8",
    )
    db = str(tmp_path / "x.sqlite")
    Handler.hits.clear()
    summary = ledger.ingest([str(feed)], db=db, analyzer=analyzer, fetcher=fetcher())
    assert summary.new == 3  # the full-text entry, the teaser's page and the IDN page
    assert len(summary.failed) == 2 * len(bad)
    assert all("\n" not in why for _, why in summary.failed)
    assert (f"{PUNY}:{server}", "/page") in [(h, p) for h, p, _ in Handler.hits]  # the IDN fetched as punycode
    assert {address for address, _ in network} <= {"127.0.0.1"}


def test_bad_urls_on_the_command_line_are_one_line_each(tmp_path, analyzer, server):
    bad = _bad_urls(server)
    good = f"http://127.0.0.1:{server}/article"
    db = str(tmp_path / "x.sqlite")
    summary = ledger.ingest([*bad.values(), good], db=db, analyzer=analyzer, fetcher=fetcher())
    assert summary.new == 1
    assert [origin for origin, _ in summary.failed] == list(bad.values())
    assert all("\n" not in why and "Traceback" not in why for _, why in summary.failed)


@pytest.mark.parametrize("kind", list(_bad_urls(8000)))
def test_check_url_refuses_with_one_line_and_canonical_url_never_raises(kind):
    url = _bad_urls(8000)[kind]
    with pytest.raises(InputError) as caught:
        check_url(url)
    assert "\n" not in str(caught.value)
    assert canonical_url(url) is None  # no identity from a URL that names nothing


def test_check_url_normalises_what_it_accepts():
    assert check_url(f"HTTP://reader:secret@{IDN.upper()}:8080/a b/é?q=ü#frag") == (
        f"http://{PUNY}:8080/a%20b/%C3%A9?q=%C3%BC"
    )
    assert check_url("/story?id=1", base="https://a.test/feed.xml") == "https://a.test/story?id=1"
    assert check_url("http://[::1]:8080/x") == "http://[::1]:8080/x"
    with pytest.raises(InputError, match="only http and https"):
        check_url("file:///etc/passwd")
    with pytest.raises(InputError) as caught:
        check_url("http://reader:secret@a.test:99999/x")
    assert "secret" not in str(caught.value) and "reader" not in str(caught.value)


# ------------------------------------------------------------- 8. deadline


class Trickle(socketserver.BaseRequestHandler):
    """Answers robots.txt at once, else trickles its answer a byte every 0.1 s (30 bytes at most)."""

    def handle(self):
        self.request.settimeout(5)
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = self.request.recv(4096)
            if not chunk:
                return
            data += chunk
        path = data.split(b" ", 2)[1]
        if path == b"/robots.txt":
            self.request.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n"
        slow = head if path == b"/slow-headers" else b"<html><body><p>" + b"word " * 100
        if path != b"/slow-headers":
            self.request.sendall(head)
        try:
            for i in range(min(30, len(slow))):
                self.request.sendall(slow[i : i + 1])
                time.sleep(0.1)
        except OSError:
            return  # the client gave up


@pytest.fixture(scope="module")
def trickle() -> Iterator[int]:
    srv = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Trickle)
    srv.daemon_threads = True
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv.server_address[1]
    srv.shutdown()
    srv.server_close()
    thread.join(5)


@pytest.mark.parametrize("path", ["/slow-headers", "/slow-body"])
def test_the_time_out_is_a_deadline_for_the_whole_fetch(trickle, path):
    start = time.monotonic()
    with pytest.raises(InputError, match="timed out") as caught:
        fetcher(timeout=1.0, retries=2).fetch(f"http://127.0.0.1:{trickle}{path}")
    assert time.monotonic() - start < 2.0
    assert "\n" not in str(caught.value)


def test_the_deadline_defaults_to_15_seconds():
    assert Fetcher().timeout == 15.0


# ------------------------------------------------------------- 20. robots, Retry-After, IDN, addresses, credentials


def test_a_redirect_into_a_path_robots_txt_disallows_is_refused(server):
    Handler.hits.clear()
    with pytest.raises(InputError, match=r"robots\.txt") as caught:
        fetcher().fetch(f"http://127.0.0.1:{server}/to-private")
    assert "/private/page" in str(caught.value)
    assert "/private/page" not in [p for _, p, _ in Handler.hits]


def test_a_robots_txt_that_answers_5xx_disallows_everything(server):
    Handler.hits.clear()
    with pytest.raises(InputError) as caught:
        fetcher().fetch(f"http://down.test:{server}/page")
    assert "robots.txt" in str(caught.value) and "503" in str(caught.value)
    assert [p for _, p, _ in Handler.hits] == ["/robots.txt"]


def test_retry_after_is_honoured_once_within_the_cap(server):
    Handler.busy.clear()
    start = time.monotonic()
    resp = fetcher(max_retry_after=5).fetch(f"http://127.0.0.1:{server}/busy-once")
    assert resp.status == 200 and Handler.busy["/busy-once"] == 2
    assert time.monotonic() - start >= 0.9  # it waited the second the server asked for


@pytest.mark.parametrize("path", ["/busy-long", "/busy-date"])
def test_a_retry_after_over_the_cap_is_refused_with_when_to_retry(server, path):
    Handler.busy.clear()
    start = time.monotonic()
    with pytest.raises(InputError, match="retry after") as caught:
        fetcher(max_retry_after=5, retries=3).fetch(f"http://127.0.0.1:{server}{path}")
    assert time.monotonic() - start < 2.0 and Handler.busy[path] == 1
    assert "UTC" in str(caught.value)


def test_an_idn_host_is_sent_as_punycode(server):
    Handler.hits.clear()
    resp = fetcher().fetch(f"http://{IDN}:{server}/page")
    assert resp.status == 200 and resp.url == f"http://{PUNY}:{server}/page"
    assert {h for h, _, _ in Handler.hits} == {f"{PUNY}:{server}"}


@pytest.mark.parametrize("host", list(EMBEDDED_PRIVATE))
def test_ipv6_forms_that_carry_a_private_ipv4_address_are_refused(host, network):
    with pytest.raises(InputError, match="private or reserved address"):
        Fetcher(delay=0).fetch(f"http://{host}/latest/meta-data/")
    assert network == []


def test_public_addresses_inside_ipv6_forms_stay_allowed():
    # (6to4 and NAT64 of public addresses: some Python versions' own tables refuse them, so not asserted)
    for address in ("2606:4700::1111", "::ffff:8.8.8.8", "2001:4860:4860::8888"):
        assert not _forbidden(ipaddress.ip_address(address)), address


def test_credentials_in_urls_are_never_stored_or_printed(tmp_path, analyzer, server):
    good = f"http://reader:secret@127.0.0.1:{server}/article"
    missing = f"http://reader:secret@127.0.0.1:{server}/missing"
    db = str(tmp_path / "x.sqlite")
    summary = ledger.ingest([good, missing], db=db, analyzer=analyzer, fetcher=fetcher())
    assert summary.new == 1 and len(summary.failed) == 1
    assert "secret" not in repr(summary.failed) and "reader" not in repr(summary.failed)
    assert "secret" not in repr(_rows(db))
    article, _ = from_html(
        page(STORY_A, '<link rel="canonical" href="https://reader:secret@a.test/story">'), "p", "https://a.test/p"
    )
    assert article.url == "https://a.test/story"


# ------------------------------------------------------------- 4. canonical links


def test_a_page_cannot_take_over_another_sites_article_by_its_canonical_link(tmp_path, analyzer, server):
    db = str(tmp_path / "x.sqlite")
    first = ledger.ingest([f"http://a.test:{server}/story"], db=db, analyzer=analyzer, fetcher=fetcher())
    second = ledger.ingest([f"http://b.test:{server}/page"], db=db, analyzer=analyzer, fetcher=fetcher())
    assert (first.new, second.new, second.updated, second.failed) == (1, 1, 0, [])
    keys = sorted(row.key for row in _rows(db))
    assert keys == [f"http://a.test:{server}/story", f"http://b.test:{server}/page"]
    assert [r["url"] for r in ledger.search("Tartus", db=db)] == [f"http://a.test:{server}/story"]


def test_a_canonical_link_on_the_pages_own_site_is_kept(tmp_path, analyzer, server):
    db = str(tmp_path / "x.sqlite")
    summary = ledger.ingest([f"http://www.a.test:{server}/other"], db=db, analyzer=analyzer, fetcher=fetcher())
    assert summary.new == 1
    assert [row.key for row in _rows(db)] == [f"http://a.test:{server}/other-story"]


@pytest.mark.parametrize(
    ("url", "head", "expected"),
    [
        # a page of its own: the canonical link counts on its own site only
        ("https://b.test/p", '<link rel="canonical" href="https://a.test/s">', "https://b.test/p"),
        ("https://www.a.test/p", '<link rel="canonical" href="https://a.test/s">', "https://a.test/s"),
        ("https://a.test/p", '<meta property="og:url" content="https://evil.test/s">', "https://a.test/p"),
        ("https://a.test/p", '<link rel="canonical" href="https://a.test:99999/s">', "https://a.test/p"),
        # no URL of its own (a saved file): only when the publisher the page names is that site
        (
            None,
            '<link rel="canonical" href="https://news.example.co.uk/s">'
            '<meta property="og:site_name" content="Example">',
            "https://news.example.co.uk/s",
        ),
        (
            None,
            '<link rel="canonical" href="https://www.example.org/s">'
            '<meta property="og:site_name" content="Example News">',
            "https://www.example.org/s",
        ),
        (None, '<link rel="canonical" href="https://www.example.org/s">', None),
        (
            None,
            '<link rel="canonical" href="https://example.org/s"><meta property="og:site_name" content="Other Times">',
            None,
        ),
    ],
)
def test_which_canonical_links_are_trusted(url, head, expected):
    article, _ = from_html(page(STORY_A, head), "page.html", url)
    assert article.url == expected


# ------------------------------------------------------------- DNS, robots.txt unreachable, feed size


def test_resolving_the_host_is_bounded_by_the_fetch_deadline(server, network):
    start = time.monotonic()
    with pytest.raises(InputError, match=r"timed out resolving slow-dns\.test") as caught:
        fetcher(timeout=1.0, retries=2).fetch(f"http://slow-dns.test:{server}/page")
    assert time.monotonic() - start < SLOW_DNS - 1  # the deadline, not the resolver, ended it
    assert str(caught.value).startswith(f"http://slow-dns.test:{server}/page: ")  # the page, not its robots.txt
    assert network == []  # nothing was connected to


def test_an_unreachable_robots_txt_means_fetch_nothing(server):
    # RFC 9309 2.3.1.4: robots.txt unreachable (here: the connection closes with no answer) is complete disallow
    Handler.hits.clear()
    f = fetcher()
    with pytest.raises(InputError, match=r"robots\.txt unreachable") as caught:
        f.fetch(f"http://dropped.test:{server}/page")
    assert "\n" not in str(caught.value) and str(caught.value).startswith(f"http://dropped.test:{server}/page: ")
    assert [p for _, p, _ in Handler.hits] == ["/robots.txt"]  # the page was never asked for
    with pytest.raises(InputError, match="unreachable"):  # kept a while: not asked again at every page
        f.fetch(f"http://dropped.test:{server}/other")
    assert [p for _, p, _ in Handler.hits] == ["/robots.txt"]
    assert not f.robots_allow(f"http://dropped.test:{server}/page")


@pytest.mark.parametrize("host", ["gone.test", "locked.test"])
def test_a_robots_txt_that_answers_4xx_allows_everything(server, host):
    Handler.hits.clear()
    assert fetcher().fetch(f"http://{host}:{server}/page").status == 200
    assert [p for _, p, _ in Handler.hits] == ["/robots.txt", "/page"]


def test_a_feed_over_the_size_cap_is_one_failure_line(tmp_path):
    from claimgraph.ingest.feeds import from_feed_bytes
    from claimgraph.ingest.fetch import MAX_BYTES
    from claimgraph.ingest.items import Options
    from claimgraph.ingest.sources import expand

    entries = "".join(f"<item><title>{n}</title><description>{FULL} {n}</description></item>" for n in range(40))
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>{entries}</channel></rss>'.encode()
    (tmp_path / "big.xml").write_bytes(feed)
    assert Options().max_feed_bytes == MAX_BYTES  # the cap on fetched bodies, feeds from files too
    items = list(expand([str(tmp_path / "big.xml")], Options(max_feed_bytes=len(feed) - 1, languages=())))
    assert [i.error for i in items] == [f"{tmp_path / 'big.xml'}: feed over the size cap of {len(feed) - 1:,} bytes"]
    assert len(list(expand([str(tmp_path / "big.xml")], Options(max_feed_bytes=len(feed))))) == 40
    (item,) = from_feed_bytes(feed, "<stdin>", Options(max_feed_bytes=1000))  # standard input, a sniffed feed
    assert item.error == "<stdin>: feed over the size cap of 1,000 bytes"

"""Property-based fuzzing of the parts that read untrusted input: the analyser,
the HTML / feed / WARC readers and the search query parser. None may raise
anything but a `ClaimgraphError` (the one-line errors); every span of an
analysis must be the text at its offsets. `make fuzz` runs them longer."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from claimgraph import Article
from claimgraph.errors import ClaimgraphError
from claimgraph.ingest.items import Options
from claimgraph.ingest.parse import from_bytes
from claimgraph.ingest.warc import from_warc
from claimgraph.model import Span
from claimgraph.store import open_store
from claimgraph.store.search import parse, search
from claimgraph.store.testing import make_analysis
from claimgraph.store.write import Record, add_records
from fuzz_settings import FUZZ

WORDS = [
    "Officials", "said", "the", "port", "was", "closed", "Russian", "drones", "struck", "Belgorod", "denied",
    "according", "to", "Reuters", "may", "have", "not", "on", "Monday", "2024", "police", "\u201c", "\u201d", '"',
    ",", ".", "?", "!", "\n", "\n\n", "-", "Kyiv", "Gaza", "Mr.", "U.S.", "\u00e9t\u00e9", "\u041a\u0438\u0435\u0432",
    "\u202e", "\u200b", "\ufeff", "\U0001f600", "(", ")", "'s", "told", "claimed", "reportedly", "Dr", "#", "&amp;",
]  # fmt: skip
texty = st.one_of(
    st.lists(st.sampled_from(WORDS), max_size=60).map(" ".join),
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200),
)
TAGS = ["<p>", "</p>", "<article>", "</article>", "<h1>", "</h1>", "<title>", "</title>", "<script>", "<br>",
        "<meta charset='koi8-r'>", "<html>", "<body>", "<!--", "-->", "<![CDATA[", "]]>", "<div", ">", "&#0;",
        "<meta property='article:published_time' content='2024-13-45'>",
        "<link rel='canonical' href='x:'>"]  # fmt: skip
FEED = ["<?xml version='1.0'?>", "<rss version='2.0'>", "<channel>", "<item>", "</item>", "<title>", "</title>",
        "<link>https://x.example/a</link>", "<description>", "</description>", "<pubDate>Mon, 99 Dec</pubDate>",
        "<feed xmlns='http://www.w3.org/2005/Atom'>", "<entry>", "<content type='html'>", "</content>"]  # fmt: skip


def markup(parts: list[str]):
    piece = st.one_of(st.sampled_from(parts), texty)
    return st.one_of(
        st.lists(piece, max_size=40).map(lambda xs: "".join(xs).encode("utf-8", "surrogatepass")),
        st.binary(max_size=400),
    )


def spans(node: object) -> list[Span]:
    """Every span inside an analysis, however deep."""
    if isinstance(node, Span):
        return [node, *(s for v in node.__dict__.values() for s in spans(v))]
    if isinstance(node, BaseModel):
        return [s for v in node.__dict__.values() for s in spans(v)]
    if isinstance(node, list | tuple):
        return [s for v in node for s in spans(v)]
    return []


@FUZZ
@given(text=texty)
def test_analysis_raises_only_claimgraph_errors_and_its_spans_match_the_text(analyzer, text):
    try:
        analysis = analyzer.analyze(Article(text=text))
    except ClaimgraphError:
        return
    for span in spans(analysis):
        assert analysis.text[span.start : span.end] == span.text, span


@FUZZ
@given(data=st.one_of(markup(TAGS), markup(FEED)), suffix=st.sampled_from([".html", ".xml", ".htm", ".rss"]))
def test_html_and_feed_readers_raise_only_claimgraph_errors(data, suffix):
    for item in from_bytes(data, "fuzz" + suffix, Options(), suffix=suffix):
        assert item.error is None or isinstance(item.error, str)


RECORD = st.tuples(
    st.sampled_from(["response", "request", "resource", "metadata"]),
    st.sampled_from(["200 OK", "301 Moved", "404 Not Found", "200"]),
    st.sampled_from(["text/html", "text/html; charset=utf-8", "text/html; charset=bogus", "image/png", ""]),
    markup(TAGS),
)


def warc_bytes(records: list[tuple[str, str, str, bytes]], gz: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)
    for i, (kind, status, ctype, body) in enumerate(records):
        headers = StatusAndHeaders(status, [("Content-Type", ctype)] if ctype else [], protocol="HTTP/1.1")
        url = f"https://w.example/{i}"
        fixed = {"WARC-Date": "2025-01-02T03:04:05Z", "WARC-Record-ID": f"<urn:uuid:00000000-0000-0000-0000-{i:012d}>"}
        # fixed date and id: the same example makes the same bytes, so a failure replays
        rec = writer.create_warc_record(
            url, kind, payload=io.BytesIO(body), http_headers=headers, warc_headers_dict=fixed
        )
        writer.write_record(rec)
    return out.getvalue()


@FUZZ
@given(
    records=st.lists(RECORD, max_size=4),
    gz=st.booleans(),
    cut=st.one_of(st.none(), st.integers(min_value=0)),
    flip=st.one_of(st.none(), st.tuples(st.integers(min_value=0), st.integers(0, 255))),
)
def test_warc_reader_raises_only_claimgraph_errors(tmp_path_factory, records, gz, cut, flip):
    data = bytearray(warc_bytes(records, gz))
    if flip is not None and data:
        data[flip[0] % len(data)] = flip[1]  # a damaged byte anywhere
    if cut is not None and data:
        data = data[: cut % len(data)]  # a file cut short
    path = Path(tmp_path_factory.mktemp("warc")) / ("f.warc.gz" if gz else "f.warc")
    path.write_bytes(bytes(data))
    for item in from_warc(path, Options()):
        assert item.error is None or isinstance(item.error, str)


QUERY = ["source:", "status:", "from:", "to:", "place:", "entity:", '"', "-", "*", "^", "OR", "AND", "NEAR",
         "2024-13", "2024", "denied", "(", ")", ":", "http://x", "\x00", "\r", "\u202e", "'", "\\"]  # fmt: skip
queries = st.one_of(
    st.lists(st.one_of(st.sampled_from(QUERY), st.sampled_from(WORDS)), max_size=12).map("".join),
    st.lists(st.one_of(st.sampled_from(QUERY), st.sampled_from(WORDS)), max_size=12).map(" ".join),
    st.text(max_size=80),
)


@pytest.fixture(scope="module")
def ledger_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("q") / "q.sqlite"
    with open_store(str(path)) as store:
        a = make_analysis("Officials said the port was closed.", [("Officials", "said", "the port was closed")])
        with store.engine.begin() as conn:
            add_records(conn, [Record(a, "t")])
        yield store


@FUZZ
@given(text=queries)
def test_query_parser_and_search_raise_only_claimgraph_errors(ledger_store, text):
    try:
        q = parse(text)
    except ClaimgraphError:
        return
    with contextlib.suppress(ClaimgraphError):
        search(ledger_store, q)  # the parsed query must also be one the back end answers


def test_a_warc_cut_inside_its_first_header_is_an_error_line(tmp_path):
    # warcio reads a header without WARC-Target-URI and calls None.startswith
    path = tmp_path / "cut.warc"
    path.write_bytes(b"WARC/1.0\r\nWARC-Type: response")
    assert [item.error for item in from_warc(path, Options())][-1]

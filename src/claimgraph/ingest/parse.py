"""Bytes of a known or sniffed kind (HTML, a feed, plain text) to items."""

from __future__ import annotations

from collections.abc import Iterator

from claimgraph.errors import ClaimgraphError, InputError, shown_name
from claimgraph.ingest.decode import decode_bytes
from claimgraph.ingest.feeds import from_feed_bytes
from claimgraph.ingest.html import from_html, looks_html
from claimgraph.ingest.items import FEED_SUFFIXES, HTML_SUFFIXES, TEXT_SUFFIXES, Item, Options
from claimgraph.model import Article


def from_bytes(
    data: bytes, where: str, options: Options, suffix: str = "", url: str | None = None, content_type: str = ""
) -> Iterator[Item]:
    """Bytes of a known or sniffed kind: HTML, a feed, or plain text."""
    try:
        xml_type = "xml" in content_type and "html" not in content_type
        if suffix in FEED_SUFFIXES or xml_type or (not suffix and not content_type and looks_feed(data)):
            yield from from_feed_bytes(data, where, options)
            return
        if suffix in HTML_SUFFIXES or "html" in content_type or (suffix not in TEXT_SUFFIXES and looks_html(data)):
            yield html_item(data, where, options, url)
            return
        yield Item(where, article=Article(text=decode_bytes(data, where), id=where, url=url))
    except ClaimgraphError as exc:
        yield Item(where, error=str(exc))


def html_item(data: bytes, where: str, options: Options, url: str | None = None) -> Item:
    """One page's article. A page over `options.max_html_bytes` is refused
    before it is parsed: a 30 MB page took trafilatura 49 s and 1.3 GB only to
    give a text over --max-chars."""
    if len(data) > options.max_html_bytes:
        raise InputError(
            f"{shown_name(where)}: {len(data):,} bytes of HTML is over the limit of {options.max_html_bytes:,}"
        )
    article, meta = from_html(data, where, url)
    return Item(where, article=article, meta=meta)


def looks_feed(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith(b"<?xml") and (b"<rss" in data[:4096].lower() or b"<feed" in data[:4096].lower())

"""Bytes of a known or sniffed kind (HTML, a feed, plain text) to items."""

from __future__ import annotations

from collections.abc import Iterator

from claimgraph.errors import ClaimgraphError, InputError
from claimgraph.ingest.articles import check_text
from claimgraph.ingest.decode import decode_bytes, looks_binary
from claimgraph.ingest.feeds import from_feed_bytes
from claimgraph.ingest.html import from_html, looks_html
from claimgraph.ingest.items import FEED_SUFFIXES, HTML_SUFFIXES, TEXT_SUFFIXES, Item, Options, with_defaults
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
            article, meta = from_html(data, where, url)
            yield Item(where, article=with_defaults(article, options, where), meta=meta)
            return
        if looks_binary(data):
            raise InputError(f"{where}: binary data, not text")
        text = check_text(decode_bytes(data, where), where, options.max_chars)
        yield Item(where, article=Article(text=text, id=where, published=options.published, url=url))
    except ClaimgraphError as exc:
        yield Item(where, error=str(exc))


def looks_feed(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith(b"<?xml") and (b"<rss" in data[:4096].lower() or b"<feed" in data[:4096].lower())

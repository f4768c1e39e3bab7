"""Articles and feeds from URLs."""

from __future__ import annotations

from collections.abc import Iterator

from claimgraph.errors import ClaimgraphError
from claimgraph.ingest.items import Item, Options
from claimgraph.ingest.parse import from_bytes
from claimgraph.text.identity import check_url, shown

FEED_TYPES = ("rss", "atom", "xml")
PAGE_TYPES = ("html", "text/plain")


def from_url(url: str, options: Options) -> Iterator[Item]:
    """A page becomes one article; a feed becomes its entries. A feed that has
    not changed since the last poll (304 to a conditional GET) yields nothing.
    A URL that names nothing is one failure, named without its credentials."""
    try:
        url = check_url(url)
    except ClaimgraphError as exc:
        yield Item(shown(url), error=str(exc))
        return
    fetcher = options.get_fetcher()
    state = options.feed_state
    etag, modified = state.get(url) if state is not None else (None, None)
    try:
        resp = fetcher.fetch(url, etag, modified)
    except ClaimgraphError as exc:
        yield Item(url, error=str(exc))
        return
    if resp.status == 304:
        return
    if resp.status >= 400:
        yield Item(url, error=f"{url}: HTTP {resp.status}")
        return
    ctype = resp.content_type.split(";")[0].strip()
    if any(k in ctype for k in FEED_TYPES) and "html" not in ctype:
        if state is not None and (resp.etag or resp.last_modified):
            state.put(url, resp.etag, resp.last_modified)
        yield from from_bytes(resp.body, url, options, suffix=".xml", url=resp.url, content_type=ctype)
        return
    if ctype and not any(k in ctype for k in PAGE_TYPES):
        yield Item(url, error=f"{url}: not an article (content type {ctype})")
        return
    yield from from_bytes(resp.body, url, options, url=resp.url, content_type=ctype)

"""RSS and Atom feeds with feedparser: each entry becomes an article, from
the entry's own full text when it carries one, else from its link (an
item to follow, which `sources` fetches). A link that names nothing fails
its entry alone, with one line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from claimgraph.errors import InputError
from claimgraph.ingest.items import Item, Options
from claimgraph.model import Article
from claimgraph.text.identity import check_url, shown

FULL_TEXT_WORDS = 80  # an entry with fewer words is a teaser: fetch the page
_TAG = re.compile(r"<[^>]+>")


def from_feed_bytes(data: bytes, where: str, options: Options) -> Iterator[Item]:
    """A feed's entries; a feed over `options.max_feed_bytes` is one failure,
    unparsed (feedparser holds the whole tree: about 10 times the bytes)."""
    import feedparser

    if len(data) > options.max_feed_bytes:
        yield Item(where, error=f"{where}: feed over the size cap of {options.max_feed_bytes:,} bytes")
        return
    feed = feedparser.parse(data)
    usable = [e for e in feed.entries if e.get("link") or _entry_text(e)]
    # a slightly broken feed (bozo) that still has entries is read; one with none is a failure
    if feed.bozo and not usable:
        reason = getattr(feed.get("bozo_exception"), "getMessage", lambda: str(feed.get("bozo_exception")))()
        yield Item(where, error=f"{where}: not a readable feed ({reason})")
        return
    publisher = feed.feed.get("title")
    # relative links are the feed's own: joined onto its URL, or the channel's link for a file
    base = where if where.startswith(("http://", "https://")) else feed.feed.get("link")
    for n, entry in enumerate(usable, start=1):
        link = entry.get("link")
        if link:
            try:
                link = check_url(link, base)
            except InputError as exc:
                yield Item(shown(link), error=f"{where}: entry {n} has a bad link, {exc}")
                continue
        origin = link or f"{where}#entry{n}"
        text = _entry_text(entry)
        if len(text.split()) >= FULL_TEXT_WORDS:
            yield Item(
                origin,
                article=Article(
                    text=text,
                    id=entry.get("id"),
                    published=_date(entry),
                    title=entry.get("title"),
                    url=link,
                    publisher=publisher,
                ),
                meta={"author": entry.get("author")},
            )
        elif link:
            if options.is_known is not None and options.is_known(link):
                continue  # stored on an earlier poll: no need to fetch it again
            yield Item(link, follow=link, published=_date(entry))
        else:
            yield Item(origin, error=f"{origin}: feed entry has neither full text nor a link")


def _entry_text(entry) -> str:
    for part in entry.get("content") or []:
        if part.get("value"):
            return _plain(part["value"])
    return _plain(entry.get("summary") or "")


def _plain(html: str) -> str:
    if "<" not in html:
        return html.strip()
    from lxml import html as lxml_html

    try:
        root = lxml_html.fromstring(html)
    except Exception:
        return _TAG.sub(" ", html).strip()
    blocks = [el.text_content().strip() for el in root.iter("p", "h1", "h2", "h3", "li", "blockquote")]
    text = "\n\n".join(b for b in blocks if b)
    return text or root.text_content().strip()


def _date(entry) -> date | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday) if parsed else None

"""What the readers yield: `Item`s (an article, an analysis already made, a
link still to fetch, or the reason an input failed) and the `Options` they
read with. The bottom of the ingest package: every reader imports it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from claimgraph.ingest.articles import check_text
from claimgraph.ingest.fetch import Fetcher
from claimgraph.model import Analysis, Article

TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
FEED_SUFFIXES = (".rss", ".atom", ".xml")
WARC_SUFFIXES = (".warc", ".warc.gz")
KNOWN = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES + FEED_SUFFIXES + WARC_SUFFIXES


@dataclass
class Item:
    """One input unit. Exactly one of `article`, `analysis`, `error`, `follow` is set."""

    origin: str
    article: Article | None = None
    analysis: Analysis | None = None
    error: str | None = None
    meta: dict = field(default_factory=dict)  # author, language
    # bytes of its file read once this doc was made (JSON Lines, WARC);
    # None: the whole file was read first (text, HTML, a feed) or not a file
    read_to: int | None = None
    # a link still to fetch (a feed entry that is only a teaser), fetched by
    # `sources`, the one module that may reach the web; `published` fills its date
    follow: str | None = None
    published: date | None = None


@dataclass
class Options:
    published: date | None = None
    max_chars: int = 1_000_000
    allow_private: bool = False  # URL fetching: let requests reach private addresses
    fetcher: Any = None  # a claimgraph.ingest.fetch.Fetcher, made on first use
    is_known: Callable[[str], bool] | None = None  # is this URL stored already? (skips the fetch)
    feed_state: Any = None  # get(url) -> (etag, last_modified); put(url, etag, last_modified)

    def get_fetcher(self):
        if self.fetcher is None:
            self.fetcher = Fetcher(allow_private=self.allow_private)
        return self.fetcher


Progress = Callable[[int, int], None]  # on_progress(done, total)


def with_defaults(article: Article, options: Options, where: str) -> Article:
    check_text(article.text, where, options.max_chars)
    if article.published is None and options.published is not None:
        return replace(article, published=options.published)
    return article

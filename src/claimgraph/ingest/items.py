"""What the readers yield: `Item`s (an article, an analysis already made, a
link still to fetch, or the reason an input failed) and the `Options` they
read with, and `finish`, what every item goes through on its way out of
`claimgraph.ingest.sources` (cleaning, bounds, language). The bottom of the
ingest package: every reader imports it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from claimgraph.errors import MESSAGE_CHARS, InputError, shown, shown_name
from claimgraph.ingest.articles import check_text, clean_article, clean_text
from claimgraph.ingest.fetch import Fetcher
from claimgraph.ingest.language import language_of, primary
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

    def __post_init__(self) -> None:
        # every reader's failure (html, feeds, fetch too) is one short line: its
        # name escaped and cut (`shown_name`), any control character in the rest escaped
        if self.error is not None:
            name = shown_name(self.origin)
            rest = self.error[len(self.origin) :] if self.error.startswith(self.origin) else None
            self.error = name + shown(rest, MESSAGE_CHARS) if rest is not None else shown(self.error, MESSAGE_CHARS)
            self.origin = name


@dataclass
class Options:
    published: date | None = None
    max_chars: int = 1_000_000
    allow_private: bool = False  # URL fetching: let requests reach private addresses
    fetcher: Any = None  # a claimgraph.ingest.fetch.Fetcher, made on first use
    is_known: Callable[[str], bool] | None = None  # is this URL stored already? (skips the fetch)
    feed_state: Any = None  # get(url) -> (etag, last_modified); put(url, etag, last_modified)
    # the languages the model reads (ISO 639-1): an article in another is skipped
    # with a failure line naming it; () reads every language
    languages: tuple[str, ...] = ("en",)
    max_html_bytes: int = 5_000_000  # HTML over this is refused before it is parsed (trafilatura's cost)
    # WARC: a record over this, decompressed (and its HTTP body decoded), is skipped
    warc_record_bytes: int = 10_000_000
    # WARC: a file stops once it has decompressed to more than this many times
    # its size, or `warc_file_bytes` if more (gzip of real pages is 3 to 10 to 1)
    warc_file_ratio: int = 20
    warc_file_bytes: int = 100_000_000

    def get_fetcher(self):
        if self.fetcher is None:
            self.fetcher = Fetcher(allow_private=self.allow_private)
        return self.fetcher


Progress = Callable[[int, int], None]  # on_progress(done, total)


def finish(item: Item, options: Options) -> Item:
    """An item as `sources` hands it on: its strings cleaned (`clean_text`, one
    rule for every reader); an article's text in bounds, dated by
    `options.published` when it has no date, its language in
    `meta["language"]`; an article in a language the model does not read
    becomes a failure saying so."""
    if item.error is not None or item.follow is not None:
        return item
    origin = clean_text(item.origin)
    meta = {k: clean_text(v) if isinstance(v, str) else v for k, v in item.meta.items()}
    if item.article is None:
        return replace(item, origin=origin, meta=meta)
    article = clean_article(item.article)
    try:
        check_text(article.text, origin, options.max_chars)
    except InputError as exc:
        return Item(origin, error=str(exc), read_to=item.read_to)
    if article.published is None and options.published is not None:
        article = replace(article, published=options.published)
    language = language_of(article.text, meta.get("language"))
    meta["language"] = language
    if options.languages and language and primary(language) not in options.languages:
        reads = "/".join(options.languages)
        error = f"{origin}: language {primary(language)}, the model reads {reads}; skipped"
        return Item(origin, error=error, read_to=item.read_to)
    return replace(item, origin=origin, article=article, meta=meta)

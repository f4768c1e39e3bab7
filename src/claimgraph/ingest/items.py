"""What the readers yield: `Item`s (an article, an analysis already made, a
link still to fetch, the reason an input failed, or why an article was
skipped) and the `Options` they
read with, and `finish`, what every item goes through on its way out of
`claimgraph.ingest.sources` (cleaning, bounds, language). The bottom of the
ingest package: every reader imports it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from claimgraph.errors import MESSAGE_CHARS, InputError, UsageError, shown, shown_name
from claimgraph.ingest.articles import check_text, clean_article, clean_text
from claimgraph.ingest.fetch import MAX_BYTES, Fetcher
from claimgraph.ingest.language import language_of, primary
from claimgraph.model import Analysis, Article

TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
FEED_SUFFIXES = (".rss", ".atom", ".xml")
WARC_SUFFIXES = (".warc", ".warc.gz")
KNOWN = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES + FEED_SUFFIXES + WARC_SUFFIXES
DEFAULT_LANGUAGES = ("en",)  # what the English spaCy pipelines read


@dataclass
class Item:
    """One input unit. Exactly one of `article`, `analysis`, `error`, `follow`, `skipped` is set."""

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
    # an article read whole but not analysed, by choice (a language the model
    # does not read): the one-line reason. Not a failure: the run's exit code
    # stays 0, and a rerun with other options may take it
    skipped: str | None = None

    def __post_init__(self) -> None:
        # every reader's failure (html, feeds, fetch too) is one short line: its
        # name escaped and cut (`shown_name`), any control character in the rest escaped
        if self.error is not None:
            self.origin, self.error = _one_line(self.origin, self.error)
        elif self.skipped is not None:
            self.origin, self.skipped = _one_line(self.origin, self.skipped)


def _one_line(origin: str, line: str) -> tuple[str, str]:
    """(origin, line) shown safely: the name escaped and cut, the rest escaped."""
    name = shown_name(origin)
    rest = line[len(origin) :] if line.startswith(origin) else None
    return name, name + shown(rest, MESSAGE_CHARS) if rest is not None else shown(line, MESSAGE_CHARS)


@dataclass
class Options:
    published: date | None = None
    max_chars: int = 1_000_000
    allow_private: bool = False  # URL fetching: let requests reach private addresses
    fetcher: Any = None  # a claimgraph.ingest.fetch.Fetcher, made on first use
    is_known: Callable[[str], bool] | None = None  # is this URL stored already? (skips the fetch)
    feed_state: Any = None  # get(url) -> (etag, last_modified); put(url, etag, last_modified)
    # the languages the model reads (ISO 639-1): an article in another is skipped
    # (`Item.skipped`) with a line naming it; () reads every language. An
    # article whose language cannot be judged (too short) is read
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    max_html_bytes: int = 5_000_000  # HTML over this is refused before it is parsed (trafilatura's cost)
    max_feed_bytes: int = MAX_BYTES  # a feed over this is refused, from a file as from a URL (the fetch cap)
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
_CODE = re.compile(r"[a-z]{2,3}")


def language_codes(values: Iterable[str]) -> tuple[str, ...]:
    """`Options.languages` from what a user gives: codes, or comma lists of
    them ("en", "EN,fr", "en-GB": its language, en); UsageError for one that
    is not an ISO 639 code, or values that hold none (`--language ''`). No
    values, (): every language."""
    values = [values] if isinstance(values, str) else list(values)
    if values and not any(v.strip(", ") for v in values):
        raise UsageError("--language needs a code such as en or de (--any-language reads every language)")
    codes: list[str] = []
    for value in values:
        for part in value.split(","):
            if not part.strip():
                continue
            code = primary(part)
            if not _CODE.fullmatch(code):
                raise UsageError(f"language {shown(part.strip())!r} is not an ISO 639 code such as en or de")
            codes += [code] if code not in codes else []
    return tuple(codes)


def finish(item: Item, options: Options) -> Item:
    """An item as `sources` hands it on: its strings cleaned (`clean_text`, one
    rule for every reader); an article's text in bounds, dated by
    `options.published` when it has no date, its language in
    `meta["language"]`; an article in a language the model does not read
    is skipped, saying so."""
    if item.error is not None or item.follow is not None or item.skipped is not None:
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
        why = f"{origin}: language {primary(language)}, the model reads {reads}"
        return Item(origin, skipped=why, meta=meta, read_to=item.read_to)
    return replace(item, origin=origin, article=article, meta=meta)

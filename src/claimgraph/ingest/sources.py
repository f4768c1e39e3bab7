"""From what a user names (files, folders, JSON Lines, HTML, feeds, WARC,
URLs) to a stream of `Doc`s: an article to analyse, an analysis already
made, or the reason an input failed. A bad input never stops the stream.

`expand(..., on_progress=hook)` also tells `hook(done, total)` how far the
reading has come, for a progress bar: in bytes of input when every input is a
local file (sizes from `stat`, nothing read twice), else in inputs (files
after expanding folders, URLs, feeds) whose size cannot be known up front."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from claimgraph.errors import ClaimgraphError, InputError
from claimgraph.ingest.articles import Article, article_from_json, check_text
from claimgraph.ingest.decode import decode_bytes, looks_binary
from claimgraph.model import SCHEMA_ID, Analysis

TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
FEED_SUFFIXES = (".rss", ".atom", ".xml")
WARC_SUFFIXES = (".warc", ".warc.gz")
KNOWN = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES + FEED_SUFFIXES + WARC_SUFFIXES


@dataclass
class Doc:
    """One input unit. Exactly one of `article`, `analysis`, `error` is set."""

    origin: str
    article: Article | None = None
    analysis: Analysis | None = None
    error: str | None = None
    meta: dict = field(default_factory=dict)  # author, language
    # bytes of its file read once this doc was made (JSON Lines, WARC);
    # None: the whole file was read first (text, HTML, a feed) or not a file
    read_to: int | None = None


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
            from claimgraph.ingest.fetch import Fetcher

            self.fetcher = Fetcher(allow_private=self.allow_private)
        return self.fetcher


Progress = Callable[[int, int], None]  # on_progress(done, total)


@dataclass(frozen=True)
class _Unit:
    """One thing to read: a named input, or a file found in a named folder."""

    name: str
    path: Path | None = None  # None: a URL
    size: int | None = None  # bytes of a regular file; None: not known up front


def expand(inputs: Iterable[str], options: Options | None = None, on_progress: Progress | None = None) -> Iterator[Doc]:
    """The docs in `inputs`, in order. With `on_progress`, the inputs are listed
    first (folders walked, files stat'ed, nothing read) and `on_progress(done,
    total)` is called with (0, total) at the start, as each doc is read, and as
    each input ends, finishing at done == total. The unit is bytes when every
    input is a local file with a size, else the count of inputs. `done` counts
    what has been read: the analysis behind it trails by a bounded window."""
    options = options or Options()
    if on_progress is None:
        for unit in _units(inputs):
            yield from _read(unit, options)
        return
    units = list(_units(inputs))  # names and sizes only: no doc is held
    sizes = [u.size for u in units if u.size is not None]
    by_bytes = len(sizes) == len(units) and sum(sizes) > 0
    total = sum(sizes) if by_bytes else len(units)
    done = 0
    on_progress(0, total)
    for unit in units:
        weight = (unit.size or 0) if by_bytes else 1
        for doc in _read(unit, options):
            if by_bytes:
                # clamped: a file that grew since the stat does not run past its share
                on_progress(done + (weight if doc.read_to is None else min(doc.read_to, weight)), total)
            yield doc
        done += weight
        on_progress(done, total)


def _units(inputs: Iterable[str]) -> Iterator[_Unit]:
    for name in inputs:
        if name.startswith(("http://", "https://")):
            yield _Unit(name)
            continue
        path = Path(name)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file() and _suffix(p) in KNOWN):
                yield _Unit(str(child), child, _size(child))
        else:
            yield _Unit(name, path, _size(path))


def _size(path: Path) -> int | None:
    try:
        st = path.stat()
    except OSError:
        return None  # missing or unreadable: reported when read
    return st.st_size if stat.S_ISREG(st.st_mode) else None  # a pipe's size says nothing


def _read(unit: _Unit, options: Options) -> Iterator[Doc]:
    try:
        if unit.path is None:
            from claimgraph.ingest.web import from_url

            yield from from_url(unit.name, options)
        elif not unit.path.exists():
            yield Doc(unit.name, error=f"{unit.name}: no such file or folder")
        else:
            yield from from_file(unit.path, options)
    except ClaimgraphError as exc:
        yield Doc(unit.name, error=str(exc))


def _suffix(path: Path) -> str:
    name = path.name.lower()
    return ".warc.gz" if name.endswith(".warc.gz") else path.suffix.lower()


def from_file(path: Path, options: Options) -> Iterator[Doc]:
    where, suffix = str(path), _suffix(path)
    if suffix in JSONL_SUFFIXES:
        yield from from_jsonl(path, options)
        return
    if suffix in WARC_SUFFIXES:
        from claimgraph.ingest.warc import from_warc

        yield from from_warc(path, options)
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Doc(where, error=f"{where}: cannot read ({exc.strerror})")
        return
    yield from from_bytes(data, where, options, suffix=suffix)


def from_bytes(
    data: bytes, where: str, options: Options, suffix: str = "", url: str | None = None, content_type: str = ""
) -> Iterator[Doc]:
    """Bytes of a known or sniffed kind: HTML, a feed, or plain text."""
    from claimgraph.ingest.html import from_html, looks_html

    try:
        xml_type = "xml" in content_type and "html" not in content_type
        if suffix in FEED_SUFFIXES or xml_type or (not suffix and not content_type and _looks_feed(data)):
            from claimgraph.ingest.feeds import from_feed_bytes

            yield from from_feed_bytes(data, where, options)
            return
        if suffix in HTML_SUFFIXES or "html" in content_type or (suffix not in TEXT_SUFFIXES and looks_html(data)):
            article, meta = from_html(data, where, url)
            yield Doc(where, article=_with_defaults(article, options, where), meta=meta)
            return
        if looks_binary(data):
            raise InputError(f"{where}: binary data, not text")
        text = check_text(decode_bytes(data, where), where, options.max_chars)
        yield Doc(where, article=Article(text=text, id=where, published=options.published, url=url))
    except ClaimgraphError as exc:
        yield Doc(where, error=str(exc))


def _looks_feed(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith(b"<?xml") and (b"<rss" in data[:4096].lower() or b"<feed" in data[:4096].lower())


def _with_defaults(article: Article, options: Options, where: str) -> Article:
    check_text(article.text, where, options.max_chars)
    if article.published is None and options.published is not None:
        from dataclasses import replace

        return replace(article, published=options.published)
    return article


def from_jsonl(path: Path, options: Options) -> Iterator[Doc]:
    """Lines of articles ({"text", ...}) or of analyses (claimgraph's JSON, with
    "schema"), which are stored as they are, without analysing again."""
    offset = 0
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            where = f"{path}:{number}"
            offset += len(raw)
            if not raw.strip():
                continue
            if b'"schema"' in raw and SCHEMA_ID.encode() in raw:
                try:
                    analysis = Analysis.model_validate_json(raw)
                except ValueError as exc:
                    first = str(exc).splitlines()[0]
                    yield Doc(where, error=f"{where}: not a valid analysis ({first})", read_to=offset)
                    continue
                yield Doc(where, analysis=analysis, meta=_extra(raw), read_to=offset)
                continue
            try:
                article = article_from_json(raw, where, options.published, options.max_chars)
            except ClaimgraphError as exc:
                yield Doc(where, error=str(exc), read_to=offset)
                continue
            yield Doc(where, article=article, meta=_extra(raw), read_to=offset)


def _extra(raw: bytes) -> dict:
    """author and language, when a JSON line carries them."""
    if b'"author"' not in raw and b'"language"' not in raw:
        return {}
    try:
        obj = json.loads(raw)
    except ValueError:
        return {}
    return {k: obj[k] for k in ("author", "language") if isinstance(obj.get(k), str)}

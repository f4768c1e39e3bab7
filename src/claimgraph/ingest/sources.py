"""From what a user names (files, folders, JSON Lines, HTML, feeds, WARC,
URLs) to a stream of `Item`s: an article to analyse, an analysis already
made, or the reason an input failed. A bad input never stops the stream.

`expand(..., on_progress=hook)` also tells `hook(done, total)` how far the
reading has come, for a progress bar: in bytes of input when every input is a
local file (sizes from `stat`, nothing read twice), else in inputs (files
after expanding folders, URLs, feeds) whose size cannot be known up front.

Every item goes through `claimgraph.ingest.items.finish` on its way out, so
one rule cleans, bounds and judges the language of every reader's articles.

'-' names standard input. `expand(..., jsonl=True)` reads every named file,
and standard input, as JSON Lines whatever its name (`analyze --input`)."""

from __future__ import annotations

import json
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from pydantic import ValidationError

from claimgraph.errors import ClaimgraphError, shown
from claimgraph.ingest.articles import article_from_json
from claimgraph.ingest.items import FEED_SUFFIXES, JSONL_SUFFIXES, KNOWN, WARC_SUFFIXES, Item, Options, Progress, finish
from claimgraph.ingest.parse import from_bytes
from claimgraph.ingest.warc import from_warc
from claimgraph.ingest.web import from_url
from claimgraph.model import SCHEMA_ID, Analysis

STDIN = "-"  # the input name that means standard input


@dataclass(frozen=True)
class _Unit:
    """One thing to read: a named input, or a file found in a named folder."""

    name: str
    path: Path | None = None  # None: a URL, or standard input
    size: int | None = None  # bytes of a regular file; None: not known up front
    jsonl: bool = False  # JSON Lines whatever the name (a named file, or standard input)


def expand(
    inputs: Iterable[str], options: Options | None = None, on_progress: Progress | None = None, *, jsonl: bool = False
) -> Iterator[Item]:
    """The items in `inputs`, in order. With `on_progress`, the inputs are listed
    first (folders walked, files stat'ed, nothing read) and `on_progress(done,
    total)` is called with (0, total) at the start, as each doc is read, and as
    each input ends, finishing at done == total. The unit is bytes when every
    input is a local file with a size, else the count of inputs. `done` counts
    what has been read: the analysis behind it trails by a bounded window."""
    options = options or Options()
    if on_progress is None:
        for unit in _units(inputs, jsonl):
            yield from _read(unit, options)
        return
    units = list(_units(inputs, jsonl))  # names and sizes only: no item is held
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


def _units(inputs: Iterable[str], jsonl: bool = False) -> Iterator[_Unit]:
    for name in inputs:
        if name.startswith(("http://", "https://")):
            yield _Unit(name)
            continue
        if name == STDIN:
            yield _Unit(name, jsonl=jsonl)
            continue
        path = Path(name)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file() and _suffix(p) in KNOWN):
                yield _Unit(str(child), child, _size(child))
        else:
            yield _Unit(name, path, _size(path), jsonl)


def _size(path: Path) -> int | None:
    try:
        st = path.stat()
    except OSError:
        return None  # missing or unreadable: reported when read
    return st.st_size if stat.S_ISREG(st.st_mode) else None  # a pipe's size says nothing


def _read(unit: _Unit, options: Options) -> Iterator[Item]:
    for item in _items(unit, options):
        yield finish(item, options)


def _items(unit: _Unit, options: Options) -> Iterator[Item]:
    try:
        if unit.name == STDIN:
            yield from _followed(from_stdin(options, unit.jsonl), options)
        elif unit.path is None:
            yield from _followed(from_url(unit.name, options), options)
        elif not unit.path.exists():
            yield Item(unit.name, error=f"{unit.name}: no such file or folder")
        elif unit.jsonl:
            yield from from_jsonl(unit.path, options)
        else:
            yield from _followed(from_file(unit.path, options), options)
    except ClaimgraphError as exc:
        yield Item(unit.name, error=str(exc))


def _followed(items: Iterable[Item], options: Options) -> Iterator[Item]:
    """Fetch the links the readers left to follow (feed entries that are only
    teasers), giving each page its entry's date when the page has none."""
    for item in items:
        if item.follow is None:
            yield item
            continue
        for page in _followed(from_url(item.follow, options), options):
            if page.article is not None and page.article.published is None and item.published:
                page.article = replace(page.article, published=item.published)
            yield page


def _suffix(path: Path) -> str:
    name = path.name.lower()
    return ".warc.gz" if name.endswith(".warc.gz") else path.suffix.lower()


def from_file(path: Path, options: Options) -> Iterator[Item]:
    where, suffix = str(path), _suffix(path)
    if suffix in JSONL_SUFFIXES:
        yield from from_jsonl(path, options)
        return
    if suffix in WARC_SUFFIXES:
        yield from from_warc(path, options)
        return
    # a feed is refused past its cap (`from_feed_bytes`): no need to read more than one byte over it
    limit = options.max_feed_bytes + 1 if suffix in FEED_SUFFIXES else -1
    try:
        with path.open("rb") as fh:
            data = fh.read(limit)
    except OSError as exc:
        yield Item(where, error=f"{where}: cannot read ({exc.strerror})")
        return
    yield from from_bytes(data, where, options, suffix=suffix)


def from_stdin(options: Options, jsonl: bool = False) -> Iterator[Item]:
    """Standard input: JSON Lines (lines named '-:N'), else one document of a
    sniffed kind named '<stdin>'; a text gets no id, having no file name."""
    if jsonl:
        yield from _jsonl_lines(sys.stdin.buffer, STDIN, options)
        return
    name = "<stdin>"
    for item in from_bytes(sys.stdin.buffer.read(), name, options):
        if item.article is not None and item.article.id == name:
            item.article = replace(item.article, id=None)
        yield item


def from_jsonl(path: Path, options: Options) -> Iterator[Item]:
    """Lines of articles ({"text", ...}) or of analyses (claimgraph's JSON, with
    "schema"), which are stored as they are, without analysing again."""
    with path.open("rb") as stream:
        yield from _jsonl_lines(stream, str(path), options)


def _jsonl_lines(stream: BinaryIO, name: str, options: Options) -> Iterator[Item]:
    offset = 0
    for number, raw in enumerate(stream, start=1):
        where = f"{name}:{number}"
        offset += len(raw)
        if not raw.strip():
            continue
        if b'"schema"' in raw and SCHEMA_ID.encode() in raw:
            try:
                analysis = Analysis.model_validate_json(_nul_replaced(raw))
            except ValueError as exc:
                yield Item(where, error=f"{where}: not a valid analysis ({_first_error(exc)})", read_to=offset)
                continue
            yield Item(where, analysis=analysis, meta=_extra(raw), read_to=offset)
            continue
        try:
            article = article_from_json(raw, where, options.published)
        except ClaimgraphError as exc:
            yield Item(where, error=str(exc), read_to=offset)
            continue
        yield Item(where, article=article, meta=_extra(raw), read_to=offset)


# a \u0000 escape, not an escaped backslash before 'u0000'
_JSON_NUL = re.compile(rb"(?<!\\)((?:\\\\)*)\\u0000")


def _nul_replaced(raw: bytes) -> bytes:
    """An analysis's NULs (which PostgreSQL's text cannot hold) made U+FFFD: one
    character for one, so its offsets still hold. Lone surrogates are refused
    by its JSON parser, other controls are stored as they are."""
    return _JSON_NUL.sub(rb"\1\\ufffd", raw) if b"\\u0000" in raw else raw


def _first_error(exc: ValueError) -> str:
    if isinstance(exc, ValidationError) and exc.errors():
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return shown(f"{where}: {first['msg']}" if where else first["msg"])
    return shown(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


def _extra(raw: bytes) -> dict:
    """author and language, when a JSON line carries them."""
    if b'"author"' not in raw and b'"language"' not in raw:
        return {}
    try:
        obj = json.loads(raw)
    except ValueError:
        return {}
    return {k: obj[k] for k in ("author", "language") if isinstance(obj.get(k), str)}

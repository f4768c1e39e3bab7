"""WARC and WARC.gz files (such as Common Crawl's CC-NEWS): each HTML
response record becomes an article; a truncated file yields what it holds
and then one failure naming where it broke."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from claimgraph.errors import ClaimgraphError
from claimgraph.ingest.html import from_html
from claimgraph.ingest.items import Item, Options, with_defaults


def from_warc(path: Path, options: Options) -> Iterator[Item]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    count = 0
    short: str | None = None  # a record that ends before its declared length
    try:
        with path.open("rb") as stream:
            records = ArchiveIterator(stream)
            for record in records:
                if _cut_short(record):
                    # warcio hands a cut record of a plain .warc over as if it were whole
                    short = f"the record at byte {records.get_record_offset()} is cut short"
                    break
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                where = f"{path}#{url}"
                status = record.http_headers.get_statuscode()
                ctype = (record.http_headers.get_header("Content-Type") or "").lower()
                if status != "200" or "html" not in ctype:
                    continue  # redirects, robots.txt, images: not articles
                body = record.content_stream().read()
                count += 1
                try:
                    article, meta = from_html(body, where, url)
                    article = with_defaults(article, options, where)
                except ClaimgraphError as exc:
                    yield Item(where, error=str(exc), read_to=stream.tell())
                    continue
                yield Item(where, article=article, meta=meta, read_to=stream.tell())
    except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        yield Item(str(path), error=f"{path}: truncated or broken WARC after {count} records ({reason})")
        return
    # warcio ends quietly at a cut gzip member, dropping the record: check the
    # compression stream itself so the loss is reported.
    reason = short or (_gzip_broken(path) if path.name.lower().endswith(".gz") else None)
    if reason:
        yield Item(str(path), error=f"{path}: truncated or broken WARC after {count} records ({reason})")


def _cut_short(record) -> bool:
    """Read the record's block to its declared end: bytes still owed mean the file ends inside it."""
    block = record.raw_stream
    data = block.read()
    record.raw_stream = io.BytesIO(data)  # the block, read once, for the content stream
    return getattr(block, "limit", 0) > 0


def _gzip_broken(path: Path) -> str | None:
    """None when every gzip member of the file is complete, else why not."""
    import zlib

    d, fed = zlib.decompressobj(wbits=31), False
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            while chunk:
                try:
                    d.decompress(chunk)
                except zlib.error as exc:
                    return f"corrupt gzip data: {exc}"
                fed = True
                if d.eof:  # a member ended; the next one starts in the unused tail
                    chunk = d.unused_data
                    d, fed = zlib.decompressobj(wbits=31), False
                else:
                    chunk = b""
    return "the last gzip member is cut short" if fed and not d.eof else None

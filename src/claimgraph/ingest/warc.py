"""WARC and WARC.gz files (such as Common Crawl's CC-NEWS): each HTML
response record becomes an article; a truncated file yields what it holds
and then one failure naming where it broke.

Decompression is bounded, a record's and a file's: a record that
decompresses (or whose HTTP body decodes) to more than
`Options.warc_record_bytes` is a failure and the next record is read; a file
that decompresses to more than `Options.warc_file_ratio` times its size (and
more than `Options.warc_file_bytes`) stops with a failure. Bodies are read
in chunks, so no more than a record's cap is ever held."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from claimgraph.errors import ClaimgraphError, shown
from claimgraph.ingest.items import Item, Options
from claimgraph.ingest.parse import html_item

CHUNK = 1 << 16
# compressed bytes warcio reads at a time: deflate's 1032-to-1 at most makes
# each read decompress to at most about 4 MB (warcio's own 16 KB, to 16 MB)
GZIP_BLOCK = 4096


class _OverBudget(Exception):
    """The file has decompressed to more than its budget."""


class _Budget:
    def __init__(self, limit: int):
        self.limit, self.spent = limit, 0

    def spend(self, n: int) -> None:
        self.spent += n
        if self.spent > self.limit:
            raise _OverBudget


def _capped_reader(stream, budget: _Budget):
    """warcio's decompressing reader, counting what its gzip members decompress
    to: warcio decompresses as it parses headers and skips records, where no
    cap of ours could otherwise reach (a 1 MB file of zeros is 5 GB)."""
    from warcio.bufferedreaders import DecompressingBufferedReader

    class Capped(DecompressingBufferedReader):
        def _decompress(self, data):
            out = super()._decompress(data)
            if self.decompressor is not None:  # a plain WARC's bytes are the file's own
                budget.spend(len(out))
            return out

    return Capped(stream, block_size=GZIP_BLOCK)


def from_warc(path: Path, options: Options) -> Iterator[Item]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    count = 0
    short: str | None = None  # a record that ends before its declared length
    try:
        stream = path.open("rb")
        size = path.stat().st_size
    except OSError as exc:
        yield Item(str(path), error=f"{path}: cannot read ({exc.strerror})")
        return
    budget = _Budget(max(options.warc_file_bytes, options.warc_file_ratio * size))
    try:
        with stream:
            records = ArchiveIterator(stream)
            records.reader = _capped_reader(records.fh, budget)  # before the first record is read
            for record in records:
                if record.format == "warc" and not (record.rec_headers.get_header("Content-Length") or "").isdigit():
                    # warcio parses a header cut off by the end of the file as a whole one
                    short = f"the record at byte {records.get_record_offset()} ends inside its header"
                    break
                block, cut = _block(record, options.warc_record_bytes)
                if cut:
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
                count += 1
                body = _body(record, options.warc_record_bytes, budget) if block is not None else None
                if body is None:
                    over = f"decompresses to over {options.warc_record_bytes:,} bytes; skipped"
                    yield Item(where, error=f"{where}: the record {over}", read_to=stream.tell())
                    continue
                try:
                    item = html_item(body, where, options, url)
                except ClaimgraphError as exc:
                    item = Item(where, error=str(exc))
                item.read_to = stream.tell()
                yield item
            # warcio ends quietly at a record header cut off by the end of the
            # file: after the last whole record there may be blank lines, no more
            end = sum(records.member_info) if records.member_info else 0
            if short is None and (rest := _first_non_blank(stream, end)) is not None:
                short = f"the record at byte {rest} ends inside its header"
    except _OverBudget:
        yield Item(
            str(path),
            error=f"{path}: decompresses to over {budget.limit:,} bytes, the cap for a file of its size; "
            f"stopped after {count} records",
        )
        return
    except Exception as exc:  # warcio raises many kinds on hostile bytes (None.startswith on a cut header)
        if isinstance(exc, (ArchiveLoadFailed, EOFError, OSError, ValueError)) and str(exc).strip():
            reason = shown(str(exc).strip().splitlines()[0])
        else:
            reason = f"a record warcio cannot parse: {type(exc).__name__}"
        yield Item(str(path), error=f"{path}: truncated or broken WARC after {count} records ({reason})")
        return
    # warcio ends quietly at a cut gzip member, dropping the record: check the
    # compression stream itself so the loss is reported.
    reason = short or (_gzip_broken(path) if path.name.lower().endswith(".gz") else None)
    if reason:
        yield Item(str(path), error=f"{path}: truncated or broken WARC after {count} records ({reason})")


def _first_non_blank(stream, offset: int) -> int | None:
    """Where the first byte that is not a blank line lies from `offset` on, if any."""
    stream.seek(offset)
    while chunk := stream.read(CHUNK):
        if rest := chunk.lstrip():
            return offset + len(chunk) - len(rest)
        offset += len(chunk)
    return None


def _block(record, cap: int) -> tuple[bytes | None, bool]:
    """Read the record's block to its declared end, in chunks: (its bytes, or
    None when it is over `cap`, the rest left for warcio to skip, counted by
    the file's budget; whether the file ends inside it)."""
    block = record.raw_stream
    data = _read_capped(block, cap)
    if data is None:
        return None, False
    if getattr(block, "limit", 0) > 0:  # bytes still owed: the file ends inside the record
        return data, True
    record.raw_stream = io.BytesIO(data)  # the block, read once, for the content stream
    return data, False


def _body(record, cap: int, budget: _Budget) -> bytes | None:
    """The HTTP body, decoded (chunked, gzip), or None when it decodes to over
    `cap`: a 773-byte record with Content-Encoding: gzip decoded to 2.1 GB."""
    stream = record.content_stream()
    if stream is record.raw_stream:  # nothing to decode: no more than the block
        return stream.read()
    body = _read_capped(stream, cap)
    budget.spend(len(body or b""))
    return body


def _read_capped(stream, cap: int) -> bytes | None:
    parts, got = [], 0
    while chunk := stream.read(min(CHUNK, cap + 1 - got)):
        parts.append(chunk)
        got += len(chunk)
        if got > cap:
            return None
    return b"".join(parts)


def _gzip_broken(path: Path) -> str | None:
    """None when every gzip member of the file is complete, else why not."""
    import zlib

    d, fed = zlib.decompressobj(wbits=31), False
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            while chunk:
                try:
                    d.decompress(chunk, CHUNK)  # bounded: what it decompresses to is thrown away
                except zlib.error as exc:
                    return f"corrupt gzip data: {exc}"
                fed = True
                if d.eof:  # a member ended; the next one starts in the unused tail
                    chunk = d.unused_data
                    d, fed = zlib.decompressobj(wbits=31), False
                else:
                    chunk = d.unconsumed_tail
    while fed and not d.eof and d.decompress(b"", CHUNK):
        pass  # output held back by the bound, with all the input taken
    return "the last gzip member is cut short" if fed and not d.eof else None

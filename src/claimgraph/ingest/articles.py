"""The readers that make articles: files, standard input, JSON Lines."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from claimgraph.errors import InputError, UsageError
from claimgraph.ingest.decode import decode_bytes, looks_binary
from claimgraph.model import Article, BadItem


def parse_date(value: str | date | None, where: str = "--published") -> date | None:
    """An ISO date (a datetime's date part is accepted) or None."""
    if value is None or value == "" or isinstance(value, date):
        return value or None
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise UsageError(f"{where}: {value!r} is not an ISO date such as 2024-12-08") from None


def check_text(text: str, where: str, max_chars: int) -> str:
    if not text.strip():
        raise InputError(f"{where}: empty input, nothing to analyse")
    if len(text) > max_chars:
        raise InputError(
            f"{where}: {len(text):,} characters is over the limit of {max_chars:,} "
            "(raise it with --max-chars, or split the text)"
        )
    return text


def read_path(path: str, published: date | None, max_chars: int) -> Article:
    """A text file, or '-' for standard input."""
    if path == "-":
        data, name = sys.stdin.buffer.read(), "<stdin>"
    else:
        p = Path(path)
        if not p.exists():
            raise InputError(f"{path}: no such file")
        if p.is_dir():
            raise InputError(f"{path}: is a folder, not a text file")
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror})") from None
        name = path
    text = check_text(decode_bytes(data, name), name, max_chars)
    return Article(text=text, id=name if path != "-" else None, published=published)


def read_jsonl(path: str, published: date | None, max_chars: int) -> Iterator[Article | BadItem]:
    """One article per line: {"id", "text", "published"?, "title"?, "url"?, "publisher"?}.
    A bad line yields a BadItem naming its line number; the others still come."""
    if path == "-":
        stream = sys.stdin.buffer
    else:
        p = Path(path)
        if not p.is_file():
            raise InputError(f"{path}: no such file")
        stream = p.open("rb")
    with stream:
        for number, raw in enumerate(stream, start=1):
            where = f"{path}:{number}"
            if not raw.strip():
                continue
            try:
                yield article_from_json(raw, where, published, max_chars)
            except (InputError, UsageError) as exc:
                yield BadItem(where, str(exc))


def article_from_json(raw: bytes, where: str, published: date | None, max_chars: int) -> Article:
    if looks_binary(raw):
        raise InputError(f"{where}: binary data, not a JSON line")
    try:
        obj = json.loads(decode_bytes(raw, where))
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: malformed JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object with 'text'")
    text = obj.get("text")
    if not isinstance(text, str):
        raise InputError(f"{where}: no 'text' string")
    check_text(text, where, max_chars)
    meta = {k: obj.get(k) for k in ("title", "url", "publisher")}
    bad = [k for k, v in meta.items() if v is not None and not isinstance(v, str)]
    if bad:
        raise InputError(f"{where}: '{bad[0]}' must be a string")
    raw_id = obj.get("id")
    return Article(
        text=text,
        id=None if raw_id is None else str(raw_id),
        published=parse_date(obj.get("published"), f"{where}: published") or published,
        **meta,
    )

"""What every reader checks an article against (a date, a text in bounds),
the one rule that cleans an article's text and fields (`clean_text`), and
one JSON line to an `Article`. The readers themselves are in
`claimgraph.ingest.sources`, the one way in for `analyze` and `ingest`."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date

from claimgraph.errors import InputError, UsageError, shown, shown_name
from claimgraph.ingest.decode import decode_bytes
from claimgraph.model import Article

# More lines (paragraphs) than this cost the stages after the parse too much
# (some compare every sentence with every paragraph: 10,000 tiny lines take
# about 10 s, 20,000 about 25 s); a news article has a few hundred.
MAX_LINES = 10_000
_LINE = re.compile(r"[^\n]+")

# Made spaces in every text and field: C0 and C1 controls but tab, newline,
# carriage return and NEL (U+0085, a line break), and DEL. NUL breaks
# PostgreSQL's text; the others are debris. Form feed and vertical tab
# (page and line breaks in old text dumps) become newlines. One character
# for one, so every offset still points into the text the user gave.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
_AS_NEWLINE = {"\x0b", "\x0c"}
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: str, fill: str = "") -> str:
    """`text` with each control character made `fill` (form feed and vertical tab
    newlines) and lone surrogates (valid in JSON escapes, but unencodable,
    so they crash hashing and spaCy) made U+FFFD; a surrogate pair written as
    two escapes becomes its one character."""
    if _SURROGATE.search(text):
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if _CONTROLS.search(text):
        text = _CONTROLS.sub(lambda m: "\n" if m.group() in _AS_NEWLINE else fill, text)
    return text


def clean_article(article: Article) -> Article:
    """The article with `clean_text` applied to its text, title, publisher, url and id."""
    fields = ("text", "id", "title", "url", "publisher")
    # the text keeps its length (offsets point into it); the short fields just lose the debris
    cleaned = {
        k: clean_text(v, " " if k == "text" else "") for k in fields if isinstance(v := getattr(article, k), str)
    }
    changed = {k: v for k, v in cleaned.items() if v != getattr(article, k)}
    return replace(article, **changed) if changed else article


def parse_date(value: str | date | None, where: str = "--published") -> date | None:
    """An ISO date (a datetime's date part is accepted) or None."""
    if value is None or value == "" or isinstance(value, date):
        return value or None
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise UsageError(f"{where}: {shown(repr(value))} is not an ISO date such as 2024-12-08") from None


def count_lines(text: str) -> int:
    """Lines with something on them: the paragraphs of the analysis."""
    return sum(1 for _ in _LINE.finditer(text))


def check_text(text: str, where: str, max_chars: int, max_lines: int = MAX_LINES) -> str:
    if not text.strip():
        raise InputError(f"{shown_name(where)}: empty input, nothing to analyse")
    if len(text) > max_chars:
        raise InputError(
            f"{shown_name(where)}: {len(text):,} characters is over the limit of {max_chars:,} "
            "(raise it with --max-chars, or split the text)"
        )
    # counting newlines first spares the regex pass in the common case
    if text.count("\n") >= max_lines and (lines := count_lines(text)) > max_lines:
        raise InputError(
            f"{shown_name(where)}: {lines:,} lines is over the limit of {max_lines:,} "
            "(a list or a table, not an article? split the text, or join its lines)"
        )
    return text


def article_from_json(raw: bytes, where: str, published: date | None) -> Article:
    """One line {"id", "text", "published"?, "title"?, "url"?, "publisher"?}; `published` where it has none.
    Cleaned and checked, as every article is, by `claimgraph.ingest.items.finish`."""
    try:
        obj = json.loads(decode_bytes(raw, where))
    except json.JSONDecodeError as exc:
        raise InputError(f"{shown_name(where)}: malformed JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise InputError(f"{shown_name(where)}: expected a JSON object with 'text'")
    text = obj.get("text")
    if not isinstance(text, str):
        raise InputError(f"{shown_name(where)}: no 'text' string")
    meta = {k: obj.get(k) for k in ("title", "url", "publisher")}
    bad = [k for k, v in meta.items() if v is not None and not isinstance(v, str)]
    if bad:
        raise InputError(f"{shown_name(where)}: '{bad[0]}' must be a string")
    raw_id = obj.get("id")
    return Article(
        text=text,
        id=None if raw_id is None else str(raw_id),
        published=parse_date(obj.get("published"), f"{shown_name(where)}: published") or published,
        **meta,
    )

"""Article text and metadata from an HTML page, with trafilatura."""

from __future__ import annotations

import re

from claimgraph.errors import InputError
from claimgraph.ingest.articles import parse_date
from claimgraph.ingest.decode import decode_bytes
from claimgraph.model import Article

MIN_WORDS = 5
_WORDS = re.compile(r"\w{2,}")
_LANG = re.compile(rb"<html[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?)", re.I)


def looks_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head or b"<head" in head


def from_html(data: bytes, where: str, url: str | None = None) -> tuple[Article, dict]:
    """(article, extra metadata: author, language). Raises InputError when the
    page has no article text."""
    import trafilatura

    html = decode_bytes(data, where)
    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, favor_recall=True)
    except Exception as exc:  # trafilatura raises many kinds on hostile markup
        raise InputError(f"{where}: cannot parse HTML ({type(exc).__name__})") from None
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if len(_WORDS.findall(text)) < MIN_WORDS:
        # markup debris such as '<<<' is not an article
        raise InputError(f"{where}: no article text found in the HTML")
    try:
        published = parse_date(doc.date, f"{where}: date")
    except Exception:
        published = None
    lang = _LANG.search(data[:4096])
    article = Article(
        text=text,
        id=None,
        published=published,
        title=doc.title or None,
        url=doc.url or url,
        publisher=doc.sitename or doc.hostname or None,
    )
    return article, {"author": doc.author or None, "language": lang.group(1).decode().lower() if lang else None}

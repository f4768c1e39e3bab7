"""Article text and metadata from an HTML page, with trafilatura.

A page's canonical link (or og:url) names the article it stores under, so it
is trusted only when it cannot take over another outlet's article: it must
be on the page's own site, or, for a page with no URL of its own (a saved
file), on the site of the publisher the page names. Otherwise the page keeps
its own URL. A canonical link that is not a valid URL is dropped."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from claimgraph.errors import InputError
from claimgraph.ingest.articles import parse_date
from claimgraph.ingest.decode import decode_bytes
from claimgraph.model import Article
from claimgraph.text.identity import check_url

# trafilatura names a page with no site name after its URL's host (metadata.META_URL): not the page's word
_URL_SITE = re.compile(r"https?://(?:www\.|w[0-9]+\.)?([^/]+)")
_NOT_ALNUM = re.compile(r"[^a-z0-9]")
# second-level labels under a country code (bbc.co.uk, abc.net.au): the name is the label before them
_COUNTRY_SLD = frozenset({"ac", "co", "com", "edu", "go", "gov", "gv", "ne", "net", "or", "org"})

MIN_WORDS = 5
_WORDS = re.compile(r"\w{2,}")
_LANG = re.compile(rb"<html[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?)", re.I)


def looks_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head or b"<head" in head


def from_html(data: bytes, where: str, url: str | None = None) -> tuple[Article, dict]:
    """(article, extra metadata: author, language). `url`: where the page was
    fetched from (None for a file). Raises InputError when the page has no
    article text, or `url` is not a valid URL."""
    import trafilatura

    own = check_url(url) if url else None
    html = decode_bytes(data, where)
    try:
        doc = trafilatura.bare_extraction(html, url=own, with_metadata=True, favor_recall=True)
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
    claimed = _valid(doc.url)
    named = _named_publisher(doc.sitename, doc.url)
    chosen = _trusted_url(own, claimed, named)
    article = Article(
        text=text,
        id=None,
        published=published,
        title=doc.title or None,
        url=chosen,
        # trafilatura's host name is the canonical link's: not the page's when that link was refused
        publisher=named or (doc.hostname if chosen == claimed else _site(chosen)) or None,
    )
    return article, {"author": doc.author or None, "language": lang.group(1).decode().lower() if lang else None}


def _valid(url: str | None) -> str | None:
    try:
        return check_url(url) if url else None
    except InputError:
        return None  # a broken canonical link names nothing: dropped


def _named_publisher(sitename: str | None, url: str | None) -> str | None:
    """The site name the page itself gives, not one trafilatura made from its canonical link."""
    derived = _URL_SITE.match(url or "")
    return None if not sitename or (derived and sitename == derived[1]) else sitename


def _trusted_url(own: str | None, claimed: str | None, publisher: str | None) -> str | None:
    """The URL a page is stored under: its canonical link (`claimed`) when that
    is on its own site, or, with no URL of its own, on its publisher's."""
    if own is not None:
        return claimed if claimed and _site(claimed) == _site(own) else own
    return claimed if claimed and publisher and _names_site(publisher, claimed) else None


def _site(url: str | None) -> str | None:
    """The host a URL is on, www. aside: www.a.example and a.example are one site."""
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


def _names_site(publisher: str, url: str) -> bool:
    """Does a site name ("Example News", "example.org") name the URL's site? Strict
    on purpose: a doubt leaves the canonical link out, and the text's hash names the page."""
    name = _NOT_ALNUM.sub("", publisher.lower())
    host = _site(url) or ""
    labels = host.split(".")
    if not name or len(labels) < 2 or labels[-1].isdigit():
        return False  # no name, or a bare host or an IPv4 address: nothing to match
    core = labels[-3] if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _COUNTRY_SLD else labels[-2]
    return name in (core, _NOT_ALNUM.sub("", host)) or (len(core) >= 3 and name.startswith(core))

"""What makes two inputs the same article: a canonical URL or the text's hash.

`check_url` is the one place a URL from a user or a page is parsed: every
reader, the fetcher and the canonical form go through it, so a URL that
names nothing (a port out of range, a broken IPv6 literal, a host name that
is not a valid IDN) is one InputError line, never a ValueError mid-batch."""

from __future__ import annotations

import hashlib
import ipaddress
import re
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

from claimgraph.errors import InputError

# Tracking parameters that change the URL but not the article.
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|cmpid|ocid)$", re.I)
_SPACE = re.compile(r"\s+")
_WEB = re.compile(r"^\s*https?:", re.I)
_USERINFO = re.compile(r"^(\s*[A-Za-z][A-Za-z0-9+.\-]*://)[^/?#]*@")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_HOST_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$")
# what may stay as it is in a path or a query; anything else (non-ASCII, spaces) is percent-encoded
_PATH_SAFE = "/%!$&'()*+,;=:@-._~"
_QUERY_SAFE = _PATH_SAFE + "?"
SHOWN_CHARS = 200  # a URL in a message is cut to this


def shown(url: str) -> str:
    """`url` fit for a message or an origin: no user:password, no control
    characters, not too long. Never raises, whatever the input."""
    text = _CONTROL.sub("?", _USERINFO.sub(r"\1", str(url).strip()))
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def check_url(url: str, base: str | None = None) -> str:
    """The absolute http(s) URL that `url` names (joined onto `base` when
    relative), in the one form that is fetched, stored and printed: the host
    lower case and in its IDNA (punycode) form, no user:password, no
    fragment, non-ASCII in the path and query percent-encoded. Raises
    InputError, one line naming the URL without its credentials."""
    if not isinstance(url, str) or not url.strip():
        raise InputError(f"{shown(str(url))!r}: empty URL")
    if _CONTROL.search(url.strip()):
        raise InputError(f"{shown(url)}: not a valid URL (control characters)")
    try:
        joined = urljoin(base, url.strip()) if base else url.strip()
        parts = urlsplit(joined)
        port = parts.port  # raises for a port out of range or not a number
    except ValueError as exc:
        raise InputError(f"{shown(url)}: not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{shown(url)}: not a web address (only http and https URLs are read)")
    if port == 0:
        raise InputError(f"{shown(url)}: not a valid URL (port 0)")
    host = _ascii_host(parts.hostname, parts.netloc, url)
    netloc = host + (f":{port}" if port is not None else "")
    return urlunsplit(
        (parts.scheme, netloc, quote(parts.path, safe=_PATH_SAFE) or "/", quote(parts.query, safe=_QUERY_SAFE), "")
    )


def _ascii_host(hostname: str, netloc: str, url: str) -> str:
    """The host as it goes on the wire: an IPv6 literal in brackets, a name in IDNA form."""
    if netloc.rpartition("@")[2].startswith("["):
        try:
            return f"[{ipaddress.IPv6Address(hostname.split('%')[0])}]"
        except ValueError:
            raise InputError(f"{shown(url)}: not a valid URL (bad IPv6 address {hostname!r})") from None
    try:
        # the standard codec does IDNA's checks too: a label of 64+ characters or an empty one is refused
        ascii_host = hostname.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        reason = exc.__cause__ or exc  # the codec's own reason, not the "encoding ... failed" wrapper
        raise InputError(f"{shown(url)}: not a valid host name ({reason})") from None
    labels = ascii_host.split(".")
    if len(ascii_host) > 253 or not all(_HOST_LABEL.match(label) for label in labels):
        raise InputError(f"{shown(url)}: not a valid host name")
    return ascii_host


def canonical_url(url: str | None) -> str | None:
    """Lower-case scheme and host, no fragment, default port, or tracking
    parameters, no trailing slash: the URL that names the article. An http(s)
    URL that `check_url` refuses names nothing: None (the text's hash is
    the identity then); something that is not a web URL is kept as it is."""
    if not url or not url.strip():
        return None
    if not _WEB.match(url):
        return url.strip()
    try:
        parts = urlsplit(check_url(url))
    except InputError:
        return None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port and parts.port != {"http": 80, "https": 443}[parts.scheme]:
        host = f"{host}:{parts.port}"
    params = parse_qsl(parts.query, keep_blank_values=True)
    query = urlencode(sorted((k, v) for k, v in params if not _TRACKING.match(k)))
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme, host, path, query, ""))


def content_hash(text: str) -> str:
    """sha256 of the text with runs of white space made one space."""
    return hashlib.sha256(_SPACE.sub(" ", text).strip().encode("utf-8")).hexdigest()


def article_key(text: str, url: str | None) -> tuple[str, str]:
    """(key, content hash): the key is the canonical URL when there is one."""
    digest = content_hash(text)
    return canonical_url(url) or f"sha256:{digest}", digest

"""What makes two inputs the same article: a canonical URL or the text's hash."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Tracking parameters that change the URL but not the article.
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|cmpid|ocid)$", re.I)
_SPACE = re.compile(r"\s+")


def canonical_url(url: str | None) -> str | None:
    """Lower-case scheme and host, no fragment, default port, or tracking
    parameters, no trailing slash: the URL that names the article."""
    if not url or not url.strip():
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return url.strip()
    host = parts.hostname.lower()
    if parts.port and parts.port != {"http": 80, "https": 443}[parts.scheme]:
        host = f"{host}:{parts.port}"
    params = parse_qsl(parts.query, keep_blank_values=True)
    query = urlencode(sorted((k, v) for k, v in params if not _TRACKING.match(k)))
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), host, path, query, ""))


def content_hash(text: str) -> str:
    """sha256 of the text with runs of white space made one space."""
    return hashlib.sha256(_SPACE.sub(" ", text).strip().encode("utf-8")).hexdigest()


def article_key(text: str, url: str | None) -> tuple[str, str]:
    """(key, content hash): the key is the canonical URL when there is one."""
    digest = content_hash(text)
    return canonical_url(url) or f"sha256:{digest}", digest

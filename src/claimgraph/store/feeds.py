"""What a poller remembers between rounds: each feed's ETag and Last-Modified."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from claimgraph.store import Store
from claimgraph.store import schema as t
from claimgraph.text.identity import canonical_url


class FeedState:
    """New validators wait in `pending` until `commit()`, called once the
    round's articles are stored: a run killed in between polls the feed in
    full next time instead of being told "not modified" and missing entries."""

    def __init__(self, store: Store):
        self.store = store
        self.pending: dict[str, tuple[str | None, str | None]] = {}

    def get(self, url: str) -> tuple[str | None, str | None]:
        with self.store.engine.connect() as conn:
            row = conn.execute(sa.select(t.feeds.c.etag, t.feeds.c.last_modified).where(t.feeds.c.url == url)).first()
        return (row[0], row[1]) if row else (None, None)

    def put(self, url: str, etag: str | None, last_modified: str | None) -> None:
        self.pending[url] = (etag, last_modified)

    def commit(self) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.store.engine.begin() as conn:
            for url, (etag, last_modified) in self.pending.items():
                conn.execute(t.feeds.delete().where(t.feeds.c.url == url))
                conn.execute(t.feeds.insert().values(url=url, etag=etag, last_modified=last_modified, polled_at=now))
        self.pending.clear()

    def discard(self) -> None:
        self.pending.clear()


def url_known(store: Store, url: str) -> bool:
    """Is an article with this (canonical) URL stored?"""
    key = canonical_url(url)
    with store.engine.connect() as conn:
        return conn.execute(sa.select(t.articles.c.id).where(t.articles.c.key == key)).first() is not None

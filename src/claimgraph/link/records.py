"""The claims that linking works on, as read from the ledger: the current
version of each article only, in id order, with what clustering needs of them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from claimgraph.store import schema as t


@dataclass(slots=True)
class Claim:
    id: int
    article: int
    group: int  # the article's syndication (near-duplicate) group
    content: str
    source_key: str | None
    denied: bool
    published: date | None
    cluster: int | None
    words: frozenset[str] | None = None  # None until needed: most stored claims in a bucket are never compared
    keys: tuple[list[int], int | None] | None = None  # its bucket keys, once worked out (see similarity)
    specific: bool | None = None  # whether it says enough to match across articles (see similarity)


def first(group: Iterable[Claim]) -> Claim:
    """A cluster's first appearance: earliest publication, then article, then claim."""
    return min(group, key=lambda c: (c.published is None, c.published or date.min, c.article, c.id))


def current() -> sa.ColumnElement[bool]:
    """Claims of articles that no newer version has replaced."""
    return t.claims.c.article_id.not_in(t.superseded_articles())


def load(conn: Connection, where: sa.ColumnElement[bool], limit: int | None = None) -> list[Claim]:
    """The current claims matching `where`, in id order (the first `limit` of them)."""
    query = (
        sa.select(
            t.claims.c.id,
            t.claims.c.article_id,
            t.articles.c.group_id,
            t.claims.c.content,
            t.claims.c.source_key,
            t.claims.c.status,
            t.claims.c.published,
            t.claims.c.cluster_id,
        )
        .join(t.articles, t.articles.c.id == t.claims.c.article_id)
        .where(where, current())
        .order_by(t.claims.c.id)
    )
    rows = conn.execute(query if limit is None else query.limit(limit)).all()
    return [Claim(r[0], r[1], r[2], r[3], r[4], r[5] == "denied", r[6], r[7]) for r in rows]

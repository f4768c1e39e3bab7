"""Linking's entry point: place the claims and entities stored since the last
link, or everything again, in one writer transaction.

The same claim in different articles is one cluster (`clusters`, compared
as `similarity` says, and by meaning between articles of one story as
`meaning` says, which is why stories are placed first); the articles that
share a cluster are linked (`relators`); entities are unified across articles (`entities`). Linking is
incremental, with the same result as a full relink; a full relink runs when
it is asked for or when the incremental rule cannot hold: nothing linked
yet, an article superseded by a newer version, or unlinked claims older than
linked ones.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from claimgraph.link.clusters import link_all, link_new
from claimgraph.link.entities import unify_entities
from claimgraph.link.meaning import meaning_joins
from claimgraph.link.records import current
from claimgraph.link.relators import Relating
from claimgraph.link.speakers import recount_sources, unlinked_articles
from claimgraph.link.story_ids import place_stories, unplaced
from claimgraph.store import Store
from claimgraph.store import schema as t
from claimgraph.store.write import lock_writer


@dataclass
class LinkStats:
    mode: str = "incremental"  # or "full"
    linked: int = 0  # claims placed by this run
    claims: int = 0
    clusters: int = 0
    multi_article: int = 0
    links: int = 0
    entities: int = 0
    xentities: int = 0
    stories: int = 0


def link(store: Store, relate: Relating = None, full: bool = False) -> LinkStats:
    """Place the claims and entities stored since the last link (or, with
    `full`, everything again): clusters, cross-article links, unified entities."""
    with _no_cycle_collection(), store.engine.begin() as conn:
        lock_writer(conn)  # no ingest writes between reading the buckets and writing clusters
        full = full or _needs_full(conn)
        fresh = None if full else unlinked_articles(conn)  # whose clusters' speakers are counted again
        # stories first: the meaning pass compares the claims of articles that are a story edge
        joins = meaning_joins(conn, place_stories(conn, full), new_only=not full)
        if full:
            stats = LinkStats("full", link_all(conn, relate, joins))
        else:
            stats = LinkStats("incremental", link_new(conn, relate, joins))
        unify_entities(conn, full)
        recount_sources(conn, fresh)  # speakers as entities: after the entities are unified
        stats.entities = _count(conn, t.entities)
        stats.xentities = _count(conn, t.xentities)
        stats.claims = _count(conn, t.claims)
        stats.clusters = _count(conn, t.clusters)
        stats.multi_article = _count(conn, t.clusters, t.clusters.c.articles > 1)
        stats.links = _count(conn, t.links)
        stats.stories = conn.execute(sa.select(sa.func.count(sa.distinct(t.articles.c.story_id)))).scalar_one()
    if full and store.dialect == "postgresql":
        # fresh statistics after bulk changes: without them the planner can
        # pick slow plans for searches (measured: p95 110 ms -> 75 ms at 1M claims)
        with store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    return stats


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused while linking: a link allocates
    hundreds of thousands of objects that live until it ends (claims, postings,
    rows), and the collector's passes over them and everything else the
    process holds cost a third of an incremental batch (2 s of 6.4 s CPU at
    100k claims, bench/ledger_bench.py's ledger). Reference counting still frees
    what linking drops; the few cycles wait for the next collection after it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def pending(store: Store) -> bool:
    """Whether linking has work left: current claims or entities without a
    cluster / xentity, or an old version's claims still in clusters.

    Linking is one transaction, so a run killed while linking leaves exactly
    this state (the stored-since-last-link rows are the unlinked ones) and no
    other marker is needed. Each check is an indexed EXISTS: cheap on every ingest."""
    with store.engine.connect() as conn:
        checks = (
            sa.select(t.claims.c.id).where(t.claims.c.cluster_id.is_(None), current()),
            sa.select(t.entities.c.id).where(
                t.entities.c.xentity_id.is_(None), t.entities.c.article_id.not_in(t.superseded_articles())
            ),
            # only claims leave their clusters when superseded (see `_needs_full`); entities stay till a full relink
            sa.select(t.claims.c.id).where(
                t.claims.c.cluster_id.is_not(None), t.claims.c.article_id.in_(t.superseded_articles())
            ),
            unplaced(),  # current articles without a story
        )
        return any(conn.execute(sa.select(sa.exists(q))).scalar() for q in checks)


def _count(conn: Connection, table: sa.Table, where: sa.ColumnElement[bool] | None = None) -> int:
    query = sa.select(sa.func.count()).select_from(table)
    return conn.execute(query if where is None else query.where(where)).scalar_one()


def _needs_full(conn: Connection) -> bool:
    linked = t.claims.c.cluster_id.is_not(None)
    max_linked = conn.execute(sa.select(sa.func.max(t.claims.c.id)).where(linked)).scalar()
    if max_linked is None:
        return True  # nothing linked yet (or a ledger from before the buckets): start clean
    min_new = conn.execute(
        sa.select(sa.func.min(t.claims.c.id)).where(t.claims.c.cluster_id.is_(None), current())
    ).scalar()
    if min_new is not None and min_new < max_linked:
        return True  # new claims must come after the linked ones to be visited in order
    stale = conn.execute(
        sa.select(t.claims.c.id).where(linked, t.claims.c.article_id.in_(t.superseded_articles())).limit(1)
    ).first()
    return stale is not None  # an old version's claims must leave their clusters

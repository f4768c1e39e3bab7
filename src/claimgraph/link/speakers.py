"""Speakers as entities across articles: a cluster's `sources` counts the
distinct speakers of its claims, where a claim's speaker is the cross-article
entity (`xentities`) of its source when the source is a named entity (inside
the article "He" and "the minister" already point at the named speaker,
`analyse.attribution.sources`), joined with the source's words' key
("officials", or a name the unifier left apart).

So "Mara Voss" in one outlet and "Voss" in another, one xentity, count once,
where their keys alone counted them twice. Runs
after `entities.unify_entities`, over the clusters whose count can have
changed: those holding a claim of an article linked in this run, and those
whose speakers' xentities grew or merged in it."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from claimgraph.link.records import current
from claimgraph.link.unionfind import UnionFind
from claimgraph.store import schema as t
from claimgraph.store.bulk import chunks, update_chunked

_c, _e = t.claims.c, t.entities.c
_SOURCE = sa.and_(_e.article_id == _c.article_id, _e.local_id == _c.source_entity)


def unlinked_articles(conn: Connection) -> set[int]:
    """The articles with claims or entities that no link has placed yet (read before linking)."""
    claims = sa.select(_c.article_id).where(_c.cluster_id.is_(None)).distinct()
    entities = sa.select(_e.article_id).where(_e.xentity_id.is_(None)).distinct()
    return {r[0] for q in (claims, entities) for r in conn.execute(q)}


def recount_sources(conn: Connection, fresh: set[int] | None) -> int:
    """Set `clusters.sources` to the distinct speakers of the clusters that the
    articles `fresh` touch (None: every cluster); returns how many changed."""
    clusters = _touched(conn, fresh)
    changed: list[tuple[int, int]] = []
    for chunk in chunks(sorted(clusters)):
        said: dict[int, list[tuple[int | None, str | None]]] = defaultdict(list)
        query = (
            sa.select(_c.cluster_id, _e.xentity_id, _c.source_key)
            .select_from(t.claims.outerjoin(t.entities, _SOURCE))
            .where(_c.cluster_id.in_(chunk), current())
        )
        for cluster, xentity, key in conn.execute(query):
            said[cluster].append((xentity, key))
        stored = dict(
            conn.execute(sa.select(t.clusters.c.id, t.clusters.c.sources).where(t.clusters.c.id.in_(chunk))).all()
        )
        counts = {cid: speakers(pairs) for cid, pairs in said.items()}
        changed += [(cid, n) for cid, n in counts.items() if cid in stored and stored[cid] != n]
    update_chunked(conn, t.clusters, "sources", changed)
    return len(changed)


def speakers(said: list[tuple[int | None, str | None]]) -> int:
    """Distinct speakers of (xentity, source key) pairs: two claims have one speaker when their sources
    are one xentity or have one key (the unifier is strict, "Sergei"/"Sergey Lavrov" stay two entities
    but share a key; "Assad" joins "Bashar Assad" as an entity under another key)."""
    uf = UnionFind()
    speaking = []
    for xentity, key in said:
        labels = [label for label in (("entity", xentity), ("words", key)) if label[1]]
        if labels:
            speaking.append(labels[0])
            uf.union(labels[0], labels[-1])
    return len({uf.find(label) for label in speaking})


def _touched(conn: Connection, fresh: set[int] | None) -> set[int]:
    """Clusters of more than one claim (one claim has one speaker or none, whatever its entity) that
    hold a claim of `fresh`, or whose claims' speakers share an xentity with an entity of `fresh`."""
    several = t.clusters.c.claims > 1
    if fresh is None:
        return {r[0] for r in conn.execute(sa.select(t.clusters.c.id).where(several))}
    found: set[int] = set()
    for chunk in chunks(sorted(fresh)):
        found.update(r[0] for r in conn.execute(sa.select(_c.cluster_id).where(_c.article_id.in_(chunk)).distinct()))
        grown = sa.select(_e.xentity_id).where(_e.article_id.in_(chunk), _e.xentity_id.is_not(None)).distinct()
        spoke = (
            sa.select(_c.cluster_id)
            .select_from(t.claims.join(t.entities, _SOURCE))
            .where(_e.xentity_id.in_(grown), _c.cluster_id.is_not(None))
            .distinct()
        )
        found.update(r[0] for r in conn.execute(spoke))
    found.discard(None)
    if not found:
        return found
    kept: set[int] = set()
    for chunk in chunks(sorted(found)):
        kept.update(r[0] for r in conn.execute(sa.select(t.clusters.c.id).where(t.clusters.c.id.in_(chunk), several)))
    return kept

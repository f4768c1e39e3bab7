"""A ledger's content by stable keys (article key, local id), not row ids, so
that a run interrupted and rerun can be compared with an uninterrupted one
(PostgreSQL sequences skip the ids of rolled-back batches)."""

from __future__ import annotations

import sqlalchemy as sa

from claimgraph.store import Store
from claimgraph.store import schema as t


def snapshot(store: Store) -> dict[str, list]:
    with store.engine.connect() as conn:
        art = dict(conn.execute(sa.select(t.articles.c.id, t.articles.c.key)).all())
        rows = conn.execute(sa.select(t.claims.c.id, t.claims.c.article_id, t.claims.c.local_id)).all()
        claim = {cid: (art[aid], local) for cid, aid, local in rows}
        rows = conn.execute(sa.select(t.entities.c.id, t.entities.c.article_id, t.entities.c.local_id)).all()
        entity = {eid: (art[aid], local) for eid, aid, local in rows}
        a = t.articles.c
        articles = [
            (r.key, r.content_hash, art[r.group_id], r.revision, art.get(r.superseded_by))
            for r in conn.execute(sa.select(a.key, a.content_hash, a.group_id, a.revision, a.superseded_by))
        ]
        c = t.claims.c
        claims = [
            (claim[r.id], r.content, r.status, claim.get(r.cluster_id))
            for r in conn.execute(sa.select(c.id, c.content, c.status, c.cluster_id))
        ]
        clusters = [
            (claim.get(r.id), claim.get(r.first_claim), str(r.first_published), *r[3:])
            for r in conn.execute(sa.select(t.clusters))
        ]
        links = [(r.type, claim[r.a], claim[r.b], r.reason, r.by) for r in conn.execute(sa.select(t.links))]
        entities = [
            (entity[r.id], entity.get(r.xentity_id))
            for r in conn.execute(sa.select(t.entities.c.id, t.entities.c.xentity_id))
        ]
        xentities = [(entity.get(r.id), *r[1:]) for r in conn.execute(sa.select(t.xentities))]
    out = {
        "articles": articles,
        "claims": claims,
        "clusters": clusters,
        "links": links,
        "entities": entities,
        "xentities": xentities,
    }
    return {k: sorted(v, key=repr) for k, v in out.items()}

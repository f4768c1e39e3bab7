"""Entities unified across articles: the same gazetteer id, or a shared name
key (a name or alias under the transliteration rules), makes one `xentity`.

An xentity's id is its earliest entity's id. Incremental runs place the
entities without one by looking up the stored entities with the same keys,
and rewrite only the xentities that grew or merged, which gives what a full
run gives.
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from claimgraph.link.unionfind import UnionFind
from claimgraph.store import schema as t
from claimgraph.store.bulk import chunks, delete_ids, insert_rows, reassign, update_chunked

_COLUMNS = (
    t.entities.c.id,
    t.entities.c.name,
    t.entities.c.type,
    t.entities.c.key,
    t.entities.c.gazetteer_id,
    t.entities.c.article_id,
)


def _current() -> sa.ColumnElement[bool]:
    """Entities of articles that no newer version has replaced."""
    return t.entities.c.article_id.not_in(t.superseded_articles())


def unify_entities(conn: Connection, full: bool) -> None:
    """Unify the new entities (or, with `full`, all)."""
    if full:
        conn.execute(t.entities.update().values(xentity_id=None))
        conn.execute(t.xentities.delete())
    new = conn.execute(
        sa.select(*_COLUMNS).where(t.entities.c.xentity_id.is_(None), _current()).order_by(t.entities.c.id)
    ).all()
    if new:
        _place(conn, new)


def _place(conn: Connection, new: list) -> None:
    new_ids = [row[0] for row in new]
    keys_of: dict[int, list[str]] = defaultdict(list)
    for chunk in chunks(new_ids):
        for eid, key in conn.execute(
            sa.select(t.entity_keys.c.entity_id, t.entity_keys.c.key)
            .where(t.entity_keys.c.entity_id.in_(chunk))
            .order_by(t.entity_keys.c.entity_id, t.entity_keys.c.key)
        ).all():
            keys_of[eid].append(key)

    # the stored xentity behind each key, so that new entities join it
    first_by: dict[str, int] = {}
    gazetteer = sorted({row[4] for row in new if row[4]})
    for chunk in chunks(gazetteer):
        for gaz, xid in conn.execute(
            sa.select(t.entities.c.gazetteer_id, t.entities.c.xentity_id)
            .where(t.entities.c.gazetteer_id.in_(chunk), t.entities.c.xentity_id.is_not(None))
            .distinct()
        ).all():
            first_by["geo:" + gaz] = min(xid, first_by.get("geo:" + gaz, xid))
    keys = sorted({k for ks in keys_of.values() for k in ks})
    for chunk in chunks(keys):
        for key, xid in conn.execute(
            sa.select(t.entity_keys.c.key, t.entities.c.xentity_id)
            .join(t.entities, t.entities.c.id == t.entity_keys.c.entity_id)
            .where(t.entity_keys.c.key.in_(chunk), t.entities.c.xentity_id.is_not(None))
            .distinct()
        ).all():
            first_by["key:" + key] = min(xid, first_by.get("key:" + key, xid))
    stored_roots = set(first_by.values())

    uf = UnionFind()
    for row in new:  # gazetteer ids first, then keys: as a full run does
        if row[4]:
            uf.union(first_by.setdefault("geo:" + row[4], row[0]), row[0])
    for eid in new_ids:
        for key in keys_of[eid]:
            uf.union(first_by.setdefault("key:" + key, eid), eid)

    merged = uf.merged(stored_roots)
    touched = {uf.find(eid) for eid in new_ids}
    reassign(conn, t.entities, "xentity_id", merged)
    update_chunked(conn, t.entities, "xentity_id", [(eid, uf.find(eid)) for eid in new_ids])
    delete_ids(conn, t.xentities, touched | {old for old, _root in merged})
    for chunk in chunks(sorted(touched)):
        insert_rows(conn, t.xentities, _xentity_rows(conn, chunk))


def _xentity_rows(conn: Connection, roots) -> list[dict]:
    """The rows of these xentities, aggregated in the database (a well-known
    place has thousands of entities): the most used name and type (the
    earliest on a tie), the key of that name's first entity, the first
    gazetteer id, and how many articles."""
    e = t.entities.c
    where = e.xentity_id.in_(roots)

    def most_used(column) -> dict[int, tuple]:
        best: dict[int, tuple] = {}
        query = sa.select(e.xentity_id, column, sa.func.count(), sa.func.min(e.id)).where(where)
        for xid, value, n, first in conn.execute(query.group_by(e.xentity_id, column)).all():
            if xid not in best or (n, -first) > (best[xid][1], -best[xid][2]):
                best[xid] = (value, n, first)
        return best

    names, types = most_used(e.name), most_used(e.type)
    first_ids = [first for _name, _n, first in names.values()]
    keys = dict(conn.execute(sa.select(e.id, e.key).where(e.id.in_(first_ids))).all())
    gazetteer: dict[int, tuple[int, str]] = {}
    query = sa.select(e.xentity_id, e.gazetteer_id, sa.func.min(e.id)).where(where, e.gazetteer_id.is_not(None))
    for xid, gaz, first in conn.execute(query.group_by(e.xentity_id, e.gazetteer_id)).all():
        gazetteer[xid] = min(gazetteer.get(xid, (first, gaz)), (first, gaz))
    query = sa.select(e.xentity_id, sa.func.count(sa.distinct(e.article_id))).where(where).group_by(e.xentity_id)
    articles = dict(conn.execute(query).all())
    return [
        {
            "id": xid,
            "name": name,
            "type": types[xid][0],
            "key": keys[first],
            "gazetteer_id": gazetteer[xid][1] if xid in gazetteer else None,
            "articles": articles[xid],
        }
        for xid, (name, _n, first) in sorted(names.items())
    ]

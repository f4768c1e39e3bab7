"""Entities unified across articles: the same gazetteer id, or a shared name
key (a name or alias under the transliteration rules), makes one `xentity`.

An xentity's id is its earliest entity's id. Incremental runs place the
entities without one by looking up the stored entities with the same keys,
and rewrite only the xentities that grew or merged, which gives what a full
run gives.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from claimgraph.link.unionfind import UnionFind
from claimgraph.store import schema as t
from claimgraph.store.bulk import chunks, insert_chunked, update_chunked

_COLUMNS = (
    t.entities.c.id,
    t.entities.c.name,
    t.entities.c.type,
    t.entities.c.key,
    t.entities.c.gazetteer_id,
    t.entities.c.article_id,
)


def _current():
    return t.entities.c.article_id.not_in(t.superseded_articles())


def unify_entities(conn: Connection, full: bool) -> tuple[int, int]:
    """Unify the new entities (or, with `full`, all); returns (entities, xentities) in the ledger."""
    if full:
        conn.execute(t.entities.update().values(xentity_id=None))
        conn.execute(t.xentities.delete())
    new = conn.execute(
        sa.select(*_COLUMNS).where(t.entities.c.xentity_id.is_(None), _current()).order_by(t.entities.c.id)
    ).all()
    if new:
        _place(conn, new)
    entities = conn.execute(sa.select(sa.func.count()).select_from(t.entities)).scalar_one()
    return entities, conn.execute(sa.select(sa.func.count()).select_from(t.xentities)).scalar_one()


def _place(conn: Connection, new: list) -> None:
    new_ids = [row[0] for row in new]
    keys_of: dict[int, list[str]] = defaultdict(list)
    for chunk in chunks(new_ids):
        for eid, key in conn.execute(
            sa.select(t.entity_keys.c.entity_id, t.entity_keys.c.key)
            .where(t.entity_keys.c.entity_id.in_(chunk))
            .order_by(t.entity_keys.c.entity_id, t.entity_keys.c.key)
        ):
            keys_of[eid].append(key)

    # the stored xentity behind each key, so that new entities join it
    first_by: dict[str, int] = {}
    gazetteer = sorted({row[4] for row in new if row[4]})
    for chunk in chunks(gazetteer):
        for gaz, xid in conn.execute(
            sa.select(t.entities.c.gazetteer_id, t.entities.c.xentity_id)
            .where(t.entities.c.gazetteer_id.in_(chunk), t.entities.c.xentity_id.is_not(None))
            .distinct()
        ):
            first_by["geo:" + gaz] = min(xid, first_by.get("geo:" + gaz, xid))
    keys = sorted({k for ks in keys_of.values() for k in ks})
    for chunk in chunks(keys):
        for key, xid in conn.execute(
            sa.select(t.entity_keys.c.key, t.entities.c.xentity_id)
            .join(t.entities, t.entities.c.id == t.entity_keys.c.entity_id)
            .where(t.entity_keys.c.key.in_(chunk), t.entities.c.xentity_id.is_not(None))
            .distinct()
        ):
            first_by["key:" + key] = min(xid, first_by.get("key:" + key, xid))
    stored_roots = set(first_by.values())

    uf = UnionFind()
    for row in new:  # gazetteer ids first, then keys: as a full run does
        if row[4]:
            uf.union(first_by.setdefault("geo:" + row[4], row[0]), row[0])
    for eid in new_ids:
        for key in keys_of[eid]:
            uf.union(first_by.setdefault("key:" + key, eid), eid)

    merged = [(old, uf.find(old)) for old in sorted(stored_roots) if uf.find(old) != old]
    touched = {uf.find(eid) for eid in new_ids}
    if merged:
        conn.execute(
            t.entities.update()
            .where(t.entities.c.xentity_id == sa.bindparam("_old"))
            .values(xentity_id=sa.bindparam("_new")),
            [{"_old": old, "_new": root} for old, root in merged],
        )
    update_chunked(conn, t.entities, "xentity_id", [(eid, uf.find(eid)) for eid in new_ids])
    for chunk in chunks(sorted(touched | {old for old, _root in merged})):
        conn.execute(t.xentities.delete().where(t.xentities.c.id.in_(chunk)))
    groups: dict[int, list] = defaultdict(list)
    for chunk in chunks(sorted(touched)):
        for row in conn.execute(
            sa.select(*_COLUMNS, t.entities.c.xentity_id)
            .where(t.entities.c.xentity_id.in_(chunk))
            .order_by(t.entities.c.id)
        ):
            groups[row[6]].append(row)
    insert_chunked(conn, t.xentities, [_xentity_row(root, rows) for root, rows in groups.items()])


def _xentity_row(root: int, rows: list) -> dict:
    """The most used name and type (earliest first on a tie), the first gazetteer id."""
    rows = sorted(rows, key=lambda r: r[0])
    name = Counter(r[1] for r in rows).most_common(1)[0][0]
    return {
        "id": root,
        "name": name,
        "type": Counter(r[2] for r in rows).most_common(1)[0][0],
        "key": next(r[3] for r in rows if r[1] == name),
        "gazetteer_id": next((r[4] for r in rows if r[4]), None),
        "articles": len({r[5] for r in rows}),
    }

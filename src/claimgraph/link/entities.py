"""Entities unified across articles: an entity joins an earlier one when
`evidence` says they are the same (the same gazetteer id, or a shared name
key backed by the names, types and articles), and keeps that reason in
`entities.xentity_reason`. The merged groups are the `xentities`.

An xentity's id is its earliest entity's id. Entities are visited in id
order, each against the earlier entities that share a key or gazetteer id;
incremental runs read just those from the store, so they give what a full
run gives, and rewrite only the xentities that grew or merged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from claimgraph.link.evidence import Ent, context_verdict, folded, name_verdict
from claimgraph.link.unionfind import UnionFind
from claimgraph.store import schema as t
from claimgraph.store.bulk import chunks, delete_ids, insert_rows, reassign, update_chunked

GROUP_CAP = 1  # entities kept per (key, name, type, gazetteer id): alike ones are one already

_e = t.entities.c
_COLUMNS = (_e.id, _e.article_id, _e.name, _e.type, _e.gazetteer_id, _e.lat, _e.lon, _e.xentity_id)


def _current() -> sa.ColumnElement[bool]:
    """Entities of articles that no newer version has replaced."""
    return _e.article_id.not_in(t.superseded_articles())


BATCH = 100_000  # entities placed at a time: a full link of 1M claims holds a batch, not them all


def unify_entities(conn: Connection, full: bool) -> None:
    """Unify the new entities (or, with `full`, all), BATCH at a time in id
    order, each batch against the ones placed before it as an incremental run
    places new ones (which gives what one pass gives)."""
    if full:
        conn.execute(t.entities.update().values(xentity_id=None, xentity_reason=None))
        conn.execute(t.xentities.delete())
    last = 0
    while True:
        query = sa.select(*_COLUMNS).where(_e.xentity_id.is_(None), _current(), _e.id > last).order_by(_e.id)
        rows = conn.execute(query.limit(BATCH)).all()
        if not rows:
            return
        if len(rows) == BATCH and rows[0][1] != rows[-1][1]:
            # an article's entities are placed together (their names are its context): its run waits
            tail = rows[-1][1]
            while rows[-1][1] == tail:
                rows.pop()
        _place(conn, rows)
        last = rows[-1][0]


class _Index:
    """Earlier entities by key ("geo:<id>" for a gazetteer id), grouped by what a name verdict depends on."""

    def __init__(self) -> None:
        self.by_key: dict[str, dict[tuple, list[Ent]]] = defaultdict(dict)

    def add(self, e: Ent, keys: Iterable[str]) -> None:
        for key in keys:
            group = self.by_key[key].setdefault(e.signature, [])
            if len(group) < GROUP_CAP:
                group.append(e)


class _Contexts:
    """The folded names each article mentions, read when a skeleton-only match needs them."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.names: dict[int, frozenset[str]] = {}

    def __call__(self, article: int) -> frozenset[str]:
        if article not in self.names:
            rows = self.conn.execute(sa.select(_e.name).where(_e.article_id == article)).scalars()
            self.names[article] = frozenset(folded(Ent(0, article, n, "", None, None, None)) for n in rows)
        return self.names[article]


def _ent(row) -> Ent:
    return Ent(row[0], row[1], row[2], row[3], row[4], row[5], row[6])


def _keys_of(conn: Connection, new: list) -> dict[int, list[str]]:
    """Each new entity's name keys, and "geo:<id>" for its gazetteer id."""
    keys: dict[int, list[str]] = defaultdict(list)
    for row in new:
        if row[4]:
            keys[row[0]].append("geo:" + row[4])
    ids = [row[0] for row in new]
    for chunk in chunks(ids):
        query = sa.select(t.entity_keys.c.entity_id, t.entity_keys.c.key).where(t.entity_keys.c.entity_id.in_(chunk))
        for eid, key in conn.execute(query).all():
            keys[eid].append(key)
    return keys


def _stored(conn: Connection, keys: set[str]) -> tuple[list, dict[int, list[str]]]:
    """The first linked entity of each name, type and gazetteer id under each key (or gazetteer id)
    of the new ones, and their keys among those: what a full run's index holds (GROUP_CAP is 1)."""
    keys_of: dict[int, list[str]] = defaultdict(list)
    linked = (_e.xentity_id.is_not(None), _current())
    k = t.entity_keys.c
    for chunk in chunks(sorted(x for x in keys if not x.startswith("geo:"))):
        query = (
            sa.select(k.key, sa.func.min(_e.id))
            .join(t.entities, _e.id == k.entity_id)
            .where(k.key.in_(chunk), *linked)
            .group_by(k.key, _e.name, _e.type, _e.gazetteer_id)
        )
        for key, eid in conn.execute(query).all():
            keys_of[eid].append(key)
    for chunk in chunks(sorted(x[4:] for x in keys if x.startswith("geo:"))):
        query = (
            sa.select(_e.gazetteer_id, sa.func.min(_e.id))
            .where(_e.gazetteer_id.in_(chunk), *linked)
            .group_by(_e.gazetteer_id, _e.name, _e.type)
        )
        for gaz, eid in conn.execute(query).all():
            keys_of[eid].append("geo:" + gaz)
    rows: dict[int, tuple] = {}
    for chunk in chunks(sorted(keys_of)):
        rows.update((row[0], tuple(row)) for row in conn.execute(sa.select(*_COLUMNS).where(_e.id.in_(chunk))))
    return [rows[i] for i in sorted(rows)], keys_of


_UNSEEN = object()


def _match(
    e: Ent, keys: list[str], index: _Index, uf: UnionFind, contexts: _Contexts, verdicts: dict
) -> list[tuple[Ent, str]]:
    """The earlier entities `e` is the same as (one per xentity), each with the reason."""
    found: dict[int, tuple[Ent, str]] = {}
    # the gazetteer id first, then the longest shared key: the reason names the strongest evidence
    for key in sorted(keys, key=lambda k: (not k.startswith("geo:"), -len(k), k)):
        for signature, group in index.by_key.get(key, {}).items():
            verdict = verdicts.get((e.signature, signature, key), _UNSEEN)
            if verdict is _UNSEEN:
                verdict = verdicts[(e.signature, signature, key)] = name_verdict(e, group[0], key)
            if verdict is None:
                continue
            # on a name verdict the whole group agrees (alike entities are one already): its first stands for it
            for other in group if verdict == "context" else group[:1]:
                root = uf.find(other.id)
                if root in found:
                    continue
                reason = context_verdict(e, other, key, contexts) if verdict == "context" else verdict
                if reason:
                    found[root] = (other, reason)
    return list(found.values())


def _place(conn: Connection, new: list) -> None:
    new_ids = [row[0] for row in new]
    new_keys = _keys_of(conn, new)
    stored, stored_keys = _stored(conn, {k for ks in new_keys.values() for k in ks})
    uf, index, contexts = UnionFind(), _Index(), _Contexts(conn)
    names: dict[int, set[str]] = defaultdict(set)
    for row in new:  # a new article's entities are all new (linking is one transaction)
        names[row[1]].add(folded(_ent(row)))
    contexts.names.update((article, frozenset(n)) for article, n in names.items())
    for row in stored:
        uf.parent[row[0]] = row[7]  # a stored entity hangs under its xentity's root
        index.add(_ent(row), stored_keys[row[0]])
    stored_roots = {row[7] for row in stored}

    reasons: list[tuple[int, str | None]] = []
    verdicts: dict = {}  # (signature, signature, key) -> name verdict: names repeat across articles
    for row in new:
        e, keys = _ent(row), new_keys[row[0]]
        matches = _match(e, keys, index, uf, contexts, verdicts)
        for other, _reason in matches:
            uf.union(other.id, e.id)
        # each reason names the entity it was matched to: "'Tartous' (article 12): same gazetteer id ..."
        why = "; ".join(f"{other.name!r} (article {other.article}): {text}" for other, text in matches)
        reasons.append((e.id, why or None))
        index.add(e, keys)

    merged = uf.merged(stored_roots)
    touched = {uf.find(eid) for eid in new_ids}
    reassign(conn, t.entities, "xentity_id", merged)
    update_chunked(conn, t.entities, "xentity_id", [(eid, uf.find(eid)) for eid in new_ids])
    why = [{"_id": eid, "_why": text} for eid, text in reasons if text]
    if why:
        stmt = t.entities.update().where(_e.id == sa.bindparam("_id")).values(xentity_reason=sa.bindparam("_why"))
        conn.execute(stmt, why)
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

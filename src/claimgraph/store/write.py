"""Storing analyses: a batch of articles in one transaction.

A batch is all or nothing, so a run killed at any moment leaves whole
articles or none; the unique article key makes a rerun skip what is there.
Work is done per batch (one multi-row statement per table), not per row,
which is what lets SQLite take thousands of analyses a second.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from claimgraph.model import PLACE_TYPES, Analysis
from claimgraph.store import schema as t
from claimgraph.store.bulk import chunks, insert_rows
from claimgraph.text import minhash
from claimgraph.text.identity import article_key
from claimgraph.text.translit import name_key

Outcome = Literal["new", "near-duplicate", "updated", "duplicate"]

NUM_PERM = 100
BANDS = 20  # 5 rows a band: texts above about 0.55 Jaccard meet in some band
NEAR = 0.7  # estimated Jaccard of 3-word shingles that makes a syndicated copy (copies with a credit line score 0.8+)


@dataclass
class Record:
    """An analysis plus what ingest learnt about its article."""

    analysis: Analysis
    origin: str
    author: str | None = None
    language: str | None = None

    def __post_init__(self) -> None:
        self.key, self.content_hash = article_key(self.analysis.text, self.analysis.url)


@dataclass(frozen=True)
class Stored:
    origin: str
    outcome: Outcome
    article_id: int
    group_id: int


def known(conn: Connection, hashes: Sequence[str]) -> dict[str, int]:
    """Which of these content hashes are stored: {hash: article id}."""
    found: dict[str, int] = {}
    for chunk in chunks(sorted(set(hashes))):
        rows = conn.execute(
            sa.select(t.articles.c.content_hash, t.articles.c.id).where(t.articles.c.content_hash.in_(chunk))
        )
        found.update({value: id_ for value, id_ in rows})
    return found


@dataclass(frozen=True)
class _Current:
    """The stored version of an article that a record with its key replaces."""

    id: int
    revision: int
    group_id: int


def _stored_versions(conn: Connection, keys: Sequence[str]) -> dict[str, _Current]:
    found: dict[str, _Current] = {}
    columns = (t.articles.c.key, t.articles.c.id, t.articles.c.revision, t.articles.c.group_id)
    for chunk in chunks(sorted(set(keys))):
        for key, id_, revision, group in conn.execute(sa.select(*columns).where(t.articles.c.key.in_(chunk))):
            found[key] = _Current(id_, revision, group)
    return found


def add_records(conn: Connection, records: Sequence[Record]) -> list[Stored]:
    """Store a batch (inside the caller's transaction); one `Stored` per record, in order.

    The same text again is a duplicate. New text under a stored article's key
    (its canonical URL) is a new revision: it is stored, and the old version
    is kept with its key suffixed "#rev<N>" and `superseded_by` set; both are
    in one near-duplicate group, so they never count as independent."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    lock_writer(conn)
    seen = known(conn, [r.content_hash for r in records])
    current = _stored_versions(conn, [r.key for r in records])
    results: list[Stored | None] = [None] * len(records)
    fresh: list[int] = []
    later: list[int] = []  # a second version of a key within this batch: stored after the first
    batch_ids: dict[str, int] = {}  # key/hash -> index of the record in this batch
    for i, rec in enumerate(records):
        hit = seen.get(rec.content_hash)
        if hit is not None:
            results[i] = Stored(rec.origin, "duplicate", hit, hit)
        elif rec.content_hash in batch_ids:
            results[i] = Stored(rec.origin, "duplicate", -1 - batch_ids[rec.content_hash], 0)  # resolved once stored
        elif rec.key in batch_ids:
            later.append(i)
        else:
            batch_ids[rec.key] = batch_ids[rec.content_hash] = i
            fresh.append(i)
    if fresh:
        _store_fresh(conn, records, fresh, current, results, now)
    if later:  # now the first version is stored, the second replaces it
        for i, stored in zip(later, add_records(conn, [records[i] for i in later]), strict=True):
            results[i] = stored
    return _resolve(results)


def _store_fresh(
    conn: Connection,
    records: Sequence[Record],
    fresh: list[int],
    current: dict[str, _Current],
    results: list[Stored | None],
    now: str,
) -> None:
    sigs = {i: minhash.signature(minhash.shingles(records[i].analysis.text), NUM_PERM) for i in fresh}
    bands = {i: minhash.band_keys(sigs[i], BANDS) for i in fresh}
    groups = _near_duplicates(conn, fresh, sigs, bands)

    ids = _allocate(conn, t.articles, len(fresh))
    article_ids = dict(zip(fresh, ids, strict=True))
    group_of: dict[int, int] = {}
    replaces = {i: current[records[i].key] for i in fresh if records[i].key in current}
    for i in fresh:
        target = groups.get(i)
        if i in replaces:
            group_of[i] = replaces[i].group_id
        elif target is None:
            group_of[i] = article_ids[i]
        elif target[0] == "stored":
            group_of[i] = target[1]
        else:  # an earlier record of this batch, already resolved (fresh is in order)
            group_of[i] = group_of[target[1]]
    if replaces:  # the old versions step aside first: the key is unique
        conn.execute(
            t.articles.update()
            .where(t.articles.c.id == sa.bindparam("_id"))
            .values(key=sa.bindparam("_key"), superseded_by=sa.bindparam("_by")),
            [
                {"_id": old.id, "_key": f"{records[i].key}#rev{old.revision}", "_by": article_ids[i]}
                for i, old in replaces.items()
            ],
        )
    rows = [article_row(records[i], sigs[i], now, article_ids[i], group_of[i]) for i in fresh]
    for i, row in zip(fresh, rows, strict=True):
        row["revision"] = replaces[i].revision + 1 if i in replaces else 1
    insert_rows(conn, t.articles, rows)
    insert_rows(
        conn,
        t.analyses,
        [
            {
                "article_id": article_ids[i],
                "schema": records[i].analysis.schema_,
                "model": records[i].analysis.model,
                "json": records[i].analysis.to_json(),
            }
            for i in fresh
        ],
    )
    insert_rows(conn, t.minhash_bands, [{"band": b, "article_id": article_ids[i]} for i in fresh for b in bands[i]])
    index_article_text(conn, [(article_ids[i], records[i].analysis.title, records[i].analysis.text) for i in fresh])
    _add_parts(conn, [(article_ids[i], records[i].analysis) for i in fresh])
    for i in fresh:
        outcome: Outcome = "updated" if i in replaces else "near-duplicate" if group_of[i] != article_ids[i] else "new"
        results[i] = Stored(records[i].origin, outcome, article_ids[i], group_of[i])


def _resolve(results: list[Stored | None]) -> list[Stored]:
    # duplicates of a record earlier in the same batch point at its stored row
    out: list[Stored] = []
    for s in results:
        assert s is not None
        if s.article_id < 0:
            first = results[-1 - s.article_id]
            assert first is not None
            s = Stored(s.origin, "duplicate", first.article_id, first.group_id)
        out.append(s)
    return out


def _near_duplicates(
    conn: Connection, fresh: list[int], sigs: dict[int, np.ndarray], bands: dict[int, list[int]]
) -> dict[int, tuple[str, int]]:
    """For each record that copies another: ("stored", group id) or ("batch", index)."""
    all_bands = sorted({b for i in fresh for b in bands[i]})
    holders: dict[int, list[int]] = {}
    for chunk in chunks(all_bands):
        for band, aid in conn.execute(
            sa.select(t.minhash_bands.c.band, t.minhash_bands.c.article_id).where(t.minhash_bands.c.band.in_(chunk))
        ):
            holders.setdefault(band, []).append(aid)
    candidates = sorted({aid for ids in holders.values() for aid in ids})
    stored: dict[int, tuple[np.ndarray, int]] = {}
    for chunk in chunks(candidates):
        for aid, blob, gid in conn.execute(
            sa.select(t.articles.c.id, t.articles.c.minhash, t.articles.c.group_id).where(t.articles.c.id.in_(chunk))
        ):
            stored[aid] = (minhash.from_bytes(blob), gid)
    found: dict[int, tuple[str, int]] = {}
    in_batch: dict[int, list[int]] = {}
    for i in fresh:
        best, best_sim = None, NEAR
        for aid in sorted({aid for b in bands[i] for aid in holders.get(b, ())}):
            sim = minhash.similarity(sigs[i], stored[aid][0])
            if sim >= best_sim:
                best, best_sim = ("stored", stored[aid][1]), sim
        for j in sorted({j for b in bands[i] for j in in_batch.get(b, ())}):
            sim = minhash.similarity(sigs[i], sigs[j])
            if sim > best_sim:
                best, best_sim = ("batch", j), sim
        if best is not None:
            found[i] = best
        for b in bands[i]:
            in_batch.setdefault(b, []).append(i)
    return found


def article_row(rec: Record, sig: np.ndarray, now: str, article_id: int, group_id: int) -> dict:
    a = rec.analysis
    return {
        "id": article_id,
        "key": rec.key,
        "content_hash": rec.content_hash,
        "ext_id": a.id,
        "url": a.url,
        "title": a.title,
        "author": rec.author,
        "publisher": a.publisher,
        "language": rec.language,
        "published": a.published,
        "origin": rec.origin,
        "group_id": group_id,
        "minhash": minhash.to_bytes(sig),
        "ingested_at": now,
    }


def index_article_text(conn: Connection, items: Sequence[tuple[int, str | None, str]]) -> None:
    """Put (article id, title, text) in the whole-article full-text index (migration 0006):
    SQLite's contentless `articles_fts`, PostgreSQL's `articles.tsv`, cut as the claims' index is."""
    if not items or not _has_text_index(conn):
        return
    rows = [{"id": article_id, "text": f"{title}\n{text}" if title else text} for article_id, title, text in items]
    if conn.dialect.name == "sqlite":
        conn.execute(sa.text("INSERT INTO articles_fts(rowid, text) VALUES (:id, :text)"), rows)
    else:
        conn.execute(sa.text("UPDATE articles SET tsv = claimgraph_tsvector(:text, '') WHERE id = :id"), rows)


def _has_text_index(conn: Connection) -> bool:
    # a ledger held at a revision before 0006 (tests, a pinned upgrade) has none: 0006 indexes what is stored
    if conn.dialect.name == "sqlite":
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'articles_fts'"
    else:
        sql = (
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = 'articles' AND column_name = 'tsv'"
        )
    return conn.exec_driver_sql(sql).first() is not None


def lock_writer(conn: Connection) -> None:
    """Make this transaction the only writer until it ends, so that the
    duplicate check and the ids handed out below cannot race another run."""
    if conn.dialect.name == "sqlite":
        # a write, even of nothing, takes SQLite's write lock for the transaction
        conn.exec_driver_sql("UPDATE feeds SET url = url WHERE 0")
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7420117)")  # 'claimgraph ledger writer'


def _allocate(conn: Connection, table: sa.Table, n: int) -> list[int]:
    """n fresh ids for `table`, known before inserting, so that child rows can
    be written in bulk without a RETURNING round trip per row."""
    if n == 0:
        return []
    if conn.dialect.name == "postgresql":
        rows = conn.exec_driver_sql(
            f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) FROM generate_series(1, {int(n)})"
        )
        return sorted(r[0] for r in rows)
    # SQLite: we hold the write lock (see lock_writer), so max(id)+1... are ours
    top = conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0
    return list(range(top + 1, top + 1 + n))


Allocate = Callable[[sa.Table, int], list[int]]  # (table, n) -> n fresh ids for its rows
# the tables `part_rows` fills, in an order that inserts parents before their children
PART_TABLES = ("entities", "entity_keys", "claims", "claim_entities", "events", "relations")


def _add_parts(conn: Connection, items: list[tuple[int, Analysis]]) -> None:
    """Entities, claims, events and relations of newly stored articles."""
    rows = part_rows(items, lambda table, n: _allocate(conn, table, n))
    for name in PART_TABLES:
        if rows[name]:
            insert_rows(conn, t.metadata.tables[name], rows[name])


def part_rows(items: list[tuple[int, Analysis]], allocate: Allocate) -> dict[str, list[dict]]:
    """The rows of `PART_TABLES` for these (article id, analysis) pairs, by
    table name; entity and claim ids come from `allocate` (the ledger's next
    ids, or the backfill's archive-wide ones), events and relations get theirs
    where they are inserted."""
    entity_rows, entity_owner = [], []
    for aid, a in items:
        for e in a.entities:
            geo = e.geo
            entity_rows.append(
                {
                    "article_id": aid,
                    "local_id": e.id,
                    "type": e.type,
                    "name": e.name,
                    "key": e.key,
                    "gazetteer_id": geo.gazetteer_id if geo else None,
                    "lat": geo.lat if geo else None,
                    "lon": geo.lon if geo else None,
                    "xentity_id": None,
                }
            )
            entity_owner.append((aid, e))
    entity_ids = _with_ids(entity_rows, allocate(t.entities, len(entity_rows)))
    ent_id: dict[tuple[int, str], int] = {}
    key_rows = []
    for eid, (aid, e) in zip(entity_ids, entity_owner, strict=True):
        ent_id[(aid, e.id)] = eid
        for key in sorted({e.key, *(name_key(n) for n in (e.name, *e.aliases))} - {""}):
            key_rows.append({"entity_id": eid, "key": key})

    claim_rows, claim_owner = [], []
    for aid, a in items:
        for c in a.claims:
            source = c.source
            claim_rows.append(
                {
                    "article_id": aid,
                    "local_id": c.id,
                    "content": c.content.text,
                    "source_text": source.text if source else "",
                    "source_key": _source_key(a, source.entity, source.text) if source else None,
                    "source_entity": source.entity if source else None,
                    "cue": c.cue.text if c.cue else None,
                    "kind": c.kind,
                    "status": c.status,
                    "hedged": bool(c.hedges),
                    "sentence": c.sentence,
                    "published": a.published,
                    "cluster_id": None,
                }
            )
            claim_owner.append((aid, a, c))
    claim_ids = _with_ids(claim_rows, allocate(t.claims, len(claim_rows)))
    cl_id: dict[tuple[int, str], int] = {}
    mention_rows = []
    for cid, (aid, a, c) in zip(claim_ids, claim_owner, strict=True):
        cl_id[(aid, c.id)] = cid
        spans = [(c.content.start, c.content.end)] + ([(c.source.start, c.source.end)] if c.source else [])
        for e in a.entities:
            if any(m.start < end and start < m.end for m in e.mentions for start, end in spans):
                mention_rows.append(
                    {
                        "claim_id": cid,
                        "entity_id": ent_id[(aid, e.id)],
                        "key": e.key,
                        "place": e.type in PLACE_TYPES or e.geo is not None,
                    }
                )

    event_rows, relation_rows = [], []
    for aid, a in items:
        geo = {e.id: e.geo for e in a.entities}
        for ev in a.events:
            place = geo.get(ev.location) if ev.location else None
            event_rows.append(
                {
                    "article_id": aid,
                    "local_id": ev.id,
                    "type": ev.type,
                    "trigger": ev.trigger.text,
                    "actor": ev.actor,
                    "target": ev.target,
                    "location": ev.location,
                    "time": ev.time,
                    "claim_id": cl_id.get((aid, ev.claim)) if ev.claim else None,
                    "status": ev.status,
                    "negated": ev.negated,
                    "lat": place.lat if place else None,
                    "lon": place.lon if place else None,
                }
            )
        for r in a.relations:
            if (aid, r.a) in cl_id and (aid, r.b) in cl_id:
                relation_rows.append(
                    {
                        "article_id": aid,
                        "type": r.type,
                        "a": cl_id[(aid, r.a)],
                        "b": cl_id[(aid, r.b)],
                        "reason": r.reason,
                    }
                )
    return {
        "entities": entity_rows,
        "entity_keys": key_rows,
        "claims": claim_rows,
        "claim_entities": mention_rows,
        "events": event_rows,
        "relations": relation_rows,
    }


def _with_ids(rows: list[dict], ids: list[int]) -> list[int]:
    for id_, row in zip(ids, rows, strict=True):
        row["id"] = id_
    return ids


def _source_key(a: Analysis, entity_id: str | None, text: str) -> str:
    """The source's entity key when it is a named entity, else its words' key."""
    if entity_id:
        for e in a.entities:
            if e.id == entity_id:
                return e.key
    return name_key(text)

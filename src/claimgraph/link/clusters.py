"""Claim clusters: placing claims in them, all at once or just the new ones,
merging clusters a new claim joins, and each cluster's row (first
appearance, articles, sources, independent syndication groups).

Candidates come from MinHash LSH buckets and from the same source's latest
claims, never from comparing every pair; a crowded bucket is only compared
against its latest BUCKET_WINDOW members, and a cluster the claim has joined
is not checked again, so the cost stays close to linear in the number of claims.

Incremental runs read the buckets from the `claim_bands` table, so new claims
(those without a cluster) are placed by reading only the buckets they fall
in, and only the clusters they join are rewritten. Claims are visited in id
order against the claims before them, which is exactly what a full run does,
so both give the same clusters and links (a test holds them to it).

A denial of what another article's source asserts is not the same claim: it
is kept in its own cluster and linked to the other as `contradicts`. Each
run also rewrites the links of the clusters it rewrites (see `relators`):
incremental runs run relation functions on the pairs a new article makes and
on every pair of a merged cluster; a pair related before a merge keeps its
links until the next full run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from claimgraph.link import meaning
from claimgraph.link.records import Claim, first, load
from claimgraph.link.relators import (
    MEMBERSHIP_BY,
    Relating,
    article_pairs,
    carried_links,
    internal_contradictions,
    membership_links,
    run_relators,
)
from claimgraph.link.similarity import bucket_keys, compare, jaccard, words_of
from claimgraph.link.unionfind import UnionFind
from claimgraph.store import schema as t
from claimgraph.store.bulk import chunks, delete_ids, insert_chunked, insert_stream, reassign, update_chunked

BUCKET_WINDOW = 10  # enough: the members of one cluster share buckets, and a joined cluster is skipped
SOURCE_WINDOW = 12  # same-source rewordings are looked for among the source's latest claims


class _Buckets:
    """Bucket tails by key: the latest claims of each MinHash band and source."""

    def __init__(self) -> None:
        self.bands: dict[int, list[Claim]] = defaultdict(list)
        self.sources: dict[int, list[Claim]] = defaultdict(list)

    def candidates(self, c: Claim, bands: list[int], source: int | None) -> dict[int, Claim]:
        found: dict[int, Claim] = {}
        for key in bands:
            for other in self.bands[key][-BUCKET_WINDOW:]:
                if other.article != c.article:
                    found[other.id] = other
        if source is not None:
            for other in self.sources[source][-SOURCE_WINDOW:]:
                if other.article != c.article:
                    found[other.id] = other
        return found

    def add(self, c: Claim, bands: list[int], source: int | None) -> None:
        for key in bands:
            self.bands[key].append(c)
        if source is not None:
            self.sources[source].append(c)


@dataclass
class _Placed:
    opposed: list[tuple[Claim, Claim, float]]  # same content, opposite polarity
    band_rows: list[dict]  # claim_bands rows of the placed claims


def _place(claims: list[Claim], buckets: _Buckets, uf: UnionFind) -> _Placed:
    """Visit claims in id order, each against the bucket tails before it:
    union those that say the same; note denials of the same content."""
    opposed: list[tuple[Claim, Claim, float]] = []
    band_rows: list[dict] = []
    for c in claims:
        if not words_of(c):
            continue
        bands, source = bucket_keys(c)
        joined: set[int] = set()  # clusters this claim has joined: one check each is enough
        for other in buckets.candidates(c, bands, source).values():
            if c.denied == other.denied and uf.find(other.id) in joined:
                continue
            verdict = compare(c, other)
            if verdict is None:
                continue
            if verdict == "same":
                uf.union(other.id, c.id)
                joined.add(uf.find(c.id))
            else:
                opposed.append((other, c, jaccard(words_of(c), words_of(other))))
        buckets.add(c, bands, source)
        band_rows.extend({"band": b, "claim_id": c.id} for b in (*bands, *([source] if source is not None else ())))
    return _Placed(opposed, band_rows)


def _tails(conn: Connection, new: list[Claim]) -> tuple[_Buckets, list[Claim]]:
    """The stored bucket tails that the new claims fall in, and the claims in them."""
    keys: set[int] = set()
    sources: set[int] = set()
    for c in new:
        if words_of(c):
            bands, source = bucket_keys(c)
            keys.update(bands)
            if source is not None:
                sources.add(source)
    tail: list[tuple[int, int]] = []
    for chunk in chunks(sorted(keys | sources)):
        tail.extend(conn.execute(_tail_query(chunk)).all())
    ids = sorted({cid for _band, cid in tail})
    stored: dict[int, Claim] = {}
    for chunk in chunks(ids):
        stored.update((c.id, c) for c in load(conn, t.claims.c.id.in_(chunk)))
    buckets = _Buckets()
    for band, cid in sorted(tail, key=lambda row: row[1]):
        if cid in stored:
            (buckets.sources if band in sources else buckets.bands)[band].append(stored[cid])
    return buckets, list(stored.values())


def _tail_query(bands) -> sa.TextClause:
    """(band, claim id) of the latest max(BUCKET_WINDOW, SOURCE_WINDOW) claims of each band:
    one index seek per band finds the id its tail starts at, and the tail is
    read from there (a row_number() over each band would read whole buckets,
    and a source's bucket holds all its claims). The bands are integer
    literals: compiling thousands of bound parameters costs more than the query."""
    window = max(BUCKET_WINDOW, SOURCE_WINDOW)
    keys = ", ".join(f"({int(b)})" for b in bands)
    return sa.text(
        f"WITH keys(band) AS (VALUES {keys}), "
        "starts AS (SELECT keys.band AS band, coalesce((SELECT later.claim_id FROM claim_bands AS later "
        f"WHERE later.band = keys.band ORDER BY later.claim_id DESC LIMIT 1 OFFSET {window - 1}), -1) AS start "
        "FROM keys) "
        "SELECT claim_bands.band, claim_bands.claim_id FROM starts "
        "JOIN claim_bands ON claim_bands.band = starts.band AND claim_bands.claim_id >= starts.start"
    )


# ------------------------------------------------------------------ full and incremental runs


FULL_BATCH = 100_000  # claims a full link holds at a time; see `link_all`


def link_all(conn: Connection, relate: Relating, joins: Sequence[meaning.Join] = ()) -> int:
    """Cluster and link every current claim again, with the joins by meaning;
    returns how many were placed.

    Memory stays bounded whatever the ledger's size (one pass over every claim
    at once held 23.8 GB at 1M claims): claims are placed FULL_BATCH at a time in
    id order, each batch against the bucket tails that the batches before it
    stored, as `link_new` places new claims, so the clusters are those of one
    pass; the joins by meaning then merge the clusters they bridge, and the
    links and cluster rows are made one range of cluster ids at a time. On a
    ledger of up to FULL_BATCH claims this is one pass, as before."""
    for table in (t.links, t.clusters, t.claim_bands):
        conn.execute(table.delete())
    conn.execute(t.claims.update().values(cluster_id=None))
    placed, last = 0, None
    while batch := load(conn, sa.true() if last is None else t.claims.c.id > last, limit=FULL_BATCH):
        # the first batch meets no stored claim: no tails to read
        buckets, stored = (_Buckets(), []) if last is None else _tails(conn, batch)
        uf = UnionFind()
        for c in stored:
            uf.parent[c.id] = c.cluster  # a stored claim hangs under its cluster's root
        done = _place(batch, buckets, uf)
        reassign(conn, t.claims, "cluster_id", uf.merged({c.cluster for c in stored}))
        update_chunked(conn, t.claims, "cluster_id", [(c.id, uf.find(c.id)) for c in batch])
        insert_chunked(conn, t.claim_bands, done.band_rows)
        insert_chunked(conn, t.links, membership_links({}, done.opposed, [], {}))  # the denials: made once
        placed += len(batch)
        last = batch[-1].id
    insert_chunked(conn, t.links, meaning.links(_merge_joined(conn, joins)))
    internal = internal_contradictions(conn, None)  # a few per article: each range keeps the ones it holds
    related: set[tuple[int, int]] = set()  # article pairs related so far (two ranges can share one)
    top = conn.execute(sa.select(sa.func.max(t.claims.c.cluster_id))).scalar() or 0
    for lo in range(0, top + 1, FULL_BATCH):
        members: dict[int, list[Claim]] = defaultdict(list)
        for c in load(conn, t.claims.c.cluster_id.between(lo, lo + FULL_BATCH - 1)):
            members[c.cluster].append(c)
        by_id = {c.id: c for group in members.values() for c in group}
        insert_chunked(conn, t.links, membership_links(members, [], [], by_id))
        # carried row by row: at 1M claims, the first range's clusters carried too many to hold
        insert_stream(conn, t.links, carried_links(internal, by_id, members))
        pairs = article_pairs(members) - related
        related |= pairs
        insert_chunked(conn, t.links, run_relators(conn, pairs, relate))
        insert_chunked(conn, t.clusters, [_cluster_row(r, group, False) for r, group in members.items()])
    # every link is made now: a cluster is contradicted when a claim of its is an end of one
    ends = [
        sa.select(end).where(table.c.type == "contradicts")
        for table in (t.links, t.relations)
        for end in (table.c.a, table.c.b)
    ]
    contradicted = sa.select(t.claims.c.cluster_id).where(t.claims.c.id.in_(sa.union(*ends)))
    conn.execute(t.clusters.update().where(t.clusters.c.id.in_(contradicted)).values(contradicted=True))
    return placed


def _merge_joined(conn: Connection, joins: Sequence[meaning.Join]) -> list[meaning.Join]:
    """Merge the clusters that the joins by meaning bridge (into the smallest root, as one pass's union-find
    does); returns the joins that hold."""
    if not joins:
        return []
    ids = sorted({x for j in joins for x in (j.earlier, j.later)})
    cluster: dict[int, int] = {}
    for chunk in chunks(ids):
        cluster.update(
            conn.execute(sa.select(t.claims.c.id, t.claims.c.cluster_id).where(t.claims.c.id.in_(chunk))).all()
        )
    uf = UnionFind()
    for claim, root in cluster.items():
        if claim != root:
            uf.parent[claim] = root
    held = meaning.bridge(uf, joins, _sizes(conn, set(cluster.values())))
    reassign(conn, t.claims, "cluster_id", uf.merged(set(cluster.values())))
    return held


def _sizes(conn: Connection, clusters: set[int]) -> dict[int, int]:
    """Claims each of these stored clusters holds."""
    sizes: dict[int, int] = {}
    c = t.claims.c
    for chunk in chunks(sorted(clusters)):
        query = sa.select(c.cluster_id, sa.func.count()).where(c.cluster_id.in_(chunk)).group_by(c.cluster_id)
        sizes.update(conn.execute(query).all())
    return sizes


def link_new(conn: Connection, relate: Relating, joins: Sequence[meaning.Join] = ()) -> int:
    """Place the claims without a cluster, with the joins by meaning, and
    rewrite the clusters they join; returns how many were placed."""
    new = load(conn, t.claims.c.cluster_id.is_(None))
    if not new:
        return 0
    buckets, stored = _tails(conn, new)
    uf = UnionFind()
    for c in stored:
        uf.parent[c.id] = c.cluster  # a stored claim hangs under its cluster's root
    placed = _place(new, buckets, uf)
    roots = {c.cluster for c in stored}
    for j in joins:
        if j.cluster is not None:  # a stored partner, maybe outside the bucket tails
            uf.parent.setdefault(j.earlier, j.cluster)
            roots.add(j.cluster)
    sizes: dict[int, int] = defaultdict(int)  # claims under each root now: the stored ones and the new
    for root, n in _sizes(conn, roots).items():
        sizes[uf.find(root)] += n
    for c in new:
        sizes[uf.find(c.id)] += 1
    joins = meaning.bridge(uf, joins, sizes)  # those that hold: their links are made below
    merged = uf.merged(roots)
    touched = {uf.find(c.id) for c in new}
    # a new claim that joined two clusters moves the later one's claims to the earlier root
    reassign(conn, t.claims, "cluster_id", merged)
    update_chunked(conn, t.claims, "cluster_id", [(c.id, uf.find(c.id)) for c in new])
    insert_chunked(conn, t.claim_bands, placed.band_rows)

    members: dict[int, list[Claim]] = defaultdict(list)
    for chunk in chunks(sorted(touched)):
        for c in load(conn, t.claims.c.cluster_id.in_(chunk)):
            members[c.cluster].append(c)
        # links that depend on the membership of the touched clusters are made again
        in_touched = sa.select(t.claims.c.id).where(t.claims.c.cluster_id.in_(chunk))
        conn.execute(t.links.delete().where(t.links.c.by.in_(MEMBERSHIP_BY), t.links.c.b.in_(in_touched)))
    by_id = {c.id: c for group in members.values() for c in group}
    internal = internal_contradictions(conn, sorted(touched))
    rows = membership_links(members, placed.opposed, internal, by_id) + meaning.links(joins)
    # relation functions see the pairs a new article makes, and every pair of a merged cluster
    fused = {root for _old, root in merged}
    pairs = article_pairs({r: g for r, g in members.items() if r in fused})
    pairs |= article_pairs({r: g for r, g in members.items() if r not in fused}, only={c.article for c in new})
    rows += run_relators(conn, pairs, relate)
    insert_chunked(conn, t.links, rows)

    contradicted = _contradicted(conn, by_id)
    delete_ids(conn, t.clusters, touched | {old for old, _root in merged})
    insert_chunked(conn, t.clusters, [_cluster_row(r, group, r in contradicted) for r, group in members.items()])
    # a cluster left as it was can gain a contradiction from a new article
    ends = {x for row in rows if row["type"] == "contradicts" for x in (row["a"], row["b"])} - by_id.keys()
    for chunk in chunks(sorted(_clusters_of(conn, ends))):
        conn.execute(t.clusters.update().where(t.clusters.c.id.in_(chunk)).values(contradicted=True))
    return len(new)


def cluster_claims(claims: list[Claim]) -> tuple[dict[int, list[Claim]], list[tuple[Claim, Claim, float]]]:
    """The clusters a full run makes of these current claims (in id order),
    without a database (the backfill's archive stage): members by root id,
    and the denials of the same content (the other claim, the denial, their Jaccard)."""
    uf = UnionFind()
    placed = _place(claims, _Buckets(), uf)
    members: dict[int, list[Claim]] = defaultdict(list)
    for c in claims:
        c.cluster = uf.find(c.id)
        members[c.cluster].append(c)
    return members, placed.opposed


def cluster_row(root: int, group: list[Claim], contradicted: bool) -> dict:
    """A `clusters` row: first appearance, claims, articles, sources, independent groups."""
    return _cluster_row(root, group, contradicted)


# ------------------------------------------------------------------ cluster rows


def _cluster_row(root: int, group: list[Claim], contradicted: bool) -> dict:
    head = first(group)
    return {
        "id": root,
        "first_claim": head.id,
        "first_published": head.published,
        "content": head.content,
        "claims": len(group),
        "articles": len({c.article for c in group}),
        "sources": len({c.source_key for c in group if c.source_key}),
        "independent": len({c.group for c in group}),  # syndicated copies count once
        "contradicted": contradicted,
    }


def _clusters_of(conn: Connection, claim_ids: set[int]) -> set[int]:
    found: set[int] = set()
    for chunk in chunks(sorted(claim_ids)):
        found.update(conn.execute(sa.select(t.claims.c.cluster_id).where(t.claims.c.id.in_(chunk))).scalars())
    return found - {None}


def _contradicted(conn: Connection, by_id: dict[int, Claim]) -> set[int]:
    """The clusters among `by_id`'s whose claims are an end of a `contradicts`
    link or of a contradiction inside their own article."""
    hit: set[int] = set()
    for chunk in chunks(sorted(by_id)):
        for table in (t.links, t.relations):
            for end in (table.c.a, table.c.b):
                found = conn.execute(sa.select(end).where(table.c.type == "contradicts", end.in_(chunk)))
                hit.update(by_id[x].cluster for x in found.scalars())
    return hit

"""Claim clusters and cross-article relations, kept up to date as articles arrive.

The same claim in different articles is one cluster: content with the same
words (Jaccard of content words at least SAME_CONTENT), or the same source
saying overlapping things (at least SAME_SOURCE). Candidates come from
MinHash LSH buckets and from the same source's latest claims, never from
comparing every pair; a crowded bucket is only compared against its latest
BUCKET_WINDOW members, and a cluster the claim has joined is not checked
again, so the cost stays close to linear in the number of claims.

Linking is incremental: the buckets live in the `claim_bands` table, so new
claims (those without a cluster) are placed by reading only the buckets they
fall in, and only the clusters they join are rewritten. Claims are visited in
id order against the claims before them, which is exactly what a full relink
does, so both give the same clusters and links (a test holds them to it). A
full relink runs when the ledger asks for one: nothing linked yet, an article
superseded by a newer version, or unlinked claims older than linked ones.

A denial of what another article's source asserts is not the same claim: it
is kept in its own cluster and linked to the other as `contradicts`.

Relations between claims of different articles also come from relation
functions: the analysis stage's own (`relations`, registered by default),
any passed in (`relate=`) or registered (`register`), with the signature
`(a: Analysis, b: Analysis) -> iterable of objects with .a, .b (claim ids in
a and b), .type and .reason` (the model's `Relation` fits). They run on the
pairs of articles that share a cluster (its earliest-stored article and each
other one). Incremental linking runs them on the pairs a new article makes
and on every pair of a merged cluster; a pair related before a merge keeps
its links until the next full link.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from claimgraph.link.entities import unify_entities
from claimgraph.link.unionfind import UnionFind
from claimgraph.store import Store
from claimgraph.store import schema as t
from claimgraph.store.bulk import chunks, insert_chunked, reassign, update_chunked
from claimgraph.store.write import lock_writer
from claimgraph.text import minhash

SAME_CONTENT = 0.6
SAME_SOURCE = 0.34
NUM_PERM = 36
BANDS = 12  # 3 rows a band: pairs at 0.6 Jaccard meet in some band 95% of the time, at 0.2 only 9%
BUCKET_WINDOW = 10  # enough: the members of one cluster share buckets, and a joined cluster is skipped
SOURCE_WINDOW = 12  # same-source rewordings are looked for among the source's latest claims
DEFAULT_BY = ("same-claim", "denial", "carried")  # the `by` of links made here, not by relation functions
_STOP_WORDS = (
    "a an the of to in on at by for with from and or but that this these those is are was were be been being "
    "has have had it its their his her they he she we you i as not no will would could should may might"
)
_STOP = frozenset(_STOP_WORDS.split())

Relate = Callable[[Any, Any], Iterable[Any]]


@dataclass(frozen=True)
class _CrossRelation:
    type: str
    a: str
    b: str
    reason: str
    reverse: bool  # .a is a claim of the second article, .b of the first


def relations(a: Any, b: Any) -> list[_CrossRelation]:
    """The analysis stage's relations between two articles' claims
    (`claimgraph.analyse.relations.relate`: same event, incompatible fates,
    conflicting numbers, denials...), each with its reason."""
    from claimgraph.analyse.relations import relate

    out = []
    for rel in relate(a.model_copy(update={"id": "a"}), b.model_copy(update={"id": "b"})):
        (side_a, claim_a), (side_b, claim_b) = rel.a.split(":", 1), rel.b.split(":", 1)
        if side_a != side_b:
            out.append(_CrossRelation(rel.type, claim_a, claim_b, rel.reason, reverse=side_a == "b"))
    return out


RELATORS: dict[str, Relate] = {"relations": relations}  # run on every link; `register` adds more


def register(name: str) -> Callable[[Relate], Relate]:
    """Register a cross-article relation function under `name`."""

    def add(fn: Relate) -> Relate:
        RELATORS[name] = fn
        return fn

    return add


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


def content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in minhash.words(text) if w not in _STOP)


def source_band(source_key: str) -> int:
    """The bucket key of a source's claims; salted apart from the MinHash bands."""
    digest = hashlib.blake2b(source_key.encode(), digest_size=8, salt=b"source").digest()
    return int.from_bytes(digest, "little", signed=True)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    common = len(a & b)  # |a ∪ b| = |a| + |b| - |a ∩ b|: no second set built
    return common / (len(a) + len(b) - common)


@dataclass(slots=True)
class _Claim:
    id: int
    article: int
    group: int
    content: str
    source_key: str | None
    denied: bool
    published: date | None
    cluster: int | None
    words: frozenset[str] | None = None  # None until needed: most stored claims in a bucket are never compared
    _keys: tuple[list[int], int | None] | None = None

    def bucket_keys(self) -> tuple[list[int], int | None]:
        """Its MinHash band keys and its source's bucket key."""
        if self._keys is None:
            bands = minhash.band_keys(minhash.signature(self.words, NUM_PERM), BANDS)
            self._keys = bands, source_band(self.source_key) if self.source_key else None
        return self._keys


def _first(group: Iterable[_Claim]) -> _Claim:
    """A cluster's first appearance: earliest publication, then article, then claim."""
    return min(group, key=lambda c: (c.published is None, c.published or date.min, c.article, c.id))


# ------------------------------------------------------------------ entry point


def link(store: Store, relate: Iterable[Relate] | Relate | None = None, full: bool = False) -> LinkStats:
    """Place the claims and entities stored since the last link (or, with
    `full`, everything again): clusters, cross-article links, unified entities."""
    with store.engine.begin() as conn:
        lock_writer(conn)  # no ingest writes between reading the buckets and writing clusters
        full = full or _needs_full(conn)
        stats = _link_all(conn, relate) if full else _link_new(conn, relate)
        stats.entities, stats.xentities = unify_entities(conn, full)
        stats.claims = _count(conn, t.claims)
        stats.clusters = _count(conn, t.clusters)
        stats.multi_article = _count(conn, t.clusters, t.clusters.c.articles > 1)
        stats.links = _count(conn, t.links)
    if full and store.dialect == "postgresql":
        # fresh statistics after bulk changes: without them the planner can
        # pick slow plans for searches (measured: p95 110 ms -> 75 ms at 1M claims)
        with store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    return stats


def _count(conn: Connection, table: sa.Table, where=None) -> int:
    query = sa.select(sa.func.count()).select_from(table)
    return conn.execute(query if where is None else query.where(where)).scalar_one()


def _current():
    """Claims of articles that no newer version has replaced."""
    return t.claims.c.article_id.not_in(t.superseded_articles())


def _needs_full(conn: Connection) -> bool:
    linked = t.claims.c.cluster_id.is_not(None)
    max_linked = conn.execute(sa.select(sa.func.max(t.claims.c.id)).where(linked)).scalar()
    if max_linked is None:
        return True  # nothing linked yet (or a ledger from before the buckets): start clean
    min_new = conn.execute(
        sa.select(sa.func.min(t.claims.c.id)).where(t.claims.c.cluster_id.is_(None), _current())
    ).scalar()
    if min_new is not None and min_new < max_linked:
        return True  # new claims must come after the linked ones to be visited in order
    stale = conn.execute(
        sa.select(t.claims.c.id).where(linked, t.claims.c.article_id.in_(t.superseded_articles())).limit(1)
    ).first()
    return stale is not None  # an old version's claims must leave their clusters


def _load(conn: Connection, where, words: bool = True) -> list[_Claim]:
    rows = conn.execute(
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
        .where(where, _current())
        .order_by(t.claims.c.id)
    ).all()
    claims = [_Claim(r[0], r[1], r[2], r[3], r[4], r[5] == "denied", r[6], r[7]) for r in rows]
    if words:
        for c in claims:
            c.words = content_words(c.content)
    return claims


# ------------------------------------------------------------------ clustering


class _Buckets:
    """Bucket tails by key: the latest claims of each MinHash band and source."""

    def __init__(self) -> None:
        self.bands: dict[int, list[_Claim]] = defaultdict(list)
        self.sources: dict[int, list[_Claim]] = defaultdict(list)

    def candidates(self, c: _Claim, bands: list[int], source: int | None) -> dict[int, _Claim]:
        found: dict[int, _Claim] = {}
        for key in bands:
            for other in self.bands[key][-BUCKET_WINDOW:]:
                if other.article != c.article:
                    found[other.id] = other
        if source is not None:
            for other in self.sources[source][-SOURCE_WINDOW:]:
                if other.article != c.article:
                    found[other.id] = other
        return found

    def add(self, c: _Claim, bands: list[int], source: int | None) -> None:
        for key in bands:
            self.bands[key].append(c)
        if source is not None:
            self.sources[source].append(c)


@dataclass
class _Placed:
    uf: UnionFind
    opposed: list[tuple[_Claim, _Claim, float]]  # same content, opposite polarity
    band_rows: list[dict]  # claim_bands rows of the placed claims


def _place(claims: list[_Claim], buckets: _Buckets, uf: UnionFind) -> _Placed:
    """Visit claims in id order, each against the bucket tails before it:
    union those that say the same; note denials of the same content."""
    opposed: list[tuple[_Claim, _Claim, float]] = []
    band_rows: list[dict] = []
    for c in claims:
        if not c.words:
            continue
        bands, source = c.bucket_keys()
        joined: set[int] = set()  # clusters this claim has joined: one check each is enough
        for other in buckets.candidates(c, bands, source).values():
            same_polarity = c.denied == other.denied
            if same_polarity and uf.find(other.id) in joined:
                continue
            if other.words is None:
                other.words = content_words(other.content)
            sim = _jaccard(c.words, other.words)
            same_source = c.source_key is not None and c.source_key == other.source_key
            if sim < SAME_CONTENT and not (same_source and sim >= SAME_SOURCE):
                continue
            if same_polarity:
                uf.union(other.id, c.id)
                joined.add(uf.find(c.id))
            elif sim >= SAME_CONTENT:
                opposed.append((other, c, sim))
        buckets.add(c, bands, source)
        band_rows.extend({"band": b, "claim_id": c.id} for b in (*bands, *([source] if source is not None else ())))
    return _Placed(uf, opposed, band_rows)


def _tails(conn: Connection, new: list[_Claim]) -> tuple[_Buckets, list[_Claim]]:
    """The stored bucket tails that the new claims fall in, and the claims in them."""
    keys: set[int] = set()
    sources: set[int] = set()
    for c in new:
        if c.words:
            bands, source = c.bucket_keys()
            keys.update(bands)
            if source is not None:
                sources.add(source)
    window = max(BUCKET_WINDOW, SOURCE_WINDOW)
    rank = (
        sa.func.row_number()
        .over(partition_by=t.claim_bands.c.band, order_by=t.claim_bands.c.claim_id.desc())
        .label("rank")
    )
    tail: list[tuple[int, int]] = []
    for chunk in chunks(sorted(keys | sources)):
        ranked = sa.select(t.claim_bands.c.band, t.claim_bands.c.claim_id, rank).where(t.claim_bands.c.band.in_(chunk))
        sub = ranked.subquery()
        tail.extend(conn.execute(sa.select(sub.c.band, sub.c.claim_id).where(sub.c.rank <= window)).all())
    ids = sorted({cid for _band, cid in tail})
    stored: dict[int, _Claim] = {}
    for chunk in chunks(ids):
        stored.update((c.id, c) for c in _load(conn, t.claims.c.id.in_(chunk), words=False))
    buckets = _Buckets()
    for band, cid in sorted(tail, key=lambda row: row[1]):
        if cid in stored:
            (buckets.sources if band in sources else buckets.bands)[band].append(stored[cid])
    return buckets, list(stored.values())


# ------------------------------------------------------------------ full and incremental runs


def _link_all(conn: Connection, relate) -> LinkStats:
    claims = _load(conn, sa.true())
    placed = _place(claims, _Buckets(), UnionFind())
    for table in (t.links, t.clusters, t.claim_bands):
        conn.execute(table.delete())
    conn.execute(t.claims.update().values(cluster_id=None))
    members: dict[int, list[_Claim]] = defaultdict(list)
    for c in claims:
        c.cluster = placed.uf.find(c.id)
        members[c.cluster].append(c)
    update_chunked(conn, t.claims, "cluster_id", [(c.id, c.cluster) for c in claims])
    insert_chunked(conn, t.claim_bands, placed.band_rows)
    by_id = {c.id: c for c in claims}
    internal = _internal(conn, None)
    rows = _supports(members) + _denials(placed.opposed) + _carried(internal, by_id, members)
    rows += _plugged(conn, _pairs(members), relate)
    insert_chunked(conn, t.links, rows)
    ends = [x for row in rows if row["type"] == "contradicts" for x in (row["a"], row["b"])]
    ends += [x for pair in internal for x in pair]
    contradicted = {by_id[x].cluster for x in ends if x in by_id}
    insert_chunked(conn, t.clusters, [_cluster_row(r, group, r in contradicted) for r, group in members.items()])
    return LinkStats(mode="full", linked=len(claims))


def _link_new(conn: Connection, relate) -> LinkStats:
    new = _load(conn, t.claims.c.cluster_id.is_(None))
    if not new:
        return LinkStats()
    buckets, stored = _tails(conn, new)
    uf = UnionFind()
    for c in stored:
        uf.parent[c.id] = c.cluster  # a stored claim hangs under its cluster's root
    placed = _place(new, buckets, uf)
    old_roots = {c.cluster for c in stored}
    merged = [(old, uf.find(old)) for old in sorted(old_roots) if uf.find(old) != old]
    touched = {uf.find(c.id) for c in new}
    # a new claim that joined two clusters moves the later one's claims to the earlier root
    reassign(conn, t.claims, "cluster_id", merged)
    update_chunked(conn, t.claims, "cluster_id", [(c.id, uf.find(c.id)) for c in new])
    insert_chunked(conn, t.claim_bands, placed.band_rows)

    members: dict[int, list[_Claim]] = defaultdict(list)
    for chunk in chunks(sorted(touched)):
        for c in _load(conn, t.claims.c.cluster_id.in_(chunk), words=False):
            members[c.cluster].append(c)
        # links that depend on the membership of the touched clusters are made again
        in_touched = sa.select(t.claims.c.id).where(t.claims.c.cluster_id.in_(chunk))
        conn.execute(t.links.delete().where(t.links.c.by.in_(("same-claim", "carried")), t.links.c.b.in_(in_touched)))
    by_id = {c.id: c for group in members.values() for c in group}
    internal = _internal(conn, sorted(touched))
    rows = _supports(members) + _denials(placed.opposed) + _carried(internal, by_id, members)
    # relation functions see the pairs a new article makes, and every pair of a merged cluster
    fused = {root for _old, root in merged}
    pairs = _pairs({r: g for r, g in members.items() if r in fused})
    pairs |= _pairs({r: g for r, g in members.items() if r not in fused}, only={c.article for c in new})
    rows += _plugged(conn, pairs, relate)
    insert_chunked(conn, t.links, rows)

    contradicted = _contradicted(conn, by_id)
    for chunk in chunks(sorted(touched | {old for old, _root in merged})):
        conn.execute(t.clusters.delete().where(t.clusters.c.id.in_(chunk)))
    insert_chunked(conn, t.clusters, [_cluster_row(r, group, r in contradicted) for r, group in members.items()])
    # a cluster left as it was can gain a contradiction from a new article
    ends = {x for row in rows if row["type"] == "contradicts" for x in (row["a"], row["b"])} - by_id.keys()
    for chunk in chunks(sorted(_clusters_of(conn, ends))):
        conn.execute(t.clusters.update().where(t.clusters.c.id.in_(chunk)).values(contradicted=True))
    return LinkStats(linked=len(new))


def _clusters_of(conn: Connection, claim_ids: set[int]) -> set[int]:
    found: set[int] = set()
    for chunk in chunks(sorted(claim_ids)):
        found.update(conn.execute(sa.select(t.claims.c.cluster_id).where(t.claims.c.id.in_(chunk))).scalars())
    return found - {None}


def _cluster_row(root: int, group: list[_Claim], contradicted: bool) -> dict:
    first = _first(group)
    return {
        "id": root,
        "first_claim": first.id,
        "first_published": first.published,
        "content": first.content,
        "claims": len(group),
        "articles": len({c.article for c in group}),
        "sources": len({c.source_key for c in group if c.source_key}),
        "independent": len({c.group for c in group}),
        "contradicted": contradicted,
    }


def _contradicted(conn: Connection, by_id: dict[int, _Claim]) -> set[int]:
    """The clusters among `by_id`'s whose claims are an end of a `contradicts`
    link or of a contradiction inside their own article."""
    hit: set[int] = set()
    for chunk in chunks(sorted(by_id)):
        for table in (t.links, t.relations):
            for end in (table.c.a, table.c.b):
                found = conn.execute(sa.select(end).where(table.c.type == "contradicts", end.in_(chunk)))
                hit.update(by_id[x].cluster for x in found.scalars())
    return hit


# ------------------------------------------------------------------ links


def _internal(conn: Connection, roots: list[int] | None) -> list[tuple[int, int]]:
    """Contradictions found inside one article (all, or those touching `roots`)."""
    query = sa.select(t.relations.c.a, t.relations.c.b).where(t.relations.c.type == "contradicts")
    if roots is None:
        return [tuple(r) for r in conn.execute(query)]
    found: set[tuple[int, int]] = set()
    for chunk in chunks(roots):
        in_chunk = sa.select(t.claims.c.id).where(t.claims.c.cluster_id.in_(chunk))
        for end in (t.relations.c.a, t.relations.c.b):
            found.update(tuple(r) for r in conn.execute(query.where(end.in_(in_chunk))))
    return sorted(found)


def _supports(members: dict[int, list[_Claim]]) -> list[dict]:
    """Each later independent copy of a claim supports its first appearance."""
    rows = []
    for group in members.values():
        if len(group) < 2:
            continue
        first = _first(group)
        seen_groups = {first.group}
        for c in sorted(group, key=lambda c: c.id):
            if c.group in seen_groups:
                continue  # a syndicated copy adds no support
            seen_groups.add(c.group)
            rows.append(
                {
                    "type": "supports",
                    "a": c.id,
                    "b": first.id,
                    "by": "same-claim",
                    "reason": f"article {c.article} carries the same claim as article {first.article}",
                }
            )
    return rows


def _denials(opposed: list[tuple[_Claim, _Claim, float]]) -> list[dict]:
    rows = []
    for a, b, sim in opposed:
        denier, asserter = (a, b) if a.denied else (b, a)
        rows.append(
            {
                "type": "contradicts",
                "a": denier.id,
                "b": asserter.id,
                "by": "denial",
                "reason": f"a source in article {denier.article} denies what article {asserter.article} "
                f"reports ({sim:.0%} of content words shared): {asserter.content[:80]!r}",
            }
        )
    return rows


def _carried(internal, by_id: dict[int, _Claim], members: dict[int, list[_Claim]]) -> list[dict]:
    """An article's own contradiction carried to the other articles that hold
    the same claim (for the clusters in `members`)."""
    rows = []
    for a, b in internal:
        for one, two in ((a, b), (b, a)):
            if two not in by_id:
                continue  # its cluster is not being rewritten (or it is an old version)
            home = by_id[two].article
            for other in members[by_id[two].cluster]:
                if other.article != home:
                    rows.append(
                        {
                            "type": "contradicts",
                            "a": one,
                            "b": other.id,
                            "by": "carried",
                            "reason": f"article {home} holds both this claim and one that contradicts it",
                        }
                    )
    return rows


def _pairs(members: dict[int, list[_Claim]], only: set[int] | None = None) -> set[tuple[int, int]]:
    """Article pairs to relate: each cluster's earliest-stored article with each
    other article in it (with `only`, just the pairs that involve those articles)."""
    pairs = set()
    for group in members.values():
        syndication = {c.article: c.group for c in group}
        articles = sorted(syndication)
        first = articles[0]
        pairs.update(
            (first, y)
            for y in articles[1:]
            # a syndicated copy of the first says what it says: nothing to relate
            if syndication[y] != syndication[first] and (only is None or first in only or y in only)
        )
    return pairs


def _plugged(conn: Connection, pairs: set[tuple[int, int]], relate) -> list[dict]:
    """Run relation functions on article pairs; pairs already related are
    related again, not twice. A relation's .a is a claim of the pair's first
    article and .b of its second, or the other way round when it says .reverse."""
    functions = list(RELATORS.values())
    if callable(relate):
        functions.append(relate)
    elif relate:
        functions.extend(relate)
    if not functions:
        return []
    from claimgraph.model import Analysis

    if not pairs:
        return []
    names = [getattr(fn, "__name__", "relate") for fn in functions]

    def claims_of(param: str):
        return sa.select(t.claims.c.id).where(t.claims.c.article_id == sa.bindparam(param))

    conn.execute(
        t.links.delete().where(
            t.links.c.by == sa.bindparam("_by"), t.links.c.a.in_(claims_of("_x")), t.links.c.b.in_(claims_of("_y"))
        ),
        [{"_by": name, "_x": x, "_y": y} for name in sorted(set(names)) for x, y in sorted(pairs)],
    )
    needed = sorted({x for p in pairs for x in p})
    docs, ids = {}, {}
    for chunk in chunks(needed):
        for aid, js in conn.execute(
            sa.select(t.analyses.c.article_id, t.analyses.c.json).where(t.analyses.c.article_id.in_(chunk))
        ).all():
            docs[aid] = Analysis.model_validate_json(js)
        for cid, aid, local in conn.execute(
            sa.select(t.claims.c.id, t.claims.c.article_id, t.claims.c.local_id).where(t.claims.c.article_id.in_(chunk))
        ).all():
            ids[(aid, local)] = cid
    rows = []
    for fn, name in zip(functions, names, strict=True):
        for x, y in sorted(pairs):
            for rel in fn(docs[x], docs[y]) or ():
                first, second = (y, x) if getattr(rel, "reverse", False) else (x, y)
                a, b = ids.get((first, rel.a)), ids.get((second, rel.b))
                if a is not None and b is not None:
                    rows.append({"type": rel.type, "a": a, "b": b, "reason": rel.reason, "by": name})
    return rows

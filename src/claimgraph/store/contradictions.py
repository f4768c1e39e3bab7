"""Why a claim is contradicted: the claim that contradicts it, that claim's
article (as the user knows it: input id, title, publisher, URL) and the
reason, from the `links` across articles and the `relations` inside one.

Read for the rows being shown only, in two batched queries (per 500 rows):
the contradictions touching their clusters, then the claims at both ends.
A cluster is contradicted when any of its claims is, so a row lists first
what contradicts it itself, then what contradicts its other copies."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from claimgraph.store import schema as t
from claimgraph.store.bulk import chunks

PER_CLAIM = 5  # contradictions listed per claim: the reasons a reader needs, not every copy's
PER_CLUSTER = 2 * PER_CLAIM  # read per cluster and per table end, the shown claims' own first
IN_ARTICLE = "same-article"  # the `by` of a contradiction the analyser found inside one article


def _pairs(conn: Connection, clusters: list[int], shown: list[int]) -> list[tuple]:
    """(a, b, reason, by, id) of the contradictions with an end in `clusters`:
    for each cluster and end, those of the `shown` claims first, then the
    earliest, PER_CLUSTER at most (a cluster of many copies has many)."""
    c = t.claims

    def touching(table, end, by):
        first = sa.case((end.in_(shown), 0), else_=1)
        n = sa.func.row_number().over(partition_by=c.c.cluster_id, order_by=(first, table.c.id))
        # `type || ''` keeps SQLite off ix_links_type, which would read every contradiction in the ledger
        inner = (
            sa.select(table.c.a, table.c.b, table.c.reason, by.label("by"), table.c.id, n.label("n"))
            .join(c, c.c.id == end)
            .where(c.c.cluster_id.in_(clusters), table.c.type.concat("") == "contradicts")
            .subquery()
        )
        return sa.select(inner.c.a, inner.c.b, inner.c.reason, inner.c.by, inner.c.id).where(inner.c.n <= PER_CLUSTER)

    label = sa.literal(IN_ARTICLE, sa.String)
    union = sa.union_all(
        *(touching(t.links, end, t.links.c.by) for end in (t.links.c.a, t.links.c.b)),
        *(touching(t.relations, end, label) for end in (t.relations.c.a, t.relations.c.b)),
    ).subquery()
    stmt = sa.select(union.c.a, union.c.b, union.c.reason, union.c.by, union.c.id)
    return [tuple(r) for r in conn.execute(stmt.order_by(union.c.by, union.c.id))]


def _claims(conn: Connection, ids: list[int]) -> dict[int, dict]:
    """The claims at the ends, each with its article's names."""
    c, a = t.claims, t.articles
    stmt = (
        sa.select(
            c.c.id,
            c.c.cluster_id,
            c.c.content,
            c.c.source_text.label("source"),
            c.c.status,
            c.c.published,
            c.c.article_id,
            a.c.ext_id.label("input_id"),
            a.c.title,
            a.c.publisher,
            a.c.url,
        )
        .join(a, a.c.id == c.c.article_id)
        .where(c.c.id.in_(ids))
    )
    return {r["id"]: dict(r) for r in conn.execute(stmt).mappings()}


def contradictions(conn: Connection, rows: Iterable[dict]) -> dict[int, list[dict]]:
    """For each contradicted row (a claim row with `id`, `cluster_id` and
    `contradicted`): what contradicts it, by claim id. Each entry is the other
    claim (`claim_id`, `content`, `source`, `status`, `published`), its article
    (`article_id`, `input_id`, `title`, `publisher`, `url`), the `reason`,
    `by` (the link's maker, or "same-article"), and `against`: the claim of
    the row's cluster it contradicts (the row's own id, or one of its copies)."""
    shown = [r for r in rows if r.get("contradicted") and r.get("cluster_id") is not None]
    if not shown:
        return {}
    found: dict[tuple, tuple] = {}
    for part in chunks(shown, 500):
        clusters = sorted({r["cluster_id"] for r in part})
        for p in _pairs(conn, clusters, [r["id"] for r in part]):
            found.setdefault((p[3] == IN_ARTICLE, p[4]), p)  # one with both ends shown comes twice
    pairs = sorted(found.values(), key=lambda p: (p[3], p[4]))
    ends = sorted({x for p in pairs for x in p[:2]})
    info = {k: v for chunk in chunks(ends) for k, v in _claims(conn, list(chunk)).items()}
    by_cluster: dict[int, list[tuple]] = defaultdict(list)
    for p in pairs:
        for cluster in {info[x]["cluster_id"] for x in p[:2] if x in info}:
            by_cluster[cluster].append(p)
    return {r["id"]: _for_row(r, by_cluster[r["cluster_id"]], info) for r in shown}


def _for_row(row: dict, pairs: list[tuple], info: dict[int, dict]) -> list[dict]:
    mine, cluster = row["id"], row["cluster_id"]
    found: list[tuple[bool, int, dict]] = []
    for a, b, reason, by, _id in pairs:
        if a not in info or b not in info:
            continue
        for here, other in ((a, b), (b, a)):
            if info[here]["cluster_id"] != cluster or other == mine:
                continue
            if info[other]["cluster_id"] == cluster and mine not in (a, b):
                continue  # two copies of this claim at odds say nothing about this one
            entry = {k: v for k, v in info[other].items() if k not in ("id", "cluster_id")}
            found.append(
                (here != mine, other, {"claim_id": other, **entry, "reason": reason, "by": by, "against": here})
            )
    seen: set[int] = set()
    listed = []
    for _, other, entry in sorted(found, key=lambda f: (f[0], f[1])):
        if other not in seen:
            seen.add(other)
            listed.append(entry)
    return listed[:PER_CLAIM]


def attach(conn: Connection, rows: list[dict]) -> list[dict]:
    """`rows` with `contradicted_by` added to each (empty where nothing contradicts it)."""
    found = contradictions(conn, rows)
    for row in rows:
        row["contradicted_by"] = found.get(row["id"], [])
    return rows

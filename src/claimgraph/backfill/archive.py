"""The second stage, over the Parquet output of the first: exact and
near-duplicate groups, revisions, claim clusters and their independent-source
counts, with the ledger's own rules and parameters.

Near-duplicate candidates come from a Spark self-join of the MinHash LSH
bands (store.write's NUM_PERM, BANDS; pairs at NEAR or above are copies);
placing articles in groups and claims in clusters then walks them in id order
on the driver, as the ledger does (store.write, link.clusters.cluster_claims),
so the result is the ledger's for the same pages in the same order.

Writes groups (article_id, group_id, duplicate_of, superseded_by),
claim_clusters (claim_id, cluster_id) and clusters (the ledger's columns)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from claimgraph.backfill.tables import arrow_schema, read, write
from claimgraph.link.clusters import cluster_claims, cluster_row
from claimgraph.link.records import Claim
from claimgraph.store.write import NEAR
from claimgraph.text import minhash


def group_and_cluster(spark, out: str) -> dict[str, int]:
    pairs = candidate_pairs(spark, out)
    groups = article_groups(out, pairs)
    members, contradicted = claim_clusters(out, groups)
    _write(out, groups, members, contradicted)
    stored = [g for g in groups.values() if g["duplicate_of"] is None]
    return {
        "articles": len(stored),
        "duplicates": len(groups) - len(stored),
        "groups": len({g["group_id"] for g in stored}),
        "claims": sum(len(m) for m in members.values()),
        "clusters": len(members),
        "multi_article_clusters": sum(1 for m in members.values() if len({c.article for c in m}) > 1),
    }


def candidate_pairs(spark, out: str) -> list[tuple[int, int]]:
    """(earlier, later) article pairs that share an LSH band: a distributed join, never all pairs."""
    folder = Path(out) / "minhash_bands"
    if not any(folder.rglob("*.parquet")):
        return []
    from pyspark.sql import functions as f

    bands = spark.read.parquet(str(folder)).select("band", "article_id")
    a, b = bands.alias("a"), bands.alias("b")
    joined = a.join(b, f.col("a.band") == f.col("b.band")).where(f.col("a.article_id") < f.col("b.article_id"))
    rows = joined.select(f.col("a.article_id").alias("x"), f.col("b.article_id").alias("y")).distinct().collect()
    return sorted((r["x"], r["y"]) for r in rows)


def article_groups(out: str, pairs: list[tuple[int, int]]) -> dict[int, dict]:
    """Each article's group, as the ledger would store it: the same text again
    is a duplicate (not stored), new text under a stored key a revision (same
    group, the old one superseded), a copy at NEAR or above joins its best
    earlier match's group, anything else starts its own."""
    table = read(out, "articles", ["id", "key", "content_hash", "minhash"]).sort_by("id")
    earlier: dict[int, list[int]] = defaultdict(list)
    for x, y in pairs:
        earlier[y].append(x)
    sigs: dict[int, object] = {}
    by_hash: dict[str, int] = {}
    by_key: dict[str, int] = {}
    out_rows: dict[int, dict] = {}
    for row in table.to_pylist():
        aid = row["id"]
        entry = {"article_id": aid, "group_id": aid, "duplicate_of": None, "superseded_by": None}
        out_rows[aid] = entry
        if row["content_hash"] in by_hash:
            entry["duplicate_of"] = entry["group_id"] = by_hash[row["content_hash"]]
            continue
        by_hash[row["content_hash"]] = aid
        sigs[aid] = minhash.from_bytes(row["minhash"])
        old = by_key.get(row["key"])
        by_key[row["key"]] = aid
        if old is not None:
            out_rows[old]["superseded_by"] = aid
            entry["group_id"] = out_rows[old]["group_id"]
            continue
        best, best_sim = None, 0.0
        for other in sorted(earlier.get(aid, ())):  # strictly better: the earliest of equals, as in a batch
            if other in sigs and (sim := minhash.similarity(sigs[aid], sigs[other])) >= NEAR and sim > best_sim:
                best, best_sim = other, sim
        if best is not None:
            entry["group_id"] = out_rows[best]["group_id"]
    return out_rows


def claim_clusters(out: str, groups: dict[int, dict]) -> tuple[dict[int, list[Claim]], set[int]]:
    """Clusters of the current claims (not of duplicates or superseded versions), and the contradicted ones."""
    columns = ["id", "article_id", "content", "source_key", "status", "published"]
    claims = []
    for r in read(out, "claims", columns).sort_by("id").to_pylist():
        g = groups.get(r["article_id"])
        if g is None or g["duplicate_of"] is not None or g["superseded_by"] is not None:
            continue
        claims.append(
            Claim(
                r["id"],
                r["article_id"],
                g["group_id"],
                r["content"],
                r["source_key"],
                r["status"] == "denied",
                r["published"],
                None,
            )
        )
    members, opposed = cluster_claims(claims)
    cluster_of = {c.id: c.cluster for c in claims}
    ends = [c.id for pair in opposed for c in pair[:2]]
    relations = read(out, "relations", ["type", "a", "b"]).to_pylist()
    ends += [r[end] for r in relations if r["type"] == "contradicts" for end in ("a", "b")]
    return members, {cluster_of[x] for x in ends if x in cluster_of}


def _write(out: str, groups: dict[int, dict], members: dict[int, list[Claim]], contradicted: set[int]) -> None:
    import pyarrow as pa

    write(
        out,
        "groups",
        sorted(groups.values(), key=lambda g: g["article_id"]),
        pa.schema([(n, pa.int64()) for n in ("article_id", "group_id", "duplicate_of", "superseded_by")]),
    )
    write(
        out,
        "claim_clusters",
        sorted(
            ({"claim_id": c.id, "cluster_id": root} for root, m in members.items() for c in m),
            key=lambda r: r["claim_id"],
        ),
        pa.schema([("claim_id", pa.int64()), ("cluster_id", pa.int64())]),
    )
    rows = [cluster_row(root, m, root in contradicted) for root, m in sorted(members.items())]
    write(out, "clusters", rows, arrow_schema("clusters"))

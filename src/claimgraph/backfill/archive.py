"""The second stage, in Spark over the Parquet output of the first: exact and
near-duplicate groups, revisions, claim clusters and their independent-source
counts, with the ledger's own rules and parameters, as DataFrame operations
(nothing but the summary counts comes back to the driver).

The ledger decides in id order, one article or claim at a time; what each
decision looks at is fixed by that order alone, so it can be worked out for
all rows at once and the result is the ledger's:

- articles: the first of a content hash is stored, the others are its
  duplicates; a stored article whose key an earlier stored one has is a
  revision of it; any other points at its best earlier match of a shared
  MinHash band (store.write's NUM_PERM, BANDS; the most equal slots, the
  earliest of equals) at NEAR or above. Every pointer goes to a smaller id,
  so a group is a tree of pointers and its id the tree's smallest article.
- claims (link.clusters, a full run): each is compared with the last
  BUCKET_WINDOW claims before it in each of its LSH buckets (link.similarity's
  NUM_PERM, BANDS over content words) and the last SOURCE_WINDOW of its
  source; the pairs `compare` calls the same are unions, so clusters are the
  connected components of those pairs, each named by its smallest claim (the
  skip of a cluster already joined only saves compares that change nothing).
  The ledger's joins by meaning (link.meaning) need its story vectors, which
  this stage does not compute: they are made when the output is loaded into
  a ledger, whose link runs them.

Content words and bucket keys are the ledger's own functions, run over each
partition of claims (mapPartitions: no per-row UDF, no pandas); the rest is joins,
windows, and components by a union-find in one task (min-label propagation
across the cluster when the edges are too many for one task).

Writes groups (article_id, group_id, duplicate_of, superseded_by),
claim_clusters (claim_id, cluster_id) and clusters (the ledger's columns)."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from claimgraph.backfill.tables import arrow_schema
from claimgraph.link.clusters import BUCKET_WINDOW, SOURCE_WINDOW
from claimgraph.link.records import Claim
from claimgraph.link.similarity import SAME_CONTENT, SAME_SOURCE, bucket_keys, specific, words_of
from claimgraph.link.unionfind import UnionFind
from claimgraph.store.write import NEAR, NUM_PERM

_ARROW_TO_SPARK = {"int64": "bigint", "string": "string", "binary": "binary", "bool": "boolean", "date32[day]": "date"}
# Components of up to this many edges are found by a union-find in one Python task: about 0.2 s and
# 150 MB a million edges (measured), where each round of propagation is several Spark jobs (2,000 bench
# pages: 37 of stage 2's 57 s at local[1] went to propagation). Beyond, the propagation spreads the work.
EDGES_IN_ONE_TASK = 5_000_000
CLAIM_KEYS = "id bigint, words array<string>, bands array<bigint>, source bigint, specific boolean"


def group_and_cluster(spark, out: str) -> dict[str, int]:
    from pyspark.sql import functions as f

    groups = article_groups(spark, out).localCheckpoint()
    claims = current_claims(spark, out, groups).localCheckpoint()
    same, opposed = claim_pairs(claims)
    root = components(spark, same.select(f.col("c").alias("u"), f.col("o").alias("v")))
    members = (
        claims.join(root, claims.id == root.node, "left")
        .withColumn("cluster_id", f.coalesce("root", "id"))
        .drop("node", "root")
        .localCheckpoint()
    )
    clusters = cluster_rows(spark, out, members, opposed).localCheckpoint()
    _write(groups, out, "groups", "article_id")
    _write(members.select(f.col("id").alias("claim_id"), "cluster_id"), out, "claim_clusters", "claim_id")
    _write(clusters, out, "clusters", "id")
    stored = groups.where(f.col("duplicate_of").isNull())
    n_stored = stored.count()  # one Spark job, read twice below
    return {
        "articles": n_stored,
        "duplicates": groups.count() - n_stored,
        "groups": stored.select("group_id").distinct().count(),
        "claims": members.count(),
        "clusters": clusters.count(),
        "multi_article_clusters": clusters.where(f.col("articles") > 1).count(),
    }


def article_groups(spark, out: str):
    """(article_id, group_id, duplicate_of, superseded_by) of every article, as the ledger stores them."""
    from pyspark.sql import Window
    from pyspark.sql import functions as f

    articles = frame(spark, out, "articles", ["id", "key", "content_hash", "minhash"])
    articles = articles.withColumn("first", f.min("id").over(Window.partitionBy("content_hash")))
    duplicates = articles.where(f.col("id") != f.col("first")).select(
        f.col("id").alias("article_id"),
        f.col("first").alias("group_id"),  # a duplicate is not stored: it names the stored one
        f.col("first").alias("duplicate_of"),
        f.lit(None).cast("bigint").alias("superseded_by"),
    )
    by_key = Window.partitionBy("key").orderBy("id")
    kept = (
        articles.where(f.col("id") == f.col("first"))
        .withColumn("previous", f.lag("id").over(by_key))
        .withColumn("superseded_by", f.lead("id").over(by_key))
        .select("id", "minhash", "previous", "superseded_by")
        .cache()
    )
    revisions = kept.where(f.col("previous").isNotNull()).select(f.col("id").alias("u"), f.col("previous").alias("v"))
    copies = _best_earlier_match(spark, out, kept)
    root = components(spark, revisions.unionByName(copies))
    stored = kept.join(root, kept.id == root.node, "left").select(
        f.col("id").alias("article_id"),
        f.coalesce("root", "id").alias("group_id"),
        f.lit(None).cast("bigint").alias("duplicate_of"),
        "superseded_by",
    )
    return stored.unionByName(duplicates)


def _best_earlier_match(spark, out: str, kept):
    """(u, v): u's best earlier match v at NEAR or above, for each stored article u that is not a revision."""
    from pyspark.sql import Window
    from pyspark.sql import functions as f

    bands = frame(spark, out, "minhash_bands", ["band", "article_id"]).join(
        kept.select(f.col("id").alias("article_id")), "article_id", "left_semi"
    )
    a, b = bands.alias("a"), bands.alias("b")
    pairs = (
        a.join(b, f.col("a.band") == f.col("b.band"))
        .where(f.col("a.article_id") < f.col("b.article_id"))
        .select(f.col("b.article_id").alias("u"), f.col("a.article_id").alias("v"))
        .distinct()
    )
    slots = f.sequence(f.lit(0), f.lit(NUM_PERM - 1))
    # the signature as NUM_PERM 8-byte slots, compared slot by slot: minhash.similarity in SQL
    sigs = kept.select("id", "previous", f.transform(slots, lambda i: f.substring("minhash", i * 8 + 1, 8)).alias("s"))
    su = sigs.where(f.col("previous").isNull()).select(f.col("id").alias("u"), f.col("s").alias("su"))
    sv = sigs.select(f.col("id").alias("v"), f.col("s").alias("sv"))
    equal = f.aggregate(f.zip_with("su", "sv", lambda x, y: (x == y).cast("int")), f.lit(0), lambda acc, x: acc + x)
    scored = pairs.join(su, "u").join(sv, "v").withColumn("equal", equal)
    scored = scored.where(f.col("equal") / f.lit(float(NUM_PERM)) >= f.lit(NEAR))
    best = Window.partitionBy("u").orderBy(f.desc("equal"), f.asc("v"))
    return scored.withColumn("rank", f.row_number().over(best)).where(f.col("rank") == 1).select("u", "v")


def current_claims(spark, out: str, groups):
    """The claims of stored, current articles with their group, denial, content words and bucket keys."""
    from pyspark.sql import functions as f

    columns = ["id", "article_id", "content", "source_key", "status", "published"]
    claims = frame(spark, out, "claims", columns)
    current = groups.where(f.col("duplicate_of").isNull() & f.col("superseded_by").isNull())
    claims = claims.join(current.select("article_id", "group_id"), "article_id")
    keys = claims.select("id", "content", "source_key").rdd.mapPartitions(_claim_keys).toDF(CLAIM_KEYS)
    return claims.withColumn("denied", f.col("status") == "denied").join(keys, "id")


def _claim_keys(rows):
    """(id, content words sorted, LSH band keys, source key, specific) of each claim: the ledger's
    functions, run over a partition's rows in the Python worker (no per-row UDF)."""
    for id_, content, source_key in rows:
        c = Claim(id_, 0, 0, content or "", source_key, False, None, None)
        words = words_of(c)
        keys, source = bucket_keys(c) if words else ([], None)  # a claim without words is never placed
        yield id_, sorted(words), keys, source, specific(c)


def claim_pairs(claims):
    """(c, o) pairs of a claim and an earlier candidate of another article:
    those `compare` calls the same, and those where one denies the other."""
    from pyspark.sql import Window
    from pyspark.sql import functions as f

    placed = claims.where(f.size("words") > 0)
    buckets = placed.select("id", f.explode("bands").alias("key"), f.lit(0).alias("kind")).unionByName(
        placed.where(f.col("source").isNotNull()).select("id", f.col("source").alias("key"), f.lit(1).alias("kind"))
    )
    ranked = buckets.withColumn("rank", f.row_number().over(Window.partitionBy("kind", "key").orderBy("id")))
    window = f.when(f.col("kind") == 0, BUCKET_WINDOW).otherwise(SOURCE_WINDOW)
    # each claim looks back at the `window` claims before it in the bucket: an equi-join on (kind, key, rank)
    back = ranked.select(
        "kind", "key", "rank", f.col("id").alias("c"), f.explode(f.sequence(f.lit(1), window)).alias("d")
    )
    back = back.select("kind", "key", "c", (f.col("rank") - f.col("d")).alias("rank")).where(f.col("rank") >= 1)
    pairs = back.join(ranked.withColumnRenamed("id", "o"), ["kind", "key", "rank"]).select("c", "o").distinct()
    side = placed.select("id", "article_id", "words", "denied", "source_key", "specific")
    c = side.select(*(f.col(n).alias(f"c_{n}") for n in side.columns))
    o = side.select(*(f.col(n).alias(f"o_{n}") for n in side.columns))
    pairs = (
        pairs.join(c, pairs.c == c.c_id)
        .join(o, pairs.o == o.o_id)
        .where(f.col("c_article_id") != f.col("o_article_id"))
    )
    common = f.size(f.array_intersect("c_words", "o_words"))
    sim = common / (f.size("c_words") + f.size("o_words") - common)
    alike = f.col("c_denied") == f.col("o_denied")
    same_source = f.col("c_source_key").isNotNull() & (f.col("c_source_key") == f.col("o_source_key"))
    specific_both = f.col("c_specific") & f.col("o_specific")  # `compare` matches no claim that is not `specific`
    scored = pairs.withColumn("common", common).withColumn("sim", sim).where((f.col("common") > 0) & specific_both)
    scored = scored.cache()
    same = scored.where(
        alike & ((f.col("sim") >= SAME_CONTENT) | ((f.col("sim") >= SAME_SOURCE) & same_source))
    ).select("c", "o")
    opposed = scored.where(~alike & (f.col("sim") >= SAME_CONTENT)).select("c", "o")
    return same, opposed


def components(spark, edges, in_one_task: int = EDGES_IN_ONE_TASK):
    """(node, root) for every node of the undirected edges (u, v): root is the
    smallest node of its connected component. Up to `in_one_task` edges, a
    union-find in one task; beyond, min-label propagation across the cluster."""

    edges = edges.select("u", "v").localCheckpoint()
    if edges.count() <= in_one_task:
        return edges.coalesce(1).rdd.mapPartitions(_union_find).toDF("node bigint, root bigint")
    return _propagated(edges)


def _union_find(rows):
    """(node, root) of every node of a partition's edges, by link.unionfind (the ledger's own)."""
    uf = UnionFind()
    nodes: set[int] = set()
    for u, v in rows:
        uf.union(u, v)
        nodes.update((u, v))
    for node in sorted(nodes):
        yield node, uf.find(node)


def _propagated(edges):
    """Min-label propagation with pointer jumping (a label's own label), until no label changes."""
    from pyspark.sql import functions as f

    both = edges.select("u", "v").unionByName(edges.select(f.col("v").alias("u"), f.col("u").alias("v")))
    both = both.distinct().localCheckpoint()
    labels = both.groupBy(f.col("u").alias("node")).agg(f.least(f.min("v"), f.first("u")).alias("root"))
    labels = labels.localCheckpoint()
    while True:
        lookup = labels.select(f.col("node").alias("r"), f.col("root").alias("rr"))
        jumped = labels.join(lookup, labels.root == lookup.r, "left").select(
            "node", f.coalesce("rr", "root").alias("root")
        )
        seen = both.join(jumped.select(f.col("node").alias("v"), f.col("root").alias("nr")), "v")
        spread = seen.groupBy(f.col("u").alias("node")).agg(f.min("nr").alias("nr"))
        new = jumped.join(spread, "node", "left").select(
            "node", f.least("root", f.coalesce("nr", "root")).alias("root")
        )
        new = new.localCheckpoint()
        changed = new.alias("n").join(labels.alias("l"), "node").where(f.col("n.root") != f.col("l.root")).count()
        labels = new
        if not changed:
            return labels


def cluster_rows(spark, out: str, members, opposed):
    """The `clusters` rows, as link.clusters.cluster_row makes them: first appearance, claims, articles,
    sources, independent groups (syndicated copies count once) and whether contradicted."""
    from pyspark.sql import Window
    from pyspark.sql import functions as f

    order = Window.partitionBy("cluster_id").orderBy(
        f.col("published").isNull(), f.col("published"), f.col("article_id"), f.col("id")
    )
    heads = (
        members.withColumn("rank", f.row_number().over(order))
        .where(f.col("rank") == 1)
        .select(
            f.col("cluster_id").alias("id"),
            f.col("id").alias("first_claim"),
            f.col("published").alias("first_published"),
            "content",
        )
    )
    counts = members.groupBy(f.col("cluster_id").alias("id")).agg(
        f.count("*").alias("claims"),
        f.countDistinct("article_id").alias("articles"),
        f.countDistinct(f.when(f.col("source_key") != "", f.col("source_key"))).alias("sources"),
        f.countDistinct("group_id").alias("independent"),  # syndicated copies count once
    )
    relations = frame(spark, out, "relations", ["type", "a", "b"]).where(f.col("type") == "contradicts")
    ends = (
        opposed.select(f.col("c").alias("x"))
        .unionByName(opposed.select(f.col("o").alias("x")))
        .unionByName(relations.select(f.col("a").alias("x")))
        .unionByName(relations.select(f.col("b").alias("x")))
    )
    hit = ends.join(members.select(f.col("id").alias("x"), "cluster_id"), "x").select("cluster_id").distinct()
    hit = hit.select(f.col("cluster_id").alias("id"), f.lit(True).alias("hit"))
    rows = heads.join(counts, "id").join(hit, "id", "left")
    rows = rows.withColumn("contradicted", f.coalesce("hit", f.lit(False)))
    return rows.select(*(f.col(n).cast(_spark_type(kind)).alias(n) for n, kind in _fields("clusters")))


def frame(spark, out: str, name: str, columns: list[str]):
    """A first-stage table as a DataFrame (its partitions read, not used); an empty one when no task wrote it."""
    folder = Path(out) / name
    if folder.is_dir() and any(folder.rglob("*.parquet")):
        return spark.read.parquet(str(folder)).select(*columns)
    types = dict(_fields(name))
    return spark.createDataFrame([], ", ".join(f"{c} {_spark_type(types[c])}" for c in columns))


def _fields(name: str) -> list[tuple[str, str]]:
    return [(field.name, str(field.type)) for field in arrow_schema(name)]


def _spark_type(arrow: str) -> str:
    return _ARROW_TO_SPARK.get(arrow, "double")


def _write(df, out: str, name: str, key: str) -> None:
    """Write a stage-2 table aside with Spark, then put it in place under
    stable file names (part-000000.parquet, ...), so a rerun replaces it."""
    from pyspark.sql import functions as f

    aside = Path(out) / "_stage2" / f"{name}-{uuid.uuid4().hex[:8]}"
    df.orderBy(f.col(key)).write.mode("overwrite").parquet(str(aside))
    parts = sorted(aside.glob("part-*.parquet"))
    for k, part in enumerate(parts):
        part.replace(aside / f"part-{k:06d}.parquet")
    for other in aside.iterdir():
        if not other.name.startswith("part-") or not other.name.endswith(".parquet"):
            other.unlink()
    target = Path(out) / name
    old = target.with_name(f"_{name}-old-{uuid.uuid4().hex[:8]}")
    if target.exists():
        target.replace(old)
    aside.replace(target)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(aside.parent, ignore_errors=True)

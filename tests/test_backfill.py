"""The Spark backfill (claimgraph.backfill) in local mode, on small WARCs
this test writes with warcio from pages it writes: the Parquet tables, the
second stage against a ledger ingest of the same WARCs, loading into SQLite
(and PostgreSQL where one runs), and failures that stay rows."""

from __future__ import annotations

import gzip
import importlib.util
import io
import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("pyspark", reason="the backfill needs the spark extra (make install-spark)")
pytest.importorskip("pyarrow", reason="the backfill writes Parquet with pyarrow")
if shutil.which("java") is None:
    pytest.skip("the backfill needs Java 17 on PATH (apt-get install openjdk-17-jre)", allow_module_level=True)

from claimgraph import ledger
from claimgraph.backfill import job, worker
from claimgraph.backfill.load import load
from claimgraph.backfill.tables import read
from claimgraph.cli import main
from claimgraph.link import meaning
from claimgraph.store import open_store
from claimgraph.store.testing import postgres_available, postgres_schema

STORY = (
    "The harbour authority of Port Alder said on Tuesday that the northern pier would close for repairs "
    "until June. Engineers told the council that storm damage had weakened the pier's supports. "
    "A spokesman for the ferry company said that crossings would move to the southern terminal. "
    "Local traders claimed that the closure would cost them thousands of customers a week."
)
OTHER = (
    "The mayor of Brennick announced on Monday that the city library would reopen next month after a "
    "two-year renovation. Officials said the new building holds twice as many books. "
    "The architect told reporters that the roof collects rain water for the gardens."
)
DENIAL = (
    "The ferry company denied on Wednesday that crossings would move to the southern terminal. "
    "Its director said that the timetable would stay as it is. "
    "Council members said that they had not been told about any change to the ferry service."
)


def page(title: str, body: str, published: str) -> bytes:
    paras = "".join(f"<p>{s.strip()}.</p>" for s in body.split(". ") if s.strip())
    return (
        f'<html><head><title>{title}</title><meta property="article:published_time" content="{published}">'
        f"</head><body><article><h1>{title}</h1>{paras}</article></body></html>"
    ).encode()


def warc(records: list[tuple[str, bytes]], status: str = "200 OK") -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for url, body in records:
        headers = StatusAndHeaders(status, [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    return out.getvalue()


PAGES = [
    ("https://alder.example/pier", page("Pier to close", STORY, "2025-03-04")),
    # a syndicated copy with a credit line: a near-duplicate, in the first page's group
    ("https://wire.example/pier", page("Pier to close", STORY + " Reporting by the Wire desk.", "2025-03-04")),
    ("https://brennick.example/library", page("Library reopens", OTHER, "2025-04-01")),
    ("https://ferry.example/denial", page("Ferry denies move", DENIAL, "2025-03-05")),
]


@pytest.fixture
def words_only(monkeypatch):
    """The ledger without its joins by meaning: stage 2 has no story vectors and makes the
    clusters of link.similarity alone; loading its output into a ledger adds the joins
    (test_a_loaded_ledgers_clusters_are_unions_of_the_parquets)."""
    monkeypatch.setattr(meaning, "ENABLED", False)


@pytest.fixture(scope="module")
def spark():
    s = job.session("local[2]", 2)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    root = tmp_path_factory.mktemp("warcs")
    (root / "a.warc.gz").write_bytes(warc(PAGES[:2]))
    # the same text again (a duplicate) and the other pages
    (root / "b.warc.gz").write_bytes(warc([PAGES[0], *PAGES[2:]]))
    (root / "manifest.txt").write_text("# two WARCs\na.warc.gz\n\nb.warc.gz\n")
    return root


@pytest.fixture(scope="module")
def output(spark, archive, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = job.backfill(str(archive / "manifest.txt"), str(out), spark=spark, summary=str(out / "s.json"))
    return out, result


def test_the_tables_are_written_partitioned_with_the_ledger_columns(output):
    out, result = output
    assert (result["pages"], result["kept"], result["analysed"], result["failed"]) == (5, 5, 5, 0)
    assert json.loads((out / "s.json").read_text()) == json.loads((out / "_backfill.json").read_text())
    months = {p.name for p in (out / "articles").iterdir() if p.is_dir()}
    assert months == {"month=2025-03", "month=2025-04"}
    assert (out / "claims" / "month=2025-04" / "language=en").is_dir()
    articles = read(str(out), "articles")
    assert {"key", "content_hash", "group_id", "minhash", "published"} <= set(articles.column_names)
    claims = read(str(out), "claims").to_pylist()
    assert claims and all(c["id"] >> worker.PART_BITS == c["article_id"] for c in claims)


def test_parquet_and_a_ledger_ingest_agree(output, archive, analyzer, tmp_path, words_only):
    out, result = output
    with open_store(str(tmp_path / "l.sqlite")) as store:
        summary = ledger.ingest([str(archive / "a.warc.gz"), str(archive / "b.warc.gz")], db=store, analyzer=analyzer)
        ref = _ledger_view(store)
    assert (summary.new + summary.near_duplicate, summary.duplicate) == (result["articles"], result["duplicates"])
    assert summary.near_duplicate == 1 and result["groups"] == result["articles"] - 1
    assert _parquet_view(str(out)) == ref
    assert result["multi_article_clusters"] >= 1  # the copy's claims share clusters with the first page's


def test_loading_twice_stores_once_and_matches_an_ingest(output, tmp_path, words_only):
    out, _result = output
    with open_store(str(tmp_path / "l.sqlite")) as store:
        first = load(store, str(out))
        again = load(store, str(out))
        view = _ledger_view(store)
    # the archive holds the repeated page too: the ledger's rule makes it a duplicate, not a row
    assert (first.new + first.near_duplicate, first.duplicate) == (4, 1)
    assert (again.new, again.near_duplicate, again.duplicate) == (0, 0, 5)
    assert view == _parquet_view(str(out))


def test_claimgraph_ingest_loads_a_backfill_folder(output, tmp_path, capsys):
    out, _ = output
    db = str(tmp_path / "cli.sqlite")
    assert main(["ingest", str(out), "--db", db, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["new"] == 3
    assert ledger.stats(db=db)["articles"] == 4


def test_a_loaded_ledgers_clusters_are_unions_of_the_parquets(output, tmp_path):
    """With the joins by meaning, every Parquet cluster lies inside one of the ledger's."""
    out, _result = output
    with open_store(str(tmp_path / "l.sqlite")) as store:
        load(store, str(out))
        view = _ledger_view(store)
    ledger_of = {claim: k for k, (members, _row) in enumerate(view["clusters"]) for claim in members}
    parquet = _parquet_view(str(out))
    assert parquet["unclustered"] == view["unclustered"]
    for members, _row in parquet["clusters"]:
        assert len({ledger_of[claim] for claim in members}) == 1


@pytest.mark.skipif(postgres_available() is not None, reason="no PostgreSQL to load into")
def test_loading_into_postgresql_is_idempotent(output, words_only):
    out, _ = output
    with postgres_schema() as url, open_store(url) as store:
        load(store, str(out))
        load(store, str(out))
        assert _ledger_view(store) == _parquet_view(str(out))


def _bench():
    """bench/backfill_bench.py, for its page generator (copies, revisions, repeats, crowded buckets)."""
    path = Path(__file__).resolve().parents[1] / "bench" / "backfill_bench.py"
    spec = importlib.util.spec_from_file_location("backfill_bench", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_spark_stage_2_matches_a_ledger_on_crowded_buckets(spark, analyzer, tmp_path, words_only):
    """Template pages whose claims crowd the LSH and source buckets past the
    ledger's windows, with wire copies, a revision and a repeated page: the
    groups and clusters Spark makes are the ledger's, claim for claim."""
    from claimgraph.link.clusters import BUCKET_WINDOW

    paths = _bench().write_warcs(tmp_path, 100, 4, seed=3)
    (tmp_path / "m.txt").write_text("".join(f"{p.name}\n" for p in paths))
    result = job.backfill(str(tmp_path / "m.txt"), str(tmp_path / "out"), spark=spark)
    with open_store(str(tmp_path / "l.sqlite")) as store:
        summary = ledger.ingest([str(p) for p in paths], db=store, analyzer=analyzer, batch=10)
        ref = _ledger_view(store)
    assert (summary.duplicate, summary.updated) == (result["duplicates"], 1) == (1, 1)
    # 8 wire copies and 1 revision join earlier groups (bench: every 10th page a copy, the 50th a revision)
    assert (summary.near_duplicate, result["groups"]) == (8, result["articles"] - 9)
    largest = max(len(members) for members, _row in ref["clusters"])
    assert largest > 2 * BUCKET_WINDOW  # the windows decide which pairs are compared
    assert _parquet_view(str(tmp_path / "out")) == ref


def test_the_spark_claim_clusters_are_the_ledgers_on_random_claims(spark):
    """Stage 2's claim pairs, components and cluster rows against link.clusters'
    own full run, on random claims from a small vocabulary (crowded buckets,
    denials, empty and missing sources, claims without content words, claims
    too short to be specific and short ones with names)."""
    import random
    from datetime import date

    from pyspark.sql import functions as f

    from claimgraph.backfill import archive
    from claimgraph.link.clusters import cluster_claims, cluster_row
    from claimgraph.link.records import Claim

    rng = random.Random(1)
    vocab = [f"w{i}" for i in range(30)]
    rows, cid = [], 0
    for article in range(1, 200):
        group = article if rng.random() < 0.7 else max(1, article - rng.randint(1, 5))
        published = None if rng.random() < 0.1 else date(2025, 1, 1 + rng.randint(0, 20))
        for _ in range(rng.randint(1, 5)):
            cid += rng.randint(1, 3)
            content = (
                " ".join(rng.sample(vocab, rng.choice([3, 4, 5, 5, 6, 6]))) if rng.random() < 0.9 else "the of and"
            )
            if rng.random() < 0.2:
                content = content.title()  # "names": 3 or 4 words of them are specific (similarity.is_specific)
            status = "denied" if rng.random() < 0.2 else "asserted"
            rows.append((cid, article, content, rng.choice([None, "", "s1", "s2", "s3"]), status, published, group))
    schema = "id bigint, article_id bigint, content string, source_key string, status string, published date"
    frame = spark.createDataFrame(rows, f"{schema}, group_id bigint")
    keys = frame.select("id", "content", "source_key").rdd.mapPartitions(archive._claim_keys).toDF(archive.CLAIM_KEYS)
    claims = frame.withColumn("denied", f.col("status") == "denied").join(keys, "id")
    same, opposed = archive.claim_pairs(claims)
    root = archive.components(spark, same.select(f.col("c").alias("u"), f.col("o").alias("v")))
    members = claims.join(root, claims.id == root.node, "left").withColumn("cluster_id", f.coalesce("root", "id"))
    got = {r["id"]: r.asDict() for r in archive.cluster_rows(spark, "/nowhere", members, opposed).collect()}

    ref = [Claim(i, a, g, c, s, st == "denied", p, None) for i, a, c, s, st, p, g in rows]
    clusters, denials = cluster_claims(ref)
    assert max(len(m) for m in clusters.values()) > 2 * archive.BUCKET_WINDOW and denials
    assert {(r["c"], r["o"]) for r in opposed.collect()} == {(b.id, a.id) for a, b, _sim in denials}
    placed = {r["id"]: r["cluster_id"] for r in members.select("id", "cluster_id").collect()}
    assert placed == {c.id: c.cluster for c in ref}
    hit = {c.cluster for pair in denials for c in pair[:2]}
    assert got == {r: cluster_row(r, m, r in hit) for r, m in clusters.items()}


def test_components_in_one_task_and_by_propagation_agree(spark):
    """The union-find in one task (small graphs) and the propagation across the cluster (large ones)
    name every node of a random graph by the smallest node of its component."""
    import random

    from claimgraph.backfill import archive
    from claimgraph.link.unionfind import UnionFind

    rng = random.Random(3)
    edges = [(rng.randint(1, 400), rng.randint(1, 400)) for _ in range(300)]
    edges += [(k, k + 1) for k in range(500, 560)]  # a long chain: many rounds of propagation
    frame = spark.createDataFrame(edges, "u bigint, v bigint")
    ref = UnionFind()
    for u, v in edges:
        ref.union(u, v)
    expected = {n: ref.find(n) for edge in edges for n in edge}
    for limit in (len(edges), 0):
        got = {r["node"]: r["root"] for r in archive.components(spark, frame, in_one_task=limit).collect()}
        assert got == expected


def test_a_truncated_warc_and_a_bad_record_are_failure_rows(spark, tmp_path):
    whole = warc(PAGES[:2])
    (tmp_path / "cut.warc.gz").write_bytes(whole[: len(warc(PAGES[:1])) + 150])
    (tmp_path / "bad.warc.gz").write_bytes(warc([("https://bad.example/x", b"\x00\xff" * 400)]))
    (tmp_path / "gone.warc.gz").write_bytes(b"not a warc at all")
    (tmp_path / "m.txt").write_text("cut.warc.gz\nbad.warc.gz\ngone.warc.gz\n")
    result = job.backfill(str(tmp_path / "m.txt"), str(tmp_path / "out"), spark=spark)
    failures = read(str(tmp_path / "out"), "failures").to_pylist()
    assert result["analysed"] == 1 and result["failed"] == len(failures) == 3
    reasons = " ".join(f["reason"] for f in failures)
    assert "truncated" in reasons and "bad.example" in reasons and "gone.warc.gz" in reasons


def test_a_rerun_does_not_redo_or_duplicate_committed_warcs(spark, archive, output):
    out, result = output
    before = sorted(p.relative_to(out) for p in out.rglob("*.parquet"))
    again = job.backfill(str(archive / "manifest.txt"), str(out), spark=spark)
    assert sorted(p.relative_to(out) for p in out.rglob("*.parquet")) == before
    assert (again["articles"], again["claims"], again["clusters"]) == (
        result["articles"],
        result["claims"],
        result["clusters"],
    )
    assert not any((out / "_attempts").iterdir())


def test_claimgraph_backfill_runs_the_job(spark, archive, tmp_path, capsys):
    out, summary = tmp_path / "out", tmp_path / "run.json"
    assert main(["backfill", str(archive / "manifest.txt"), "--out", str(out), "--summary", str(summary)]) == 0
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert line.startswith("2 WARCs: 5 pages read, 5 kept, 5 analysed, 0 failed")
    assert json.loads(summary.read_text())["clusters"] == len(read(str(out), "clusters"))
    assert spark.sparkContext._jsc is not None  # the module's session is still running


def test_a_page_that_crashes_the_analysis_is_a_failure_row(tmp_path, analyzer, monkeypatch):
    (tmp_path / "w.warc.gz").write_bytes(warc(PAGES[2:]))
    task = worker.Task(str(tmp_path / "out"), analyzer.settings)
    real = analyzer.analyze_many

    def analyze_many(articles):
        articles = list(articles)
        if any("library" in a.text for a in articles):
            raise RuntimeError("boom")
        return list(real(articles))

    monkeypatch.setitem(worker._ANALYZERS, analyzer.settings, analyzer)
    # the batch fails, then each page alone (analyse.batch): only the library page is lost
    monkeypatch.setattr(analyzer, "analyze_many", analyze_many)
    monkeypatch.setattr(analyzer, "analyze", lambda a: analyze_many([a])[0])
    counts = worker.run_warc(task, 0, str(tmp_path / "w.warc.gz"))
    assert (counts["kept"], counts["analysed"], counts["failed"]) == (2, 1, 1)
    assert "boom" in read(task.out, "failures").to_pylist()[0]["reason"]


def test_the_cli_says_one_line_without_a_manifest(tmp_path, capsys):
    assert main(["backfill", str(tmp_path / "none.txt"), "--out", str(tmp_path / "o")]) == 3
    err = capsys.readouterr().err
    assert "manifest" in err and len(err.strip().splitlines()) == 1


def test_the_cli_says_one_line_without_pyspark(tmp_path, capsys, monkeypatch):
    import sys

    (tmp_path / "m.txt").write_text("x.warc.gz\n")
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    assert main(["backfill", str(tmp_path / "m.txt"), "--out", str(tmp_path / "o")]) == 4
    assert "spark extra" in capsys.readouterr().err


# ------------------------------------------------------------------ both sides in ledger-free terms


def _parquet_view(out: str) -> dict:
    articles = {a["id"]: a for a in read(out, "articles").to_pylist()}
    groups = {g["article_id"]: g for g in read(out, "groups").to_pylist()}
    kept = {i: a for i, a in articles.items() if groups[i]["duplicate_of"] is None}
    key = {i: a["content_hash"] for i, a in kept.items()}
    claims = {c["id"]: c for c in read(out, "claims").to_pylist() if c["article_id"] in kept}
    of = {r["claim_id"]: r["cluster_id"] for r in read(out, "claim_clusters").to_pylist()}
    clusters = {r["id"]: r for r in read(out, "clusters").to_pylist()}
    at = {i: (key[c["article_id"]], c["local_id"]) for i, c in claims.items()}
    return _view(
        {key[i]: (a["title"], a["published"], key[groups[i]["group_id"]]) for i, a in kept.items()},
        {at[i]: (c["content"], c["status"], of.get(i)) for i, c in claims.items()},
        {cid: _cluster(r, at) for cid, r in clusters.items()},
    )


def _ledger_view(store) -> dict:
    import sqlalchemy as sa

    from claimgraph.store import schema as t

    with store.engine.connect() as conn:
        arts = conn.execute(sa.select(t.articles)).mappings().all()
        claims = conn.execute(sa.select(t.claims)).mappings().all()
        clusters = conn.execute(sa.select(t.clusters)).mappings().all()
    key = {a["id"]: a["content_hash"] for a in arts}
    at = {c["id"]: (key[c["article_id"]], c["local_id"]) for c in claims}
    return _view(
        {a["content_hash"]: (a["title"], a["published"], key[a["group_id"]]) for a in arts},
        {at[c["id"]]: (c["content"], c["status"], c["cluster_id"]) for c in claims},
        {r["id"]: _cluster(r, at) for r in clusters},
    )


def _cluster(row, at: dict) -> tuple:
    """A cluster row without ids: its first appearance (as article and local claim id) and its counts.
    Not `contradicted`: the Parquet's leaves out the cross-article relation functions (docs/backfill.md)."""
    counts = (row["claims"], row["articles"], row["sources"], row["independent"])
    return (at[row["first_claim"]], row["first_published"], row["content"], *counts)


def _view(articles: dict, claims: dict, clusters: dict) -> dict:
    """Ids differ between the two (archive-wide vs the ledger's): clusters are compared as sets of claims.
    The claims of a superseded version are in no cluster (neither side clusters them): one set, no row."""
    members: dict = {}
    for claim, (_content, _status, cluster) in claims.items():
        members.setdefault(cluster, set()).add(claim)
    return {
        "articles": articles,
        "claims": {k: v[:2] for k, v in claims.items()},
        "unclustered": sorted(members.pop(None, ())),
        "clusters": sorted((sorted(m), clusters[c]) for c, m in members.items()),
    }


def test_gzip_fixture_is_a_warc():
    assert gzip.decompress(warc(PAGES[:1])).startswith(b"WARC/1.")

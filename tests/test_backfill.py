"""The Spark backfill (claimgraph.backfill) in local mode, on small WARCs
this test writes with warcio from pages it writes: the Parquet tables, the
second stage against a ledger ingest of the same WARCs, loading into SQLite
(and PostgreSQL where one runs), and failures that stay rows."""

from __future__ import annotations

import gzip
import io
import json
import shutil

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


def test_parquet_and_a_ledger_ingest_agree(output, archive, analyzer, tmp_path):
    out, result = output
    with open_store(str(tmp_path / "l.sqlite")) as store:
        summary = ledger.ingest([str(archive / "a.warc.gz"), str(archive / "b.warc.gz")], db=store, analyzer=analyzer)
        ref = _ledger_view(store)
    assert (summary.new + summary.near_duplicate, summary.duplicate) == (result["articles"], result["duplicates"])
    assert summary.near_duplicate == 1 and result["groups"] == result["articles"] - 1
    assert _parquet_view(str(out)) == ref
    assert result["multi_article_clusters"] >= 1  # the copy's claims share clusters with the first page's


def test_loading_twice_stores_once_and_matches_an_ingest(output, tmp_path):
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


@pytest.mark.skipif(postgres_available() is not None, reason="no PostgreSQL to load into")
def test_loading_into_postgresql_is_idempotent(output):
    out, _ = output
    with postgres_schema() as url, open_store(url) as store:
        load(store, str(out))
        load(store, str(out))
        assert _ledger_view(store) == _parquet_view(str(out))


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
    return _view(
        {key[i]: (a["title"], a["published"], key[groups[i]["group_id"]]) for i, a in kept.items()},
        {(key[c["article_id"]], c["local_id"]): (c["content"], c["status"], of.get(c["id"])) for c in claims.values()},
        {cid: (r["claims"], r["articles"], r["sources"], r["independent"]) for cid, r in clusters.items()},
    )


def _ledger_view(store) -> dict:
    import sqlalchemy as sa

    from claimgraph.store import schema as t

    with store.engine.connect() as conn:
        arts = conn.execute(sa.select(t.articles)).mappings().all()
        claims = conn.execute(sa.select(t.claims)).mappings().all()
        clusters = conn.execute(sa.select(t.clusters)).mappings().all()
    key = {a["id"]: a["content_hash"] for a in arts}
    return _view(
        {a["content_hash"]: (a["title"], a["published"], key[a["group_id"]]) for a in arts},
        {(key[c["article_id"]], c["local_id"]): (c["content"], c["status"], c["cluster_id"]) for c in claims},
        {r["id"]: (r["claims"], r["articles"], r["sources"], r["independent"]) for r in clusters},
    )


def _view(articles: dict, claims: dict, clusters: dict) -> dict:
    """Ids differ between the two (archive-wide vs the ledger's): clusters are compared as sets of claims."""
    members: dict = {}
    for claim, (_content, _status, cluster) in claims.items():
        members.setdefault(cluster, set()).add(claim)
    return {
        "articles": articles,
        "claims": {k: v[:2] for k, v in claims.items()},
        "clusters": sorted((sorted(m), clusters[c]) for c, m in members.items()),
    }


def test_gzip_fixture_is_a_warc():
    assert gzip.decompress(warc(PAGES[:1])).startswith(b"WARC/1.")

"""Ingesting text, JSON Lines, HTML and folders: dedup, failures with reasons, exit codes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from claimgraph import ledger
from claimgraph.analyse import Analyzer
from claimgraph.store import open_store
from claimgraph.store import schema as t

PAGE = b"""<!doctype html><html lang="en-GB"><head><title>Depot fire | Example News</title>
<link rel="canonical" href="https://example.org/news/depot?utm_source=rss">
<meta property="og:site_name" content="Example News"><meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2024-12-08T10:00:00Z"></head>
<body><nav>Home | World | Sport</nav><article><h1>Depot fire</h1>
<p>Russian officials said Ukrainian drones struck an oil depot in Belgorod on Monday, according to a statement.</p>
<p>The governor said two people were injured in the fire that followed the strike on the depot.</p>
</article><footer>Copyright Example News</footer></body></html>"""


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer().load()


@pytest.fixture
def store(tmp_path):
    with open_store(str(tmp_path / "l.sqlite")) as s:
        yield s


def test_a_page_changed_at_its_url_is_stored_as_a_new_revision(tmp_path, store, analyzer):
    def article(text):
        path = tmp_path / "feed.jsonl"
        path.write_text(json.dumps({"text": text, "url": "https://x.org/story", "published": "2024-05-01"}) + "\n")
        return [str(path)]

    first = "Police said three men were arrested in Leeds."
    assert ledger.ingest(article(first), db=store, analyzer=analyzer).new == 1
    assert ledger.ingest(article(first), db=store, analyzer=analyzer).duplicate == 1
    summary = ledger.ingest(article(first + " Police later said a fourth man was held."), db=store, analyzer=analyzer)
    assert (summary.updated, summary.line()) == (
        1,
        "0 new, 0 near-duplicate (grouped), 1 updated, 0 duplicate, 0 failed",
    )
    assert [r["content"] for r in ledger.search("police", db=store)] == [
        "a fourth man was held",
        "three men were arrested in Leeds",
    ]


def test_a_folder_of_text_html_and_jsonl(tmp_path, store, analyzer):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("The mayor said the bridge was closed after the storm.")
    (folder / "sub" / "page.html").write_bytes(PAGE)
    (folder / "more.jsonl").write_text(
        json.dumps(
            {
                "id": "j1",
                "text": "Police said three men were arrested in Leeds.",
                "url": "https://x.org/1",
                "published": "2024-05-01",
                "author": "A. Writer",
            }
        )
        + "\n"
    )
    (folder / "skip.bin").write_bytes(b"\0\1\2")  # not a kind we read: ignored in folders
    summary = ledger.ingest([str(folder)], db=store, analyzer=analyzer)
    assert summary.to_dict() == {
        "new": 3,
        "near_duplicate": 0,
        "updated": 0,
        "duplicate": 0,
        "failed": [],
        "skipped": [],
    }
    assert summary.exit_code == 0
    with store.engine.connect() as conn:
        page = conn.execute(sa.select(t.articles).where(t.articles.c.origin.like("%page.html"))).one()
        jl = conn.execute(sa.select(t.articles).where(t.articles.c.ext_id == "j1")).one()
    assert (page.title, page.author, page.publisher) == ("Depot fire", "Jane Roe", "Example News")
    assert page.language == "en-gb"
    assert str(page.published) == "2024-12-08"
    assert page.key == "https://example.org/news/depot"  # canonical link, tracking parameter dropped
    assert jl.author == "A. Writer" and str(jl.published) == "2024-05-01"
    assert store.count("claims") >= 3


def test_rerun_is_idempotent_and_skips_the_analyser(tmp_path, store, analyzer):
    path = tmp_path / "a.txt"
    path.write_text("The mayor said the bridge was closed after the storm.")
    first = ledger.ingest([str(path)], db=store, analyzer=analyzer)
    claims = store.count("claims")

    class NoAnalyser:  # a duplicate must be caught before analysing
        settings = analyzer.settings

        def analyze_many(self, articles):
            raise AssertionError("analysed a stored article again")

    again = ledger.ingest([str(path), str(path)], db=store, analyzer=NoAnalyser())
    assert (first.new, again.new, again.duplicate) == (1, 0, 2)
    assert store.count("articles") == 1 and store.count("claims") == claims


def test_bad_inputs_are_recorded_with_reasons_and_the_run_goes_on(tmp_path, store, analyzer):
    (tmp_path / "empty.txt").write_text("   \n")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02binary\x00")
    (tmp_path / "broken.html").write_bytes(b"<html><body><div><<<</div><script>x</script>")
    (tmp_path / "lines.jsonl").write_text('{"text": "Officials said the port was closed."}\n{broken\n[1, 2]\n')
    (tmp_path / "good.txt").write_text("The minister said the talks would resume on Friday.")
    names = ["empty.txt", "binary.txt", "broken.html", "lines.jsonl", "good.txt", "missing.txt"]
    summary = ledger.ingest([str(tmp_path / n) for n in names], db=store, analyzer=analyzer)
    reasons = dict(summary.failed)
    assert summary.new == 2 and len(summary.failed) == 6 and summary.exit_code == 3
    assert "empty" in reasons[str(tmp_path / "empty.txt")]
    assert "binary" in reasons[str(tmp_path / "binary.txt")]
    assert "no article text" in reasons[str(tmp_path / "broken.html")]
    assert "malformed JSON" in reasons[f"{tmp_path / 'lines.jsonl'}:2"]
    assert "expected a JSON object" in reasons[f"{tmp_path / 'lines.jsonl'}:3"]
    assert "no such file" in reasons[str(tmp_path / "missing.txt")]
    assert store.count("failures") == 6


def test_ready_analyses_are_stored_without_analysing(tmp_path, store):
    from claimgraph.store.testing import make_analysis

    docs = [
        make_analysis(
            f"Officials said the port {n} was closed.",
            [("Officials", "said", f"the port {n} was closed")],
            url=f"https://x.org/{n}",
        )
        for n in ("north", "south")
    ]
    path = tmp_path / "analyses.jsonl"
    path.write_text("".join(d.to_json() + "\n" for d in docs) + '{"schema": "claimgraph/analysis@1", "text": 1}\n')
    summary = ledger.ingest([str(path)], db=store)  # no analyzer: spaCy would be loaded only for articles
    assert (summary.new, len(summary.failed)) == (2, 1)
    assert "not a valid analysis" in summary.failed[0][1]
    assert store.count("claims") == 2


PLACES = ["Leeds", "Hull", "York", "Derby", "Bath", "Ely", "Wells", "Ripon", "Truro", "Salford"]
THINGS = ["bridge", "school", "station", "hospital", "market", "airport", "library", "stadium"]


def _articles(n: int) -> list[dict]:
    return [
        {
            "id": f"k{i}",
            "url": f"https://k.example/{i}",
            "text": f"Officials in {PLACES[i % 10]} said the {THINGS[i % 8]} was closed for {i + 2} days. "
            f"The mayor of {PLACES[(i * 3) % 10]} said {i + 5} families had been moved from the "
            f"{THINGS[(i * 5) % 8]} near the river {i}.",
        }
        for i in range(n)
    ]


def test_a_run_killed_midway_loses_and_duplicates_nothing_on_rerun(tmp_path, analyzer):
    n = 60
    src = tmp_path / "many.jsonl"
    src.write_text("".join(json.dumps(a) + "\n" for a in _articles(n)))
    db = tmp_path / "kill.sqlite"
    open_store(str(db)).close()  # migrate first, so the child only writes
    code = f"from claimgraph import ledger; ledger.ingest([{str(src)!r}], db={str(db)!r}, batch=2)"
    env = {**os.environ, "PYTHONPATH": str(Path(ledger.__file__).parents[2])}
    child = subprocess.Popen([sys.executable, "-c", code], env=env)
    stored = 0
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and child.poll() is None:
            with sqlite3.connect(db) as conn:
                stored = conn.execute("select count(*) from articles").fetchone()[0]
            if stored >= 4:
                break
            time.sleep(0.01)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert 0 < stored < n, "the kill must land mid-run"

    with open_store(str(db)) as store:
        summary = ledger.ingest([str(src)], db=store, analyzer=analyzer, batch=7)
        assert summary.failed == []
        assert summary.duplicate >= stored and summary.new + summary.near_duplicate + summary.duplicate == n
        with store.engine.connect() as conn:
            ids = conn.execute(sa.select(t.articles.c.ext_id)).scalars().all()
            per_article = dict(
                conn.execute(sa.select(t.claims.c.article_id, sa.func.count()).group_by(t.claims.c.article_id)).all()
            )
            docs = conn.execute(sa.select(t.analyses.c.article_id, t.analyses.c.json)).all()
    assert sorted(ids) == sorted(f"k{i}" for i in range(n))
    # every article has exactly the claims its analysis has: none lost, none twice
    assert {aid: len(json.loads(js)["claims"]) for aid, js in docs if json.loads(js)["claims"]} == per_article


# ------------------------------------------------------------------ progress


def _ready_analyses(path: Path, n: int) -> list[int]:
    """n ready analyses as JSON Lines (a blank line among them); the byte offset where each line ends."""
    from claimgraph.store.testing import make_analysis

    claims = [[("Officials", "said", f"gate {i} was shut")] for i in range(n)]
    lines = [make_analysis(f"Officials said gate {i} was shut.", c).to_json() + "\n" for i, c in enumerate(claims)]
    lines.insert(1, "\n")
    path.write_text("".join(lines))
    ends, at = [], 0
    for line in lines:
        at += len(line.encode())
        if line.strip():
            ends.append(at)
    return ends


def test_progress_is_in_bytes_of_local_files_and_ends_at_the_total(tmp_path, store, analyzer):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("The mayor said the bridge was closed after the storm.")
    (folder / "sub" / "page.html").write_bytes(PAGE)
    (folder / "skip.bin").write_bytes(b"\0\1\2" * 100)  # not read, so not counted
    lines = tmp_path / "ready.jsonl"
    ends = _ready_analyses(lines, 3)
    before = sum(p.stat().st_size for p in (folder / "a.txt", folder / "sub" / "page.html"))
    total = before + lines.stat().st_size

    calls: list[tuple[int, int]] = []
    summary = ledger.ingest(
        [str(folder), str(lines)], db=store, analyzer=analyzer, on_progress=lambda d, t: calls.append((d, t))
    )
    assert (summary.new, summary.failed) == (5, [])
    dones = [d for d, _ in calls]
    assert {t for _, t in calls} == {total}
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    assert dones == sorted(dones)
    # inside the JSON Lines file the bar moves line by line, not only when the file is done
    assert {before + end for end in ends} <= set(dones)


def test_progress_counts_inputs_when_a_size_is_unknown(tmp_path):
    from claimgraph.ingest.sources import expand

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("The mayor said the bridge was closed.")
    (folder / "b.txt").write_text("The minister said the talks would resume.")
    calls: list[tuple[int, int]] = []
    docs = list(expand([str(folder), str(tmp_path / "missing.txt")], on_progress=lambda d, t: calls.append((d, t))))
    assert [d.error is None for d in docs] == [True, True, False]
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]  # two files found in the folder, one missing input


def test_progress_moves_through_a_warc_file(tmp_path):
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from claimgraph.ingest.sources import expand

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    for i in range(40):
        body = PAGE.replace(b"Depot fire", f"Depot fire {i}".encode()) + b"<!-- " + bytes(range(65, 91)) * 80 + b" -->"
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            f"https://w.example/{i}", "response", payload=io.BytesIO(body), http_headers=headers
        )
        writer.write_record(record)
    path = tmp_path / "crawl.warc"
    path.write_bytes(out.getvalue())
    size = path.stat().st_size

    calls: list[tuple[int, int]] = []
    docs = list(expand([str(path)], on_progress=lambda d, t: calls.append((d, t))))
    assert len(docs) == 40 and all(d.article is not None for d in docs)
    dones = [d for d, _ in calls]
    assert {t for _, t in calls} == {size} and dones == sorted(dones) and dones[-1] == size
    assert len({d for d in dones if 0 < d < size}) >= 3  # positions inside the file, as it is read

"""Ledger benchmarks on synthetic data (claimgraph.store.synthetic).

    python bench/ledger_bench.py store  --articles 5000            # analyses/s into SQLite
    python bench/ledger_bench.py link   --claims 10000 100000      # full and incremental linking, growth
    python bench/ledger_bench.py search --claims 100000 [--pg]     # p50/p95 latency

Each prints one JSON line per measurement; link gives CPU seconds beside the wall time (on a shared
machine the wall time counts the other jobs too).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from claimgraph.store import open_store
from claimgraph.store.synthetic import OBJECTS, VERBS, synthetic_analyses
from claimgraph.store.write import Record, add_records

BATCH = 500


@contextmanager
def ledger(pg: bool, folder: str):
    if pg:
        from claimgraph.store.testing import postgres_schema

        with postgres_schema() as url, open_store(url) as store:
            yield store
    else:
        with open_store(str(Path(folder) / "bench.sqlite")) as store:
            yield store


def fill(store, articles: int) -> float:
    """Store `articles` synthetic analyses; returns seconds spent storing (not generating)."""
    spent, batch = 0.0, []
    for a in synthetic_analyses(articles):
        batch.append(Record(a, a.id or ""))
        if len(batch) == BATCH:
            spent += _store(store, batch)
            batch = []
    if batch:
        spent += _store(store, batch)
    return spent


def _store(store, batch) -> float:
    t0 = time.perf_counter()
    with store.engine.begin() as conn:
        add_records(conn, batch)
    return time.perf_counter() - t0


def bench_store(args) -> None:
    with tempfile.TemporaryDirectory() as folder:
        with ledger(args.pg, folder) as store:
            spent = fill(store, args.articles)
            print(
                json.dumps(
                    {
                        "bench": "store",
                        "backend": store.dialect,
                        "articles": args.articles,
                        "claims": store.count("claims"),
                        "seconds": round(spent, 2),
                        "articles_per_s": round(args.articles / spent),
                    }
                )
            )
        # end to end from a file of analyses: parse, dedup check, store
        path = Path(folder) / "analyses.jsonl"
        with path.open("w") as fh:
            for a in synthetic_analyses(args.articles, seed=11):
                fh.write(a.to_json() + "\n")
        from claimgraph import ledger as api

        Path(folder, "e2e").mkdir()
        with ledger(args.pg, str(Path(folder, "e2e"))) as store:
            t0 = time.perf_counter()
            summary = api.ingest([str(path)], db=store, batch=BATCH, link=False)
            spent = time.perf_counter() - t0
            backend = store.dialect
        print(
            json.dumps(
                {
                    "bench": "ingest-jsonl-analyses",
                    "backend": backend,
                    "articles": args.articles,
                    "stored": summary.new + summary.near_duplicate,
                    "seconds": round(spent, 2),
                    "articles_per_s": round(args.articles / spent),
                }
            )
        )


def bench_link(args) -> None:
    """Full: one link of a stored ledger. Incremental: the ledger grows by
    --batch articles at a time and is linked after each batch, as ingest does."""
    from claimgraph.link.claims import link

    for claims in args.claims:
        if args.mode in ("full", "both"):
            with tempfile.TemporaryDirectory() as folder, ledger(args.pg, folder) as store:
                fill(store, claims // 4)
                n = store.count("claims")
                t0, c0 = time.perf_counter(), time.process_time()
                stats = link(store, full=True)
                spent = time.perf_counter() - t0
                _report_link("link-full", store, n, spent, stats, cpu_seconds=round(time.process_time() - c0, 2))
        if args.mode in ("incremental", "both"):
            with tempfile.TemporaryDirectory() as folder, ledger(args.pg, folder) as store:
                per_batch, per_batch_cpu, batch = [], [], []
                for a in synthetic_analyses(claims // 4):
                    batch.append(Record(a, a.id or ""))
                    if len(batch) == args.batch:
                        _store(store, batch)
                        batch = []
                        t0, c0 = time.perf_counter(), time.process_time()
                        stats = link(store)
                        per_batch.append(time.perf_counter() - t0)
                        per_batch_cpu.append(time.process_time() - c0)
                n = store.count("claims")
                _report_link(
                    "link-incremental",
                    store,
                    n,
                    sum(per_batch),
                    stats,
                    batches=len(per_batch),
                    first_batches_s=round(statistics.median(per_batch[1:6]), 3),
                    last_batches_s=round(statistics.median(per_batch[-5:]), 3),
                    last_batches_cpu_s=round(statistics.median(per_batch_cpu[-5:]), 3),
                )


def _report_link(name: str, store, n: int, spent: float, stats, **extra) -> None:
    print(
        json.dumps(
            {
                "bench": name,
                "backend": store.dialect,
                "claims": n,
                "seconds": round(spent, 2),
                "us_per_claim": round(spent / n * 1e6, 1),
                "clusters": stats.clusters,
                "multi_article": stats.multi_article,
                "links": stats.links,
                **extra,
            }
        ),
        flush=True,
    )


def queries(rng: random.Random, n: int) -> list[str]:
    out = []
    for i in range(n):
        verb, obj = rng.choice(VERBS), rng.choice(OBJECTS).replace("the ", "")
        out.append(
            [
                f"{verb} {obj.split()[-1]}",
                f'"{verb} the {obj}"',
                f"{obj.split()[-1]} status:denied",
                f"{verb} from:2024-03 to:2024-05",
                f"{obj.split()[-1]} source:police",
                "status:denied from:2024-06-01 to:2024-06-07",
            ][i % 6]
        )
    return out


def bench_search(args) -> None:
    from claimgraph import ledger as api
    from claimgraph.link.claims import link

    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as folder, _search_ledger(args, folder) as store:
        if store.count("claims") == 0:
            fill(store, args.claims // 4)
            link(store)
        n = store.count("claims")
        qs = queries(rng, args.queries)
        for q in qs[:10]:  # warm the caches
            api.search(q, db=store)
        times = {}
        for q in qs:
            t0 = time.perf_counter()
            api.search(q, db=store, limit=20)
            times.setdefault(
                q.split()[-1].split(":")[0] if ":" in q else ("phrase" if '"' in q else "words"), []
            ).append(time.perf_counter() - t0)
        every = sorted(x for v in times.values() for x in v)
        print(
            json.dumps(
                {
                    "bench": "search",
                    "backend": store.dialect,
                    "claims": n,
                    "queries": len(every),
                    "p50_ms": round(statistics.median(every) * 1000, 1),
                    "p95_ms": _p95(every),
                    "max_ms": round(every[-1] * 1000, 1),
                    "p95_ms_by_kind": {k: _p95(sorted(v)) for k, v in sorted(times.items())},
                }
            )
        )


def _p95(values: list[float]) -> float:
    return round(values[max(0, int(len(values) * 0.95) - 1)] * 1000, 1)


@contextmanager
def _search_ledger(args, folder: str):
    """--keep FILE or URL: build the ledger there once and reuse it on later runs."""
    if args.keep:
        with open_store(args.keep) as store:
            yield store
    else:
        with ledger(args.pg, folder) as store:
            yield store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("store", "link", "search"))
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--claims", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--mode", choices=("full", "incremental", "both"), default="both", help="link: how to link")
    parser.add_argument("--batch", type=int, default=500, help="link: articles stored between incremental links")
    parser.add_argument("--pg", action="store_true", help="PostgreSQL (a throw-away schema) instead of SQLite")
    parser.add_argument("--keep", metavar="FILE", help="search: build the ledger in FILE (or a database URL) once")
    args = parser.parse_args()
    if args.what == "search":
        args.claims = args.claims[-1]
    {"store": bench_store, "link": bench_link, "search": bench_search}[args.what](args)


if __name__ == "__main__":
    main()

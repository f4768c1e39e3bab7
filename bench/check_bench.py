"""Claim check benchmarks.

    python bench/check_bench.py dev-stance [--db PATH]  # ingest the bodies, one check --claims over the headlines
    python bench/check_bench.py scale --claims N        # p95 per claim on a synthetic ledger of about N claims

Both print one JSON line. `dev-stance` times the CLI end to end (model
loading included); `scale` times `ledger.check` on claims already given as
text: no spaCy is loaded by check, so the figure is all retrieval and scoring.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "gold" / "dev-stance"
CLI = [str(Path(sys.executable).parent / "claimgraph")]  # the installed command, as a user runs it


def bench_dev_stance(args) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = args.db or str(Path(folder) / "l.sqlite")
        with open(GOLD / "pairs.csv", encoding="utf-8", newline="") as fh:
            pairs = list(csv.DictReader(fh))
        headlines = sorted({row["headline"] for row in pairs})
        claims = Path(folder) / "claims.txt"
        claims.write_text("\n".join(" ".join(h.split()) for h in headlines) + "\n", encoding="utf-8")
        t0 = time.perf_counter()
        subprocess.run([*CLI, "ingest", str(GOLD / "bodies.jsonl"), "--db", db], check=True, capture_output=True)
        t1 = time.perf_counter()
        out = subprocess.run(
            [*CLI, "check", "--claims", str(claims), "--db", db, "--format", "jsonl"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        t2 = time.perf_counter()
    rows = [json.loads(line) for line in out.splitlines() if line.strip()]
    print(
        json.dumps(
            {
                "bench": "dev-stance",
                "headlines": len(headlines),
                "rows": len(rows),
                **on_story(pairs, rows),
                "ingest_s": round(t1 - t0, 1),
                "check_s": round(t2 - t1, 1),
                "total_s": round(t2 - t0, 1),
            }
        )
    )


def on_story(pairs: list[dict], rows: list[dict]) -> dict:
    """Of the rows listed: the share whose article is of another story than the claim's (a story is known
    from the related pairs: an unrelated pair's `story` names its body's), and the share of the labelled
    related pairs that are listed."""
    # the claims file holds each headline on one line, stripped, as `check --claims` reads it
    related = [(" ".join(p["headline"].split()), p["body_id"], p["story"]) for p in pairs if p["stance"] != "unrelated"]
    story = {k: s for h, b, s in related for k in (h, b)}
    shown = {(r["claim"], r["id"]) for r in rows}
    off = sum(story.get(r["claim"]) != story.get(r["id"]) for r in rows)
    return {
        "off_story": round(off / max(len(rows), 1), 3),
        "related_listed": round(sum((h, b) in shown for h, b, _ in related) / max(len(related), 1), 3),
    }


def bench_scale(args) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from claimgraph import ledger as api
    from claimgraph.link.claims import link, pending
    from claimgraph.store import open_store
    from claimgraph.store.synthetic import OBJECTS, VERBS
    from ledger_bench import fill  # the synthetic ledger the other ledger benchmarks use

    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as folder, open_store(args.db or str(Path(folder) / "l.sqlite")) as store:
        t0 = time.perf_counter()
        if store.count("claims") == 0:
            fill(store, args.claims // 4)
        if pending(store):  # a ledger stored but not (fully) linked yet is linked first
            link(store)
        built = time.perf_counter() - t0
        n = store.count("claims")
        claims = [
            f"{rng.choice(['drones', 'troops', 'rebels'])} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
            for _ in range(args.queries)
        ]
        api.check(claims[:5], db=store)  # warm the caches and load the combiner
        times = []
        for claim in claims:
            t = time.perf_counter()
            api.check(claim, db=store)
            times.append(time.perf_counter() - t)
    times.sort()
    print(
        json.dumps(
            {
                "bench": "check-scale",
                "claims_in_ledger": n,
                "queries": len(times),
                "build_s": round(built, 1),
                "p50_ms": round(statistics.median(times) * 1000, 1),
                "p95_ms": round(times[int(0.95 * (len(times) - 1))] * 1000, 1),
            }
        )
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("what", choices=("dev-stance", "scale"))
    p.add_argument("--db", help="a ledger to reuse (made when empty)")
    p.add_argument("--claims", type=int, default=100_000, help="synthetic claims (scale)")
    p.add_argument("--queries", type=int, default=200)
    args = p.parse_args()
    (bench_dev_stance if args.what == "dev-stance" else bench_scale)(args)


if __name__ == "__main__":
    main()

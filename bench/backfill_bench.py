"""The Spark backfill's speed: local[1] against local[2] on the same WARCs,
and pages/s per core against `claimgraph ingest` of the same pages.

    .venv/bin/python bench/backfill_bench.py [--pages 2000] [--warcs 8] [--out bench/results/backfill.json]

The pages are news-like articles built at run time from sentence templates
written here (seeded, every page different), written as gzipped WARCs with
warcio under a temporary folder; nothing is committed. One run each, end to
end (Spark and spaCy start-up included, stage 2 included):

1. `ledger.ingest(link=False)` of the WARCs into a fresh SQLite ledger (one process,
   one core): read, analyse, store, what stage 1 does (linking runs relation
   functions on every pair of a cluster's articles, which the Spark job leaves
   to the load; on template text whose clusters are huge it dominates);
2. `backfill(master="local[1]")`, then `local[2]`, into fresh output folders
   (both stages; the stage-1 time alone is reported beside it).

Floors (issue 16): local[2] / local[1] speed-up at least 1.7x; Spark's
overhead per page, 1 - (local[1] pages/s) / (ingest pages/s), at most 15%.
BLAS threads are pinned to one so that a worker uses one core.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

PEOPLE = ["Mara Voss", "Tomas Reyl", "Ines Okafor", "Piet Landry", "Sana Keral", "Jon Abbe", "Lea Morrow"]
PLACES = ["Port Alder", "Brennick", "Castlewell", "Oran Vale", "Mirefield", "Tessaly", "Hollin Bay"]
GROUPS = ["the harbour authority", "the city council", "the ferry company", "the health ministry", "the rail union"]
THINGS = ["the northern pier", "the new hospital wing", "the river bridge", "the central library", "the tram line"]
TEMPLATES = [
    "{person}, a spokesperson for {group}, said on {day} that {thing} in {place} would close for {n} weeks.",
    "Officials in {place} told reporters that repairs to {thing} would cost about {n} million.",
    "{group} denied that {thing} had been damaged by the storm, according to a statement.",
    "Residents of {place} claimed that {n} families had been left without water since {day}.",
    "{person} said that the work on {thing} was expected to finish before the summer.",
    "Engineers warned that {thing} might not reopen until next year, {person} added.",
    "According to {group}, {n} people attended the meeting in {place} on {day}.",
    "The mayor of {place} announced that {group} would pay for the repairs to {thing}.",
    "Police in {place} said {n} people were arrested after protests near {thing} on {day}.",
    "{person} told the council that {group} had not been consulted about {thing}.",
    "Traders in {place} said the closure of {thing} would cost them customers.",
    "A report published on {day} found that {n} per cent of the funds had not been spent.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def article(rng: random.Random, k: int) -> tuple[str, str]:
    fill = {
        "person": rng.choice(PEOPLE),
        "place": rng.choice(PLACES),
        "group": rng.choice(GROUPS),
        "thing": rng.choice(THINGS),
        "day": rng.choice(DAYS),
    }
    sentences = []
    for template in rng.sample(TEMPLATES, 8):
        text = template.format(n=rng.randint(2, 900), **fill)
        sentences.append(text[0].upper() + text[1:])
    title = f"{fill['place']}: {fill['thing']} (report {k})"
    return title, " ".join(sentences)


def html(title: str, text: str, published: str) -> bytes:
    paras = "".join(f"<p>{s}</p>" for s in text.split(". "))
    return (
        f'<html><head><title>{title}</title><meta property="article:published_time" content="{published}">'
        f"</head><body><article><h1>{title}</h1>{paras}</article></body></html>"
    ).encode()


def write_warcs(folder: Path, pages: int, warcs: int, seed: int) -> list[Path]:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rng = random.Random(seed)
    paths = []
    for w in range(warcs):
        path = folder / f"bench-{w:03d}.warc.gz"
        with path.open("wb") as fh:
            writer = WARCWriter(fh, gzip=True)
            for k in range(w, pages, warcs):
                title, text = article(rng, k)
                body = html(title, text, f"2025-{1 + k % 12:02d}-{1 + k % 28:02d}")
                headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
                url = f"https://news{k % 17}.example/{k}"
                record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
                writer.write_record(record)
        paths.append(path)
    return paths


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pages", type=int, default=2000)
    p.add_argument("--warcs", type=int, default=8)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="bench/results/backfill.json")
    args = p.parse_args()

    from claimgraph import ledger
    from claimgraph.backfill.job import backfill

    with tempfile.TemporaryDirectory(prefix="backfill-bench-") as tmp:
        root = Path(tmp)
        paths = write_warcs(root, args.pages, args.warcs, args.seed)
        manifest = root / "manifest.txt"
        manifest.write_text("".join(f"{p}\n" for p in paths))

        started = time.perf_counter()
        summary = ledger.ingest([str(p) for p in paths], db=str(root / "ledger.sqlite"), link=False)
        ingest_s = time.perf_counter() - started
        stored = summary.stored + summary.duplicate
        runs = {}
        for master in ("local[1]", "local[2]"):
            started = time.perf_counter()
            result = backfill(str(manifest), str(root / master.replace("[", "").replace("]", "")), master=master)
            runs[master] = {"seconds": round(time.perf_counter() - started, 2), "summary": result}
    one, two = runs["local[1]"]["seconds"], runs["local[2]"]["seconds"]
    pages = runs["local[1]"]["summary"]["analysed"]
    ingest_rate = stored / ingest_s
    spark_rate = pages / one
    report = {
        "pages": args.pages,
        "warcs": args.warcs,
        "cpu_count": os.cpu_count(),
        "ingest": {"seconds": round(ingest_s, 2), "articles": stored, "pages_per_s": round(ingest_rate, 3)},
        **{
            m: {
                "seconds": r["seconds"],
                "stage1_seconds": r["summary"]["stage1_seconds"],
                "pages_per_s_per_core": round(pages / r["seconds"] / n, 3),
                "stage1_pages_per_s_per_core": round(pages / r["summary"]["stage1_seconds"] / n, 3),
            }
            for (m, r), n in zip(runs.items(), (1, 2), strict=True)
        },
        "speedup": round(one / two, 3),
        "spark_overhead_per_page": round(1 - spark_rate / ingest_rate, 3),
        "stage1_overhead_per_page": round(1 - pages / runs["local[1]"]["summary"]["stage1_seconds"] / ingest_rate, 3),
        "floors": {"speedup": 1.7, "spark_overhead_per_page": 0.15},
        "summaries": {m: r["summary"] for m, r in runs.items()},
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    print(
        f"{pages} pages: ingest {ingest_rate:.2f} pages/s (1 core); local[1] {spark_rate:.2f} pages/s, "
        f"local[2] {pages / two:.2f} pages/s; speed-up {one / two:.2f}x (floor 1.7x); "
        f"Spark overhead per page {report['spark_overhead_per_page']:.1%} (ceiling 15%)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

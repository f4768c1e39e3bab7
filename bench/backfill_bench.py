"""The Spark backfill's speed: local[1] against local[2] on the same WARCs,
and pages/s per core against `claimgraph ingest` of the same pages.

    nice .venv/bin/python bench/backfill_bench.py [--pages 2000] [--warcs 8] [--out bench/results/backfill.json]

prints one table (ingest, local[1], local[2], the ratios, the load average) and writes it as JSON.

The pages are news-like articles built at run time from sentence templates
written here (seeded), with what an archive holds besides: every 10th page a
wire copy of an earlier one (a near-duplicate), every 50th a new version of
an earlier URL, every 100th a page seen before; written as gzipped WARCs
with warcio under a temporary folder; nothing is committed. One run each, end to
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


def _fill(rng: random.Random) -> dict[str, str]:
    return {
        "person": rng.choice(PEOPLE),
        "place": rng.choice(PLACES),
        "group": rng.choice(GROUPS),
        "thing": rng.choice(THINGS),
        "day": rng.choice(DAYS),
    }


def article(rng: random.Random, k: int) -> tuple[str, str]:
    fill = _fill(rng)
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


COPY_EVERY = 10  # every 10th page is a wire copy of an earlier one (credit line added): a near-duplicate
REVISE_EVERY = 50  # every 50th not a repeat (the 50th, 150th...), a new version of an earlier page (same URL)
REPEAT_EVERY = 100  # every 100th, an earlier page again (same URL and text): a duplicate


def pages(n: int, seed: int) -> list[tuple[str, bytes]]:
    """n (url, html) pages in reading order, with wire copies, revisions and repeats among them."""
    rng = random.Random(seed)
    made: list[tuple[str, str, str, str]] = []  # url, title, text, published
    for k in range(n):
        published = f"2025-{1 + k % 12:02d}-{1 + k % 28:02d}"
        if k % REPEAT_EVERY == REPEAT_EVERY - 1:
            made.append(made[k - 3])
        elif k % REVISE_EVERY == REVISE_EVERY - 1:
            url, title, text, published = made[k - 7]
            extra = TEMPLATES[k % len(TEMPLATES)].format(n=k, **_fill(rng))
            made.append((url, title, f"{text} {extra[0].upper()}{extra[1:]}", published))
        elif k % COPY_EVERY == COPY_EVERY - 1:
            _url, title, text, published = made[k - 5]
            made.append((f"https://wire{k % 3}.example/{k}", title, f"{text} Reporting by the Wire desk.", published))
        else:
            title, text = article(rng, k)
            made.append((f"https://news{k % 17}.example/{k}", title, text, published))
    return [(url, html(title, text, published)) for url, title, text, published in made]


def write_warcs(folder: Path, n: int, warcs: int, seed: int) -> list[Path]:
    """The pages as `warcs` gzipped WARCs, dealt round-robin; returned in manifest order."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    made = pages(n, seed)
    paths = []
    for w in range(warcs):
        path = folder / f"bench-{w:03d}.warc.gz"
        with path.open("wb") as fh:
            writer = WARCWriter(fh, gzip=True)
            for url, body in made[w::warcs]:
                headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
                record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
                writer.write_record(record)
        paths.append(path)
    return paths


def load() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pages", type=int, default=2000)
    p.add_argument("--warcs", type=int, default=8)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--skip-ingest", action="store_true", help="time only the two Spark runs")
    p.add_argument("--out", default="bench/results/backfill.json")
    args = p.parse_args()

    from claimgraph import ledger
    from claimgraph.backfill.job import backfill

    loads = {"start": load()}
    with tempfile.TemporaryDirectory(prefix="backfill-bench-") as tmp:
        root = Path(tmp)
        paths = write_warcs(root, args.pages, args.warcs, args.seed)
        manifest = root / "manifest.txt"
        manifest.write_text("".join(f"{p}\n" for p in paths))

        ingest = None
        if not args.skip_ingest:
            started = time.perf_counter()
            summary = ledger.ingest([str(p) for p in paths], db=str(root / "ledger.sqlite"), link=False)
            seconds = time.perf_counter() - started
            done = summary.stored + summary.duplicate
            ingest = {"seconds": round(seconds, 2), "articles": done, "pages_per_s": round(done / seconds, 3)}
            loads["ingest"] = load()
        runs = {}
        for master, cores in (("local[1]", 1), ("local[2]", 2)):
            started = time.perf_counter()
            result = backfill(str(manifest), str(root / f"out{cores}"), master=master)
            seconds = time.perf_counter() - started
            n = result["analysed"]
            runs[master] = {
                "cores": cores,
                "seconds": round(seconds, 2),
                "stage1_seconds": result["stage1_seconds"],
                "stage2_seconds": round(result["seconds"] - result["stage1_seconds"], 2),
                "pages_per_s_per_core": round(n / seconds / cores, 3),
                "stage1_pages_per_s_per_core": round(n / result["stage1_seconds"] / cores, 3),
                "summary": result,
            }
            loads[master] = load()
    one, two = runs["local[1]"], runs["local[2]"]
    report = {
        "pages": args.pages,
        "warcs": args.warcs,
        "cpu_count": os.cpu_count(),
        "load_average": loads,
        "ingest": ingest,
        **{m: {k: v for k, v in r.items() if k != "summary"} for m, r in runs.items()},
        "speedup": round(one["seconds"] / two["seconds"], 3),
        "stage1_speedup": round(one["stage1_seconds"] / two["stage1_seconds"], 3),
        "floors": {"speedup": 1.7, "spark_overhead_per_page": 0.15},
        "summaries": {m: r["summary"] for m, r in runs.items()},
    }
    if ingest:
        rate = ingest["pages_per_s"]
        report["spark_overhead_per_page"] = round(1 - one["pages_per_s_per_core"] / rate, 3)
        report["stage1_overhead_per_page"] = round(1 - one["stage1_pages_per_s_per_core"] / rate, 3)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    print(_table(report))
    return 0


def _table(r: dict) -> str:
    n = r["summaries"]["local[1]"]["analysed"]
    lines = [f"{n} pages analysed in {r['warcs']} WARCs ({r['cpu_count']} CPUs; load average {r['load_average']})"]
    if r["ingest"]:
        i = r["ingest"]
        lines.append(
            f"  claimgraph ingest (1 process, no linking): {i['seconds']:8.1f} s  {i['pages_per_s']:6.2f} pages/s"
        )
    for m in ("local[1]", "local[2]"):
        x = r[m]
        lines.append(
            f"  backfill {m}: {x['seconds']:8.1f} s (stage 1 {x['stage1_seconds']:.1f} s, stage 2 "
            f"{x['stage2_seconds']:.1f} s)  {x['pages_per_s_per_core']:6.2f} pages/s a core "
            f"(stage 1 {x['stage1_pages_per_s_per_core']:.2f})"
        )
    lines.append(
        f"  speed-up local[2]/local[1]: {r['speedup']:.2f}x end to end, {r['stage1_speedup']:.2f}x stage 1 (floor 1.7x)"
    )
    if "spark_overhead_per_page" in r:
        lines.append(
            f"  Spark overhead per page against ingest: {r['spark_overhead_per_page']:.1%} end to end, "
            f"{r['stage1_overhead_per_page']:.1%} stage 1 (ceiling 15%)"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())

"""Speed and memory of the places stage.

    python bench/places_speed.py [--corpus ../shared/gold/dev-geo] [--docs 150] [--runs 3]

1. Loading the gazetteer, in a fresh process: seconds and resident memory
   (the growth of the process, and its whole size). Floors: < 1 s, < 300 MB.
2. The places stage's share of the whole analysis (spaCy parse plus every
   stage) over the corpus texts, timed in the same runs; the median of
   `--runs` runs. Floor: at most 10 %.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "gold" / "dev-geo"

LOAD_PROBE = """
import json, resource, time
def rss():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024
from claimgraph.analyse.places import gazetteer, aliases  # imports spaCy: not the gazetteer's cost
before = rss()
t = time.perf_counter()
g = gazetteer.load()
aliases.load_aliases()
g.lookup('Damascus')
took = time.perf_counter() - t
print(json.dumps({'seconds': took, 'rss_growth_mb': rss() - before, 'rss_mb': rss(),
                  'path': str(g.path), 'size_mb': g.path.stat().st_size / 1e6, 'counts': g.counts}))
"""


def load_probe() -> dict:
    gazetteer_ready = subprocess.run(
        [sys.executable, "-c", "from claimgraph.analyse.places import gazetteer; gazetteer.load()"],
        check=True,
    )
    del gazetteer_ready
    out = subprocess.run([sys.executable, "-c", LOAD_PROBE], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def stage_share(corpus: Path, docs: int, runs: int) -> dict:
    from dataclasses import replace

    from claimgraph.analyse import STAGES, Analyzer
    from claimgraph.model import Article

    texts = [json.loads(p.read_text(encoding="utf-8"))["text"] for p in sorted(corpus.glob("*.json"))[:docs]]
    timings: dict[str, float] = {}

    def timed(stage):
        def run(document):
            t = time.perf_counter()
            stage(document)
            timings[stage.name] = timings.get(stage.name, 0.0) + time.perf_counter() - t

        return replace(stage, func=run)

    analyzer = Analyzer(stages=[timed(s) for s in STAGES]).load()
    analyzer.analyze(Article(text="Warm-up in Damascus, Syria."))  # loads the gazetteer, not timed
    shares, totals, places = [], [], []
    for _ in range(runs):
        timings.clear()
        t = time.perf_counter()
        for _analysis in analyzer.analyze_many(Article(text=x) for x in texts):
            pass
        total = time.perf_counter() - t
        shares.append(timings["places"] / total)
        totals.append(total)
        places.append(timings["places"])
    words = sum(len(x.split()) for x in texts)
    return {
        "docs": len(texts),
        "words": words,
        "runs": runs,
        "analysis_s_median": statistics.median(totals),
        "places_s_median": statistics.median(places),
        "places_ms_per_doc": 1000 * statistics.median(places) / len(texts),
        "places_share_median": statistics.median(shares),
        "places_share_runs": shares,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--docs", type=int, default=150)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    load = load_probe()
    print(
        f"gazetteer load: {load['seconds']:.3f} s, +{load['rss_growth_mb']:.1f} MB resident "
        f"(process {load['rss_mb']:.0f} MB); index {load['size_mb']:.1f} MB at {load['path']}"
    )
    print(f"gazetteer contents: {load['counts']}")
    if not args.corpus.exists():
        print(f"{args.corpus}: not found, stage timing skipped")
        return 0
    share = stage_share(args.corpus, args.docs, args.runs)
    print(
        f"places stage: {share['places_share_median']:.1%} of the analysis time "
        f"(median of {share['runs']} runs "
        f"over {share['docs']} docs, {share['words']:,} words; "
        f"{share['places_ms_per_doc']:.1f} ms/doc; whole analysis {share['analysis_s_median']:.1f} s)"
    )
    print(json.dumps({"load": load, "stage": share}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Speed of the times stage on the dev-time texts (TimeBank, 183 articles).

    python bench/times_speed.py [--corpus ../shared/gold/dev-time] [--runs 5]

Prints, as medians over the runs of this one invocation: the whole analysis
time of the corpus, the times stage's own time over the same parsed documents,
its share of the whole, and its documents per second. One core: BLAS threads
are pinned to one before anything imports numpy.
"""

from __future__ import annotations

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from claimgraph import Analyzer, Article  # noqa: E402
from claimgraph.analyse.times import tag  # noqa: E402
from claimgraph.ingest.articles import parse_date  # noqa: E402

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "gold" / "dev-time"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=DEFAULT)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--whole-runs", type=int, default=3, help="runs of the whole analysis (slower)")
    args = ap.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"no corpus at {args.corpus}")
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(args.corpus.glob("*.json"))]
    articles = [Article(text=g["text"], published=parse_date(g.get("published"))) for g in golds]
    words = sum(len(a.text.split()) for a in articles)
    analyzer = Analyzer().load()
    docs = list(analyzer.resources.nlp.pipe(a.text for a in articles))
    tag(articles[0].text, articles[0].published, docs[0])  # compile the grammar outside the timing

    stage = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        for a, doc in zip(articles, docs, strict=True):
            tag(a.text, a.published, doc)
        stage.append(time.perf_counter() - t0)
    whole = []
    for _ in range(args.whole_runs):
        t0 = time.perf_counter()
        for _analysis in analyzer.analyze_many(articles):
            pass
        whole.append(time.perf_counter() - t0)
    s, w = statistics.median(stage), statistics.median(whole)
    print(f"corpus: {len(articles)} documents, {words:,} words")
    print(f"whole analysis: median {w:.2f} s over {args.whole_runs} runs ({len(articles) / w:.1f} docs/s)")
    print(
        f"times stage:    median {s:.3f} s over {args.runs} runs ({len(articles) / s:.0f} docs/s, "
        f"{words / s:,.0f} words/s)"
    )
    print(f"times share of the whole analysis: {100 * s / w:.2f} %")
    print(
        json.dumps(
            {
                "documents": len(articles),
                "whole_s": round(w, 3),
                "times_s": round(s, 4),
                "times_docs_per_s": round(len(articles) / s, 1),
                "times_share": round(s / w, 4),
                "stage_runs": [round(x, 4) for x in stage],
                "whole_runs": [round(x, 3) for x in whole],
            }
        )
    )


if __name__ == "__main__":
    main()

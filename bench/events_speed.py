"""Speed of the events and relations stages.

    python bench/events_speed.py [--corpus ../shared/gold/dev-attribution] [--runs 5]

1. On the dev-attribution texts (inline in their gold files): the whole
   analysis time of the corpus, and the events + relations stages' own time
   over the same parsed documents, as a share of the whole (floor: 10 %).
2. A synthetic document of about 300 claims, many sharing actors and places:
   its parse time, its whole analysis time, and the difference (floor: under
   2 s more than the parse), with the events + relations time on it.

All figures are medians over the runs of this one invocation, on one core.
"""

from __future__ import annotations

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

from claimgraph import Analyzer, Article  # noqa: E402
from claimgraph.analyse import STAGES, events, relations  # noqa: E402
from claimgraph.analyse.document import Document  # noqa: E402
from claimgraph.analyse.nlp import parse_many  # noqa: E402
from claimgraph.ingest.articles import parse_date  # noqa: E402

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "gold" / "dev-attribution"
BEFORE = tuple(s for s in STAGES if s not in (events.run, relations.run))

SOURCES = ["Officials", "Reuters", "The ministry", "Witnesses", "State media", "Aides", "Analysts", "The army"]
ACTORS = [
    "Russia",
    "Ukraine",
    "Iran",
    "Israel",
    "Turkey",
    "Egypt",
    "China",
    "India",
    "France",
    "Germany",
    "Bashar al-Assad",
    "Vladimir Putin",
    "Joe Biden",
    "Xi Jinping",
]
PLACES = ["Kabul", "Baghdad", "Damascus", "Beirut", "Cairo", "Tehran", "Kyiv", "Moscow", "Ankara", "Gaza"]
FRAMES = [
    "{s} said {a} withdrew its troops from {p} on Monday.",
    "{s} said {a} attacked {p}.",
    "{a} captured {p}, {s2} said.",
    "{s} claim {a} evacuated its embassy in {p}.",
    "{s} said {a} did not withdraw from {p}.",
    "{s} said 20 people were killed in {p}.",
    "{s} reported that {a} fled {p}.",
    "{s} said {a} resigned and left {p}.",
]


def synthetic(n: int = 300, seed: int = 7) -> str:
    rnd = random.Random(seed)
    lines = []
    for i in range(n):
        frame = FRAMES[i % len(FRAMES)]
        lines.append(
            frame.format(
                s=rnd.choice(SOURCES), s2=rnd.choice(SOURCES).lower(), a=rnd.choice(ACTORS), p=rnd.choice(PLACES)
            )
        )
    # paragraphs of five sentences, as in news
    return "\n".join(" ".join(lines[i : i + 5]) for i in range(0, n, 5)) + "\n"


def stage_time(analyzer: Analyzer, articles: list[Article], runs: int) -> tuple[float, int, int]:
    """Median seconds of events + relations over prepared documents."""
    parsed = list(parse_many(analyzer.resources.nlp, ((a.text, a) for a in articles), analyzer.settings.batch_size))
    times = []
    n_events = n_relations = 0
    for _ in range(runs):
        documents = []
        for doc, article in parsed:
            document = Document(article=article, doc=doc, resources=analyzer.resources)
            for stage in BEFORE:
                stage(document)
            documents.append(document)
        t0 = time.perf_counter()
        for document in documents:
            events.run(document)
            relations.run(document)
        times.append(time.perf_counter() - t0)
        n_events = sum(len(d.events) for d in documents)
        n_relations = sum(len(d.relations) for d in documents)
    return statistics.median(times), n_events, n_relations


def whole_time(analyzer: Analyzer, articles: list[Article], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        for _analysis in analyzer.analyze_many(articles):
            pass
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def parse_time(analyzer: Analyzer, articles: list[Article], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        list(parse_many(analyzer.resources.nlp, ((a.text, a) for a in articles), analyzer.settings.batch_size))
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=DEFAULT)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--whole-runs", type=int, default=3, help="runs of the whole analysis (slower)")
    args = ap.parse_args()
    analyzer = Analyzer().load()
    analyzer.analyze(Article(text="Russia withdrew its troops from Syria, officials said.\n"))  # warm up

    if args.corpus.is_dir():
        golds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(args.corpus.glob("*.json"))]
        articles = [Article(text=g["text"], published=parse_date(g.get("published"))) for g in golds]
        whole = whole_time(analyzer, articles, args.whole_runs)
        own, n_ev, n_rel = stage_time(analyzer, articles, args.runs)
        print(f"dev-attribution: {len(articles)} articles, {sum(len(a.text.split()) for a in articles):,} words")
        print(f"  whole analysis      {whole:7.3f} s (median of {args.whole_runs})")
        print(f"  events + relations  {own:7.3f} s (median of {args.runs}), {n_ev} events, {n_rel} relations")
        print(f"  share of the whole  {100 * own / whole:6.1f} %   (floor: at most 10 %)")
    else:
        print(f"no corpus at {args.corpus}: dev-attribution part skipped")

    text = synthetic()
    article = [Article(text=text, published=date(2024, 3, 1))]
    parse = parse_time(analyzer, article, args.runs)
    whole = whole_time(analyzer, article, args.runs)
    own, n_ev, n_rel = stage_time(analyzer, article, args.runs)
    n_claims = len(analyzer.analyze(article[0]).claims)
    print(f"synthetic: {n_claims} claims, {n_ev} events, {n_rel} relations, {len(text.split()):,} words")
    print(f"  parse               {parse:7.3f} s")
    print(f"  whole analysis      {whole:7.3f} s")
    print(f"  beyond the parse    {whole - parse:7.3f} s   (floor: under 2 s)")
    print(f"  events + relations  {own:7.3f} s")


if __name__ == "__main__":
    main()

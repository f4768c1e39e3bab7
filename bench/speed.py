"""Speed of claimgraph against a bare spaCy parse, per stage, and with --jobs 2.

    make bench
    .venv/bin/python bench/speed.py [--shared ../shared] [--repeat 5] [--skip-jobs]

On the texts of ``SHARED/gold/dev-attribution/*.gold.json``, in this one run
(medians of ``--repeat`` runs after a warm-up on the first few texts, parse
and analysis runs interleaved so that load from other processes hits both
alike):

1. a bare spaCy parse: ``list(nlp.pipe(texts))`` of ``spacy.load(Settings().model)``,
   all components;
2. the whole analysis in one process: ``Analyzer().analyze_many(articles)``,
   each result turned into JSON as the CLI does; docs/s, tokens/s (tokens of
   the bare parse) and the ratio analysis / parse (floor: at most 1.25);
3. where the time goes: the line-by-line parse, each stage of
   ``claimgraph.analyse.STAGES`` (wrapped), building the analysis and its JSON;
4. ``analyze_items(items, settings, jobs=2)`` against ``jobs=1`` on the texts
   repeated to last about 15 s at jobs=1, end to end including start-up
   (floor: at least 1.7x; median of 2 runs each), unless ``--skip-jobs``.

Wall-clock times decide the floors; CPU times (this process only) are shown
beside them because they suffer less from a busy machine. BLAS threads are
pinned to one so that one process uses one core. Results are also written to
``bench/results/speed.json``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from collections.abc import Callable, Iterable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, TypeVar  # noqa: E402

import spacy  # noqa: E402
from spacy.language import Language  # noqa: E402

from claimgraph.analyse import STAGES, Analyzer, Stage  # noqa: E402
from claimgraph.analyse.batch import CHUNK, analyze_items  # noqa: E402
from claimgraph.analyse.document import Document  # noqa: E402
from claimgraph.analyse.nlp import parse_many  # noqa: E402
from claimgraph.config import Settings  # noqa: E402
from claimgraph.ingest.articles import parse_date  # noqa: E402
from claimgraph.model import Article  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT.parent / "shared"
RESULTS = ROOT / "bench" / "results" / "speed.json"
RATIO_FLOOR = 1.25
JOBS_FLOOR = 1.7
WARM_UP_ARTICLES = 10  # enough to load everything that loads lazily
JOBS_TARGET_S = 15.0  # about how long one jobs=1 run should last
JOBS_RUNS = 2
T = TypeVar("T")


@dataclasses.dataclass
class Timing:
    wall: list[float] = dataclasses.field(default_factory=list)
    cpu: list[float] = dataclasses.field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)

    def as_json(self) -> dict[str, Any]:
        return {
            "median_s": round(self.median, 4),
            "median_cpu_s": round(self.median_cpu, 4),
            "runs_s": [round(x, 4) for x in self.wall],
            "runs_cpu_s": [round(x, 4) for x in self.cpu],
        }


def timed(fn: Callable[[], T], into: Timing) -> T:
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    into.wall.append(time.perf_counter() - wall)
    into.cpu.append(time.process_time() - cpu)
    return value


def load_articles(corpus: Path) -> list[Article]:
    articles = []
    for path in sorted(corpus.glob("*.gold.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        text = gold.get("text")
        if not isinstance(text, str):
            raise SystemExit(f"speed: {path} has no inline text")
        articles.append(Article(text=text, id=path.name, published=parse_date(gold.get("published"))))
    if not articles:
        raise SystemExit(f"speed: no *.gold.json files in {corpus}")
    return articles


# ------------------------------------------------------------ parse and whole


def bare_parse(nlp: Language, texts: list[str]) -> int:
    """Parse; the number of tokens."""
    return sum(len(doc) for doc in nlp.pipe(texts))


def whole_analysis(analyzer: Analyzer, articles: list[Article]) -> None:
    for analysis in analyzer.analyze_many(articles):
        analysis.to_json()


# ------------------------------------------------------------------- stages


def wrap(stage: Stage, totals: dict[str, float]) -> Stage:
    """The same declared stage, timed into `totals[stage.name]`."""

    def timed_stage(document: Document) -> None:
        t0 = time.perf_counter()
        try:
            stage(document)
        finally:
            totals[stage.name] += time.perf_counter() - t0

    return dataclasses.replace(stage, func=timed_stage)


def staged_analysis(analyzer: Analyzer, stages: Iterable[Stage], articles: list[Article]) -> dict[str, float]:
    """The steps of `Analyzer.analyze_many` one by one, each timed: seconds per step."""
    totals: dict[str, float] = defaultdict(float)
    wrapped = [wrap(s, totals) for s in stages]
    nlp, resources = analyzer.resources.nlp, analyzer.resources
    parsed = iter(parse_many(nlp, ((a.text, a) for a in articles), analyzer.settings.batch_size))
    while True:
        t0 = time.perf_counter()
        item = next(parsed, None)
        t1 = time.perf_counter()
        totals["parse (line by line)"] += t1 - t0
        if item is None:
            break
        doc, article = item
        document = Document(article=article, doc=doc, resources=resources)
        totals["document model"] += time.perf_counter() - t1
        for stage in wrapped:
            stage(document)
        t2 = time.perf_counter()
        analysis = document.to_analysis()
        t3 = time.perf_counter()
        analysis.to_json()
        t4 = time.perf_counter()
        totals["to_analysis"] += t3 - t2
        totals["to_json"] += t4 - t3
    return dict(totals)


# --------------------------------------------------------------------- jobs


def run_items(items: list[Article], settings: Settings, jobs: int) -> tuple[float, int]:
    """End-to-end seconds (model loading included) and the analyses that came back."""
    t0 = time.perf_counter()
    count = sum(result.json is not None for result in analyze_items(items, settings, jobs=jobs))
    return time.perf_counter() - t0, count


def jobs_benchmark(articles: list[Article], per_doc_s: float) -> dict[str, Any]:
    """jobs=1 and jobs=2 over the articles repeated (or cut) to last about JOBS_TARGET_S at jobs=1."""
    settings = Settings()
    step = CHUNK * 2
    count = max(4 * step, step * round(JOBS_TARGET_S / max(per_doc_s, 1e-4) / step))
    items = [dataclasses.replace(articles[i % len(articles)], id=f"{i}") for i in range(count)]
    runs: dict[int, list[tuple[float, int]]] = {1: [], 2: []}
    for _ in range(JOBS_RUNS):
        for jobs in (1, 2):
            runs[jobs].append(run_items(items, settings, jobs))
    out: dict[str, Any] = {"documents": len(items), "runs": JOBS_RUNS}
    for jobs, results in runs.items():
        wall = statistics.median(r[0] for r in results)
        out[f"jobs{jobs}"] = {
            "median_s": round(wall, 3),
            "docs_per_s": round(len(items) / wall, 2),
            "runs_s": [round(r[0], 3) for r in results],
            "ok_results": min(r[1] for r in results),
        }
    out["speedup"] = round(out["jobs2"]["docs_per_s"] / out["jobs1"]["docs_per_s"], 3)
    out["floor"] = JOBS_FLOOR
    out["meets_floor"] = out["speedup"] >= JOBS_FLOOR
    return out


# ------------------------------------------------------------------- report


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        first = str(cells[0]).ljust(widths[0])
        return "  ".join([first, *(str(c).rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))])

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared folder (default: ../shared)")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs of each measurement (default 5)")
    ap.add_argument("--skip-jobs", action="store_true", help="leave out the --jobs 2 measurement")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    corpus = args.shared.resolve() / "gold" / "dev-attribution"
    if not corpus.is_dir():
        print(f"speed: no corpus at {corpus} (pass --shared DIR)", file=sys.stderr)
        return 2
    repeat = max(1, args.repeat)
    articles = load_articles(corpus)
    texts = [a.text for a in articles]
    settings = Settings()
    load_before = os.getloadavg()

    print(f"loading {settings.model} ...", file=sys.stderr, flush=True)
    nlp = spacy.load(settings.model)
    analyzer = Analyzer(settings).load()
    bare_parse(nlp, texts[:WARM_UP_ARTICLES])  # warm-up
    whole_analysis(analyzer, articles[:WARM_UP_ARTICLES])  # warm-up: lexicons, gazetteers, caches

    parse, whole = Timing(), Timing()
    tokens = 0
    for i in range(repeat):
        print(f"run {i + 1}/{repeat}: parse, analysis ...", file=sys.stderr, flush=True)
        tokens = timed(lambda: bare_parse(nlp, texts), parse)
        timed(lambda: whole_analysis(analyzer, articles), whole)
    ratio, ratio_cpu = whole.median / parse.median, whole.median_cpu / parse.median_cpu

    print("per-stage timing ...", file=sys.stderr, flush=True)
    stage_runs = [staged_analysis(analyzer, STAGES, articles) for _ in range(max(1, repeat // 3))]
    steps = list(stage_runs[0])
    stage_s = {k: statistics.median(run.get(k, 0.0) for run in stage_runs) for k in steps}
    stage_total = sum(stage_s.values())

    jobs = None
    if not args.skip_jobs:
        print("jobs 1 vs jobs 2 ...", file=sys.stderr, flush=True)
        jobs = jobs_benchmark(articles, whole.median / len(articles))
    load_after = os.getloadavg()

    n = len(articles)
    print(f"\ncorpus: {corpus} ({n} documents, {tokens:,} tokens); model {settings.model}; median of {repeat} runs")
    rows = [
        [
            label,
            f"{t.median:.3f}",
            f"{t.median_cpu:.3f}",
            f"{n / t.median:.1f}",
            f"{tokens / t.median:,.0f}",
            f"{min(t.wall):.3f}-{max(t.wall):.3f}",
        ]
        for label, t in (("bare spaCy parse (nlp.pipe)", parse), ("claimgraph analysis", whole))
    ]
    print(table(["measurement", "wall s", "cpu s", "docs/s", "tokens/s", "range s"], rows))
    verdict = "ok" if ratio <= RATIO_FLOOR else "MISSED"
    print(f"ratio analysis / parse: {ratio:.2f} wall, {ratio_cpu:.2f} cpu (floor <= {RATIO_FLOOR}: {verdict})")

    print(f"\nwhere the time goes (median of {len(stage_runs)} runs, wall):")
    stage_rows = [
        [k, f"{v:.3f}", f"{1000 * v / n:.1f}", f"{100 * v / stage_total:.1f}", f"{v / parse.median:.2f}"]
        for k, v in stage_s.items()
    ]
    stage_rows.append(["total", f"{stage_total:.3f}", f"{1000 * stage_total / n:.1f}", "100.0",
                       f"{stage_total / parse.median:.2f}"])  # fmt: skip
    print(table(["step", "s", "ms/doc", "% of total", "x bare parse"], stage_rows))

    if jobs is not None:
        print(f"\n--jobs (analyze_items, {jobs['documents']} documents, median of {jobs['runs']} runs, end to end):")
        jrows = [
            [
                f"jobs={j}",
                f"{jobs[f'jobs{j}']['median_s']:.2f}",
                f"{jobs[f'jobs{j}']['docs_per_s']:.1f}",
                str(jobs[f"jobs{j}"]["ok_results"]),
            ]
            for j in (1, 2)
        ]
        print(table(["", "wall s", "docs/s", "analyses"], jrows))
        verdict = "ok" if jobs["meets_floor"] else "MISSED"
        print(
            f"speed-up jobs 2 / jobs 1: {jobs['speedup']:.2f}x end to end, model loading included "
            f"(floor >= {JOBS_FLOOR}: {verdict}); {os.cpu_count()} CPUs"
        )
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (a busy machine skews the timings)")

    result = {
        "corpus": str(corpus),
        "documents": n,
        "tokens": tokens,
        "model": settings.model,
        "repeat": repeat,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "spacy": spacy.__version__,
        "loadavg_before": load_before,
        "loadavg_after": load_after,
        "parse": {**parse.as_json(), "docs_per_s": n / parse.median, "tokens_per_s": tokens / parse.median},
        "analysis": {**whole.as_json(), "docs_per_s": n / whole.median, "tokens_per_s": tokens / whole.median},
        "ratio": round(ratio, 3),
        "ratio_cpu": round(ratio_cpu, 3),
        "ratio_floor": RATIO_FLOOR,
        "ratio_meets_floor": ratio <= RATIO_FLOOR,
        "stages_s": {k: round(v, 4) for k, v in stage_s.items()},
        "jobs": jobs,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"results written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The backfill as a Spark job: one task per WARC of the manifest (stage 1,
worker.py), then the archive-wide grouping and clustering (stage 2,
archive.py), then a JSON summary of the counters.

Runs the same under `claimgraph backfill` and under spark-submit:

    spark-submit --master yarn src/claimgraph/cli/spark_submit.py MANIFEST --out DIR

pyspark is imported inside the functions: the package imports without the
`claimgraph[spark]` extra, and a missing pyspark or Java is one line."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

from claimgraph.backfill.tables import MARKER
from claimgraph.backfill.worker import COUNTERS, Task, run_warc
from claimgraph.config import Settings
from claimgraph.errors import InputError, ResourceError, UsageError
from claimgraph.ingest.items import Options

NEEDS = "the backfill needs the spark extra: pip install 'claimgraph[spark]' (or make install-spark)"


def read_manifest(path: str) -> list[str]:
    """WARC paths, one a line ('#' comments and blank lines skipped); relative
    ones are taken from the manifest's folder; file:// URLs are paths."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the manifest ({getattr(exc, 'strerror', None) or exc})") from exc
    base = Path(path).resolve().parent
    out = []
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("file://"):
            line = line[len("file://") :]
        elif "://" in line:
            raise InputError(f"{path}: {line[:80]}: only local or mounted paths are read (see docs/backfill.md)")
        out.append(str(base / line) if not Path(line).is_absolute() else line)
    if not out:
        raise InputError(f"{path}: the manifest names no WARC file")
    return out


def session(master: str | None, partitions: int | None = None):
    """A SparkSession; ResourceError (one line) without pyspark or Java."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ResourceError(NEEDS) from exc
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise ResourceError("the backfill needs Java 17 (java on PATH or JAVA_HOME): apt-get install openjdk-17-jre")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # local mode: executors run this interpreter
    builder = SparkSession.builder.appName("claimgraph-backfill")
    if master:
        builder = builder.master(master)
    if partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(partitions))
    builder = builder.config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
    builder = builder.config("spark.task.maxFailures", "4")  # a task that dies is retried; its commit is by rename
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # the JVM did not start: no traceback, the first line of why
        raise ResourceError(f"Spark did not start: {str(exc).strip().splitlines()[0][:300]}") from exc
    spark.sparkContext.setLogLevel("ERROR")
    if not partitions:  # stage 2's shuffles: a few tasks a core, not Spark's 200 (AQE merges small ones)
        spark.conf.set("spark.sql.shuffle.partitions", str(2 * spark.sparkContext.defaultParallelism))
    return spark


def _active() -> bool:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return False
    return SparkSession.getActiveSession() is not None


def backfill(
    manifest: str,
    out: str,
    *,
    master: str | None = None,
    partitions: int | None = None,
    summary: str | None = None,
    settings: Settings | None = None,
    languages: tuple[str, ...] | None = None,
    spark=None,
) -> dict:
    """Run both stages; returns the summary (also written to DIR/_backfill.json
    and to `summary` when given). `partitions`: Spark tasks for stage 1
    (default: one per WARC). An existing output is continued: WARCs already
    committed are not read again."""
    paths = read_manifest(manifest)
    if partitions is not None and partitions < 1:
        raise UsageError("--partitions must be at least 1")
    out = str(Path(out).resolve())
    Path(out).mkdir(parents=True, exist_ok=True)
    options = Options(languages=languages) if languages is not None else Options()
    task = Task(out, settings or Settings(), options)
    own = spark is None and not _active()  # a caller's session (tests, a notebook) is left running
    spark = spark or session(master, partitions)
    try:
        started = time.perf_counter()
        counts = _stage1(spark, task, paths, partitions)
        stage1 = time.perf_counter() - started
        from claimgraph.backfill.archive import group_and_cluster

        second = group_and_cluster(spark, out)
        result = {
            "manifest": str(Path(manifest).resolve()),
            "warcs": len(paths),
            "master": spark.sparkContext.master,
            "cores": spark.sparkContext.defaultParallelism,
            **counts,
            **second,
            "stage1_seconds": round(stage1, 3),
            "seconds": round(time.perf_counter() - started, 3),
        }
    finally:
        if own:
            spark.stop()
    text = json.dumps(result, indent=2)
    if summary:
        Path(summary).write_text(text + "\n", encoding="utf-8")
    tmp = Path(out) / (MARKER + ".tmp")
    tmp.write_text(text + "\n", encoding="utf-8")
    tmp.replace(Path(out) / MARKER)
    return result


def _stage1(spark, task: Task, paths: list[str], partitions: int | None) -> dict[str, int]:
    sc = spark.sparkContext
    acc = {name: sc.accumulator(0) for name in COUNTERS}

    def run(rows):
        # one Python worker keeps its analyzer (worker._ANALYZERS) across the tasks it runs
        for index, path in rows:
            counts = run_warc(task, index, path)
            if "fatal" in counts:
                yield counts
                return
            for name in COUNTERS:
                acc[name].add(counts[name])
            yield counts

    tasks = sc.parallelize(list(enumerate(paths)), numSlices=partitions or len(paths))
    per_warc = tasks.mapPartitions(run).collect()
    fatal = next((c["fatal"] for c in per_warc if "fatal" in c), None)
    if fatal:
        raise ResourceError(fatal)
    # accumulators count a retried task's attempts twice; the committed counts do not
    committed = {name: sum(c[name] for c in per_warc) for name in COUNTERS}
    seen = {name: acc[name].value for name in COUNTERS}
    return committed | ({"accumulated": seen} if seen != committed else {})


def line(result: dict) -> str:
    return (
        f"{result['warcs']} WARCs: {result['pages']} pages read, {result['kept']} kept, "
        f"{result['analysed']} analysed, {result['failed']} failed, {result['skipped']} skipped; "
        f"{result['groups']} groups, {result['clusters']} clusters in {result['seconds']} s"
    )

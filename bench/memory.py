"""Peak memory of `claimgraph analyze` on a 1,000-article JSON Lines batch.

    .venv/bin/python bench/memory.py [--shared ../shared] [--articles 1000] [--skip-jobs]

Builds, in a temporary folder that is removed afterwards, a JSON Lines batch
of articles made from the texts of ``SHARED/gold/dev-attribution`` (repeated;
every other copy with its paragraphs in reverse order, each with one added
sentence of our own so that no two articles are the same), then runs

    claimgraph analyze --input FILE --format jsonl [--jobs 2] > /dev/null

as a child process and reports its wall time and peak resident memory
(floor: under 1 GB). A small batch of 50 articles is run first as a baseline:
if the output streams, peak memory should barely grow with the batch.

Peak memory is ``ru_maxrss`` of the child as returned by ``wait4``: on Linux
that is the largest resident set of any single process in its tree (the
claimgraph process or one of its workers), not their sum. For ``--jobs`` runs
the sum over the tree is also shown: the largest total PSS (proportional set
size, which shares copy-on-write pages out fairly) seen when sampling
``/proc`` every 0.1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT.parent / "shared"
FLOOR_BYTES = 1024**3
BASELINE_ARTICLES = 50

# Our own sentences, one added to each article so that no two are the same.
EXTRA = (
    "Officials said on Tuesday that talks would resume in round {n}, according to a statement.",
    "The ministry reportedly denied that convoy {n} had been stopped at the border.",
    "Analysts suggested the figures for district {n} could be revised later this month.",
    "“We will not accept this,” a spokesperson said of proposal {n}.",
)


def claimgraph_executable() -> str:
    exe = Path(sys.executable).parent / "claimgraph"
    return str(exe) if exe.exists() else "claimgraph"


def load_texts(corpus: Path) -> list[tuple[str, str | None]]:
    out = []
    for path in sorted(corpus.glob("*.gold.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(gold.get("text"), str):
            out.append((gold["text"], gold.get("published")))
    if not out:
        raise SystemExit(f"memory: no gold texts in {corpus}")
    return out


def perturbed(text: str, n: int) -> str:
    paragraphs = text.split("\n\n")
    if n % 2:
        paragraphs.reverse()
    return "\n\n".join([*paragraphs, EXTRA[n % len(EXTRA)].format(n=n)])


def write_batch(path: Path, texts: list[tuple[str, str | None]], count: int) -> int:
    """Write `count` articles; the number of characters written."""
    chars = 0
    with path.open("w", encoding="utf-8") as fh:
        for n in range(count):
            text, published = texts[n % len(texts)]
            article = {"id": f"a{n:05d}", "text": perturbed(text, n), "published": published}
            chars += len(article["text"])
            fh.write(json.dumps(article, ensure_ascii=False) + "\n")
    return chars


def tree_pss(pid: int) -> int:
    """Sum of PSS, in bytes, over a process and its descendants (0 where unreadable)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
                    break
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


def run(batch: Path, jobs: int) -> dict[str, Any]:
    cmd = [claimgraph_executable(), "analyze", "--input", str(batch), "--format", "jsonl", "--jobs", str(jobs)]
    peak_pss = 0
    done = threading.Event()
    t0 = time.perf_counter()
    with open(os.devnull, "wb") as devnull:
        proc = subprocess.Popen(cmd, stdout=devnull, stderr=subprocess.PIPE)

        def sample() -> None:
            nonlocal peak_pss
            while not done.wait(0.1):
                peak_pss = max(peak_pss, tree_pss(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        assert proc.stderr is not None
        stderr = proc.stderr.read().decode("utf-8", "replace")
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
    wall = time.perf_counter() - t0
    errors = [line for line in stderr.splitlines() if line.strip()]
    return {
        "command": " ".join(cmd) + " > /dev/null",
        "jobs": jobs,
        "exit_code": proc.returncode,
        "wall_s": round(wall, 2),
        "max_rss_bytes": usage.ru_maxrss * 1024,  # Linux reports KiB
        "tree_peak_pss_bytes": peak_pss or None,
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "stderr_lines": len(errors),
        "stderr_tail": errors[-3:],
    }


def mib(value: int | None) -> str:
    return "—" if not value else f"{value / 1024**2:,.0f} MiB"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared folder (default: ../shared)")
    ap.add_argument("--articles", type=int, default=1000, help="articles in the batch (default 1000)")
    ap.add_argument("--skip-jobs", action="store_true", help="leave out the --jobs 2 run")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    corpus = args.shared.resolve() / "gold" / "dev-attribution"
    if not corpus.is_dir():
        print(f"memory: no corpus at {corpus} (pass --shared DIR)", file=sys.stderr)
        return 2
    texts = load_texts(corpus)
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="claimgraph-memory-") as tmp:
        small, big = Path(tmp) / "baseline.jsonl", Path(tmp) / "batch.jsonl"
        write_batch(small, texts, BASELINE_ARTICLES)
        chars = write_batch(big, texts, args.articles)
        plan = [(small, BASELINE_ARTICLES, 1), (big, args.articles, 1)]
        if not args.skip_jobs:
            plan.append((big, args.articles, 2))
        for path, count, jobs in plan:
            print(f"analysing {count} articles with --jobs {jobs} ...", file=sys.stderr, flush=True)
            result = run(path, jobs)
            result["articles"] = count
            runs.append(result)

    print(f"\nbatch: {args.articles} articles, {chars:,} characters, from {len(texts)} dev-attribution texts")
    columns = ("articles", "jobs", "exit", "wall s", "docs/s", "peak RSS", "tree PSS")
    widths = (8, 4, 4, 7, 6, 10, 10)
    header = "  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True))
    print(header)
    print("-" * len(header))
    for r in runs:
        print(
            f"{r['articles']:>8}  {r['jobs']:>4}  {r['exit_code']:>4}  {r['wall_s']:>7.1f}  "
            f"{r['articles'] / r['wall_s']:>6.1f}  {mib(r['max_rss_bytes']):>10}  {mib(r['tree_peak_pss_bytes']):>10}"
        )
        for line in r["stderr_tail"]:
            print(f"    stderr: {line}")
    print("peak RSS: ru_maxrss from wait4, the largest single process (with --jobs: the parent or one worker)")
    print("tree PSS: the largest sum of PSS over the process tree, sampled every 0.1 s")
    failed = False
    for r in runs[1:]:
        ok = r["max_rss_bytes"] < FLOOR_BYTES and r["exit_code"] == 0
        failed |= not ok
        print(f"floor (--jobs {r['jobs']}): peak RSS under 1 GB: {'ok' if ok else 'MISSED'}")
    growth = runs[1]["max_rss_bytes"] - runs[0]["max_rss_bytes"]
    print(f"growth from {BASELINE_ARTICLES} to {args.articles} articles (jobs 1): {growth / 1024**2:+,.0f} MiB")

    out = ROOT / "bench" / "results" / "memory.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"articles": args.articles, "characters": chars, "runs": runs}, indent=2) + "\n")
    print(f"results written to {out.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

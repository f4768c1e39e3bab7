"""Accuracy of claimgraph, measured with the shared scorer, in one table.

    make eval
    .venv/bin/python eval/evaluate.py [--shared ../shared] [--jobs 2] [--only NAME ...] [--json FILE]

Runs ``SHARED/eval/score.py --json`` on the sample gold
(``gold/syria-withdrawal.gold.json``, one ``claimgraph analyze FILE`` call)
and on the dev corpora ``gold/dev-attribution``, ``gold/dev-geo`` and
``gold/dev-time`` (one ``claimgraph analyze --input JSONL --format jsonl
--jobs N`` call each), then prints the metrics that matter, one column per
evaluation, "—" where a metric does not apply. NAME is one of ``sample``,
``dev-attribution`` (the learned cue detector; ``dev-attr-rules`` and
``dev-attr-both`` score the cue lexicons alone and both together), ``dev-geo``,
``dev-time``. ``--json FILE`` also writes
every metric the scorer returned. The exit status is non-zero when the shared
folder is missing or an evaluation could not be run.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT.parent / "shared"

ROWS: tuple[str, ...] = (
    "claims.f1",
    "claims.precision",
    "claims.recall",
    "claims.source_span_acc",
    "claims.source_resolved_acc",
    "claims.status_acc",
    "claims.cue_acc",
    "hedges.recall",
    "relations.recall",
    "entities.alias_merge_acc",
    "entities.geo_acc",
    "headings.recall",
    "headings.leaked_into_claims",
    "times.recall",
    "times.precision",
    "times.value_f1",
    "places.recall",
    "places.acc161_found",
    "events.recall",
    "events.argument_acc",
    "overall",
)
NOT_APPLICABLE = "—"


@dataclass(frozen=True)
class Evaluation:
    name: str
    target: str  # a gold file (sample) or a corpus folder, relative to SHARED
    corpus: bool
    place_ranker: str = ""  # CLAIMGRAPH_PLACE_RANKER for this run ("" the default, the learned ranker)
    attribution: str = ""  # CLAIMGRAPH_ATTRIBUTION for this run ("" the default, the learned cue detector)


EVALUATIONS: tuple[Evaluation, ...] = (
    Evaluation("sample", "gold/syria-withdrawal.gold.json", corpus=False),
    Evaluation("dev-attribution", "gold/dev-attribution", corpus=True),
    # the same with the cue lexicons alone, and with the lexicons and the model together
    Evaluation("dev-attr-rules", "gold/dev-attribution", corpus=True, attribution="rules"),
    Evaluation("dev-attr-both", "gold/dev-attribution", corpus=True, attribution="both"),
    Evaluation("dev-geo", "gold/dev-geo", corpus=True),
    # the learned place ranker cross-validated by article (each article scored by the fold model that
    # did not train on it; dev-geo's figure above is the whole-set model's), and the old hand-set scorer
    Evaluation("dev-geo-cv", "gold/dev-geo", corpus=True, place_ranker="cv"),
    Evaluation("dev-geo-hand", "gold/dev-geo", corpus=True, place_ranker="hand"),
    Evaluation("dev-time", "gold/dev-time", corpus=True),
)


def claimgraph_executable() -> str:
    """The claimgraph script installed beside this interpreter."""
    exe = Path(sys.executable).parent / "claimgraph"
    return str(exe) if exe.exists() else "claimgraph"


def score_command(shared: Path, evaluation: Evaluation, jobs: int) -> list[str]:
    cg = shlex.quote(claimgraph_executable())
    score = [sys.executable, str(shared / "eval" / "score.py")]
    target = str(shared / evaluation.target)
    if evaluation.place_ranker:  # the same articles again: their parses are cached between the two runs
        cache = shlex.quote(str(Path(tempfile.gettempdir()) / "claimgraph-eval-parses"))
        bench = shlex.quote(str(ROOT / "bench" / "places_eval.py"))
        python = shlex.quote(sys.executable)
        run = f"CLAIMGRAPH_PLACE_RANKER={evaluation.place_ranker} {python} {bench} --cache {cache} {{jsonl}}"
        return [*score, "--corpus", target, "--run-jsonl", run, "--json", "--quiet"]
    if evaluation.corpus:
        run = f"{cg} analyze --input {{jsonl}} --format jsonl --jobs {jobs}"
        if evaluation.attribution:
            run = f"CLAIMGRAPH_ATTRIBUTION={evaluation.attribution} {run}"
        return [*score, "--corpus", target, "--run-jsonl", run, "--json", "--quiet"]
    run = f"{cg} analyze {{text}} --published {{published}} --format json"
    return [*score, target, "--run", run, "--json", "--quiet"]


def run_evaluation(shared: Path, evaluation: Evaluation, jobs: int) -> dict[str, Any]:
    """The scorer's JSON for one evaluation, plus its wall time; or an error."""
    cmd = score_command(shared, evaluation, jobs)
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    seconds = round(time.perf_counter() - started, 1)
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        message = lines[-1] if lines else f"exit code {proc.returncode}"
        return {"error": message, "seconds": seconds, "command": shlex.join(cmd)}
    try:
        result: dict[str, Any] = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return {"error": "the scorer did not print JSON", "seconds": seconds, "command": shlex.join(cmd)}
    result["seconds"] = seconds
    result["command"] = shlex.join(cmd)
    return result


# A corpus without gold for a family (no claims in TimeBank, no times in
# PolNeAR) scores every prediction as a false positive: show "—" there instead.
GOLD_PRESENT = {"claims": "claims.recall", "times": "times.recall"}


def metric(result: dict[str, Any], key: str) -> float | int | None:
    if key == "overall":
        return result.get("overall")
    metrics = result.get("metrics", {})
    family = GOLD_PRESENT.get(key.split(".")[0])
    if family is not None and metrics.get(family) is None:
        return None
    return metrics.get(key)


def shown(value: float | int | None) -> str:
    if value is None:
        return NOT_APPLICABLE
    if isinstance(value, int):  # counts (bool is an int too)
        return str(int(value))
    return f"{value:.3f}"


def table(results: dict[str, dict[str, Any]]) -> str:
    names = list(results)
    first = max(len(r) for r in (*ROWS, "metric"))
    widths = [max(len(n), 7) for n in names]

    def row(label: str, cells: list[str]) -> str:
        return "  ".join([label.ljust(first), *(c.rjust(w) for c, w in zip(cells, widths, strict=True))])

    lines = [row("metric", names), row("-" * first, ["-" * w for w in widths])]
    for key in ROWS:
        cells = ["failed" if "error" in results[n] else shown(metric(results[n], key)) for n in names]
        lines.append(row(key, cells))
    lines.append(row("-" * first, ["-" * w for w in widths]))
    lines.append(row("documents", [str(results[n].get("documents", NOT_APPLICABLE)) for n in names]))
    failed = [shown(results[n].get("metrics", {}).get("documents.failed")) for n in names]
    lines.append(row("documents.failed", failed))
    lines.append(row("problems", [str(len(results[n].get("problems", []))) for n in names]))
    lines.append(row("seconds", [f"{results[n]['seconds']:.0f}" for n in names]))
    return "\n".join(lines)


def stance_rows(shared: Path) -> tuple[str, dict[str, Any]]:
    """dev-stance (claim check): per-class F1 and macro F1, cross-validated by story and on the whole set,
    from training/stance/train.py (it fits the combiner on this set, so the CV row is the honest one),
    and the share of the rows `check` lists that are articles of another story."""
    db = Path(tempfile.gettempdir()) / "claimgraph-dev-stance.sqlite"  # the bodies' ledger, made once
    cmd = [sys.executable, str(ROOT / "training" / "stance" / "train.py"), "--db", str(db), "--out", "-"]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0 or not proc.stdout.strip():
        return "dev-stance: failed: " + ((proc.stderr or proc.stdout).strip().splitlines() or ["no output"])[-1], {}
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    keys = ("macro_f1", "unrelated", "discusses", "supports", "refutes")
    lines = ["dev-stance F1        " + "  ".join(f"{k:>9}" for k in keys)]
    for name in ("cv", "whole"):
        label = name + (" by story" if name == "cv" else " set")
        lines.append(f"  {label:<18} " + "  ".join(f"{report[name][k]:>9.3f}" for k in keys))
    # what `check` lists over all its candidates, not only the labelled pairs: rows of another story
    cv, plain = report["cv"], report["cv_ungated"]
    lines.append(
        f"  check rows, cv by story: {cv['off_story']:.3f} off-story of {cv['rows']:,} listed, "
        f"{cv['related_listed']:.3f} of related pairs listed (no gate: {plain['off_story']:.3f} of {plain['rows']:,})"
    )
    return "\n".join(lines), report


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared folder (default: ../shared)")
    ap.add_argument("--jobs", type=int, default=2, help="processes for the corpus runs (default 2)")
    ap.add_argument(
        "--only",
        action="append",
        choices=[e.name for e in EVALUATIONS],
        metavar="NAME",
        help="run only this evaluation (repeatable): " + ", ".join(e.name for e in EVALUATIONS),
    )
    ap.add_argument("--json", type=Path, metavar="FILE", help="also write all metrics to FILE as JSON")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    shared: Path = args.shared.resolve()
    if not (shared / "eval" / "score.py").is_file():
        print(f"evaluate: no shared scorer at {shared / 'eval' / 'score.py'} (pass --shared DIR)", file=sys.stderr)
        return 2
    if args.jobs < 1:
        print("evaluate: --jobs must be at least 1", file=sys.stderr)
        return 2
    chosen = [e for e in EVALUATIONS if not args.only or e.name in args.only]
    results: dict[str, dict[str, Any]] = {}
    for evaluation in chosen:
        print(f"scoring {evaluation.name} ...", file=sys.stderr, flush=True)
        results[evaluation.name] = run_evaluation(shared, evaluation, args.jobs)
    print(table(results))
    if not args.only:  # the claim check's stance figures: a retrieval and a fit, not an analyser column
        print("scoring dev-stance ...", file=sys.stderr, flush=True)
        text, stance = stance_rows(shared)
        print(text)
        results["dev-stance"] = {"stance": stance, "seconds": 0}
    errors = {name: r["error"] for name, r in results.items() if "error" in r}
    for name, error in errors.items():
        print(f"evaluate: {name} failed: {error}", file=sys.stderr)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

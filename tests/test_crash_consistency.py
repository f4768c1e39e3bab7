"""Crash consistency: SIGKILL `ledger.ingest` (storing or linking) at a random
moment, rerun it, and the ledger (articles, claims, clusters, links, entities)
is what an uninterrupted run makes, on SQLite and PostgreSQL.

$KILL_TRIALS trials per back end: 3 in all in `make test`, 20 each in `make kill`."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from claimgraph import ledger
from claimgraph.store import open_store
from claimgraph.store.testing import make_analysis, postgres_available, postgres_schema
from ledger_snapshot import snapshot

PG_SKIP = postgres_available()
# per back end; without $KILL_TRIALS 2 on SQLite and 1 on PostgreSQL, to keep `make test` short
TRIALS = (
    {"sqlite": 2, "postgresql": 1}
    if "KILL_TRIALS" not in os.environ
    else dict.fromkeys(("sqlite", "postgresql"), int(os.environ["KILL_TRIALS"]))
)
PLACES = ["Leeds", "Hull", "York", "Derby", "Bath", "Ely", "Wells"]
THINGS = ["bridge", "school", "station", "market"]
N = 120  # storing and linking each take a good part of the run (about 2 s, start-up included)


def _inputs(path: Path) -> Path:
    lines = []
    for i in range(N):
        place, thing = PLACES[i % 7], THINGS[i % 4]
        shared = f"the {thing} in {place} was closed"  # repeats across articles: multi-article clusters
        own = f"{i} families were moved from the river {i}"
        text = f"Officials in {place} said {shared}. The mayor said {own}."
        claims = [("Officials", "said", shared), ("The mayor", "said", own)]
        a = make_analysis(text, claims, [(place, "GPE")], url=f"https://c.example/{i}", published="2025-02-03")
        lines.append(json.dumps(json.loads(a.to_json())) + "\n")
    path.write_text("".join(lines))
    return path


@contextmanager
def _fresh(kind: str, tmp: Path, name: str) -> Iterator[str]:
    if kind == "sqlite":
        yield str(tmp / f"{name}.sqlite")
        return
    with postgres_schema() as url:
        yield url


def _child(src: Path, db: str) -> subprocess.Popen:
    code = f"from claimgraph import ledger; ledger.ingest([{str(src)!r}], db={db!r}, batch=25)"
    env = {**os.environ, "PYTHONPATH": str(Path(ledger.__file__).parents[2])}
    return subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL)


def _counts(snap: dict) -> tuple[Counter, Counter]:
    return Counter(k for k, *_ in snap["articles"]), Counter(c[0][0] for c in snap["claims"])


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_killed_ingest_rerun_equals_an_uninterrupted_one(kind, tmp_path):
    if kind == "postgresql" and PG_SKIP:
        pytest.skip(PG_SKIP)
    src = _inputs(tmp_path / "in.jsonl")
    with _fresh(kind, tmp_path, "clean") as db:
        open_store(db, create=True).close()
        child = _child(src, db)
        began = time.monotonic()
        assert child.wait(120) == 0
        span = time.monotonic() - began  # how long a whole run takes, start-up included
        with open_store(db) as store:
            want = snapshot(store)
    assert any(row[4] > 1 for row in want["clusters"])
    want_articles, want_claims = _counts(want)

    rng = random.Random(int(os.environ.get("KILL_SEED", "5")))
    lost = doubled = landed = 0
    for trial in range(TRIALS[kind]):
        with _fresh(kind, tmp_path, f"t{trial}") as db:
            open_store(db, create=True).close()  # migrate first: the kill is aimed at storing and linking
            delay = rng.uniform(0.15 * span, 0.9 * span)  # mostly mid-run; a run under load is slower
            child = _child(src, db)
            time.sleep(delay)
            landed += child.poll() is None
            child.send_signal(signal.SIGKILL)
            child.wait()
            ledger.ingest([str(src)], db=db, batch=25)
            with open_store(db) as store:
                got = snapshot(store)
        arts, claims = _counts(got)
        lost += len(want_articles - arts)
        doubled += sum((arts - want_articles).values()) + sum((claims - want_claims).values())
        assert got == want, f"trial {trial}: kill after {delay:.2f}s of a {span:.2f}s run"
    print(f"\n{kind}: {TRIALS[kind]} trials, {landed} killed mid-run, {lost} articles lost, {doubled} doubled")
    assert (lost, doubled) == (0, 0)

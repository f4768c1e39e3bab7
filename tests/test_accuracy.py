"""Accuracy floors, measured with ../shared/eval/score.py (skipped without ../shared)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import needs_shared

CLAIMGRAPH = Path(sys.executable).with_name("claimgraph")


def score(*args: str) -> dict:
    scorer = needs_shared("eval", "score.py")
    proc = subprocess.run([sys.executable, str(scorer), *args, "--json"], capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)["metrics"]


@pytest.fixture(scope="module")
def sample() -> dict:
    gold = needs_shared("gold", "syria-withdrawal.gold.json")
    return score(str(gold), "--run", f"{CLAIMGRAPH} analyze {{text}} --published {{published}} --format json")


@pytest.mark.parametrize(
    "metric,floor",
    [
        ("claims.f1", 0.85),
        ("claims.source_resolved_acc", 0.80),
        ("claims.status_acc", 0.80),
        ("hedges.recall", 0.80),
        ("entities.alias_merge_acc", 1.0),
        ("headings.recall", 1.0),
    ],
)
def test_sample_floor(sample, metric, floor):
    assert sample[metric] >= floor


def test_sample_headings_hold_no_claims(sample):
    assert sample["headings.leaked_into_claims"] == 0


@pytest.mark.slow
def test_dev_attribution_floors():
    corpus = needs_shared("gold", "dev-attribution")
    m = score("--corpus", str(corpus), "--run-jsonl", f"{CLAIMGRAPH} analyze --input {{jsonl}} --format jsonl --jobs 2")
    assert m["claims.f1"] >= 0.60
    assert m["claims.source_span_acc"] >= 0.85

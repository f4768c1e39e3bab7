"""The learned place ranker: its fitted file, a retrain on a slice, and invented sentences."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from claimgraph import Article
from claimgraph.analyse.places.rank import FEATURES, FITTED_NAME, FORMAT, load_ranker
from claimgraph.fitted import load_fitted
from conftest import needs_shared

ROOT = Path(__file__).resolve().parents[1]


def test_committed_file_matches_the_scorer():
    data = load_fitted(FITTED_NAME)
    assert data["format"] == FORMAT
    assert tuple(data["features"]) == FEATURES
    ranker = load_ranker(data, "cv")
    assert ranker is not None and len(ranker.folds) == 5 and ranker.held_out
    raw = ranker.model.raw(np.zeros((3, len(FEATURES))))
    assert raw.shape == (3,) and np.isfinite(raw).all()
    assert load_ranker(data, "hand") is None


def test_retrain_on_a_slice_runs(tmp_path):
    shared = needs_shared("gold", "dev-geo")
    out = tmp_path / "ranker.json"
    cmd = [sys.executable, str(ROOT / "training/places/train.py"), "--shared", str(shared.parents[1])]
    cmd += ["--limit", "20", "--out", str(out), "--cache", str(tmp_path)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr[-1000:]
    assert load_ranker(load_fitted(out.name, tmp_path), "learned") is not None


def test_containment_places_springfield_in_illinois(analyzer):
    a = analyzer.analyze(Article(text="The council met in Springfield, Illinois, on Tuesday to vote on the budget."))
    geo = next(e.geo for e in a.entities if e.name == "Springfield" and e.geo)
    assert geo.country == "US" and 38 < geo.lat < 41 and -91 < geo.lon < -88


def test_a_country_that_speaks_is_a_metonym(analyzer):
    a = analyzer.analyze(Article(text="Russia said on Monday that it would withdraw its troops from the border."))
    geo = next(e.geo for e in a.entities if e.name == "Russia" and e.geo)
    assert geo.kind == "country" and geo.role == "metonym"

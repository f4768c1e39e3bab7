"""Stages declare what they read and add; the analyzer refuses a broken chain
when it is built, and the document keeps its token index itself."""

from __future__ import annotations

import dataclasses

import pytest

from claimgraph.analyse import STAGES, Analyzer, attribution, entities, events, modality, places, structure
from claimgraph.analyse.document import Document
from claimgraph.analyse.stage import COMPLETES, GIVEN, Stage, check_chain
from claimgraph.errors import UsageError
from claimgraph.model import Article, Entity, Mention


def test_the_default_chain_is_complete():
    check_chain(STAGES)
    assert all(isinstance(s, Stage) for s in STAGES)


def test_every_declared_field_is_a_document_field():
    fields = {f.name for f in dataclasses.fields(Document)} | {"text"}
    parts = {p for ps in COMPLETES.values() for p in ps}
    declared = GIVEN | parts | {x for s in STAGES for x in s.requires | s.assigns}
    assert {x.split(".")[0] for x in declared} <= fields


def test_a_stage_before_what_it_reads_is_refused():
    with pytest.raises(UsageError, match=r"stage 'attribution' requires .*entities"):
        Analyzer(stages=[structure.run, attribution.run, entities.run, modality.run])


def test_places_after_events_is_refused():
    chain = [s for s in STAGES if s is not places.run]
    chain.insert(chain.index(events.run) + 1, places.run)
    with pytest.raises(UsageError, match=r"stage 'events' requires entities\.geo"):
        Analyzer(stages=chain)


def test_dropping_modality_is_refused_because_claims_would_keep_no_status():
    with pytest.raises(UsageError, match=r"claims\.status"):
        Analyzer(stages=[structure.run, entities.run, attribution.run])


def test_an_undeclared_function_is_refused():
    with pytest.raises(UsageError, match="not a declared stage"):
        Analyzer(stages=[structure.run, lambda document: None])


def test_a_shorter_chain_that_holds_runs(analyzer):
    short = Analyzer(stages=[structure.run, entities.run])
    short.resources = analyzer.resources  # no second spaCy load
    analysis = short.analyze(Article(text="Officials in Damascus said the port was closed."))
    assert analysis.entities and not analysis.claims


def test_load_loads_every_resource(analyzer):
    loaded = vars(analyzer.resources)
    for name in ("nlp", "lexicons", "gazetteer", "place_aliases", "events", "time_grammar"):
        assert name in loaded, f"{name} is not loaded by Analyzer.load()"


def _document(analyzer, text: str) -> Document:
    doc = analyzer.resources.nlp(text)
    return Document(article=Article(text=text), doc=doc, resources=analyzer.resources)


def test_add_mention_indexes_the_tokens_and_the_shortest_mention_wins(analyzer):
    text = "The Syrian army said the port was closed."
    d = _document(analyzer, text)
    army = d.add_entity(Entity(id="e1", type="ORG", name="The Syrian army", key="syrian army", mentions=[]))
    d.add_mention(army, 0, len("The Syrian army"), "description")
    syria = d.add_entity(
        Entity(id="e2", type="NORP", name="Syrian", key="syrian", mentions=[Mention(start=4, end=10, text="Syrian")])
    )
    assert d.token_entity[0] == "e1" and d.token_entity[2] == "e1"
    assert d.token_entity[1] == syria.id  # the shorter mention names its token
    assert d.add_mention(army, 0, len("The Syrian army")) is None  # the same span twice is one mention
    before = dict(d.token_entity)
    d.reindex()
    assert d.token_entity == before

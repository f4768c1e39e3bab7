"""The JSON contract: versioned, generated from the model, and what analyses really look like."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from claimgraph.model import SCHEMA_ID, json_schema

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema" / "analysis.schema.json"


def test_published_schema_is_generated_from_the_model():
    assert json.loads(SCHEMA_FILE.read_text()) == json_schema(), "run 'make schema' and commit the file"


def test_schema_names_every_field_the_scorer_reads():
    props = json_schema()["properties"]
    for field in ("text", "headings", "entities", "claims", "times", "events", "relations", "hedges"):
        assert field in props
    assert props["schema"]["const"] == SCHEMA_ID if "const" in props["schema"] else SCHEMA_ID in json.dumps(props)


def test_an_analysis_validates_against_the_schema(analyse):
    analysis = analyse("“We will stay,” the commander said. Officials may have left, reports indicate.", "2025-01-02")
    jsonschema.validate(analysis.to_dict(), json_schema())


def test_every_span_points_into_the_text(analyse):
    analysis = analyse(Path(__file__).resolve().parent.parent.joinpath("examples", "port-ceasefire.txt").read_text())
    doc = analysis.to_dict()
    text = doc["text"]

    def spans(obj):
        if isinstance(obj, dict):
            if {"start", "end", "text"} <= obj.keys():
                yield obj
            for value in obj.values():
                yield from spans(value)
        elif isinstance(obj, list):
            for value in obj:
                yield from spans(value)

    found = [s for key, value in doc.items() if key != "text" for s in spans(value)]
    assert len(found) > 50
    for s in found:
        assert text[s["start"] : s["end"]] == s["text"]

"""Explicit contrast between claims gives a `contradicts` relation."""

from __future__ import annotations

TEXT = (
    "Reports indicate that the general fled the capital. "
    "Contrary to these reports, government officials claim he resigned and left the country."
)


def test_contrary_to_these_reports(analyse):
    a = analyse(TEXT)
    fled = next(c for c in a.claims if c.cue.text == "indicate")
    resigned = next(c for c in a.claims if c.cue.text == "claim")
    rel = [r for r in a.relations if r.type == "contradicts"]
    assert len(rel) == 1
    assert {rel[0].a, rel[0].b} == {fled.id, resigned.id}
    assert rel[0].cue.text.startswith("Contrary to these reports")
    assert "fled" in rel[0].reason and "resigned" in rel[0].reason


def test_no_contrast_phrase_no_relation(analyse):
    a = analyse("Reports indicate that the general fled the capital. Officials claim he resigned.")
    assert a.relations == []


def test_a_source_restating_itself_is_no_contradiction(analyse):
    a = analyse("The ministry said the road was open. However, the ministry said it was closed at night.")
    assert a.relations == []

"""Lexicons are data files: they load, and a bad line names its file and line."""

from __future__ import annotations

import pytest

from claimgraph.errors import ResourceError
from claimgraph.lexicons import load_lexicons, load_table


def test_every_lexicon_loads_and_is_not_empty():
    lex = load_lexicons()
    for name in ("cue_verbs", "cue_nouns", "cue_phrases", "cue_adverbs", "hedges", "source_nouns", "contrast"):
        assert getattr(lex, name), name
    assert lex.cue_verbs["say"].sense == "speech"
    assert lex.cue_verbs["deny"].sense == "denial"
    assert lex.cue_verbs["announce"].takes_object and not lex.cue_verbs["threaten"].takes_object
    assert lex.hedges["may"] == "modal"


def test_bad_line_names_file_and_line(tmp_path):
    (tmp_path / "x.tsv").write_text("# comment\ncue\tsense\nsay\tspeech\nbad\tline\textra\n")
    with pytest.raises(ResourceError, match=r"x\.tsv:4"):
        load_table("x.tsv", tmp_path)


def test_missing_lexicon_is_a_resource_error(tmp_path):
    with pytest.raises(ResourceError, match="missing"):
        load_table("nope.tsv", tmp_path)

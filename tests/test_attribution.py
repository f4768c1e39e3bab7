"""Attribution: every source - cue - content triple, one pattern at a time."""

from __future__ import annotations

import pytest


def only_claim(analysis):
    assert len(analysis.claims) == 1, [(c.cue.text, c.content.text) for c in analysis.claims]
    return analysis.claims[0]


def test_subject_cue_verb_clause(analyse):
    c = only_claim(analyse("The mayor said that the port would reopen on Monday."))
    assert (c.source.text, c.cue.text, c.content.text) == ("The mayor", "said", "the port would reopen on Monday")
    assert c.kind == "indirect" and c.status == "reported" and c.pattern == "verb"


def test_according_to_before_the_clause(analyse):
    c = only_claim(analyse("According to the coast guard, three boats sank near the harbour."))
    assert c.cue.text == "According to"
    assert c.source.text == "the coast guard"
    assert c.content.text == "three boats sank near the harbour"


def test_according_to_after_the_clause(analyse):
    c = only_claim(analyse("Three boats sank near the harbour, according to the coast guard."))
    assert c.content.text == "Three boats sank near the harbour"
    assert c.source.text == "the coast guard"


def test_cue_phrase_from_the_lexicon(analyse):
    # "in the words of" is read from cue_phrases.tsv, like "according to"
    c = only_claim(analyse("In the words of the minister, the port is closed."))
    assert (c.source.text, c.cue.text, c.content.text) == ("the minister", "In the words of", "the port is closed")
    assert c.pattern == "according-to"


def test_cue_phrase_with_a_passive_verb(analyse):
    c = only_claim(analyse("The port is closed, as reported by Reuters."))
    assert (c.source.text, c.cue.text, c.content.text) == ("Reuters", "as reported by", "The port is closed")


def test_every_cue_phrase_ends_in_a_preposition_that_takes_the_source():
    # a phrase the pattern cannot read would be a lexicon row that does nothing
    from claimgraph.lexicons import load_lexicons

    phrases = load_lexicons().cue_phrases
    assert "in the words of" in phrases and "according to" in phrases
    assert all(p.split()[-1] in ("to", "of", "by") for p in phrases), sorted(phrases)


def test_inverted_report_after_the_content(analyse):
    c = only_claim(analyse("The bridge was destroyed overnight, officials said."))
    assert c.source.text == "officials"
    assert c.content.text == "The bridge was destroyed overnight"


def test_parenthetical_report_inside_the_sentence(analyse):
    c = only_claim(analyse("The strike, the minister said, was aimed at a fuel depot."))
    assert c.source.text == "the minister"
    assert "aimed at a fuel depot" in c.content.text


def test_direct_quote_with_inverted_speaker(analyse):
    c = only_claim(analyse("“We will not leave the city,” the commander said."))
    assert c.kind == "direct"
    assert c.content.text == "“We will not leave the city,”"
    assert c.source.text == "the commander"


def test_quote_split_around_the_speaker_is_one_claim(analyse):
    c = only_claim(analyse("“We will stay,” the commander said, “until the last civilian has left.”"))
    assert c.content.text.startswith("“We will stay,”") and c.content.text.endswith("has left.”")
    assert c.kind == "direct"


def test_colon_introduces_a_quote(analyse):
    a = analyse("The agency issued a statement, noting: “The damage is limited to the northern quay.”")
    c = next(c for c in a.claims if c.cue.text == "noting")
    assert c.content.text.strip("“”").startswith("The damage is limited")
    assert c.kind == "direct"


def test_quote_continued_by_the_following_sentence(analyse):
    text = "“The talks are over,” the envoy said. “Nobody will come back to the table this year.”"
    c = only_claim(analyse(text))
    assert c.content.text.endswith("this year.”")


def test_impersonal_passive_report(analyse):
    c = only_claim(analyse("It was reported that the airport had closed."))
    assert c.source is None
    assert c.content.text == "the airport had closed"
    assert c.kind == "indirect"


def test_nominal_cue_with_a_clause(analyse):
    c = only_claim(analyse("There is some speculation that the general may have fled."))
    assert c.cue.text == "speculation"
    assert c.content.text == "the general may have fled"
    assert c.source is None
    assert c.status == "speculated"


def test_possessive_nominal_source(analyse):
    a = analyse(
        "The Harbour Authority (HA) issued a warning. HA's statement underscores the risk, noting: “Ships must wait.”"
    )
    c = next(c for c in a.claims if c.cue.text == "noting")
    assert c.source.text == "HA's statement"
    authority = next(e for e in a.entities if e.id == c.source.entity)
    assert "HA" in authority.aliases


def test_unnamed_sources(analyse):
    a = analyse("Reports indicate that the convoy turned back. Sources said the border was closed.")
    assert [c.source.text for c in a.claims] == ["Reports", "Sources"]
    assert all(c.source.entity is None for c in a.claims)


def test_reportedly_is_an_unattributed_report(analyse):
    c = only_claim(analyse("With the city surrounded, rebel forces are reportedly advancing towards the coast."))
    assert c.kind == "unattributed" and c.source is None and c.cue.text == "reportedly"
    assert c.content.text == "rebel forces are reportedly advancing towards the coast"


def test_dash_after_a_quote_names_the_speaker(analyse):
    c = only_claim(analyse("“The talks gave us nothing.” ― Amira Haddad"))
    assert c.source.text == "Amira Haddad" and c.kind == "direct"


def test_transcript_speaker_line(analyse):
    a = analyse(
        "The interview aired on Sunday.\nWALLACE: Will the governor attend the debate?\nPENCE: He will be there."
    )
    assert [c.source.text for c in a.claims] == ["WALLACE", "PENCE"]


def test_first_person_cue_inside_a_quote_is_part_of_the_quote(analyse):
    c = only_claim(analyse("“I think the deal is dead,” the senator said."))
    assert c.source.text == "the senator"


def test_bare_object_needs_a_verb_that_takes_one(analyse):
    assert analyse("The rebels threatened the town.").claims == []
    c = only_claim(analyse("The president announced a ceasefire."))
    assert c.content.text == "a ceasefire"


def test_a_plain_statement_is_not_a_claim(analyse):
    assert analyse("The port reopened on Monday after repairs.").claims == []


def test_nested_claim_is_cut_from_the_outer_one(analyse):
    a = analyse("Reports indicate that the general fled the capital, with some speculation that he may have died.")
    outer = next(c for c in a.claims if c.cue.text == "indicate")
    inner = next(c for c in a.claims if c.cue.text == "speculation")
    assert outer.content.text == "the general fled the capital"
    assert inner.content.text == "he may have died"


@pytest.mark.parametrize(
    "text",
    [
        "“Unbalanced quote, the minister said.",
        "He said: \n",
        "said said said",
        "“”",
    ],
)
def test_odd_input_never_breaks_the_stage(analyse, text):
    analysis = analyse(text)
    for c in analysis.claims:
        assert analysis.text[c.content.start : c.content.end] == c.content.text

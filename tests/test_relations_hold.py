"""Relations that hold (issue 11): denials against what they deny, contrast
phrases only between claims that share something, counter-accounts of one
harm, the same accusation by two sources, trigger senses, and what "denied"
means. Every sentence here is invented for the test."""

from __future__ import annotations

from datetime import date

import pytest

from claimgraph.analyse.relations import relate
from claimgraph.formats.analysis import to_markdown
from claimgraph.model import Analysis, Relation


@pytest.fixture(scope="module")
def an(analyzer):
    from claimgraph import Article

    def run(text: str, id_: str | None = None) -> Analysis:
        return analyzer.analyze(Article(text=text + "\n", published=date(2024, 5, 2), id=id_))

    return run


def claim(a: Analysis, words: str) -> str:
    return next(c.id for c in a.claims if words in c.content.text)


def between(a: Analysis, x: str, y: str) -> list[Relation]:
    ids = {claim(a, x), claim(a, y)}
    return [r for r in a.relations if {r.a, r.b} == ids]


def kept_reasons(a: Analysis) -> None:
    """Every relation has a reason and spans that point into the text."""
    for r in a.relations:
        assert r.reason.strip()
        assert r.spans
        assert all(a.text[s.start : s.end] == s.text for s in r.spans)


# ------------------------------------------------------------------ denials


def test_accusation_against_denial_of_involvement(an):
    a = an("Police blamed the Red Brigade for the bombing. The Red Brigade denied any involvement in the bombing.")
    rels = between(a, "the Red Brigade for the bombing", "any involvement")
    assert [r.type for r in rels] == ["contradicts"]
    assert "denies" in rels[0].reason and "blamed" in rels[0].reason
    kept_reasons(a)


def test_denial_of_something_else_by_the_accused_is_no_answer(an):
    a = an("Police blamed the Red Brigade for the bombing. The Red Brigade denied that its leader had resigned.")
    assert a.relations == []


def test_denied_event_by_its_kind_covers_the_told_one(an):
    a = an("Witnesses said the Blue Legion shelled the market in Dorvek. The Blue Legion denied the attack.")
    rels = between(a, "shelled the market", "the attack")
    assert [r.type for r in rels] == ["contradicts"]
    assert "denies" in rels[0].reason
    kept_reasons(a)


def test_accusation_and_denial_across_two_articles(an):
    left = an("The ministry blamed the Red Brigade for the bombing.", id_="left")
    right = an("The Red Brigade denied any involvement in the bombing.", id_="right")
    rels = relate(left, right)
    assert [r.type for r in rels] == ["contradicts"]
    assert {rels[0].a.split(":")[0], rels[0].b.split(":")[0]} == {"left", "right"}


# ------------------------------------------------------------------ same accusation


def test_the_same_accusation_by_two_sources_supports(an):
    a = an(
        "The ministry blamed the Red Brigade for the bombing. "
        "Police also accused the Red Brigade of carrying out the bombing."
    )
    rels = between(a, "the Red Brigade for the bombing", "of carrying out")
    assert [r.type for r in rels] == ["supports"]
    assert "both blame" in rels[0].reason
    kept_reasons(a)


def test_accusations_of_two_parties_are_unrelated(an):
    a = an("The ministry blamed the Red Brigade for the bombing. Police accused the Green Party of fraud.")
    assert a.relations == []


# ------------------------------------------------------------------ contrast phrases


def test_contrast_relates_only_the_claim_that_shares_content(an):
    a = an(
        "Officials said the bridge was closed to traffic. Analysts said the election would be delayed. "
        "Contrary to these reports, the mayor said the bridge was open."
    )
    rels = [r for r in a.relations if r.type == "contradicts"]
    assert [{r.a, r.b} for r in rels] == [{claim(a, "closed to traffic"), claim(a, "was open")}]
    assert rels[0].cue is not None and "bridge" in rels[0].reason
    assert not between(a, "election", "was open")


def test_contrast_with_nothing_shared_relates_nothing(an):
    a = an(
        "Analysts said the election would be delayed. Contrary to these reports, the mayor said the bridge was open."
    )
    assert a.relations == []


def test_contrast_through_a_pronoun_subject(an):
    a = an("Reports indicate that the governor resigned. Contrary to these reports, aides claim he stayed in office.")
    rels = between(a, "the governor resigned", "he stayed")
    assert [r.type for r in rels] == ["contradicts"]


# ------------------------------------------------------------------ counter-accounts


def test_two_causes_of_one_harm_contradict(an):
    a = an("Police said a bomb destroyed the warehouse. The owner said the warehouse was destroyed by a fire.")
    rels = between(a, "a bomb destroyed", "destroyed by a fire")
    assert [r.type for r in rels] == ["contradicts"]
    assert "bomb" in rels[0].reason and "fire" in rels[0].reason
    kept_reasons(a)


def test_the_same_cause_told_twice_is_no_counter_account(an):
    a = an("Police said a bomb destroyed the warehouse. Witnesses said the warehouse was destroyed by a bomb.")
    assert not [r for r in a.relations if r.type == "contradicts"]


def test_harms_to_different_things_are_no_counter_accounts(an):
    a = an("Police said a bomb destroyed the warehouse. The owner said the school was destroyed by a fire.")
    assert not [r for r in a.relations if r.type == "contradicts"]


# ------------------------------------------------------------------ trigger senses


def types_of(a: Analysis) -> list[tuple[str, str]]:
    return [(e.trigger.text, e.type) for e in a.events]


def test_a_medical_arrest_is_no_detention(an):
    assert ("arrest", "COERCE") not in types_of(an("Doctors said the prisoner suffered a cardiac arrest."))
    assert ("arrested", "COERCE") in types_of(an("Officials said police arrested the mayor on Monday."))


def test_a_heart_attack_is_no_assault(an):
    assert not [t for t in types_of(an("The driver had a heart attack, doctors said.")) if t[1] == "ASSAULT"]


def test_abstract_subjects_do_not_collapse(an):
    assert ("collapsed", "OTHER") not in types_of(an("The talks collapsed on Friday, diplomats said."))
    assert ("collapse", "OTHER") not in types_of(an("Diplomats regretted the collapse of the negotiations."))
    assert ("collapsed", "OTHER") in types_of(an("The bridge collapsed on Friday, officials said."))


def test_a_hunger_strike_is_no_assault(an):
    assert not [t for t in types_of(an("The prisoners began a hunger strike, lawyers said.")) if t[1] == "ASSAULT"]


# ------------------------------------------------------------------ what "denied" means


def test_calling_the_claim_false_is_a_denial(an):
    a = an("A spokesman told reporters the claim “is patently false”.")
    assert [c.status for c in a.claims] == ["denied"]


def test_calling_it_not_false_is_no_denial(an):
    a = an("The minister said the report was not false.")
    assert [c.status for c in a.claims] == ["reported"]


def test_a_negated_cue_alone_is_no_denial_and_the_view_keeps_the_negation(an):
    a = an("The company did not confirm that the plant had closed.")
    assert [c.status for c in a.claims] == ["reported"]
    assert "did not confirm" in to_markdown(a)


def test_a_negated_cue_that_answers_an_earlier_claim_is_a_denial(an):
    a = an("Unions said the plant had closed. The company did not confirm that the plant had closed.")
    assert [c.status for c in a.claims] == ["reported", "denied"]
    assert "did not confirm" in to_markdown(a)


def test_a_denial_answers_the_account_it_repeats(an):
    a = an(
        "Staff said the patient was beaten by guards. Dr Mara Velt categorically denied that the patient was beaten."
    )
    staff, doctor = (c.id for c in a.claims)
    rels = [r for r in a.relations if {r.a, r.b} == {staff, doctor}]
    assert [r.type for r in rels] == ["contradicts"]
    assert "denies" in rels[0].reason and "beaten" in rels[0].reason
    kept_reasons(a)


def test_a_denial_of_something_else_answers_nothing(an):
    a = an("Staff said the patient was beaten by guards. Dr Mara Velt denied that the hospital had closed.")
    assert a.relations == []


def test_a_reason_keeps_the_negation_of_its_cue(an):
    a = an("Unions said the plant had closed. The company did not confirm that the plant had closed.")
    unions, company = (c.id for c in a.claims)
    rels = [r for r in a.relations if {r.a, r.b} == {unions, company}]
    assert [r.type for r in rels] == ["contradicts"]
    assert "did not confirm" in rels[0].reason

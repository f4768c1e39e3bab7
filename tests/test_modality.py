"""Status and hedges."""

from __future__ import annotations


def statuses(analysis) -> list[str]:
    return [c.status for c in analysis.claims]


def test_attributed_claim_is_reported(analyse):
    assert statuses(analyse("The ministry said the road was open.")) == ["reported"]


def test_speculative_cue_is_speculated(analyse):
    assert statuses(analyse("Analysts speculated that the election would be delayed.")) == ["speculated"]


def test_epistemic_modal_on_the_content_is_speculated(analyse):
    assert statuses(analyse("Officials said the minister may have resigned.")) == ["speculated"]


def test_denial_cue_is_denied(analyse):
    assert statuses(analyse("The army denied that it had shelled the village.")) == ["denied"]


def test_negated_report_that_answers_an_earlier_claim_is_denied(analyse):
    # issue 11: a negated cue is a denial only when it answers an earlier claim
    text = "Unions said the plant had closed. The company did not confirm that the plant had closed."
    assert statuses(analyse(text)) == ["reported", "denied"]


def test_negated_report_alone_is_not_denied(analyse):
    assert statuses(analyse("The company did not confirm that the plant had closed.")) == ["reported"]


def test_hedges_inside_claims_are_marked(analyse):
    a = analyse("The agency said: “The likely cause was a gas leak.”")
    assert [h.text for h in a.claims[0].hedges] == ["likely"]


def test_hedges_outside_claims_are_marked_too(analyse):
    a = analyse("The fall of the city potentially ends the war. His apparent defeat surprised few.")
    assert [h.text for h in a.hedges] == ["potentially", "apparent"]
    assert all(h.claim is None for h in a.hedges)


def test_may_the_month_is_no_hedge(analyse):
    a = analyse("The port closed in May. The port may reopen in June.")
    assert [(h.text, h.start > 20) for h in a.hedges] == [("may", True)]


def test_approximators_hedge_only_numbers(analyse):
    a = analyse("About 300 people fled. Some residents stayed. They talked about the war.")
    assert [h.text for h in a.hedges] == ["About"]

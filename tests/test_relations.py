"""Relations between claims: each kind, pairs that must not be related, and
the same rules across two analyses (the ledger's call)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from claimgraph.analyse.relations import relate
from claimgraph.model import Analysis, Relation

SAMPLE = Path(__file__).resolve().parent.parent.parent / "shared" / "samples" / "syria-withdrawal.txt"


def analyse(analyzer, text: str, id_: str | None = None) -> Analysis:
    from claimgraph import Article

    return analyzer.analyze(Article(text=text + "\n", published=date(2024, 3, 1), id=id_))


def claim_id(an: Analysis, words: str) -> str:
    exact = [c.id for c in an.claims if c.content.text == words]
    return exact[0] if exact else next(c.id for c in an.claims if words in c.content.text)


def between(an: Analysis, x: str, y: str) -> list[Relation]:
    a, b = claim_id(an, x), claim_id(an, y)
    return [r for r in an.relations if {r.a, r.b} == {a, b}]


def check_spans(an: Analysis, rel: Relation) -> None:
    assert rel.reason and rel.spans
    for s in rel.spans:
        assert an.text[s.start : s.end] == s.text


# ------------------------------------------------------------------ contradicts


def test_explicit_contrast_kept(analyzer):
    an = analyse(
        analyzer, "Reports indicate that the minister left. Contrary to these reports, aides claim he stayed home."
    )
    rels = between(an, "the minister left", "he stayed home")
    assert [r.type for r in rels] == ["contradicts"]
    assert rels[0].cue is not None and rels[0].cue.text.startswith("Contrary to")
    check_spans(an, rels[0])


def test_incompatible_fates_without_a_contrast_cue(analyzer):
    an = analyse(analyzer, "The Kremlin said Maduro fled to Cuba. Witnesses said Maduro remained in Caracas.")
    rels = between(an, "fled", "remained")
    assert [r.type for r in rels] == ["contradicts"]
    assert "fled" in rels[0].reason and "remained" in rels[0].reason  # names the two outcomes
    check_spans(an, rels[0])


def test_resigned_versus_fled(analyzer):
    an = analyse(analyzer, "Reuters reported that Omar al-Bashir fled. State television said Bashir resigned.")
    rels = between(an, "fled", "resigned")
    assert rels and rels[0].type == "contradicts"
    assert "resigned" in rels[0].reason and "fled" in rels[0].reason


def test_denial(analyzer):
    an = analyse(analyzer, "State media said the army attacked Homs. The army denied that it attacked Homs.")
    rels = between(an, "the army attacked Homs", "it attacked Homs")
    assert [r.type for r in rels] == ["contradicts"]
    assert "denies" in rels[0].reason


def test_opposite_polarity(analyzer):
    an = analyse(
        analyzer, "The ministry said Iran withdrew from the deal. Tehran said Iran did not withdraw from the deal."
    )
    rels = between(an, "Iran withdrew", "did not withdraw")
    assert [r.type for r in rels] == ["contradicts"]
    assert "polarity" in rels[0].reason


def test_conflicting_numbers(analyzer):
    an = analyse(
        analyzer,
        "Local officials said 20 people were killed in the attack. The army said 45 people were killed in the attack.",
    )
    rels = between(an, "20 people", "45 people")
    assert [r.type for r in rels] == ["contradicts"]
    assert "20 people" in rels[0].reason and "45 people" in rels[0].reason


def test_compatible_numbers_do_not_contradict(analyzer):
    an = analyse(
        analyzer,
        "Local officials said at least 20 people were killed in the attack. "
        "Hospital staff said 25 people were killed in the attack.",
    )
    assert not [r for r in an.relations if r.type == "contradicts"]


# ------------------------------------------------------------------ supports and elaborates


def test_supports_same_event_different_sources(analyzer):
    an = analyse(
        analyzer,
        "Officials said Russia withdrew its troops from Kabul on Monday. "
        "Russia withdrew its troops from Kabul, a HUR spokesman said.",
    )
    rels = between(an, "from Kabul on Monday", "Russia withdrew its troops from Kabul")
    assert [r.type for r in rels] == ["supports"]  # same event, compatible details: never contradicts
    check_spans(an, rels[0])


def test_elaborates_same_source(analyzer):
    an = analyse(
        analyzer,
        "The ministry said Iran withdrew its forces. "
        "The ministry added that Iran evacuated its embassy in Baghdad on Friday.",
    )
    rels = between(an, "withdrew its forces", "evacuated its embassy")
    assert [r.type for r in rels] == ["elaborates"]


# ------------------------------------------------------------------ must not be related


def test_different_people_are_not_related(analyzer):
    an = analyse(analyzer, "Reuters reported that Putin resigned. Witnesses said Zelensky fled.")
    assert an.relations == []


def test_different_places_do_not_support(analyzer):
    an = analyse(
        analyzer,
        "Officials said Russia withdrew its troops from Kabul. HUR said Russia withdrew its troops from Baghdad.",
    )
    assert an.relations == []


def test_fled_and_died_are_compatible(analyzer):
    # one can flee and then die: no contradiction is claimed
    an = analyse(analyzer, "Reports say Gaddafi fled Tripoli. Others say Gaddafi died in October.")
    assert not [r for r in an.relations if r.type == "contradicts"]


# ------------------------------------------------------------------ across analyses


def test_relate_across_two_analyses(analyzer):
    left = analyse(analyzer, "Russian officials claim Bashar al-Assad resigned.", id_="left")
    right = analyse(analyzer, "Reports indicate that Assad fled Damascus.", id_="right")
    rels = relate(left, right)
    assert [r.type for r in rels] == ["contradicts"]
    assert {rels[0].a, rels[0].b} == {"left:" + left.claims[0].id, "right:" + right.claims[0].id}
    assert "resigned" in rels[0].reason and "fled" in rels[0].reason


def test_relate_across_analyses_supports_and_ignores_others(analyzer):
    left = analyse(analyzer, "Officials said Israel attacked Rafah.", id_="a")
    right = analyse(analyzer, "Witnesses said Israel attacked Rafah.", id_="b")
    other = analyse(analyzer, "Witnesses said Egypt attacked Sinai.", id_="c")
    assert [r.type for r in relate(left, right)] == ["supports"]
    assert relate(left, other) == []


@pytest.mark.skipif(not SAMPLE.exists(), reason="shared sample not present")
def test_sample_contradiction_names_both_outcomes(analyzer):
    an = analyse(analyzer, SAMPLE.read_text(encoding="utf-8").rstrip("\n"))
    rels = between(an, "Assad voluntarily resigned", "Assad fled Damascus")
    assert [r.type for r in rels] == ["contradicts"]
    assert "resigned" in rels[0].reason and "fled" in rels[0].reason
    check_spans(an, rels[0])

"""Entities: one per referent, with every mention."""

from __future__ import annotations


def entity_with(analysis, surface: str):
    """The entity with a mention of `surface` (or, failing that, one containing it)."""
    for e in analysis.entities:
        if any(m.text == surface for m in e.mentions):
            return e
    for e in analysis.entities:
        if any(surface in m.text for m in e.mentions):
            return e
    raise AssertionError(f"no entity mentions {surface!r}: {[e.name for e in analysis.entities]}")


def test_acronym_defined_in_parentheses_is_the_same_entity(analyse):
    a = analyse(
        "The International Atomic Energy Agency (IAEA) sent inspectors on Monday. The IAEA said the reactor was safe."
    )
    agency = entity_with(a, "International Atomic Energy Agency")
    assert entity_with(a, "IAEA") is agency
    assert sum(m.text == "IAEA" for m in agency.mentions) == 2


def test_acronym_that_is_not_the_initials_still_links(analyse):
    a = analyse("Ukraine's Main Intelligence Directorate (HUR) said the ships left. HUR gave no evidence.")
    assert entity_with(a, "HUR") is entity_with(a, "Main Intelligence Directorate")


def test_possessor_of_an_organisation_is_its_own_entity(analyse):
    a = analyse("Ukraine's Main Intelligence Directorate (HUR) said the ships left.")
    ukraine = entity_with(a, "Ukraine")
    assert ukraine.type == "GPE"
    assert ukraine is not entity_with(a, "HUR")


def test_surname_refers_back_to_the_full_name(analyse):
    a = analyse(
        "President Bashar al-Assad left the capital. Assad did not return, and anti-Assad forces took the city."
    )
    assad = entity_with(a, "Bashar al-Assad")
    assert [m.text for m in assad.mentions].count("Assad") == 2  # "Assad" alone and in "anti-Assad"


def test_transliterated_variants_merge(analyse):
    a = analyse("Aircraft left the Khmeimim Air Base overnight. Residents near Hmeimim heard engines until dawn.")
    assert entity_with(a, "Hmeimim") is entity_with(a, "Khmeimim Air Base")


def test_different_people_with_one_surname_letter_do_not_merge(analyse):
    a = analyse("Tim Cole met Tom Cole's lawyer. Tim Cole said he was pleased.")
    names = {e.name for e in a.entities if e.type == "PERSON"}
    assert "Tim Cole" in names and len(names) >= 2


def test_names_in_title_case_headings_come_only_from_the_body(analyse):
    a = analyse("Background of the Withdrawal\nThe army left Tartus on Monday.")
    assert all(not m.text.startswith("Background") for e in a.entities for m in e.mentions)


def test_they_resolves_to_the_officials_named_before(analyse):
    a = analyse(
        "Russian officials claim the president resigned. They assert that he instructed loyalists to stay calm."
    )
    first, second = a.claims
    assert first.source.entity is not None
    assert second.source.text == "They"
    assert second.source.entity == first.source.entity
    officials = next(e for e in a.entities if e.id == first.source.entity)
    assert {m.kind for m in officials.mentions} == {"description", "pronoun"}


def test_he_resolves_to_the_last_person(analyse):
    a = analyse("Governor Maria Lopez met the mayor. He said nothing, but she said the deal was done.")
    she = next(c for c in a.claims if c.source.text == "she")
    lopez = entity_with(a, "Maria Lopez")
    assert she.source.entity == lopez.id


def test_the_ministry_resolves_to_the_ministry_named_before(analyse):
    a = analyse(
        "The Ministry of Health opened an inquiry on Friday. The ministry said the hospital had run out of oxygen."
    )
    claim = a.claims[0]
    assert claim.source.entity == entity_with(a, "Ministry of Health").id


def test_generic_sources_stay_unresolved(analyse):
    a = analyse("Sources said the talks had collapsed. Some analysts believe the truce will hold.")
    assert len(a.claims) == 2
    assert all(c.source is not None and c.source.entity is None for c in a.claims)


def test_acronym_mentions_say_so(analyse):
    a = analyse("The Harbour Authority of Marvenna (HAM) closed the port. HAM gave no reason.")
    authority = entity_with(a, "HAM")
    assert [m.kind for m in authority.mentions if m.text == "HAM"] == ["acronym", "acronym"]


# ------------------------------------------------------------------ shared coreference


def _entity(eid: str, type_: str, name: str, *spans: tuple[int, int]):
    from claimgraph.model import Entity, Mention

    mentions = [Mention(start=s, end=e, text=name) for s, e in spans]
    return Entity(id=eid, type=type_, name=name, key=name.lower(), mentions=mentions)


def test_the_two_pronoun_agreements_differ_where_the_stages_did():
    from claimgraph.analyse.coreference import argument_agrees, source_agrees

    clintons = _entity("e1", "PERSON", "the Clintons", (0, 12))
    moscow = _entity("e2", "GPE", "Moscow", (0, 6))
    # a source "they" may be a plural-named person, never a country; an argument "they" the other way round
    assert source_agrees("plural", clintons) and not source_agrees("plural", moscow)
    assert argument_agrees("plural", moscow) and not argument_agrees("plural", clintons)
    assert source_agrees("person", clintons) and argument_agrees("person", clintons)


def test_mention_index_looks_back_as_each_stage_asks():
    from claimgraph.analyse.coreference import MentionIndex

    # two mentions at one start: "Ukraine" and "Ukraine's Defence Intelligence Directorate"
    ukraine = _entity("e10", "GPE", "Ukraine", (40, 47))
    hur = _entity("e9", "ORG", "Ukraine's Defence Intelligence Directorate", (40, 82), (0, 3))
    entities = [ukraine, hur]
    anything = lambda e: True  # noqa: E731
    assert MentionIndex(entities, ties="earlier-entity").latest(90, anything) is ukraine
    assert MentionIndex(entities, ties="greater-id").latest(90, anything) is hur  # "e9" > "e10" as text
    # a mention that runs on past the pronoun counts only where it need not end before it
    assert MentionIndex(entities, ties="greater-id").latest(60, anything) is hur
    assert MentionIndex(entities, ties="greater-id").latest(60, anything, ended=True) is ukraine
    assert MentionIndex(entities, ties="greater-id").latest(20, anything) is hur
    assert MentionIndex(entities, ties="greater-id").latest(700, anything, reach=600) is None
    assert MentionIndex(entities, ties="greater-id").latest(90, lambda e: e.type == "GPE") is ukraine


def test_a_description_named_twice_is_one_entity(analyse):
    a = analyse("Russian officials said the port was closed. Russian officials said the talks would resume.")
    first, second = a.claims
    assert first.source.entity is not None and first.source.entity == second.source.entity
    officials = next(e for e in a.entities if e.id == first.source.entity)
    assert [m.kind for m in officials.mentions] == ["description", "description"]


def test_a_surname_the_ner_calls_an_organisation_is_still_the_person(analyse):
    a = analyse(
        "John Smith, a State Department spokesman, said the video was authentic. Smith said officials were studying it."
    )
    smith = entity_with(a, "John Smith")
    assert entity_with(a, "Smith") is smith and smith.type == "PERSON"


def test_he_after_a_described_speaker_is_that_speaker(analyse):
    a = analyse(
        "The hooded Taliban commander in the recording said the convoy would be attacked. "
        "He said the fighters would return within days."
    )
    first, then = a.claims[0].source, a.claims[1].source
    assert then.text == "He" and first.entity is not None
    assert then.entity == first.entity  # one speaker, counted once

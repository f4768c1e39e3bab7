"""Stories: articles of different outlets about one story are grouped, other stories are not."""

from __future__ import annotations

from datetime import date

from claimgraph.link import stories

FLOOD = [
    "Floodwaters swept through the river town of Marlow on Tuesday, forcing the evacuation of 300 homes "
    "as the Thame burst its banks after three days of rain. Mayor Elin Vasquez said shelters were open.",
    "Hundreds of Marlow residents left their homes when the swollen Thame flooded the town's streets; "
    "Vasquez, the mayor, opened the school gym and two churches as shelters after days of heavy rain.",
    "Rescue boats ferried families out of flooded Marlow. The Thame rose two metres overnight after the rain, "
    "and mayor Vasquez asked people to stay away from the river.",
]
CHESS = [
    "Grandmaster Ilya Korsak won the Oslo chess open with a late queen sacrifice against Mei Tanaka, "
    "taking the title and the prize on the final day of the tournament.",
    "Korsak's queen sacrifice in the last round beat Tanaka and sealed his win at the Oslo open, the "
    "tournament's organisers said on Sunday.",
]
BAKERY = [
    "A bakery in Lisbon has sold the same sourdough loaf for a hundred years, its owners said, "
    "keeping the starter alive through wars and floods.",
]


def docs(texts, when=None):
    return [stories.Doc(t, published=when) for t in texts]


def test_articles_of_one_story_are_grouped_and_others_are_not():
    # the entities the linker would unify: Marlow, the Thame, Vasquez; Korsak, Tanaka, Oslo; Lisbon
    named = [frozenset({1, 2, 3})] * 3 + [frozenset({4, 5, 6})] * 2 + [frozenset({7})]
    all_docs = [stories.Doc(t, e) for t, e in zip(FLOOD + CHESS + BAKERY, named, strict=True)]
    groups = stories.group(len(all_docs), stories.pair_scores(all_docs))
    flood, chess, bakery = groups[:3], groups[3:5], groups[5]
    assert len(set(flood)) == 1 and len(set(chess)) == 1
    assert len({flood[0], chess[0], bakery}) == 3


def test_shared_entities_add_to_the_text_similarity():
    a, b = (stories.Doc(t) for t in CHESS)
    plain = stories.pair_scores([a, b])[(0, 1)]
    with_entities = stories.pair_scores(
        [stories.Doc(a.text, frozenset({1, 2})), stories.Doc(b.text, frozenset({1, 2}))]
    )
    assert with_entities[(0, 1)] > plain


def test_articles_outside_the_time_window_are_not_one_story():
    early = docs(FLOOD[:1], date(2024, 1, 2))
    late = docs(FLOOD[1:2], date(2024, 6, 2))
    assert stories.pair_scores(early + late) == {}
    assert stories.pair_scores(docs(FLOOD[:1], date(2024, 1, 2)) + docs(FLOOD[1:2], date(2024, 1, 5)))


def test_tfidf_vectors_are_unit_length_and_weigh_rare_words_up():
    vectors = stories.tfidf(FLOOD + CHESS)
    for v in vectors:
        assert abs(sum(x * x for x in v.values()) - 1) < 1e-9
    first = vectors[0]
    assert first["marlow"] < first["evacu"] or first["marlow"] < first["swept"]

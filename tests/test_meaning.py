"""Claim clusters by meaning (link.meaning): a paraphrase in another article
of the same story joins the claim's cluster with its reason; the same words
denied, a paraphrase in another story and a generic short claim do not; the
batch-by-batch link equals a full relink; on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from claimgraph import ledger
from claimgraph.link import meaning, similarity
from claimgraph.store import schema as t
from claimgraph.store.testing import make_analysis, store_analyses
from claimgraph.text.semantic import load_encoder
from ledger_snapshot import snapshot

FLOOD = (
    "Floodwaters swept through the river town of Marlow after three days of rain; shelters opened in the "
    "school gym while rescue boats ferried families out of the flooded streets of Marlow near the Thame."
)
CHESS = (
    "Grandmaster Ilya Korsak beat Mei Tanaka in the final round of the Oslo chess open, sacrificing his "
    "queen to take the tournament title and the prize."
)
CLAIM = "300 homes in Marlow were evacuated as the Thame burst its banks"
PARAPHRASE = "the Thame burst its banks on Tuesday and forced Marlow to evacuate 300 homes near the river"
DENIED = "the Thame did not burst its banks and Marlow did not evacuate 300 homes near the river"
GENERIC = "a family friend called 911"


def article(source: str, claim: str, rest: str, when: str, slug: str, status: str = "reported"):
    text = f"{source} said {claim}. {rest}"
    names = [n for n in ("Marlow", "Thame", "Korsak", "Tanaka", "Oslo") if n in text]
    return make_analysis(
        text,
        [(source, "said", claim, status)],
        entities=[(n, "PERSON" if n in ("Korsak", "Tanaka") else "GPE") for n in names],
        published=when,
        url=f"https://{slug}.example/{slug}",
        publisher=slug,
    )


def add(store, *analyses):
    store_analyses(store, analyses)


def clusters_of(store) -> dict[str, int | None]:
    with store.engine.connect() as conn:
        return dict(conn.execute(sa.select(t.claims.c.content, t.claims.c.cluster_id)).all())


def meaning_links(store) -> list[tuple[str, str]]:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(t.links.c.type, t.links.c.reason).where(t.links.c.by == "same-meaning")).all()


def test_the_paraphrase_is_a_pair_the_words_alone_do_not_join():
    """The premise of the tests below, worked out with the linker's own functions."""
    a, b = (similarity.content_words(x) for x in (CLAIM, PARAPHRASE))
    assert similarity.jaccard(a, b) < similarity.SAME_CONTENT
    vectors = load_encoder(meaning.ENCODER).encode([CLAIM, PARAPHRASE])
    assert float(vectors[0] @ vectors[1]) >= meaning.MEANING_COSINE


def test_a_paraphrase_in_another_article_of_the_story_joins_the_cluster_with_its_reason(store):
    add(
        store,
        article("Mayor Elin Vasquez", CLAIM, FLOOD, "2024-03-05", "post"),
        article("The fire brigade", PARAPHRASE, FLOOD, "2024-03-06", "courier"),
    )
    ledger.link(db=store)
    cluster = clusters_of(store)
    assert cluster[CLAIM] == cluster[PARAPHRASE]
    ((kind, reason),) = meaning_links(store)
    assert kind == "supports" and "other words" in reason and "marlow" in reason


def test_the_same_words_denied_are_not_the_same_claim(store):
    add(
        store,
        article("Mayor Elin Vasquez", CLAIM, FLOOD, "2024-03-05", "post"),
        article("The fire brigade", DENIED, FLOOD, "2024-03-06", "courier"),
    )
    ledger.link(db=store)
    cluster = clusters_of(store)
    assert cluster[CLAIM] != cluster[DENIED] and not meaning_links(store)


def test_a_paraphrase_in_an_article_of_another_story_stays_apart(store):
    add(
        store,
        article("Mayor Elin Vasquez", CLAIM, FLOOD, "2024-03-05", "post"),
        # months later, about a chess open: not a story edge, so its claims are never compared by meaning
        article("The fire brigade", PARAPHRASE, CHESS, "2024-07-01", "courier"),
    )
    ledger.link(db=store)
    cluster = clusters_of(store)
    assert cluster[CLAIM] != cluster[PARAPHRASE]


def test_a_generic_short_claim_does_not_bridge_two_stories(store):
    add(
        store,
        article("A neighbour", GENERIC, FLOOD, "2024-03-05", "post"),
        article("Police", GENERIC, CHESS, "2024-03-05", "courier"),
    )
    ledger.link(db=store)
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(t.claims.c.cluster_id)).scalars().all()
        assert len(set(rows)) == 2 and conn.execute(sa.select(sa.func.count()).select_from(t.links)).scalar() == 0


def test_entities_or_events_that_disagree_keep_claims_apart():
    one = meaning.said(1, 1, None, CLAIM, False, ["Marlow"], ["COERCE"])
    assert meaning.agree(one, meaning.said(2, 2, None, PARAPHRASE, False, ["Thame", "Marlow"])) is not None
    elsewhere = PARAPHRASE.replace("Marlow", "Brennick").replace("Thame", "Tweed")
    assert meaning.agree(one, meaning.said(2, 2, None, elsewhere, False, ["Brennick", "Tweed"])) is None
    # a name the content does not hold (the source's, say) is not the claim's
    assert meaning.agree(one, meaning.said(2, 2, None, PARAPHRASE, False, ["Brennick"])) is not None
    assert meaning.agree(one, meaning.said(2, 2, None, PARAPHRASE, False, [], ["ASSAULT"])) is None
    assert meaning.agree(one, meaning.said(2, 2, None, PARAPHRASE, True)) is None  # denied
    assert meaning.agree(one, meaning.said(2, 2, None, DENIED, True)) is not None  # denied that it did not
    us = meaning.said(3, 3, None, "U.S. officials say the video is authentic", False, ["U.S."])
    them = meaning.said(
        4, 4, None, "The United States government said the video is authentic", False, ["United States"]
    )
    assert meaning.agree(us, them) is not None  # the initials of a name are that name
    fake = meaning.said(5, 5, None, "it was a fake", False)
    assert meaning.agree(fake, meaning.said(6, 6, None, "it was a fake", False)) is None  # too little content


def test_joins_by_meaning_never_make_a_cluster_past_the_cap():
    """Single-link joins along a story chained 42,323 synthetic claims into one cluster: a join
    that would make a cluster of more than MAX_JOINED_CLAIMS claims is not made (nor its link)."""
    from claimgraph.link.unionfind import UnionFind

    joins = [meaning.Join(1, 2, None, 0.9, "", False), meaning.Join(2, 3, None, 0.9, "", False)]

    def clusters(cap: int) -> tuple[set[int], list[tuple[int, int]]]:
        uf = UnionFind()
        held = meaning.bridge(uf, joins, {}, cap)
        return {uf.find(i) for i in (1, 2, 3)}, [(j.earlier, j.later) for j in held]

    assert clusters(3) == ({1}, [(1, 2), (2, 3)])
    assert clusters(2) == ({1, 3}, [(1, 2)])  # the third claim would make three: it stays apart


def test_one_article_at_a_time_gives_what_a_full_relink_gives(store):
    analyses = [
        article("Mayor Elin Vasquez", CLAIM, FLOOD, "2024-03-05", "post"),
        article(
            "Grandmaster Korsak", "Korsak won the Oslo chess open with a queen sacrifice", CHESS, "2024-03-05", "a"
        ),
        article("The fire brigade", PARAPHRASE, FLOOD, "2024-03-06", "courier"),
        article(
            "Rescuers", "boats ferried 300 Marlow families out after the Thame flooded homes", FLOOD, "2024-03-07", "b"
        ),
        article("Tanaka", "Korsak took the Oslo open title after sacrificing his queen", CHESS, "2024-03-06", "c"),
    ]
    for a in analyses:
        add(store, a)
        ledger.link(db=store)
    step_by_step = snapshot(store)
    assert ledger.relink(db=store).mode == "full"
    assert snapshot(store) == step_by_step
    assert meaning_links(store)  # the test saw joins by meaning

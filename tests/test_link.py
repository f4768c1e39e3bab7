"""Linking across articles: claim clusters, independent sources, contradictions, unified entities."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from claimgraph.ledger import relink
from claimgraph.link import meaning
from claimgraph.link.relators import RELATORS, register
from claimgraph.model import Geo, Relation
from claimgraph.store import schema as t
from claimgraph.store.synthetic import synthetic_analyses
from claimgraph.store.testing import make_analysis, postgres_available, store_analyses

PG_SKIP = postgres_available()
STRIKE = "Ukrainian drones struck an oil depot in Belgorod on Monday"


def add(store, *analyses):
    return store_analyses(store, analyses)


def report(source, content, url, published, extra="", status="reported", **kw):
    text = f"{source} said {content}. {extra}".strip()
    return make_analysis(text, [(source, "said", content, status)], url=url, published=published, **kw)


def clusters(store):
    with store.engine.connect() as conn:
        return conn.execute(sa.select(t.clusters).order_by(t.clusters.c.id)).all()


def links(store):
    with store.engine.connect() as conn:
        return conn.execute(sa.select(t.links).order_by(t.links.c.id)).all()


WIRE = "Residents described hearing several loud explosions before dawn, and local media showed smoke over the area."


def test_one_claim_in_three_articles_counts_two_independent_sources(store):
    wire = report("Russian officials", STRIKE, "https://wire.example/1", "2024-12-09", WIRE)
    copy = report("Russian officials", STRIKE, "https://paper.example/1", "2024-12-10", WIRE + " (Wire)")
    own = report(
        "The Russian defence ministry",
        STRIKE + " night",
        "https://own.example/1",
        "2024-12-08",
        "The ministry gave no figures for damage.",
    )
    stored = add(store, wire, copy, own)
    assert [s.outcome for s in stored] == ["new", "near-duplicate", "new"]
    stats = relink(db=store)
    (cluster,) = [c for c in clusters(store) if c.claims > 1]
    assert (cluster.claims, cluster.articles, cluster.independent, cluster.sources) == (3, 3, 2, 2)
    assert str(cluster.first_published) == "2024-12-08"  # first appearance, not first ingested
    assert stats.multi_article == 1
    # only the independent report supports the first; the syndicated copy adds nothing
    support = [x for x in links(store) if x.type == "supports"]
    assert len(support) == 1


def test_unrelated_claims_stay_apart_and_same_source_may_reword(store):
    a = report("The governor", "two people were injured in the fire at the depot", "https://a.example", "2024-12-08")
    b = report("The governor", "two people were injured and one was killed", "https://b.example", "2024-12-08")
    c = report("A resident", "the bakery on the corner reopened today", "https://c.example", "2024-12-08")
    add(store, a, b, c)
    relink(db=store)
    sizes = sorted(x.claims for x in clusters(store))
    assert sizes == [1, 2]  # the governor's two wordings are one claim; the bakery is not


def test_a_denial_elsewhere_contradicts_with_a_reason(store):
    claim = report("Russian officials", STRIKE, "https://a.example", "2024-12-08")
    denial = report("Ukraine", STRIKE, "https://b.example", "2024-12-09", status="denied")
    add(store, claim, denial)
    relink(db=store)
    (link,) = links(store)
    assert link.type == "contradicts" and link.by == "denial" and "denies" in link.reason
    assert sorted(c.contradicted for c in clusters(store)) == [True, True]


def test_an_articles_own_contradiction_is_carried_to_copies_elsewhere(store):
    text = f"Russian officials said {STRIKE}. But witnesses said no drones were seen over the depot."
    first = make_analysis(
        text,
        [("Russian officials", "said", STRIKE), ("witnesses", "said", "no drones were seen")],
        url="https://a.example",
        published="2024-12-08",
        relations=[("contradicts", 1, 0, "witnesses saw no drones")],
    )
    second = report("Russian officials", STRIKE, "https://b.example", "2024-12-09", "Officials gave no more detail.")
    add(store, first, second)
    relink(db=store)
    carried = [x for x in links(store) if x.by == "carried"]
    assert len(carried) == 1 and carried[0].type == "contradicts"


def test_entities_are_one_across_articles_by_name_key_or_gazetteer(store):
    geo = Geo(lat=34.89, lon=35.89, kind="port", gazetteer_id="geonames:173374")
    a = make_analysis(
        "Bashar al-Assad visited Tartus.",
        url="https://a.example",
        entities=[("Bashar al-Assad", "PERSON"), ("Tartus", "GPE", geo)],
    )
    b = make_analysis(
        "Bashar Assad spoke in Tartous.",
        entities=[("Bashar Assad", "PERSON"), ("Tartous", "GPE", geo)],
        url="https://b.example",
    )
    c = make_analysis("Hafez Assad was mentioned.", entities=[("Hafez Assad", "PERSON")], url="https://c.example")
    add(store, a, b, c)
    stats = relink(db=store)
    assert (stats.entities, stats.xentities) == (5, 3)
    with store.engine.connect() as conn:
        x = {r.name: r.articles for r in conn.execute(sa.select(t.xentities))}
    assert x["Hafez Assad"] == 1 and 2 in x.values()


def test_a_clusters_sources_count_speakers_as_entities_across_articles(store):
    """ "Assad" in one outlet is the "Bashar Assad" of another (one xentity under two name keys):
    one speaker; a third outlet's "the Kremlin" is another: 3 claims, 2 sources."""
    content = "the convoy crossed the border near Kursk on Tuesday night"
    made = []
    for k, (source, etype) in enumerate([("Bashar Assad", "PERSON"), ("Assad", "PERSON"), ("The Kremlin", "ORG")]):
        text = f"{source} said {content}. Assad did not say more."
        made.append(
            make_analysis(text, [(source, "said", content)], entities=[(source, etype)], url=f"https://o{k}.ex/1")
        )
    made[0].entities[0].aliases = ["Assad"]
    add(store, *made[:2])
    relink(db=store)
    (cluster,) = [c for c in clusters(store) if c.claims > 1]
    assert (cluster.claims, cluster.sources) == (2, 1)
    add(store, made[2])
    assert relink(db=store, full=False).mode == "incremental"  # the new article's cluster is counted again
    (cluster,) = [c for c in clusters(store) if c.claims > 1]
    assert (cluster.claims, cluster.sources) == (3, 2)
    step_by_step = snapshot(store)
    relink(db=store)
    assert snapshot(store) == step_by_step


def test_a_plugged_relation_function_sees_both_analyses(store):
    calls = []

    def same_place(a, b):
        calls.append((a.url, b.url))
        return [Relation(id="x", type="elaborates", a=a.claims[0].id, b=b.claims[0].id, reason="same place")]

    add(
        store,
        report("Officials", STRIKE, "https://a.example", "2024-12-08"),
        # its own reporting, not a syndicated copy (copies are not related to their original)
        report("Officials", STRIKE, "https://b.example", "2024-12-09", WIRE),
        report("Officials", STRIKE, "https://copy.example", "2024-12-09", "More to follow."),
    )
    relink(db=store, relate=same_place)
    assert calls == [("https://a.example", "https://b.example")]
    assert [x.by for x in links(store) if x.type == "elaborates"] == ["same_place"]

    register("registered")(same_place)
    try:
        relink(db=store)
    finally:
        RELATORS.pop("registered")
    assert len(calls) == 2


def test_relinking_gives_the_same_result(store):
    add(
        store,
        report("Officials", STRIKE, "https://a.example", "2024-12-08"),
        report("Officials", STRIKE, "https://b.example", "2024-12-09", status="denied"),
    )
    first = (relink(db=store), clusters(store), [(x.type, x.a, x.b) for x in links(store)])
    second = (relink(db=store), clusters(store), [(x.type, x.a, x.b) for x in links(store)])
    assert first == second


def snapshot(store):
    """Everything the linker writes, in a form two runs can be compared by."""
    with store.engine.connect() as conn:
        return {
            "clusters": [tuple(r) for r in conn.execute(sa.select(t.clusters).order_by(t.clusters.c.id))],
            "claims": conn.execute(sa.select(t.claims.c.id, t.claims.c.cluster_id).order_by(t.claims.c.id)).all(),
            "links": sorted(
                conn.execute(sa.select(t.links.c.type, t.links.c.a, t.links.c.b, t.links.c.by, t.links.c.reason)).all()
            ),
            "xentities": [tuple(r) for r in conn.execute(sa.select(t.xentities).order_by(t.xentities.c.id))],
            "entities": conn.execute(
                sa.select(t.entities.c.id, t.entities.c.xentity_id).order_by(t.entities.c.id)
            ).all(),
        }


def test_linking_batch_by_batch_gives_what_one_full_link_gives(store):
    analyses = list(synthetic_analyses(240, seed=3, stories=30, syndicated=0.15))
    modes = []
    for start in range(0, len(analyses), 40):
        add(store, *analyses[start : start + 40])
        modes.append(relink(db=store, full=False).mode)
    assert modes == ["full"] + ["incremental"] * 5  # the first link starts the buckets
    step_by_step = snapshot(store)
    assert relink(db=store).mode == "full"
    assert snapshot(store) == step_by_step
    # and the ledger exercised every kind of link and merge
    kinds = Counter(by for _type, _a, _b, by, _reason in step_by_step["links"])
    assert kinds["same-claim"] and kinds["denial"] and kinds["carried"]
    assert any(row.articles > 1 and row.independent < row.articles for row in clusters(store))
    assert len(step_by_step["xentities"]) < len(step_by_step["entities"])


def test_a_full_link_in_batches_gives_what_one_pass_gives(store, monkeypatch):
    from claimgraph.link import clusters as claim_clusters
    from claimgraph.link import entities

    add(store, *synthetic_analyses(240, seed=3, stories=30, syndicated=0.15))
    relink(db=store)
    one_pass = snapshot(store)
    # batches and ranges of a few dozen: clusters, denials, carried links and xentities span them
    monkeypatch.setattr(claim_clusters, "FULL_BATCH", 97)
    monkeypatch.setattr(entities, "BATCH", 23)
    assert relink(db=store).mode == "full"
    assert snapshot(store) == one_pass
    kinds = Counter(by for _type, _a, _b, by, _reason in one_pass["links"])
    assert kinds["same-claim"] and kinds["denial"] and kinds["carried"]


def test_linking_with_nothing_new_changes_nothing(store):
    add(store, *synthetic_analyses(30, seed=5))
    relink(db=store)
    before = snapshot(store)
    stats = relink(db=store, full=False)
    assert (stats.mode, stats.linked) == ("incremental", 0)
    assert snapshot(store) == before


def test_a_new_article_that_bridges_two_clusters_merges_them_as_a_full_link_would(store, monkeypatch):
    # content words: x = {a b c d e f}, y = {c d e f g h}: 4 of 8 shared, two clusters;
    # the bridge shares 5 of 7 with each and joins them. The buckets' rule alone: by meaning
    # x and y are one claim of one story already (tests/test_meaning.py)
    monkeypatch.setattr(meaning, "ENABLED", False)
    kyiv = Geo(lat=50.45, lon=30.52, kind="city", gazetteer_id="geonames:703448")
    x = "drones hit depot Kyiv fuel tanks"
    y = "depot Kyiv fuel tanks burned overnight"
    bridge = "hit depot Kyiv fuel tanks burned"
    steps = [
        [report("Ukrainian officials", x, "https://a.example/1", "2024-12-08", entities=[("Kyiv", "GPE")])],
        [
            report(
                "Local residents",
                y,
                "https://b.example/1",
                "2024-12-08",
                "The Ukrainian capital was quiet by noon.",
                entities=[("Ukrainian capital", "GPE", kyiv)],
            )
        ],
        [report("A fire brigade", bridge, "https://c.example/1", "2024-12-09", entities=[("Kyiv", "GPE", kyiv)])],
    ]
    sizes = []
    for articles in steps:
        add(store, *articles)
        relink(db=store, full=False)
        sizes.append((sorted(row.claims for row in clusters(store)), store.count("xentities")))
    # the third article joins both claim clusters, and its Kyiv (by name and by gazetteer id) both places
    assert sizes == [([1], 1), ([1, 1], 2), ([3], 1)]
    step_by_step = snapshot(store)
    relink(db=store)
    assert snapshot(store) == step_by_step


def test_an_updated_article_leaves_its_old_version_out_of_clusters_and_searches(store):
    from claimgraph import ledger

    add(
        store,
        report("Officials", STRIKE, "https://a.example/1", "2024-12-08"),
        report("Officials", STRIKE, "https://b.example/1", "2024-12-08", "More to follow."),
    )
    relink(db=store, full=False)
    assert [row.articles for row in clusters(store)] == [2]
    corrected = "Ukrainian drones struck a fuel tank near Kursk late on Sunday"
    (stored,) = add(store, report("Officials", corrected, "https://b.example/1", "2024-12-09", "Corrected."))
    assert stored.outcome == "updated"
    assert relink(db=store, full=False).mode == "full"  # claims leave a cluster: not an incremental change
    assert sorted(row.articles for row in clusters(store)) == [1, 1]
    assert [r["content"] for r in ledger.search("drones", db=store)] == [corrected, STRIKE]
    old = ledger.search("drones is:superseded", db=store)
    assert [(r["content"], r["cluster_id"]) for r in old] == [(STRIKE, None)]


def test_the_analysis_stages_relations_link_claims_across_articles(store, analyzer):
    from claimgraph.model import Article

    texts = {
        "https://a.example/1": "Russian officials claim Bashar al-Assad resigned.",
        "https://b.example/1": "Russian officials claim that Bashar al-Assad fled Damascus.",
    }
    add(store, *(analyzer.analyze(Article(text=text, url=url)) for url, text in texts.items()))
    relink(db=store, full=False)
    found = [(x.type, x.reason) for x in links(store) if x.by == "relations"]
    assert [kind for kind, _reason in found] == ["contradicts"]
    assert "resigned" in found[0][1] and "fled" in found[0][1]
    assert [row.contradicted for row in clusters(store)] == [True]

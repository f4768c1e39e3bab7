"""Stories stored by linking: `articles.story_id`, the same batch by batch as
from a full relink, on every exported claim row, and listed by `story --articles`."""

from __future__ import annotations

import io
import json

import sqlalchemy as sa

from claimgraph import ledger
from claimgraph.cli import main
from claimgraph.link.claims import pending
from claimgraph.store import open_store
from claimgraph.store import schema as t
from claimgraph.store.synthetic import synthetic_analyses
from claimgraph.store.testing import make_analysis, postgres_available, store_analyses

PG_SKIP = postgres_available()

# (outlet, date, source, claim, the rest of the article): two stories, each told by three outlets
FLOOD = [
    (
        "Riverside Post",
        "2024-03-05",
        "Mayor Elin Vasquez",
        "300 homes in Marlow were evacuated as the Thame burst its banks",
        "Floodwaters swept through the river town of Marlow after three days of rain; shelters opened "
        "in the school gym and two churches while rescue boats ferried families out of flooded streets.",
    ),
    (
        "Valley Courier",
        "2024-03-06",
        "The Marlow fire brigade",
        "the Thame rose two metres overnight and flooded the town centre",
        "Hundreds of Marlow residents left their homes as the swollen Thame flooded the streets after days "
        "of heavy rain. Mayor Vasquez asked people to stay away from the river and opened shelters.",
    ),
    (
        "Northern Wire",
        "2024-03-05",
        "Vasquez",
        "Marlow shelters would stay open until the Thame floodwaters fall",
        "Rescue boats carried families out of flooded Marlow, where the Thame burst its banks after the rain. "
        "The mayor said evacuated homes in the river town would be checked once the floodwaters recede.",
    ),
]
CHESS = [
    (
        "Riverside Post",
        "2024-03-04",
        "Organisers",
        "Ilya Korsak won the Oslo chess open with a queen sacrifice",
        "Grandmaster Korsak beat Mei Tanaka in the final round of the Oslo open, sacrificing his queen "
        "to break through and take the tournament title and the prize.",
    ),
    (
        "Valley Courier",
        "2024-03-05",
        "Mei Tanaka",
        "Korsak's queen sacrifice in the last round was brilliant",
        "Tanaka lost the final round of the Oslo chess open to grandmaster Ilya Korsak, whose queen "
        "sacrifice sealed the tournament title.",
    ),
    (
        "Northern Wire",
        "2024-03-06",
        "The Oslo organisers",
        "Korsak would defend his Oslo open title next year",
        "Grandmaster Ilya Korsak's win over Mei Tanaka at the Oslo chess open, with a queen sacrifice in "
        "the final round, was the talk of the tournament.",
    ),
]
NAMES = ["Marlow", "Thame", "Vasquez", "Korsak", "Tanaka", "Oslo"]


def article(outlet, when, source, claim, rest, slug):
    text = f"{source} said {claim}. {rest}"
    entities = [(n, "GPE" if n in ("Marlow", "Oslo", "Thame") else "PERSON") for n in NAMES if n in text]
    return make_analysis(
        text,
        [(source, "said", claim)],
        entities=entities,
        published=when,
        url=f"https://{outlet.lower().replace(' ', '-')}.example/{slug}",
        publisher=outlet,
        title=claim.capitalize(),
    )


def two_stories():
    """The six articles, the two stories interleaved, and the story (0 flood, 1 chess) of each."""
    flood = [article(*row, f"flood-{i}") for i, row in enumerate(FLOOD)]
    chess = [article(*row, f"chess-{i}") for i, row in enumerate(CHESS)]
    return [flood[0], chess[0], chess[1], flood[1], chess[2], flood[2]], [0, 1, 1, 0, 1, 0]


def add(store, *analyses):
    return store_analyses(store, analyses)


def story_ids(store) -> list[tuple[int, int | None]]:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(t.articles.c.id, t.articles.c.story_id).order_by(t.articles.c.id)).all()


def test_two_stories_across_three_outlets_get_two_story_ids(store):
    analyses, gold = two_stories()
    add(store, *analyses)
    stats = ledger.link(db=store)
    ids = story_ids(store)
    assert stats.stories == 2
    for story in (0, 1):
        members = [aid for (aid, _s), g in zip(ids, gold, strict=True) if g == story]
        # a story's id is its first article's id
        assert {s for (aid, s) in ids if aid in members} == {min(members)}


def test_placing_articles_one_batch_at_a_time_gives_what_a_full_relink_gives(store):
    analyses, _gold = two_stories()
    for a in analyses:
        add(store, a)
        assert ledger.link(db=store).mode in ("full", "incremental")
    one_by_one = story_ids(store)
    assert len({s for _a, s in one_by_one}) == 2
    assert ledger.relink(db=store).mode == "full"
    assert story_ids(store) == one_by_one


def test_batches_of_synthetic_stories_equal_a_full_relink(store):
    analyses = list(synthetic_analyses(160, seed=7, stories=20, syndicated=0.15))
    modes = []
    for start in range(0, len(analyses), 40):
        add(store, *analyses[start : start + 40])
        modes.append(ledger.link(db=store).mode)
    assert modes[1:] == ["incremental"] * 3
    batched = story_ids(store)
    stories = {s for _a, s in batched}
    assert None not in stories and 1 < len(stories) < len(batched)  # some articles share stories, not all
    ledger.relink(db=store)
    assert story_ids(store) == batched


def test_an_article_weeks_later_starts_a_story_of_its_own(store):
    analyses, _gold = two_stories()
    add(store, *analyses)
    ledger.link(db=store)
    late = article(*FLOOD[0][:1], "2024-06-20", *FLOOD[0][2:], "flood-again")
    (stored,) = add(store, late)
    ledger.link(db=store)
    assert dict(story_ids(store))[stored.article_id] == stored.article_id


def test_exported_claims_carry_their_articles_story(store):
    analyses, _gold = two_stories()
    add(store, *analyses)
    ledger.link(db=store)
    out = io.StringIO()
    assert ledger.export("jsonl", out, db=store) >= len(analyses)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    of_article = dict(story_ids(store))
    assert rows and all(r["story_id"] == of_article[r["article_id"]] for r in rows)


def test_story_articles_lists_one_story_by_time_and_outlet(store):
    analyses, _gold = two_stories()
    add(store, *analyses)
    ledger.link(db=store)
    found = ledger.story("Korsak", db=store, articles=True)
    assert [r["publisher"] for r in found] == ["Riverside Post", "Valley Courier", "Northern Wire"]
    assert [r["published"] for r in found] == ["2024-03-04", "2024-03-05", "2024-03-06"]
    assert len({r["story_id"] for r in found}) == 1
    assert all("chess" in r["url"] for r in found)


def test_a_ledger_linked_before_stories_places_them_on_the_next_link(store):
    analyses, _gold = two_stories()
    add(store, *analyses)
    ledger.link(db=store)
    placed = story_ids(store)
    with store.engine.begin() as conn:  # what migration 0005 leaves: linked claims, no stories
        conn.execute(t.articles.update().values(story_id=None))
        conn.execute(t.story_terms.delete())
        conn.execute(t.story_df.delete())
    assert pending(store)
    assert ledger.link(db=store).mode == "incremental"
    assert story_ids(store) == placed


def test_story_articles_command_prints_json_with_the_story(tmp_path, capsys):
    db = str(tmp_path / "l.sqlite")
    with open_store(db) as s:
        analyses, _gold = two_stories()
        add(s, *analyses)
        ledger.link(db=s)
    assert main(["story", "--articles", "Marlow", "--db", db, "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert sorted(r["publisher"] for r in found) == ["Northern Wire", "Riverside Post", "Valley Courier"]
    assert len({r["story_id"] for r in found}) == 1
    assert main(["story", "--articles", "Marlow", "--db", db, "--format", "pretty"]) == 0
    assert "3 articles, 3 outlets" in capsys.readouterr().out


def test_an_updated_article_leaves_its_old_version_out_of_stories(store):
    analyses, _gold = two_stories()
    add(store, *analyses)
    ledger.link(db=store)
    first = analyses[0]
    newer = article(*FLOOD[0][:4], FLOOD[0][4] + " Water levels began to fall on Thursday.", "flood-0")
    assert newer.url == first.url
    (stored,) = add(store, newer)
    assert stored.outcome == "updated"
    assert ledger.link(db=store).mode == "full"
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(t.articles.c.id, t.articles.c.story_id, t.articles.c.superseded_by)).all()
    old = [r for r in rows if r.superseded_by is not None]
    assert old and all(r.story_id is None for r in old)
    assert all(r.story_id is not None for r in rows if r.superseded_by is None)


def test_a_batch_spanning_months_with_undated_articles_equals_a_full_relink(store):
    # the stored postings are read per term for the windows of the batch's articles that hold it
    analyses, _gold = two_stories()
    first = [*analyses[:4], article(*FLOOD[1][:1], None, *FLOOD[1][2:], "flood-undated-early")]
    add(store, *first)
    ledger.link(db=store)
    batch = [
        article(*FLOOD[0][:1], "2024-06-20", *FLOOD[0][2:], "flood-june"),
        analyses[4],
        article(*CHESS[2][:1], None, *CHESS[2][2:], "chess-undated"),
        analyses[5],
        article(*FLOOD[2][:1], "2024-06-30", *FLOOD[2][2:], "flood-june-2"),
    ]
    add(store, *batch)
    assert ledger.link(db=store).mode == "incremental"
    batched = story_ids(store)
    ledger.relink(db=store)
    assert story_ids(store) == batched


def test_the_windows_read_per_term_are_merged_where_they_overlap():
    from datetime import date, timedelta

    from claimgraph.link.story_ids import _windows

    day = date(2024, 3, 1)
    new = [(1, day), (2, day + timedelta(days=30)), (3, day + timedelta(days=200)), (4, None)]
    vectors = {1: {"flood": 1.0}, 2: {"flood": 1.0}, 3: {"flood": 1.0, "june": 1.0}, 4: {"undated": 1.0}}
    w = timedelta(days=21)
    windows = _windows(new, vectors)
    assert windows["flood"] == [
        (day - w, day + timedelta(days=30) + w),
        (day + timedelta(days=200) - w, day + timedelta(days=200) + w),
    ]
    assert windows["june"] == [(day + timedelta(days=200) - w, day + timedelta(days=200) + w)]
    assert windows["undated"] == [(date.min, date.max)]

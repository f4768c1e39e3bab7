"""The store on both back ends: schema, migrations, idempotent writes, near-duplicates."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from claimgraph.errors import ResourceError, UsageError
from claimgraph.store import default_url, normalise_url, open_store, schema, upgrade
from claimgraph.store.testing import make_analysis, postgres_available, postgres_schema, store_analyses

PG_SKIP = postgres_available()

STORY = (
    "Russian officials said Ukrainian drones struck an oil depot in Belgorod on Monday. "
    "Ukraine denied that drones struck the depot."
)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        s = open_store(str(tmp_path / "ledger.sqlite"))
        yield s
        s.close()
        return
    if PG_SKIP:
        pytest.skip(PG_SKIP)
    with postgres_schema() as url:
        s = open_store(url)
        yield s
        s.close()


def story(url="https://example.org/a", text=STORY, published="2024-12-08"):
    return make_analysis(
        text,
        [
            ("Russian officials", "said", "Ukrainian drones struck an oil depot in Belgorod on Monday"),
            ("Ukraine", "denied", "drones struck the depot", "denied"),
        ],
        entities=[("Belgorod", "GPE"), ("Ukraine", "GPE")],
        published=published,
        url=url,
        publisher="Example",
        events=[("ASSAULT", "struck", 0, "Belgorod")],
        relations=[("contradicts", 1, 0, "Ukraine denies it")],
    )


def add(store, *analyses):
    return store_analyses(store, analyses, prefix="test:")


def test_migrations_create_exactly_the_declared_schema(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), schema.metadata)
    # the search columns/tables are made by the migrations outside the metadata, on purpose
    diff = [d for d in diff if not any(s in repr(d) for s in ("tsv", "claims_fts", "articles_fts"))]
    assert diff == []


def test_an_analysis_fills_every_table_and_is_kept_whole(store):
    a = story()
    (stored,) = add(store, a)
    assert stored.outcome == "new"
    counts = {name: store.count(name) for name in ("articles", "analyses", "entities", "claims", "events", "relations")}
    assert counts == {"articles": 1, "analyses": 1, "entities": 2, "claims": 2, "events": 1, "relations": 1}
    with store.engine.connect() as conn:
        kept = conn.execute(sa.select(schema.analyses.c.json)).scalar_one()
        event_claim = conn.execute(sa.select(schema.events.c.claim_id)).scalar_one()
        first_claim = conn.execute(sa.select(schema.claims.c.id).where(schema.claims.c.local_id == "c1")).scalar_one()
        mentioned = conn.execute(sa.select(schema.claim_entities.c.key).order_by(schema.claim_entities.c.key)).all()
    assert kept == a.to_json()
    assert event_claim == first_claim
    # Belgorod inside claim 1's content, Ukraine as claim 2's source
    assert [m[0] for m in mentioned] == ["akrn", "blgrd"]


def test_the_same_article_is_stored_once_however_often_it_comes(store):
    a = story(url="https://Example.org/a/?utm_source=feed#top")
    same_url_same_text = story(url="https://example.org/a")
    same_text = story(url=None)
    first = add(store, a, a)
    again = add(store, same_url_same_text, same_text, a)
    assert [s.outcome for s in first] == ["new", "duplicate"]
    assert [s.outcome for s in again] == ["duplicate"] * 3
    assert {s.article_id for s in first + again} == {first[0].article_id}
    assert store.count("articles") == 1 and store.count("claims") == 2


def test_new_text_at_a_stored_url_is_a_revision_and_the_old_version_is_kept(store):
    (v1,) = add(store, story(url="https://example.org/a?utm_source=x"))
    v2_text = STORY + " This article was updated to add the ministry's response."
    v2, again = add(store, story(url="https://example.org/a", text=v2_text), story(url="https://example.org/a"))
    v3_text = STORY + " Corrected: the depot is in the Belgorod region."
    later = add(
        store,
        story(url="https://example.org/a", text=v3_text + " More."),
        story(url="https://example.org/a", text=v3_text),
    )
    assert (v2.outcome, again.outcome) == ("updated", "duplicate")  # the first version's text again: no flip back
    assert [s.outcome for s in later] == ["updated", "updated"]  # two versions in one batch, in order
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                schema.articles.c.id,
                schema.articles.c.key,
                schema.articles.c.revision,
                schema.articles.c.superseded_by,
                schema.articles.c.group_id,
            ).order_by(schema.articles.c.id)
        ).all()
    ids = [v1.article_id, v2.article_id, later[0].article_id, later[1].article_id]
    assert [tuple(r) for r in rows] == [
        (ids[0], "https://example.org/a#rev1", 1, ids[1], ids[0]),
        (ids[1], "https://example.org/a#rev2", 2, ids[2], ids[0]),
        (ids[2], "https://example.org/a#rev3", 3, ids[3], ids[0]),
        (ids[3], "https://example.org/a", 4, None, ids[0]),
    ]
    assert store.count("claims") == 8  # every version's claims stay, for the record


def test_syndicated_copies_are_grouped_not_merged(store):
    original = story(url="https://wire.example/story")
    copy = story(url="https://paper.example/story", text=STORY + " Reporting by the wire.")
    other = story(
        url="https://else.example/x",
        text="The governor said two people were hurt in a fire late at night. "
        "Russian officials said Ukrainian drones struck an oil depot in Belgorod on Monday, and "
        "Ukraine denied that drones struck the depot, while residents described loud blasts.",
    )
    a, b = add(store, original, copy)
    (c,) = add(store, other)
    assert (a.outcome, b.outcome, c.outcome) == ("new", "near-duplicate", "new")
    assert b.group_id == a.article_id != b.article_id
    assert c.group_id == c.article_id
    assert store.count("articles") == 3


def test_a_later_batch_finds_copies_stored_by_an_earlier_one(store):
    (a,) = add(store, story(url="https://wire.example/story"))
    (b,) = add(store, story(url="https://paper.example/story", text=STORY + " Also on the wire."))
    assert b.outcome == "near-duplicate" and b.group_id == a.article_id


def test_reopening_a_ledger_keeps_it_and_migrating_again_is_a_no_op(tmp_path):
    path = str(tmp_path / "l.sqlite")
    with open_store(path) as s:
        add(s, story())
        upgrade(s.engine)
    with open_store(path) as s:
        assert s.count("articles") == 1
        with s.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("select version_num from alembic_version").scalar() == "0007"


def test_a_ledger_made_by_the_first_migration_is_upgraded_in_place(tmp_path):
    path = str(tmp_path / "old.sqlite")
    with open_store(path, migrate=False) as s:
        upgrade(s.engine, "0001")
        with s.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO articles (id, key, content_hash, group_id, ingested_at) VALUES (1, 'k', 'h', 1, 'now')"
            )
    with open_store(path) as s, s.engine.connect() as conn:
        row = conn.execute(sa.select(schema.articles.c.key, schema.articles.c.revision)).one()
        assert tuple(row) == ("k", 1)


def test_where_the_ledger_lives(monkeypatch, tmp_path):
    monkeypatch.delenv("CLAIMGRAPH_DB", raising=False)
    assert default_url().startswith("sqlite:///") and default_url().endswith("ledger.sqlite")
    monkeypatch.setenv("CLAIMGRAPH_DB", "postgresql://u@h/db")
    assert default_url() == "postgresql://u@h/db"
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url(str(tmp_path / "x.sqlite")) == f"sqlite:///{tmp_path / 'x.sqlite'}"


def test_a_bad_database_is_one_clear_error(tmp_path):
    with pytest.raises(UsageError):
        open_store("nosuchdb://x")
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ResourceError, match="cannot open the ledger"):
        open_store(f"sqlite:///{blocker}/sub/l.sqlite")


def test_json_lines_survive_unicode_line_breaks():
    from datetime import date

    from claimgraph.store.export import json_line

    line = json_line({"content": "a\u2028b\u0085c", "published": date(2024, 12, 8)})
    assert len(line.splitlines()) == 1
    assert json.loads(line) == {"content": "a\u2028b\u0085c", "published": "2024-12-08"}

"""#5: a run killed while linking is finished by the next ingest, even one that stores nothing new."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from claimgraph import ledger
from claimgraph.link import claims as linking
from claimgraph.store import open_store
from claimgraph.store import schema as t
from claimgraph.store.testing import make_analysis, postgres_available, postgres_schema
from ledger_snapshot import snapshot

PG_SKIP = postgres_available()
PLACES = ["Leeds", "Hull", "York", "Derby", "Bath"]


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "l.sqlite")
        return
    if PG_SKIP:
        pytest.skip(PG_SKIP)
    with postgres_schema() as url:
        yield url


def analyses(path: Path, n: int = 12) -> Path:
    """Ready analyses (no spaCy) whose claims repeat across articles, so clusters span articles."""
    lines = []
    for i in range(n):
        place = PLACES[i % len(PLACES)]
        text = f"Officials in {place} said the bridge in {place} was closed. Police said {i} people were hurt."
        claims = [
            ("Officials", "said", f"the bridge in {place} was closed"),
            ("Police", "said", f"{i} people were hurt"),
        ]
        a = make_analysis(text, claims, [(place, "GPE")], url=f"https://n.example/{i}", published="2025-01-02")
        lines.append(a.to_json() + "\n")
    path.write_text("".join(lines))
    return path


def unlinked(url: str) -> int:
    with open_store(url) as store, store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).where(t.claims.c.cluster_id.is_(None))).scalar_one()


def test_a_link_killed_midway_is_finished_by_the_next_ingest(db, tmp_path, monkeypatch):
    src = analyses(tmp_path / "a.jsonl")

    def killed(*_args, **_kw) -> None:  # after the clusters are written, before the commit
        raise RuntimeError("killed while linking")

    with monkeypatch.context() as m:
        m.setattr(linking, "unify_entities", killed)
        with pytest.raises(RuntimeError):
            ledger.ingest([str(src)], db=db)
    assert unlinked(db) > 0
    with open_store(db) as store:
        assert linking.pending(store)

    summary = ledger.ingest([str(src)], db=db)
    assert summary.stored == 0  # nothing new: the old rule linked nothing here
    assert unlinked(db) == 0
    with open_store(db) as store:
        assert not linking.pending(store)
        got = snapshot(store)

    clean = str(tmp_path / "clean.sqlite")
    ledger.ingest([str(src)], db=clean)
    with open_store(clean) as store:
        want = snapshot(store)
    assert got == want
    assert any(row[4] > 1 for row in want["clusters"])  # the comparison covers multi-article clusters


def test_an_ingest_with_nothing_pending_does_not_relink(db, tmp_path, monkeypatch):
    src = analyses(tmp_path / "a.jsonl", 4)
    ledger.ingest([str(src)], db=db)
    calls: list[int] = []
    monkeypatch.setattr(linking, "link", lambda *a, **kw: calls.append(1))
    assert ledger.ingest([str(src)], db=db).stored == 0
    assert calls == []


def test_pending_sees_claims_and_entities_without_a_link(db, tmp_path):
    src = analyses(tmp_path / "a.jsonl", 3)
    ledger.ingest([str(src)], db=db, link=False)
    with open_store(db) as store:
        assert linking.pending(store)
        linking.link(store)
        assert not linking.pending(store)
        with store.engine.begin() as conn:  # an entity left unlinked alone is pending too
            conn.execute(t.entities.update().values(xentity_id=None))
        assert linking.pending(store)

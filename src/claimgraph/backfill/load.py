"""Loading a backfill's output into a ledger (SQLite or PostgreSQL): its
analyses are stored through the ledger's own write path (store.write: the
same duplicate, revision and near-duplicate rules; on PostgreSQL every table
is written with COPY), in article id order, then linked. Idempotent: a
rerun finds every article stored (by content hash) and adds nothing; a
failures row already in the ledger is not added again.

Needs pyarrow (the parquet extra), not Spark."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from claimgraph.backfill.tables import MARKER, read
from claimgraph.errors import InputError
from claimgraph.ingest.items import Item
from claimgraph.ledger.pipeline import Summary, ingest_docs
from claimgraph.model import Analysis
from claimgraph.store import Store
from claimgraph.store import schema as t

BATCH = 500  # analyses a transaction: no spaCy here, so larger than ingest's


def is_output(path: str) -> bool:
    return (Path(path) / MARKER).is_file()


def load(store: Store, out: str, batch: int = BATCH, link: bool = True) -> Summary:
    """Store the output's articles (and failures) in `store`; the run's summary
    (`failed` stays empty: the archive's failures are rows, counted apart)."""
    if not is_output(out):
        raise InputError(f"{out}: not a finished backfill output (no {MARKER})")
    summary = ingest_docs(store, _items(out), batch=batch)
    _add_failures(store, out)
    if link:
        from claimgraph.link.claims import link as run
        from claimgraph.link.claims import pending

        if pending(store):
            run(store)
    return summary


def _items(out: str) -> Iterator[Item]:
    columns = ["article_id", "json", "origin", "author", "language"]
    table = read(out, "analyses", columns).sort_by("article_id")
    for batch in table.to_batches(max_chunksize=1000):
        for row in batch.to_pylist():
            meta = {k: row[k] for k in ("author", "language") if row[k] is not None}
            yield Item(row["origin"], analysis=Analysis.model_validate_json(row["json"]), meta=meta)


def _add_failures(store: Store, out: str) -> int:
    rows = read(out, "failures", ["origin", "reason"]).to_pylist()
    if not rows:
        return 0
    with store.engine.begin() as conn:
        have = set(conn.execute(sa.select(t.failures.c.origin, t.failures.c.reason)).all())
        now = datetime.now(UTC).isoformat(timespec="seconds")
        new = [r | {"at": now} for r in rows if (r["origin"], r["reason"]) not in have]
        if new:
            conn.execute(t.failures.insert(), new)
    return len(new)

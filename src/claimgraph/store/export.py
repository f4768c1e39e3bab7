"""Exports: claims as JSON Lines, CSV or Parquet; places and events as
GeoJSON; claim clusters as schema.org ClaimReview JSON-LD."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date
from typing import IO

import sqlalchemy as sa

from claimgraph.errors import UsageError
from claimgraph.formats.csv_cells import safe_row
from claimgraph.model import escape_line_breaks
from claimgraph.store import Store
from claimgraph.store import schema as t
from claimgraph.store.contradictions import attach
from claimgraph.store.search import Query, parse, select_claims

FORMATS = ("jsonl", "csv", "parquet", "geojson", "claimreview")
BINARY = ("parquet",)


def plain_value(value):
    """A value JSON can hold: dates as ISO text, inside lists and dicts too."""
    if isinstance(value, dict):
        return {k: plain_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_value(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


def json_line(row: dict) -> str:
    """One record of JSON Lines, dates as ISO text, never split by a Unicode line break."""
    return escape_line_breaks(json.dumps({k: plain_value(v) for k, v in row.items()}, ensure_ascii=False)) + "\n"


EXPLAIN_BATCH = 2000  # rows whose contradictions are read together while the export streams


def claim_rows(store: Store, query: str | Query = "") -> Iterator[dict]:
    """Every matching claim with its article and cluster, oldest first,
    streamed; each with `contradicted_by` (store.contradictions), read a batch at a time."""
    q = parse(query) if isinstance(query, str) else query
    with store.engine.connect() as conn, store.engine.connect() as side:
        batch: list[dict] = []
        for row in conn.execution_options(yield_per=2000).execute(select_claims(store, q, order="time")).mappings():
            batch.append(dict(row))
            if len(batch) == EXPLAIN_BATCH:
                yield from _explained(side, batch)
                batch = []
        yield from _explained(side, batch)


def _explained(conn, batch: list[dict]) -> Iterator[dict]:
    for row in attach(conn, batch):
        yield {k: plain_value(v) for k, v in row.items()}


def export(store: Store, fmt: str, out: IO, query: str = "") -> int:
    """Write the export to `out` (text, or bytes for parquet); returns the number of records."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "jsonl":
        n = 0
        for n, row in enumerate(claim_rows(store, query), start=1):  # noqa: B007
            out.write(json_line(row))
        return n
    if fmt == "csv":
        rows = claim_rows(store, query)
        n = 0
        writer = None
        for n, row in enumerate(rows, start=1):  # noqa: B007
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=list(row))
                writer.writeheader()
            row["contradicted_by"] = (
                json.dumps(row["contradicted_by"], ensure_ascii=False) if row["contradicted_by"] else ""
            )
            writer.writerow(safe_row(row))  # article text must not run as a spreadsheet formula
        return n
    if fmt == "parquet":
        return _parquet(store, out, query)
    doc = geojson(store) if fmt == "geojson" else claimreview(store, query)
    json.dump(doc, out, ensure_ascii=False, indent=1)
    out.write("\n")
    return len(doc.get("features", doc.get("@graph", [])))


def _parquet(store: Store, out: IO, query: str) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise UsageError("parquet export needs pyarrow: pip install 'claimgraph[parquet]'") from None
    rows = list(claim_rows(store, query))
    table = pa.Table.from_pylist(rows) if rows else pa.table({"id": pa.array([], pa.int64())})
    pq.write_table(table, out)
    return len(rows)


def geojson(store: Store) -> dict:
    """Places (unified entities with coordinates) and located events."""
    features = []
    with store.engine.connect() as conn:
        places = conn.execute(
            sa.select(
                t.xentities.c.id,
                t.xentities.c.name,
                t.xentities.c.type,
                t.xentities.c.gazetteer_id,
                t.xentities.c.articles,
                sa.func.avg(t.entities.c.lat),
                sa.func.avg(t.entities.c.lon),
            )
            .join(t.entities, t.entities.c.xentity_id == t.xentities.c.id)
            .where(t.entities.c.lat.is_not(None))
            .group_by(
                t.xentities.c.id,
                t.xentities.c.name,
                t.xentities.c.type,
                t.xentities.c.gazetteer_id,
                t.xentities.c.articles,
            )
            .order_by(t.xentities.c.id)
        ).all()
        for xid, name, etype, gaz, articles, lat, lon in places:
            features.append(
                _point(
                    lon,
                    lat,
                    {
                        "kind": "place",
                        "id": xid,
                        "name": name,
                        "type": etype,
                        "gazetteer_id": gaz,
                        "articles": articles,
                    },
                )
            )
        events = (
            conn.execute(
                sa.select(
                    t.events,
                    t.articles.c.url,
                    t.articles.c.published,
                    t.articles.c.ext_id,
                    t.articles.c.title,
                    t.articles.c.publisher,
                )
                .join(t.articles, t.articles.c.id == t.events.c.article_id)
                .where(t.events.c.lat.is_not(None))
                .order_by(t.events.c.id)
            )
            .mappings()
            .all()
        )
        for ev in events:
            features.append(
                _point(
                    ev["lon"],
                    ev["lat"],
                    {
                        "kind": "event",
                        "id": ev["id"],
                        "type": ev["type"],
                        "trigger": ev["trigger"],
                        "time": ev["time"],
                        "status": ev["status"],
                        "negated": ev["negated"],
                        "claim_id": ev["claim_id"],
                        "article_url": ev["url"],
                        "article_input_id": ev["ext_id"],
                        "article_title": ev["title"],
                        "article_publisher": ev["publisher"],
                        "published": plain_value(ev["published"]),
                    },
                )
            )
    return {"type": "FeatureCollection", "features": features}


def _point(lon: float, lat: float, props: dict) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}


def claimreview(store: Store, query: str = "") -> dict:
    """One schema.org ClaimReview per claim cluster (restricted to clusters with a
    claim matching `query`). The rating says what the ledger knows: how many
    independent articles carry the claim and whether anything contradicts it;
    it is not a fact-checker's verdict."""
    q = parse(query) if query else Query()
    graph = []
    with store.engine.connect() as conn:
        matching = select_claims(store, q).with_only_columns(t.claims.c.cluster_id).order_by(None).distinct()
        clusters = (
            conn.execute(sa.select(t.clusters).where(t.clusters.c.id.in_(matching)).order_by(t.clusters.c.id))
            .mappings()
            .all()
        )
        for cl in clusters:
            members = conn.execute(
                sa.select(
                    t.claims.c.source_text,
                    t.claims.c.published,
                    t.articles.c.url,
                    t.articles.c.title,
                    t.articles.c.publisher,
                    t.claims.c.id,
                    t.articles.c.ext_id,
                    t.claims.c.article_id,
                )
                .join(t.articles, t.articles.c.id == t.claims.c.article_id)
                .where(t.claims.c.cluster_id == cl["id"])
                .order_by(t.claims.c.published, t.claims.c.id)
            ).all()
            first = next((m for m in members if m.id == cl["first_claim"]), members[0])
            verdict = "Contradicted" if cl["contradicted"] else "Unverified"
            graph.append(
                {
                    "@type": "ClaimReview",
                    "@id": f"#cluster-{cl['id']}",
                    "claimReviewed": cl["content"],
                    "itemReviewed": {
                        "@type": "Claim",
                        "author": {"@type": "Thing", "name": first.source_text} if first.source_text else None,
                        "firstAppearance": _work(first),
                        "appearance": [_work(m) for m in members],
                    },
                    "reviewRating": {
                        "@type": "Rating",
                        "alternateName": f"{verdict}; {cl['independent']} independent of {cl['articles']} articles",
                    },
                    "author": {"@type": "Organization", "name": "claimgraph ledger"},
                }
            )
    return {"@context": "https://schema.org", "@graph": graph}


def _work(m) -> dict:
    """An appearance named by whatever identifies its article: URL, the input
    id, headline, publisher; the ledger's row only when it has none of them."""
    work = {
        "@type": "CreativeWork",
        "url": m.url,
        "identifier": m.ext_id,
        "headline": m.title,
        "datePublished": plain_value(m.published),
    }
    if m.publisher:
        work["publisher"] = {"@type": "Organization", "name": m.publisher}
    if not (m.url or m.ext_id or m.title or m.publisher):
        work["identifier"] = f"claimgraph-article:{m.article_id}"
    return {k: v for k, v in work.items() if v is not None}

"""What the pages read that the ledger functions do not give: one article with
its claims' clusters and links, an entity, the sources, facets, volumes and
map points of a query. Plain SQLAlchemy Core over `store.schema`, the same on
SQLite and PostgreSQL; every list is bounded so a page costs the same on a
large ledger as on a small one.
"""

from __future__ import annotations

import difflib
import json
import threading
import weakref
from collections import Counter, OrderedDict, defaultdict
from datetime import date

import sqlalchemy as sa

from claimgraph.errors import InputError
from claimgraph.store import Store
from claimgraph.store import schema as t
from claimgraph.store.contradictions import contradictions
from claimgraph.store.search import conditions, date_walk, parse

# Facets and map points are counted over the newest SAMPLE matches of a query:
# on a 1M-claim ledger a facet over every match of a broad query costs seconds,
# over 1,000 claims tens of milliseconds (bench/web_bench.py); the page says so.
SAMPLE = 1000
SAMPLE_MIN = 50  # fewer newest matches than this in a walk's window: every match is sorted after all
SAMPLES_KEPT = 64  # samples cached per ledger (cached_sample)
_SAMPLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_SAMPLES_LOCK = threading.Lock()
FACET_TOP = 8  # values shown per facet
CLUSTER_SHOWN = 12  # other outlets listed on a claim card
ROWS = 50  # claims listed on an entity page, speakers on the sources page


def _plain(row) -> dict:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in dict(row).items()}


def _month(store: Store, column):
    # dates are ISO text in SQLite, a DATE in PostgreSQL
    return sa.func.substr(column, 1, 7) if store.is_sqlite else sa.func.to_char(column, "YYYY-MM")


def _sample(store: Store, query: str, conn, *columns) -> tuple[list, bool]:
    """The newest SAMPLE claims matching `query` (their ids, then `columns`),
    read once, then counted; and whether there are more matches than those."""
    q = parse(query)
    stmt = sa.select(t.claims.c.id, *columns).where(*conditions(store, q))
    bound = date_walk(store, q, conn)
    if bound is not None:  # a broad text: read the date index, do not sort every match
        walk = stmt.with_hint(t.claims, "INDEXED BY ix_claims_published", "sqlite").where(bound)
        rows = conn.execute(walk.order_by(t.claims.c.published.desc(), t.claims.c.id.desc()).limit(SAMPLE)).all()
        # the walk holds every match newer than its window's edge, so they are the newest matches: enough of
        # them make a sample (sorting every match of a word and a filter that keeps few costs 90 ms at 1M)
        if len(rows) >= SAMPLE_MIN:
            return rows, len(rows) == SAMPLE or bound is not sa.true()
    stmt = stmt.order_by(t.claims.c.published.is_(None), t.claims.c.published.desc(), t.claims.c.id.desc())
    rows = conn.execute(stmt.limit(SAMPLE)).all()
    return rows, len(rows) >= SAMPLE


def cached_sample(store: Store, query: str) -> tuple[list, bool]:
    """`_sample` of the search columns, kept per ledger version for the few
    queries asked last: the search page and its map (and a facet click back) read it once."""
    c = t.claims
    with _SAMPLES_LOCK:
        kept = _SAMPLES.setdefault(store.engine, OrderedDict())
    with store.engine.connect() as conn:
        key = (query, version(store, conn))
        with _SAMPLES_LOCK:
            if key in kept:
                kept.move_to_end(key)
                return kept[key]
        value = _sample(store, query, conn, c.c.status, c.c.kind, c.c.source_text, c.c.published)
    with _SAMPLES_LOCK:
        kept[key] = value
        while len(kept) > SAMPLES_KEPT:
            kept.popitem(last=False)
    return value


def _top(counts: Counter) -> list[dict]:
    ranked = sorted(((n, v) for v, n in counts.items() if v is not None), key=lambda x: (-x[0], x[1]))
    return [{"value": v, "count": n} for n, v in ranked[:FACET_TOP]]


def facets(store: Store, query: str) -> dict:
    """Counts of status, kind, source, entity, place and PLOVER type among the
    newest SAMPLE matches, and their claims per month (the volume chart). The
    claims' own columns come with the sample; entities and events take one query each."""
    ce, e, ev = t.claim_entities, t.entities, t.events
    rows, capped = cached_sample(store, query)
    ids = [r[0] for r in rows]
    with store.engine.connect() as conn:
        named = (
            conn.execute(
                sa.select(e.c.name, ce.c.place, sa.func.count(sa.distinct(ce.c.claim_id)))
                .select_from(ce.join(e))
                .where(ce.c.claim_id.in_(ids))
                .group_by(e.c.name, ce.c.place)
            ).all()
            if ids
            else []
        )
        types = (
            conn.execute(
                sa.select(ev.c.type, sa.func.count(sa.distinct(ev.c.claim_id)))
                .where(ev.c.claim_id.in_(ids))
                .group_by(ev.c.type)
            ).all()
            if ids
            else []
        )
    months = Counter(str(r[4])[:7] for r in rows if r[4] is not None)
    return {
        "sampled": len(rows),
        "capped": capped,
        "status": _top(Counter(r[1] for r in rows)),
        "kind": _top(Counter(r[2] for r in rows)),
        "source": _top(Counter(r[3] for r in rows)),
        "entity": _top(Counter({name: n for name, place, n in named if not place})),
        "place": _top(Counter({name: n for name, place, n in named if place})),
        "type": _top(Counter(dict(types))),
        "volume": [{"month": m, "claims": n} for m, n in sorted(months.items())],
    }


def map_points(store: Store, query: str) -> dict:
    """Places mentioned by, and located events of, the newest SAMPLE matches."""
    ce, e, ev = t.claim_entities, t.entities, t.events
    ids = [r[0] for r in cached_sample(store, query)[0]]
    with store.engine.connect() as conn:
        places = conn.execute(
            sa.select(e.c.name, e.c.lat, e.c.lon, sa.func.count(sa.distinct(ce.c.claim_id)).label("n"))
            .select_from(ce.join(e))
            .where(ce.c.claim_id.in_(ids), ce.c.place.is_(True), e.c.lat.is_not(None), e.c.lon.is_not(None))
            .group_by(e.c.name, e.c.lat, e.c.lon)
            .order_by(sa.text("n DESC"))
            .limit(500)
        ).all()
        events = conn.execute(
            sa.select(ev.c.type, ev.c.lat, ev.c.lon, sa.func.count().label("n"))
            .where(ev.c.claim_id.in_(ids), ev.c.lat.is_not(None), ev.c.lon.is_not(None))
            .group_by(ev.c.type, ev.c.lat, ev.c.lon)
            .order_by(sa.text("n DESC"))
            .limit(500)
        ).all()
    return {
        "places": [{"name": n, "lat": la, "lon": lo, "claims": k} for n, la, lo, k in places],
        "events": [{"type": ty, "lat": la, "lon": lo, "events": k} for ty, la, lo, k in events],
    }


def article(store: Store, article_id: int) -> dict:
    """One stored article: its row, its analysis, and for each claim its row
    id, cluster (with the other outlets that carry it), cross-article links
    and what contradicts it (`contradicted_by`, as in the ledger functions' rows)."""
    a, c = t.articles, t.claims
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(a).where(a.c.id == article_id)).mappings().first()
        if row is None:
            raise InputError(f"no article {article_id} in the ledger")
        analysis = json.loads(
            conn.execute(sa.select(t.analyses.c.json).where(t.analyses.c.article_id == article_id)).scalar_one()
        )
        claims = conn.execute(sa.select(c.c.id, c.c.local_id, c.c.cluster_id).where(c.c.article_id == article_id)).all()
        db_id = {local: cid for cid, local, _ in claims}
        clusters = _clusters(conn, article_id, {cl for _, _, cl in claims if cl is not None})
        links = _links(conn, list(db_id.values()))
        contradicted = contradictions(
            conn,
            [
                {"id": cid, "cluster_id": cl, "contradicted": (clusters.get(cl) or {}).get("contradicted")}
                for cid, _, cl in claims
            ],
        )
        entities = dict(
            conn.execute(
                sa.select(t.entities.c.local_id, t.entities.c.xentity_id).where(t.entities.c.article_id == article_id)
            ).all()
        )
        revisions = _revisions(conn, row["key"])
    meta = {k: v for k, v in _plain(row).items() if k not in ("minhash", "content_hash")}
    cards = {}
    for cid, local, cluster in claims:
        cards[local] = {
            "claim": cid,
            "cluster": clusters.get(cluster),
            "links": links.get(cid, []),
            "contradicted_by": contradicted.get(cid, []),
        }
    return {
        "article": meta,
        "analysis": analysis,
        "claims": cards,
        "entities": {k: v for k, v in entities.items() if v is not None},
        "revisions": revisions,
        "db_ids": db_id,
    }


def _claim_and_article() -> tuple:
    """The columns that name a claim and its article on a card: what the claim says, who, where."""
    c, a = t.claims, t.articles
    return (
        c.c.id,
        c.c.content,
        c.c.source_text,
        a.c.id.label("article_id"),
        a.c.ext_id.label("input_id"),
        a.c.publisher,
        a.c.title,
    )


def _clusters(conn, article_id: int, ids: set[int]) -> dict[int, dict]:
    if not ids:
        return {}
    cl, c, a = t.clusters, t.claims, t.articles
    out = {
        r["id"]: {**_plain(r), "elsewhere": []} for r in conn.execute(sa.select(cl).where(cl.c.id.in_(ids))).mappings()
    }
    rows = conn.execute(
        sa.select(c.c.cluster_id, *_claim_and_article(), a.c.published, a.c.group_id)
        .join(a, a.c.id == c.c.article_id)
        .where(c.c.cluster_id.in_(ids), c.c.article_id != article_id)
        .order_by(a.c.published, c.c.id)
        .limit(CLUSTER_SHOWN * len(ids))
    ).mappings()
    for r in rows:
        shown = out[r["cluster_id"]]["elsewhere"]
        if len(shown) < CLUSTER_SHOWN:
            shown.append(_plain(r))
    return out


def _links(conn, claim_ids: list[int]) -> dict[int, list[dict]]:
    if not claim_ids:
        return {}
    lk, c, a = t.links, t.claims, t.articles
    rows = conn.execute(
        sa.select(lk.c.type, lk.c.a, lk.c.b, lk.c.reason)
        .where(sa.or_(lk.c.a.in_(claim_ids), lk.c.b.in_(claim_ids)))
        .limit(200)
    ).all()
    others = {b if a_ in claim_ids else a_ for _, a_, b, _ in rows}
    info = {
        r["id"]: _plain(r)
        for r in conn.execute(
            sa.select(*_claim_and_article()).join(a, a.c.id == c.c.article_id).where(c.c.id.in_(others))
        ).mappings()
    }
    out: dict[int, list[dict]] = defaultdict(list)
    for kind, a_, b, reason in rows:
        mine, other = (a_, b) if a_ in claim_ids else (b, a_)
        out[mine].append({"type": kind, "reason": reason, "other": info.get(other)})
    return out


def _revisions(conn, key: str) -> list[dict]:
    """Every stored version of the article at this key, oldest first, each with
    the sentences added and removed since the version before."""
    a = t.articles
    base = key.split("#rev", 1)[0]
    rows = conn.execute(
        sa.select(a.c.id, a.c.revision, a.c.ingested_at, a.c.published, t.analyses.c.json)
        .join(t.analyses, t.analyses.c.article_id == a.c.id)
        # base#rev1, base#rev2...: a range of the key's index (a LIKE would read every article)
        .where(sa.or_(a.c.key == base, sa.and_(a.c.key >= base + "#rev", a.c.key < base + "#rew")))
        .order_by(a.c.revision)
    ).all()
    if len(rows) < 2:
        return []
    out, before = [], None
    for rid, rev, at, published, text_json in rows:
        sentences = [s["text"] for s in json.loads(text_json).get("sentences", [])]
        entry = {"article": rid, "revision": rev, "ingested_at": at, "published": published and str(published)}
        if before is not None:
            diff = list(difflib.ndiff(before, sentences))
            entry["added"] = [d[2:] for d in diff if d.startswith("+ ")][:10]
            entry["removed"] = [d[2:] for d in diff if d.startswith("- ")][:10]
        out.append(entry)
        before = sentences
    return out


def entity(store: Store, xentity_id: int) -> dict:
    """A cross-article entity: its spellings, mentions per month, claims by it
    and about it, and the places those claims mention."""
    x, e, c, a, ce = t.xentities, t.entities, t.claims, t.articles, t.claim_entities
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(x).where(x.c.id == xentity_id)).mappings().first()
        if row is None:
            raise InputError(f"no entity {xentity_id} in the ledger")
        spellings = conn.execute(
            sa.select(e.c.name, sa.func.count(sa.distinct(e.c.article_id)).label("n"))
            .where(e.c.xentity_id == xentity_id)
            .group_by(e.c.name)
            .order_by(sa.text("n DESC"), e.c.name)
            .limit(30)
        ).all()
        month = _month(store, a.c.published)
        mentions = conn.execute(
            sa.select(month.label("m"), sa.func.count(sa.distinct(a.c.id)))
            .select_from(e.join(a, a.c.id == e.c.article_id))
            .where(e.c.xentity_id == xentity_id, a.c.published.is_not(None))
            .group_by(month)
            .order_by(month)
        ).all()
        cols = (
            c.c.id,
            c.c.content,
            c.c.source_text.label("source"),
            c.c.status,
            c.c.published,
            c.c.article_id,
            a.c.publisher,
        )
        by = (
            conn.execute(
                sa.select(*cols)
                .select_from(
                    c.join(e, sa.and_(e.c.article_id == c.c.article_id, e.c.local_id == c.c.source_entity)).join(
                        a, a.c.id == c.c.article_id
                    )
                )
                .where(e.c.xentity_id == xentity_id)
                .order_by(c.c.published.desc(), c.c.id.desc())
                .limit(ROWS)
            )
            .mappings()
            .all()
        )
        about_ids = sa.select(ce.c.claim_id).join(e, e.c.id == ce.c.entity_id).where(e.c.xentity_id == xentity_id)
        about = (
            conn.execute(
                sa.select(*cols)
                .join(a, a.c.id == c.c.article_id)
                .where(c.c.id.in_(about_ids))
                .order_by(c.c.published.desc(), c.c.id.desc())
                .limit(ROWS)
            )
            .mappings()
            .all()
        )
        shown = [r["id"] for r in about]
        places = (
            conn.execute(
                sa.select(e.c.name, e.c.lat, e.c.lon, sa.func.count(sa.distinct(ce.c.claim_id)).label("n"))
                .select_from(ce.join(e, e.c.id == ce.c.entity_id))
                .where(ce.c.claim_id.in_(shown), ce.c.place.is_(True), e.c.xentity_id.is_distinct_from(xentity_id))
                .group_by(e.c.name, e.c.lat, e.c.lon)
                .order_by(sa.text("n DESC"))
                .limit(20)
            ).all()
            if shown
            else []
        )
    return {
        "entity": _plain(row),
        "spellings": [{"name": n, "articles": k} for n, k in spellings],
        "mentions": [{"month": m, "articles": k} for m, k in mentions],
        "claims_by": [_plain(r) for r in by],
        "claims_about": [_plain(r) for r in about],
        "places": [{"name": n, "lat": la, "lon": lo, "claims": k} for n, la, lo, k in places],
    }


def version(store: Store, conn=None) -> tuple:
    """Changes whenever something is stored or linked: the key of cached aggregates."""
    if conn is None:
        with store.engine.connect() as conn:
            return version(store, conn)
    return tuple(
        conn.execute(sa.select(sa.func.max(table.c.id))).scalar_one() for table in (t.articles, t.clusters, t.links)
    )


def sources(store: Store) -> dict:
    """Outlets and speakers with how often their claims are corroborated (in a
    cluster with another independent source) or contradicted. A scan of the
    whole ledger: the app caches it per `version`."""
    c, a, cl = t.claims, t.articles, t.clusters
    corroborated = sa.func.sum(sa.case((cl.c.independent > 1, 1), else_=0))
    contradicted = sa.func.sum(sa.case((cl.c.contradicted.is_(True), 1), else_=0))
    joined = c.join(a, a.c.id == c.c.article_id).outerjoin(cl, cl.c.id == c.c.cluster_id)
    current = c.c.article_id.not_in(t.superseded_articles())
    with store.engine.connect() as conn:
        outlets = (
            conn.execute(
                sa.select(
                    a.c.publisher,
                    sa.func.count(sa.distinct(a.c.id)).label("articles"),
                    sa.func.count().label("claims"),
                    corroborated.label("corroborated"),
                    contradicted.label("contradicted"),
                )
                .select_from(joined)
                .where(a.c.publisher.is_not(None), current)
                .group_by(a.c.publisher)
                .order_by(sa.text("claims DESC"), a.c.publisher)
                .limit(ROWS)
            )
            .mappings()
            .all()
        )
        speakers = (
            conn.execute(
                sa.select(
                    sa.func.min(c.c.source_text).label("source"),
                    c.c.source_key,
                    sa.func.count().label("claims"),
                    corroborated.label("corroborated"),
                    contradicted.label("contradicted"),
                )
                .select_from(joined)
                .where(c.c.source_key.is_not(None), c.c.source_key != "", current)
                .group_by(c.c.source_key)
                .order_by(sa.text("claims DESC"), c.c.source_key)
                .limit(ROWS)
            )
            .mappings()
            .all()
        )
    return {"outlets": [_plain(r) for r in outlets], "speakers": [_plain(r) for r in speakers]}


def story_extras(store: Store, rows: list[dict]) -> dict:
    """For a story's clusters: their distinct sources and the dated events of
    their first claims (what contradicts each row comes with it: `contradicted_by`)."""
    clusters = [r["cluster_id"] for r in rows if r.get("cluster_id") is not None]
    firsts = [r["id"] for r in rows]
    ev, cl = t.events, t.clusters
    with store.engine.connect() as conn:
        sources = (
            dict(conn.execute(sa.select(cl.c.id, cl.c.sources).where(cl.c.id.in_(clusters))).all()) if clusters else {}
        )
        events = (
            conn.execute(
                sa.select(ev.c.type, ev.c.trigger, ev.c.time, ev.c.claim_id, ev.c.status, ev.c.negated)
                .where(ev.c.claim_id.in_(firsts), ev.c.time.is_not(None))
                .limit(300)
            )
            .mappings()
            .all()
            if firsts
            else []
        )
    return {"sources": sources, "events": [dict(e) for e in events]}


def articles_of(store: Store, claim_ids: list[int]) -> dict[int, int]:
    """The article of each claim id (the claim check names claims, the page links articles)."""
    if not claim_ids:
        return {}
    c = t.claims
    with store.engine.connect() as conn:
        return dict(conn.execute(sa.select(c.c.id, c.c.article_id).where(c.c.id.in_(claim_ids[:500]))).all())

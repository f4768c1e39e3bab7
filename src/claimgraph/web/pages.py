"""What each page shows, as plain data: the HTML page renders it and its JSON
twin (the same path with `.json`, or `Accept: application/json`) returns it.
"""

from __future__ import annotations

from claimgraph import ledger
from claimgraph.store import Store
from claimgraph.store.search import parse
from claimgraph.web import charts, data, marks

STANCES = ("supports", "refutes", "discusses")
PAIRS = 30  # contradictions shown side by side on a story board
SIDE = ("source", "content", "published", "article_id", "input_id", "title", "publisher")


def search(store: Store, q: str, limit: int) -> dict:
    facets = data.facets(store, q)
    return {
        "query": q,
        "results": ledger.search(q, db=store, limit=limit),
        "facets": facets,
        "chart": charts.bars(facets["volume"]),
    }


def article(store: Store, article_id: int) -> dict:
    out = data.article(store, article_id)
    out["blocks"] = marks.blocks(out["analysis"])
    return out


def story(store: Store, q: str, limit: int) -> dict:
    rows = ledger.story(q, db=store, limit=limit) if q.strip() else []
    extras = data.story_extras(store, rows) if rows else {"sources": {}, "events": []}
    by_claim = {r["id"]: r for r in rows}
    items = []
    for e in extras["events"]:
        row = by_claim.get(e["claim_id"])
        when = charts.timex_date(e["time"])
        if row and when:
            items.append(
                {
                    "date": when,
                    "lane": "event",
                    "label": f"{e['type']} {e['trigger']} ({e['time']})",
                    "article_id": row["article_id"],
                    "claim": row["id"],
                }
            )
    for r in rows:
        when = charts.timex_date(str(r["published"]) if r["published"] else None)
        if when:
            items.append(
                {
                    "date": when,
                    "lane": "claim",
                    "label": f"{r['source']}: {r['content']}"[:160],
                    "article_id": r["article_id"],
                    "claim": r["id"],
                }
            )
    for r in rows:
        r["sources"] = extras["sources"].get(r["cluster_id"])
    return {
        "query": q,
        "clusters": rows,
        "contradictions": _pairs(rows),
        "events": extras["events"],
        "timeline": charts.timeline(items),
    }


def _pairs(rows: list[dict]) -> list[dict]:
    """The story's contradictions side by side: each row (its cluster's first
    claim) against what contradicts it or a copy of it (`contradicted_by`),
    once per pair, at most PAIRS."""
    seen, out = set(), []
    for r in rows:
        for e in r.get("contradicted_by") or []:
            key = frozenset((r["id"], e["claim_id"]))
            if key in seen:
                continue
            seen.add(key)
            side = {k: r.get(k) for k in SIDE}
            out.append({"a": {**side, "claim_id": r["id"]}, "b": e, "reason": e["reason"]})
            if len(out) == PAIRS:
                return out
    return out


def check_available() -> bool:
    # callable, not hasattr: once imported, the submodule claimgraph.ledger.check is an attribute too
    return callable(getattr(ledger, "check", None))


def check(store: Store, claim: str, query: str | None, limit: int) -> dict:
    """The claim check when the ledger has it (`ledger.check(claims, db=, query=)`:
    one row per piece of evidence, with its stance); else claims that share the claim's words."""
    out = {"claim": claim, "query": query or "", "checked": check_available(), "columns": {}, "similar": []}
    if not claim.strip():
        return out
    if out["checked"]:
        rows = ledger.check([claim], db=store, query=query or "")
        articles = data.articles_of(store, [r["id"] for r in rows if isinstance(r.get("id"), int)])
        out["columns"] = {s: [] for s in STANCES}
        for r in rows:
            if r.get("stance") in out["columns"] and len(out["columns"][r["stance"]]) < limit:
                out["columns"][r["stance"]].append({**r, "article_id": articles.get(r.get("id"))})
        out["counts"] = {s: sum(r.get("stance") == s for r in rows) for s in STANCES}
    else:
        out["similar"] = _similar(store, claim, limit)
    return out


def _similar(store: Store, claim: str, limit: int) -> list[dict]:
    # every word of a whole sentence rarely co-occurs: fall back to its longest words
    words = sorted({w.strip(".,;:!?\"'()“”‘’").lower() for w in claim.split()}, key=len, reverse=True)
    words = [w for w in words if len(w) > 3 and any(c.isalnum() for c in w) and ":" not in w]
    for n in (len(words), 4, 2):
        if not words[:n]:
            continue
        q = " ".join(f'"{w}"' for w in words[:n])
        parse(q)
        rows = ledger.search(q, db=store, limit=limit)
        if rows:
            return rows
    return []


def map_page(store: Store, q: str) -> dict:
    points = data.map_points(store, q)
    return {"query": q, **points}


def entity(store: Store, entity_id: int) -> dict:
    out = data.entity(store, entity_id)
    out["chart"] = charts.bars(out["mentions"], key="articles")
    return out

"""Claim check: which stored articles support a claim, refute it, or only discuss it.

Candidates come from the ledger's indexes only (full text over article
bodies and over claims, the entities the claim names, the clusters of the
claims found), at most `limit` articles a claim; each candidate's stored analysis is read by its key and
scored with the stance combiner (`claimgraph.ledger.stance`). Nothing is
re-analysed and no model but the meaning encoder is loaded.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable

import sqlalchemy as sa

from claimgraph.errors import UsageError
from claimgraph.ledger.stance import Doc, assess, combiner, count, doc_from_analysis, encoder_for
from claimgraph.store import Store
from claimgraph.store import schema as t
from claimgraph.store.search import Query, conditions, parse
from claimgraph.text.semantic import terms
from claimgraph.text.translit import name_key

MAX_CLAIM_CHARS = 1000
MAX_CLAIMS = 10_000
HITS = 400  # claims read from each index a claim: the candidates' ceiling, whatever the ledger's size
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_NAME = re.compile(r"\b[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*")


def claim_list(claims: Iterable[str] | str) -> list[str]:
    """The claims as given, each checked: not empty, not too long, no control characters."""
    given = [claims] if isinstance(claims, str) else list(claims)
    if not given:
        raise UsageError("no claim to check")
    if len(given) > MAX_CLAIMS:
        raise UsageError(f"{len(given):,} claims given; at most {MAX_CLAIMS:,} are checked at once")
    for claim in given:
        if not isinstance(claim, str) or not claim.strip():
            raise UsageError("an empty claim: give the claim's words")
        if len(claim) > MAX_CLAIM_CHARS:
            raise UsageError(f"a claim of {len(claim):,} characters; at most {MAX_CLAIM_CHARS:,} are checked")
        parse(_WORD.sub(" ", claim))  # refuses control characters as the search does
    return given


def search_words(claim: str) -> list[str]:
    """The claim's content words, as the full-text index is asked for them."""
    content = set(terms(claim))
    seen: dict[str, None] = {}
    for word in _WORD.findall(claim):
        low = word.lower()
        if len(low) > 2 and (low in content or any(s and low.startswith(s) for s in content)):
            seen.setdefault(low, None)
    return list(seen)[:32]


def _any_word(words: list[str]) -> str:
    """An FTS5 query for any of the words, each quoted."""
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in words)


def _any_word_tsquery(words: list[str]):
    """A PostgreSQL tsquery for any of the words, cut as the index is (migration 0003's functions)."""
    query = sa.func.claimgraph_tsquery(words[0])
    for w in words[1:]:
        query = query.op("||")(sa.func.claimgraph_tsquery(w))
    return query


def _text_hits(store: Store, words: list[str], where: list) -> sa.Select | None:
    """(claim, article, cluster, weight) of the claims that best match the words, best first."""
    if not words:
        return None
    cols = (t.claims.c.id, t.claims.c.article_id, t.claims.c.cluster_id)
    if store.is_sqlite:
        expr = "content : (" + _any_word(words) + ")"
        fts = sa.table("claims_fts", sa.column("rowid"), sa.column("rank"))
        match = (
            sa.select(fts.c.rowid, fts.c.rank)
            .where(sa.literal_column("claims_fts").op("MATCH")(expr))
            .order_by(fts.c.rank)
            .limit(HITS)
            .subquery()
        )
        # bm25 is negative, better the lower: its negation is the weight
        return (
            sa.select(*cols, (-match.c.rank).label("weight"))
            .join(match, match.c.rowid == t.claims.c.id)
            .where(*where)
            .order_by(match.c.rank)
        )
    query = _any_word_tsquery(words)
    tsv = sa.literal_column("claims.tsv")
    rank = sa.func.ts_rank(tsv, query)
    return (
        sa.select(*cols, rank.label("weight"))
        .where(tsv.op("@@")(query), *where)
        .order_by(rank.desc(), t.claims.c.id)
        .limit(HITS)
    )


def _body_hits(store: Store, words: list[str], q: Query, where: list) -> sa.Select | None:
    """(article, weight) of the articles whose whole text best matches the words, best first
    (migration 0006's index): an article is found by its body even where no stored claim holds the words."""
    if not words:
        return None
    if store.is_sqlite:
        fts = sa.table("articles_fts", sa.column("rowid"), sa.column("rank"))
        match = (
            sa.select(fts.c.rowid.label("article_id"), (-fts.c.rank).label("weight"))
            .where(sa.literal_column("articles_fts").op("MATCH")(_any_word(words)))
            .order_by(fts.c.rank)
            .limit(HITS)
        )
    else:
        query = _any_word_tsquery(words)
        tsv = sa.literal_column("articles.tsv")
        rank = sa.func.ts_rank(tsv, query)
        match = (
            sa.select(t.articles.c.id.label("article_id"), rank.label("weight"))
            .where(tsv.op("@@")(query))
            .order_by(rank.desc(), t.articles.c.id)
            .limit(HITS)
        )
    found = match.subquery()
    stmt = sa.select(found.c.article_id, found.c.weight).where(found.c.article_id.not_in(t.superseded_articles()))
    if q.has_text or q.filters:
        # the query's filters are on claims: an article qualifies by a claim of its own that passes them
        stmt = stmt.where(found.c.article_id.in_(sa.select(t.claims.c.article_id).where(*where)))
    return stmt.order_by(found.c.weight.desc())


def _entity_hits(claim: str, where: list) -> sa.Select | None:
    keys = sorted({name_key(m.group()) for m in _NAME.finditer(claim)} - {""})
    if not keys:
        return None
    named = sa.select(t.claim_entities.c.claim_id).where(t.claim_entities.c.key.in_(keys))
    return (
        sa.select(t.claims.c.id, t.claims.c.article_id, t.claims.c.cluster_id)
        .add_columns(sa.literal(0.0).label("weight"))
        .where(t.claims.c.id.in_(named), *where)
        .order_by(t.claims.c.id.desc())
        .limit(HITS)
    )


def candidates(store: Store, claim: str, q: Query, limit: int) -> list[int]:
    """Article ids that may address `claim`, most hits first: from the full-text
    index, the entity keys and the clusters of the claims those find."""
    where = conditions(store, q)
    hits: Counter[int] = Counter()
    best: dict[int, float] = {}
    clusters: set[int] = set()
    words = search_words(claim)
    body: dict[int, float] = {}
    with store.engine.connect() as conn:
        stmt = _body_hits(store, words, q, where)
        if stmt is not None:
            body = {article: float(weight) for article, weight in conn.execute(stmt)}
        for stmt in (_text_hits(store, words, where), _entity_hits(claim, where)):
            if stmt is None:
                continue
            for _, article, cluster, weight in conn.execute(stmt):
                # an article ranks by its best-matching claim, then by how many claims point at it
                best[article] = max(best.get(article, 0.0), float(weight))
                hits[article] += 1
                if cluster is not None:
                    clusters.add(cluster)
        if clusters:
            same = (
                sa.select(t.claims.c.article_id)
                .where(t.claims.c.cluster_id.in_(sorted(clusters)[:HITS]), *where)
                .limit(HITS)
            )
            for (article,) in conn.execute(same):
                hits[article] += 1
    # the body's match ranks first (every article has a body, not every one a matching claim)
    return sorted(hits.keys() | body.keys(), key=lambda a: (-body.get(a, 0.0), -best.get(a, 0.0), -hits[a], a))[:limit]


ARTICLE_COLUMNS = (
    t.articles.c.id,
    t.articles.c.ext_id,
    t.articles.c.url,
    t.articles.c.title,
    t.articles.c.publisher,
    t.articles.c.published,
    t.articles.c.group_id,
    t.analyses.c.json,
)


def documents(store: Store, ids: list[int]) -> dict[int, tuple[dict, Doc]]:
    """Each article's row and its stance `Doc`, read by primary key."""
    if not ids:
        return {}
    stmt = sa.select(*ARTICLE_COLUMNS).join(t.analyses, t.analyses.c.article_id == t.articles.c.id)
    with store.engine.connect() as conn:
        rows = conn.execute(stmt.where(t.articles.c.id.in_(ids))).mappings().all()
    out = {}
    for row in rows:
        info = {k: row[k] for k in row if k != "json"}
        out[row["id"]] = (info, doc_from_analysis(json.loads(row["json"])))
    return out


def _evidence(doc: Doc, a, limit: int = 2) -> list[dict]:
    items = []
    if a.best_claim is not None and a.claim_sims[a.best_claim] > 0:
        c = doc.claims[a.best_claim]
        items.append(
            {
                "kind": "claim",
                "text": c.text,
                "start": c.start,
                "end": c.end,
                "source": c.source,
                "status": c.status,
                "hedges": c.hedges,
                "similarity": round(float(a.claim_sims[a.best_claim]), 3),
            }
        )
    for i in a.order[:limit]:
        s = doc.sentences[i]
        items.append(
            {
                "kind": "sentence",
                "text": s.text,
                "start": s.start,
                "end": s.end,
                "source": None,
                "status": None,
                "hedges": [],
                "similarity": round(float(a.sims[i]), 3),
            }
        )
    return items


def _reason(stance: str, doc: Doc, a) -> str:
    """One line a person can check against the quoted text."""
    if not a.order:
        return f"{stance}: the article has no sentence"
    s = doc.sentences[a.order[0]].text.strip().replace("\n", " ")
    quote = s if len(s) <= 160 else s[:157] + "..."
    best = doc.claims[a.best_claim] if a.best_claim is not None else None
    if stance == "refutes":
        why = (
            f"a {best.status} claim"
            if best is not None and best.status == "denied"
            else f"{count('refute', ' '.join(doc.sentences[i].text for i in a.order[:3]))} refuting cue(s) near it"
        )
    elif stance == "discusses":
        status = f", its nearest stored claim {best.status}" if best is not None else ""
        why = f"{count('discuss', ' '.join(doc.sentences[i].text for i in a.order[:3]))} hedging cue(s) near it{status}"
    else:
        why = "stated without refuting or hedging cues"
    return f"{stance}: nearest sentence (similarity {a.sims[a.order[0]]:.2f}) {quote!r}; {why}"


def check_store(store: Store, claims: list[str], q: Query, limit: int) -> list[dict]:
    """One row per (claim, article) that addresses it, strongest first within each claim."""
    model = combiner()
    encoder = encoder_for(model)
    out: list[dict] = []
    for claim in claims:
        docs = documents(store, candidates(store, claim, q, limit))
        rows: list[dict] = []
        for article_id, (info, doc) in docs.items():
            a = assess(claim, doc, encoder)
            proba = model.proba(a.features)[0]
            stance = model.classes[int(proba.argmax())]
            if stance == "unrelated":
                continue
            rows.append(
                {
                    "claim": claim,
                    "id": info["ext_id"],
                    "stance": stance,
                    "score": round(float(proba.max()), 3),
                    "reason": _reason(stance, doc, a),
                    "evidence": _evidence(doc, a),
                    "article_id": article_id,
                    "url": info["url"],
                    "title": info["title"],
                    "publisher": info["publisher"],
                    "published": info["published"].isoformat() if info["published"] else None,
                    "group": info["group_id"],
                }
            )
        out += sorted(rows, key=lambda r: (-r["score"], r["article_id"]))
    return out

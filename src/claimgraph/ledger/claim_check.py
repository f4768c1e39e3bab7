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
from sqlalchemy.engine import Connection

from claimgraph.errors import UsageError
from claimgraph.ledger.stance import Doc, combiner, count, doc_from_analysis, encoder_for, gate, judge
from claimgraph.store import Store
from claimgraph.store import schema as t
from claimgraph.store.search import Query, conditions, parse
from claimgraph.text.semantic import terms
from claimgraph.text.translit import name_key

MAX_CLAIM_CHARS = 1000
MAX_CLAIMS = 10_000
HITS = 400  # claims read from each index a claim: the candidates' ceiling, whatever the ledger's size
# rows holding a word that make it too common to rank by (see `_matches`): on dev-stance (3,974 claims,
# 453 bodies) only "the" is that common, and each of the 448 headlines gets the candidates it got when
# every word was ranked (its next most frequent word is in 544 claims); counting stops here, so a word
# costs at most this many postings read whatever the ledger's size
COMMON = 1000
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
    return " OR ".join(_quoted(w) for w in words)


def _every_word(words: list[str]) -> str:
    """An FTS5 query for all of the words, each quoted."""
    return " AND ".join(_quoted(w) for w in words)


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _any_word_tsquery(words: list[str]):
    """A PostgreSQL tsquery for any of the words, cut as the index is (migration 0003's functions)."""
    return _tsquery(words, "||")


def _tsquery(words: list[str], op: str):
    query = sa.func.claimgraph_tsquery(words[0])
    for w in words[1:]:
        query = query.op(op)(sa.func.claimgraph_tsquery(w))
    return query


class _Index:
    """One full-text index the check reads: claims' content (FTS5 `claims_fts`'s
    content column / `claims.tsv`) or articles' whole text (`articles_fts` / `articles.tsv`)."""

    def __init__(self, store: Store, claims: bool, where: list = ()) -> None:
        self.sqlite = store.is_sqlite
        self.where = list(where)  # PostgreSQL ranks the claims that pass the query's filters
        self.table = t.claims if claims else t.articles
        self.fts = "claims_fts" if claims else "articles_fts"
        self.column = "content : " if claims else ""  # claims_fts also holds the source's words
        self.tsv = sa.literal_column(f"{self.table.name}.tsv")

    def _fts_match(self, expr: str):
        return sa.literal_column(self.fts).op("MATCH")(self.column + "(" + expr + ")")

    def common(self, conn: Connection, words: list[str]) -> list[str]:
        """The words that COMMON or more rows hold, in one statement: each word's rows are
        counted up to COMMON and no further, whatever the ledger's size. Written as text: it
        runs for every claim, and building it as expressions cost more than running it."""
        if self.sqlite:
            holding = f"SELECT 1 FROM {self.fts} WHERE {self.fts} MATCH :w{{i}}"
            params = {f"w{i}": self.column + "(" + _quoted(w) + ")" for i, w in enumerate(words)}
        else:
            holding = f"SELECT 1 FROM {self.table.name} WHERE {self.table.name}.tsv @@ claimgraph_tsquery(:w{{i}})"
            params = {f"w{i}": w for i, w in enumerate(words)}
        counts = ", ".join(
            f"(SELECT count(*) FROM ({holding.format(i=i)} LIMIT {COMMON}) AS h{i})" for i in range(len(words))
        )
        found = conn.execute(sa.text(f"SELECT {counts}"), params).one()
        return [w for w, n in zip(words, found, strict=True) if n >= COMMON]

    def ranked(self, words: list[str], n: int) -> sa.Subquery:
        """(id, weight) of the n rows that best match any of the words, by bm25 / ts_rank: the
        rank is worked out for every row holding a word, so only rare words are given."""
        if self.sqlite:
            fts = sa.table(self.fts, sa.column("rowid"), sa.column("rank"))
            # bm25 is negative, better the lower: its negation is the weight
            return (
                sa.select(fts.c.rowid.label("id"), (-fts.c.rank).label("weight"))
                .where(self._fts_match(_any_word(words)))
                .order_by(fts.c.rank)
                .limit(n)
                .subquery()
            )
        query = _any_word_tsquery(words)
        rank = sa.func.ts_rank(self.tsv, query)
        return (
            sa.select(self.table.c.id.label("id"), rank.label("weight"))
            .where(self.tsv.op("@@")(query), *self.where)
            .order_by(rank.desc(), self.table.c.id)
            .limit(n)
            .subquery()
        )

    def latest(self, words: list[str], n: int) -> sa.Subquery:
        """(id, weight 0) of the n latest rows that hold all of the words: read newest first
        and stopped after n, with no rank worked out (common words hold too many rows to rank)."""
        if self.sqlite:
            fts = sa.table(self.fts, sa.column("rowid"))
            stmt = sa.select(fts.c.rowid.label("id")).where(self._fts_match(_every_word(words)))
            stmt = stmt.order_by(fts.c.rowid.desc())
        else:
            stmt = sa.select(self.table.c.id.label("id")).where(self.tsv.op("@@")(_tsquery(words, "&&")), *self.where)
            stmt = stmt.order_by(self.table.c.id.desc())
        return stmt.add_columns(sa.literal(0.0).label("weight")).limit(n).subquery()


def _matches(conn: Connection, index: _Index, words: list[str], select) -> list:
    """The rows `select(found)` gives for the index's best matches of the words, best first.

    A word in COMMON or more rows is common: ranking every row it holds would cost in
    proportion to the ledger. The rare words are ranked (on a ledger where no word is
    common, exactly as every word was before); where they bring fewer than HITS rows,
    the latest rows holding all the common words fill up to HITS, weighed below any ranked one."""
    if not words:
        return []
    common = index.common(conn, words)
    rare = [w for w in words if w not in common]
    rows = list(conn.execute(select(index.ranked(rare, HITS)))) if rare else []
    if common and len(rows) < HITS:
        seen = {row[0] for row in rows}
        rows += [row for row in conn.execute(select(index.latest(common, HITS))) if row[0] not in seen]
    return rows[:HITS]


def _text_hits(conn: Connection, store: Store, words: list[str], where: list) -> list:
    """(claim, article, cluster, weight) of the claims that best match the words, best first."""

    def select(found: sa.Subquery) -> sa.Select:
        return (
            sa.select(t.claims.c.id, t.claims.c.article_id, t.claims.c.cluster_id, found.c.weight)
            .join(found, found.c.id == t.claims.c.id)
            .where(*where)
            .order_by(found.c.weight.desc())
        )

    return _matches(conn, _Index(store, claims=True, where=where), words, select)


def _body_hits(conn: Connection, store: Store, words: list[str], q: Query, where: list) -> list:
    """(article, weight) of the articles whose whole text best matches the words, best first
    (migration 0006's index): an article is found by its body even where no stored claim holds the words."""

    def select(found: sa.Subquery) -> sa.Select:
        stmt = sa.select(found.c.id, found.c.weight).where(found.c.id.not_in(t.superseded_articles()))
        if q.has_text or q.filters:
            # the query's filters are on claims: an article qualifies by a claim of its own that passes them
            stmt = stmt.where(found.c.id.in_(sa.select(t.claims.c.article_id).where(*where)))
        return stmt.order_by(found.c.weight.desc())

    return _matches(conn, _Index(store, claims=False), words, select)


def _entity_hits(conn: Connection, store: Store, claim: str, where: list) -> list:
    """(claim, article, cluster, 0) of the latest claims naming the claim's names: each name's
    latest HITS read from its index newest first (SQLite's index on the key holds the rowid)."""
    keys = sorted({name_key(m.group()) for m in _NAME.finditer(claim)} - {""})
    if not keys:
        return []
    ce = t.claim_entities.c
    newest = sa.literal_column("claim_entities.rowid").desc() if store.is_sqlite else ce.claim_id.desc()
    named: set[int] = set()
    for key in keys:
        named.update(conn.execute(sa.select(ce.claim_id).where(ce.key == key).order_by(newest).limit(HITS)).scalars())
    if not named:
        return []
    return list(
        conn.execute(
            sa.select(t.claims.c.id, t.claims.c.article_id, t.claims.c.cluster_id)
            .add_columns(sa.literal(0.0).label("weight"))
            .where(t.claims.c.id.in_(sorted(named)), *where)
            .order_by(t.claims.c.id.desc())
            .limit(HITS)
        )
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
        body = {article: float(weight) for article, weight in _body_hits(conn, store, words, q, where)}
        for rows in (_text_hits(conn, store, words, where), _entity_hits(conn, store, claim, where)):
            for _, article, cluster, weight in rows:
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
    model, relevance = combiner(), gate()
    encoder = encoder_for(model)
    out: list[dict] = []
    for claim in claims:
        ids = candidates(store, claim, q, limit)
        docs = documents(store, ids)
        ranked = [(i, *docs[i]) for i in ids if i in docs]  # retrieval order: the gate reads ranks
        rows: list[dict] = []
        verdicts = judge(claim, [doc for _, _, doc in ranked], encoder, model, relevance)
        for (article_id, info, doc), v in zip(ranked, verdicts, strict=True):
            stance, a = v.stance, v.assessment
            if stance is None:  # about something else
                continue
            rows.append(
                {
                    "claim": claim,
                    "id": info["ext_id"],
                    "stance": stance,
                    "score": round(v.score, 3),
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

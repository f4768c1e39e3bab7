"""One query syntax on both back ends.

    "oil depot" drones source:Ukraine entity:Belgorod place:Belgorod
    status:denied type:ASSAULT type:direct from:2024-12 to:2024-12-31 is:contradicted -rumour

Words and "phrases" must all occur in a claim (its content or source;
English stemming on both back ends); `-word` must not; `source:` wants its
words, in order, in the claim's source. Filters narrow:
several values of one filter are alternatives, different filters all apply.
`type:` takes a PLOVER event type (ASSAULT) or a claim kind (direct). Dates
may be a year, a month or a day; `to:` includes the whole period.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from claimgraph.errors import UsageError
from claimgraph.store import Store
from claimgraph.store import schema as t
from claimgraph.text.translit import name_key

FILTERS = ("source", "entity", "place", "status", "type", "from", "to", "is")
CLAIM_KINDS = ("direct", "indirect", "mixed", "unattributed")
STATUSES = ("asserted", "reported", "speculated", "denied")
_TOKEN = re.compile(r'(-?)(?:(\w+):"([^"]*)"?|(\w+):(\S+)|"([^"]*)"?|(\S+))')
_WORD = re.compile(r"\w+")


@dataclass
class Query:
    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)

    @property
    def has_text(self) -> bool:
        return bool(self.words or self.phrases)


def parse(text: str) -> Query:
    q = Query()
    for m in _TOKEN.finditer(text):
        neg, key, qval, key2, val, phrase, word = m.groups()
        key, value = (key, qval) if key is not None else (key2, val)
        if key is not None and key.lower() in FILTERS:
            q.filters.setdefault(key.lower(), []).append(value)
        elif key is not None and not value.startswith("//"):
            raise UsageError(f"unknown filter '{key}:'; use one of {', '.join(f + ':' for f in FILTERS)}")
        elif phrase is not None:
            (q.excluded if neg else q.phrases).append(phrase)
        else:
            token = word if word is not None else m.group(0).lstrip("-")
            words = _WORD.findall(token)
            (q.excluded if neg else q.words).extend(words)
    if q.excluded and not q.has_text:
        raise UsageError("a search needs at least one word or phrase besides the excluded ones")
    return q


def _period(value: str, end: bool) -> date:
    try:
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 1:
            return date(parts[0], 12, 31) if end else date(parts[0], 1, 1)
        if len(parts) == 2:
            last = calendar.monthrange(parts[0], parts[1])[1]
            return date(parts[0], parts[1], last if end else 1)
        return date(parts[0], parts[1], parts[2])
    except (ValueError, IndexError):
        which = "to" if end else "from"
        raise UsageError(f"{which}:{value} is not a date such as 2024, 2024-12 or 2024-12-08") from None


def _quoted(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def _fts5(q: Query) -> str:
    """The FTS5 expression: every word and phrase, none of the excluded, and
    (folded in, so that one index lookup does it all) the source filter."""
    parts = [_quoted(x) for x in q.words + q.phrases]
    sources = q.filters.get("source", [])
    if sources:
        parts.append("(" + " OR ".join(f"source_text : {_quoted(v)}" for v in sources) + ")")
    return " AND ".join(parts) + "".join(f" NOT {_quoted(x)}" for x in q.excluded)


def _text_clause(store: Store, q: Query):
    """The where clause for words, phrases and (on SQLite) the source filter."""
    if store.is_sqlite:
        fts = sa.table("claims_fts", sa.column("rowid"))
        match = sa.select(fts.c.rowid).where(sa.literal_column("claims_fts").op("MATCH")(_fts5(q)))
        return t.claims.c.id.in_(match)
    tsv = sa.literal_column("claims.tsv")
    parts = [sa.func.plainto_tsquery("english", w) for w in q.words]
    parts += [sa.func.phraseto_tsquery("english", p) for p in q.phrases]
    parts += [sa.func.tsquery_not(sa.func.plainto_tsquery("english", x)) for x in q.excluded]
    tsq = parts[0]
    for p in parts[1:]:
        tsq = sa.func.tsquery_and(tsq, p)
    return tsv.op("@@")(tsq)


def _entity_claims(value: str, place: bool):
    """Claims that mention the entity, or any entity unified with it across articles."""
    key = name_key(value)
    named = sa.select(t.entities.c.xentity_id).join(t.entity_keys, t.entity_keys.c.entity_id == t.entities.c.id)
    named = named.where(t.entity_keys.c.key == key, t.entities.c.xentity_id.is_not(None))
    same = sa.select(t.entities.c.id).where(t.entities.c.xentity_id.in_(named))
    direct = sa.select(t.entity_keys.c.entity_id).where(t.entity_keys.c.key == key)
    sel = sa.select(t.claim_entities.c.claim_id).where(
        sa.or_(t.claim_entities.c.entity_id.in_(same), t.claim_entities.c.entity_id.in_(direct))
    )
    if place:
        sel = sel.where(t.claim_entities.c.place.is_(True))
    return t.claims.c.id.in_(sel)


def conditions(store: Store, q: Query) -> list:
    """The WHERE conditions of a query."""
    where: list = []
    f = q.filters
    if q.has_text or (store.is_sqlite and "source" in f):
        where.append(_text_clause(store, q))
    if "source" in f and not store.is_sqlite:
        # the same words-in-order match as FTS5's column filter on SQLite
        source_tsv = sa.literal_column("claims.source_tsv")
        where.append(sa.or_(*(source_tsv.op("@@")(sa.func.phraseto_tsquery("english", v)) for v in f["source"])))
    for name, place in (("entity", False), ("place", True)):
        if name in f:
            where.append(sa.or_(*(_entity_claims(v, place) for v in f[name])))
    if "status" in f:
        bad = [v for v in f["status"] if v.lower() not in STATUSES]
        if bad:
            raise UsageError(f"status:{bad[0]} is not one of {', '.join(STATUSES)}")
        where.append(t.claims.c.status.in_([v.lower() for v in f["status"]]))
    if "type" in f:
        kinds = [v.lower() for v in f["type"] if v.lower() in CLAIM_KINDS]
        plover = [v.upper() for v in f["type"] if v.lower() not in CLAIM_KINDS]
        where.append(
            sa.or_(
                t.claims.c.kind.in_(kinds),
                t.claims.c.id.in_(sa.select(t.events.c.claim_id).where(t.events.c.type.in_(plover))),
            )
        )
    if "from" in f:
        where.append(t.claims.c.published >= max(_period(v, False) for v in f["from"]))
    if "to" in f:
        where.append(t.claims.c.published <= min(_period(v, True) for v in f["to"]))
    states = {v.lower() for v in f.get("is", [])}
    for v in sorted(states - {"contradicted", "superseded"}):
        raise UsageError(f"is:{v} is not known; use is:contradicted or is:superseded")
    if "contradicted" in states:
        where.append(t.claims.c.cluster_id.in_(sa.select(t.clusters.c.id).where(t.clusters.c.contradicted.is_(True))))
    # an article updated at its URL keeps its old versions; they are found only when asked for
    old = t.superseded_articles()
    where.append(t.claims.c.article_id.in_(old) if "superseded" in states else t.claims.c.article_id.not_in(old))
    return where


COLUMNS = (
    t.claims.c.id,
    t.claims.c.content,
    t.claims.c.source_text.label("source"),
    t.claims.c.cue,
    t.claims.c.status,
    t.claims.c.kind,
    t.claims.c.published,
    t.claims.c.article_id,
    t.articles.c.title,
    t.articles.c.url,
    t.articles.c.publisher,
    t.claims.c.cluster_id,
    t.clusters.c.articles.label("cluster_articles"),
    t.clusters.c.independent.label("cluster_independent"),
    t.clusters.c.contradicted,
)


def select_claims(store: Store, q: Query, order: str = "newest") -> sa.Select:
    where = conditions(store, q)
    stmt = (
        sa.select(*COLUMNS)
        .join(t.articles, t.articles.c.id == t.claims.c.article_id)
        .outerjoin(t.clusters, t.clusters.c.id == t.claims.c.cluster_id)
        .where(*where)
    )
    if order == "time":
        return stmt.order_by(t.claims.c.published.is_(None), t.claims.c.published, t.claims.c.id)
    # Newest first on both back ends, so that the same query lists the same
    # claims in the same order whichever database holds them.
    return stmt.order_by(t.claims.c.published.is_(None), t.claims.c.published.desc(), t.claims.c.id.desc())


def search(store: Store, query: str | Query, limit: int | None = 20, order: str = "newest") -> list[dict]:
    """Claims matching `query`, newest first (oldest first with order="time")."""
    q = parse(query) if isinstance(query, str) else query
    stmt = select_claims(store, q, order)
    if limit is not None:
        stmt = stmt.limit(limit)
    with store.engine.connect() as conn:
        try:
            rows = conn.execute(stmt).mappings().all()
        except sa.exc.OperationalError as exc:  # e.g. an FTS5 syntax the quoting did not foresee
            raise UsageError(f"cannot search for {query!r}: {str(exc.orig).splitlines()[0]}") from None
    return [dict(r) for r in rows]

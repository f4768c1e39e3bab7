"""One query syntax on both back ends, with one result.

    "oil depot" drones source:Ukraine entity:Belgorod place:Belgorod
    status:denied type:ASSAULT type:direct from:2024-12 to:2024-12-31 is:contradicted -rumour

Words and "phrases" must all occur in a claim (its content or source); `-word`
must not; `source:` wants its words, in order, in the claim's source. A word
with punctuation inside (oil-depot, U.S.) is the phrase of its parts. Filters
narrow: several values of one filter are alternatives, different filters all
apply. `type:` takes a PLOVER event type (ASSAULT) or a claim kind (direct).
Dates may be a year, a month or a day; `to:` includes the whole period.

Both back ends cut, fold and stem text alike: SQLite's FTS5 `porter
unicode61` tokenizer, which PostgreSQL's `claimgraph_tsvector` and
`claimgraph_tsquery` reproduce (migration 0003): Porter stemming, no stop
words, case and diacritics folded.

A query has at most MAX_QUERY_CHARS characters, MAX_TERMS words and phrases
and MAX_FILTERS filter values, and no control characters: beyond that it is
refused, on one line, before it reaches the database.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from claimgraph.errors import UsageError
from claimgraph.formats.terminal import CONTROL
from claimgraph.store import Store
from claimgraph.store import schema as t
from claimgraph.text.translit import name_key

FILTERS = ("source", "entity", "place", "status", "type", "from", "to", "is")
CLAIM_KINDS = ("direct", "indirect", "mixed", "unattributed")
STATUSES = ("asserted", "reported", "speculated", "denied")
MAX_QUERY_CHARS = 1000
MAX_TERMS = 64
MAX_FILTERS = 16
_TOKEN = re.compile(r'(-?)(?:(\w+):"([^"]*)"?|(\w+):(\S+)|"([^"]*)"?|(\S+))')


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
    if len(text) > MAX_QUERY_CHARS:
        raise UsageError(f"the query has {len(text):,} characters; at most {MAX_QUERY_CHARS:,} are searched")
    _refuse_controls(text)
    q = Query()
    for m in _TOKEN.finditer(text):
        neg, key, qval, key2, val, phrase, word = m.groups()
        key, value = (key, qval) if key is not None else (key2, val)
        if key is not None and key.lower() in FILTERS:
            q.filters.setdefault(key.lower(), []).append(value)
        elif key is not None and not value.startswith("//"):
            raise UsageError(f"unknown filter '{key}:'; use one of {', '.join(f + ':' for f in FILTERS)}")
        else:
            term = phrase if phrase is not None else word if word is not None else m.group(0).lstrip("-")
            if _has_token(term):  # "*" or "^" alone is nothing to look for, on either back end
                (q.excluded if neg else q.phrases if phrase is not None else q.words).append(term)
    check(q)
    return q


def check(q: Query) -> None:
    """Refuse what the back ends would not answer alike, or not in time: an
    exclusion alone (FTS5 cannot), a query too big, control characters."""
    if q.excluded and not q.has_text:
        raise UsageError("a search needs at least one word or phrase besides the excluded ones")
    terms = len(q.words) + len(q.phrases) + len(q.excluded)
    if terms > MAX_TERMS:
        raise UsageError(f"the query has {terms} words and phrases; at most {MAX_TERMS} are searched")
    values = sum(len(v) for v in q.filters.values())
    if values > MAX_FILTERS:
        raise UsageError(f"the query has {values} filter values; at most {MAX_FILTERS} are searched")
    for value in (v for vs in q.filters.values() for v in vs):
        _refuse_controls(value)
    for value in q.filters.get("source", []):
        if not _has_token(value):
            raise UsageError(f"source:{value} has no word to look for")


def _refuse_controls(text: str) -> None:
    # PostgreSQL refuses NUL outright, and a terminal would act on the others when the query is echoed
    bad = CONTROL.search(text.replace("\r", " "))
    if bad:
        raise UsageError(f"the query holds a control character (U+{ord(bad.group()):04X}); take it out")


def _has_token(text: str) -> bool:
    return any(c.isalnum() for c in text)


def period(value: str, end: bool, given: str) -> date:
    """The first (or with `end`, the last) day of a year, month or day; `given`
    names the value in the error (from:2024-13, --since 2024-13)."""
    try:
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 1:
            return date(parts[0], 12, 31) if end else date(parts[0], 1, 1)
        if len(parts) == 2:
            last = calendar.monthrange(parts[0], parts[1])[1]
            return date(parts[0], parts[1], last if end else 1)
        return date(parts[0], parts[1], parts[2])
    except (ValueError, IndexError):
        raise UsageError(f"{given} is not a date such as 2024, 2024-12 or 2024-12-08") from None


def _quoted(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def _fts5(q: Query) -> str:
    """The FTS5 expression: every word and phrase (each a quoted phrase, cut by
    the tokenizer), none of the excluded, and (folded in, so that one index
    lookup does it all) the source filter. Flat: an AND chain, not a tree."""
    parts = [_quoted(x) for x in q.words + q.phrases]
    sources = q.filters.get("source", [])
    if sources:
        parts.append("(" + " OR ".join(f"source_text : {_quoted(v)}" for v in sources) + ")")
    return " AND ".join(parts) + "".join(f" NOT {_quoted(x)}" for x in q.excluded)


def _matches(column: str, text: str):
    """`column` holds the phrase of `text`'s tokens, cut and stemmed as FTS5 does (migration 0003)."""
    return sa.literal_column(column).op("@@")(sa.func.claimgraph_tsquery(text))


def _text_clauses(store: Store, q: Query, within=None) -> list:
    """The where clauses for words, phrases and (on SQLite) the source filter:
    one FTS5 MATCH, or one @@ per term (a flat AND: a nested tsquery_and
    tree recursed past Python's limit at a few thousand words). `within`: a
    select of the only claim ids wanted, looked up in the index one by one
    rather than listing every match (the members of a few clusters)."""
    if store.is_sqlite:
        fts = sa.table("claims_fts", sa.column("rowid"))
        match = sa.select(fts.c.rowid).where(sa.literal_column("claims_fts").op("MATCH")(_fts5(q)))
        if within is not None:
            match = match.where(fts.c.rowid.in_(within))
        return [t.claims.c.id.in_(match)]
    where = [_matches("claims.tsv", x) for x in q.words + q.phrases]
    return where + [sa.not_(_matches("claims.tsv", x)) for x in q.excluded]


def _entity_claims(values: list[str], place: bool):
    """Claims that mention one of the entities, or any entity unified with one across articles."""
    keys = sorted({name_key(v) for v in values})
    named = sa.select(t.entities.c.xentity_id).join(t.entity_keys, t.entity_keys.c.entity_id == t.entities.c.id)
    named = named.where(t.entity_keys.c.key.in_(keys), t.entities.c.xentity_id.is_not(None))
    same = sa.select(t.entities.c.id).where(t.entities.c.xentity_id.in_(named))
    direct = sa.select(t.entity_keys.c.entity_id).where(t.entity_keys.c.key.in_(keys))
    sel = sa.select(t.claim_entities.c.claim_id).where(
        sa.or_(t.claim_entities.c.entity_id.in_(same), t.claim_entities.c.entity_id.in_(direct))
    )
    if place:
        sel = sel.where(t.claim_entities.c.place.is_(True))
    return t.claims.c.id.in_(sel)


def _date_range(q: Query) -> list:
    f, where = q.filters, []
    if "from" in f:
        where.append(t.claims.c.published >= max(period(v, False, f"from:{v}") for v in f["from"]))
    if "to" in f:
        where.append(t.claims.c.published <= min(period(v, True, f"to:{v}") for v in f["to"]))
    return where


def conditions(store: Store, q: Query, within=None) -> list:
    """The WHERE conditions of a query (`within` as in `_text_clauses`)."""
    where: list = []
    f = q.filters
    if q.has_text or (store.is_sqlite and "source" in f):
        where += _text_clauses(store, q, within)
    if "source" in f and not store.is_sqlite:
        # the same words-in-order match as FTS5's column filter on SQLite
        where.append(sa.or_(*(_matches("claims.source_tsv", v) for v in f["source"])))
    for name, place in (("entity", False), ("place", True)):
        if name in f:
            where.append(_entity_claims(f[name], place))
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
    where += _date_range(q)
    states = {v.lower() for v in f.get("is", [])}
    for v in sorted(states - {"contradicted", "superseded"}):
        raise UsageError(f"is:{v} is not known; use is:contradicted or is:superseded")
    if "contradicted" in states:
        # per claim, its cluster's row by primary key: a list of every contradicted cluster is built
        # by reading them all (60 ms at 250,000 claims), and a walk of the date index stops early
        k = t.clusters.alias("k")
        where.append(sa.exists().where(k.c.id == t.claims.c.cluster_id, k.c.contradicted.is_(True)))
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
    t.articles.c.ext_id.label("input_id"),  # the article's id as the user gave it (JSON Lines `id`)
    t.articles.c.title,
    t.articles.c.url,
    t.articles.c.publisher,
    t.claims.c.cluster_id,
    t.articles.c.story_id,
    t.clusters.c.articles.label("cluster_articles"),
    t.clusters.c.independent.label("cluster_independent"),
    t.clusters.c.contradicted,
)


# SQLite: a text that matches more than WALK_AT claims is cheaper answered by
# reading claims in date order (ix_claims_published) and keeping the matches
# until LIMIT is reached than by sorting every match (10 ms against 170 ms for
# a word in 85,000 of 1M claims, bench/web_bench.py); fewer matches are sorted.
# The walk reads at most the WINDOW newest (oldest) claims: when they hold
# fewer than LIMIT matches (a filter keeps few), the matches are sorted after all.
WALK_AT = 5000
WINDOW = 50_000
NOT_WALKED = {"superseded"}  # old versions of articles are few: sorting them is cheaper


def date_walk(store: Store, q: Query, conn, order: str = "newest"):
    """None where a LIMITed query should sort its matches; else the condition
    that keeps a walk of SQLite's date index inside the WINDOW (sa.true() on a smaller ledger)."""
    if not store.is_sqlite or {v.lower() for v in q.filters.get("is", [])} & NOT_WALKED:
        return None
    if not (q.has_text or "source" in q.filters):
        # no text: the newest claims (of a date range) are the index's first, so a walk reads only
        # them (0.1 ms against 300 ms to sort 250,000 claims); a filter may keep few, hence the window
        return sa.true() if set(q.filters) <= {"from", "to"} else _window(store, q, conn, order)
    n = conn.execute(
        sa.text("SELECT count(*) FROM (SELECT rowid FROM claims_fts WHERE claims_fts MATCH :m LIMIT :cap)"),
        {"m": _fts5(q), "cap": WALK_AT},
    ).scalar_one()
    if n < WALK_AT:
        return None
    return _window(store, q, conn, order)


def _window(store: Store, q: Query, conn, order: str):
    """The condition that keeps a walk of the date index to the WINDOW newest (oldest) claims."""
    col = t.claims.c.published
    edge = conn.execute(
        sa.select(col)
        .where(col.is_not(None), *_date_range(q))  # the window starts where the query's dates do
        .order_by(col if order == "time" else col.desc())
        .offset(WINDOW)
        .limit(1)
    ).scalar()
    if edge is None:
        return sa.true()
    return col <= edge if order == "time" else col >= edge


def _few_contradicted(store: Store, q: Query, conn):
    """SQLite, a text and is:contradicted: the claims of contradicted clusters
    when they are fewer than WALK_AT, to look up in the full-text index one by
    one rather than list every match of the text (None otherwise)."""
    if not store.is_sqlite or not q.has_text or "contradicted" not in {v.lower() for v in q.filters.get("is", [])}:
        return None
    few = sa.select(t.claims.c.id).where(
        t.claims.c.cluster_id.in_(sa.select(t.clusters.c.id).where(t.clusters.c.contradicted.is_(True)))
    )
    n = conn.execute(sa.select(sa.func.count()).select_from(few.limit(WALK_AT).subquery())).scalar_one()
    return few if n < WALK_AT else None


def select_claims(store: Store, q: Query, order: str = "newest", walk: bool = False, within=None) -> sa.Select:
    """`walk` (SQLite only, see WALK_AT): read the date index (dated claims only
    for order="time", where they come first; the caller bounds it, see `date_walk`)."""
    where = conditions(store, q, within)
    stmt = (
        sa.select(*COLUMNS)
        .join(t.articles, t.articles.c.id == t.claims.c.article_id)
        .outerjoin(t.clusters, t.clusters.c.id == t.claims.c.cluster_id)
        .where(*where)
    )
    if walk:
        # the index holds (published, rowid): its order is the one below, undated claims first
        stmt = stmt.with_hint(t.claims, "INDEXED BY ix_claims_published", "sqlite")
        if order == "time":
            return stmt.where(t.claims.c.published.is_not(None)).order_by(t.claims.c.published, t.claims.c.id)
        return stmt.order_by(t.claims.c.published.desc(), t.claims.c.id.desc())  # undated last, as below
    if order == "time":
        return stmt.order_by(t.claims.c.published.is_(None), t.claims.c.published, t.claims.c.id)
    # Newest first on both back ends, so that the same query lists the same
    # claims in the same order whichever database holds them.
    return stmt.order_by(t.claims.c.published.is_(None), t.claims.c.published.desc(), t.claims.c.id.desc())


def search(
    store: Store, query: str | Query, limit: int | None = 20, order: str = "newest", clusters: list[int] | None = None
) -> list[dict]:
    """Claims matching `query`, newest first (oldest first with order="time");
    with `clusters`, only the members of those clusters."""
    q = parse(query) if isinstance(query, str) else query
    check(q)
    with store.engine.connect() as conn:
        try:
            if clusters is not None:
                # the members of a few clusters, not every text match
                members = sa.select(t.claims.c.id).where(t.claims.c.cluster_id.in_(clusters))
                stmt = select_claims(store, q, order, within=members).where(t.claims.c.cluster_id.in_(clusters))
                rows = conn.execute(stmt.limit(limit) if limit is not None else stmt).mappings().all()
            else:
                rows = []
                bound = date_walk(store, q, conn, order) if limit is not None else None
                if bound is not None:
                    walk = select_claims(store, q, order, walk=True).where(bound).limit(limit)
                    rows = conn.execute(walk).mappings().all()
                if bound is None or len(rows) < limit:  # the window held too few: sort them all
                    # (few text matches are sorted at once; the contradicted claims are listed only for many)
                    few = _few_contradicted(store, q, conn) if bound is not None else None
                    stmt = select_claims(store, q, order, within=few)
                    rows = conn.execute(stmt.limit(limit) if limit is not None else stmt).mappings().all()
        except sa.exc.OperationalError as exc:
            if "fts5" not in str(exc.orig):  # a database failure, not the query's: the caller reports it
                raise
            # an FTS5 syntax the quoting did not foresee
            raise UsageError(f"cannot search for {query!r}: {str(exc.orig).splitlines()[0]}") from None
    return [dict(r) for r in rows]

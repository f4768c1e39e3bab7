"""Stories stored: each current article's `articles.story_id`, the id of its
story's first article, placed with `stories`' streaming scores.

Articles are placed in id order, each against the earlier articles that share
one of its stored terms (`story_terms`, indexed by term) inside the time
window, never against every article; its vector is weighed with the document
frequencies of the articles placed before it (`story_df`). An incremental run
reads just those rows, so it gives what a full run gives.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from claimgraph.link import stories
from claimgraph.link.evidence import name_words
from claimgraph.link.unionfind import UnionFind
from claimgraph.store import schema as t
from claimgraph.store.bulk import chunks, insert_chunked, reassign, update_chunked

_a = t.articles.c


def needs_full(conn: Connection) -> bool:
    """A placed article was superseded, or an unplaced one comes before a placed one."""
    placed = _a.story_id.is_not(None)
    if conn.execute(sa.select(_a.id).where(placed, _a.superseded_by.is_not(None)).limit(1)).first():
        return True
    last = conn.execute(sa.select(sa.func.max(_a.id)).where(placed)).scalar()
    first = conn.execute(sa.select(sa.func.min(unplaced().subquery().c.id))).scalar()
    return last is not None and first is not None and first < last


def unplaced():
    """Current articles without a story."""
    return sa.select(_a.id).where(_a.story_id.is_(None), _a.superseded_by.is_(None))


def place_stories(conn: Connection, full: bool) -> None:
    """Give the new articles (or, with `full`, all current ones) their story."""
    if full or needs_full(conn):
        conn.execute(t.articles.update().values(story_id=None))
        conn.execute(t.story_terms.delete())
        conn.execute(t.story_df.delete())
    new = conn.execute(unplaced().add_columns(_a.published).order_by(_a.id)).all()
    if not new:
        return
    ids = [row[0] for row in new]
    counts = _term_counts(conn, ids)
    names = _entity_names(conn, ids)
    touched = {w for c in counts.values() for w in c} | {f"e:{x}" for ns in names.values() for x in ns}
    df = _df(conn, sorted(touched))
    n = conn.execute(sa.select(sa.func.count()).where(_a.story_id.is_not(None))).scalar_one()
    vectors = {}
    for k, (aid, _published) in enumerate(new):
        text = stories.placed_vector(counts.get(aid, Counter()), df, n + k)
        entities = stories.entity_vector(names.get(aid, frozenset()), df, n + k)
        vectors[aid] = stories.weighted(text, entities)

    placed, uf = stories.Placed(), UnionFind()
    stored_roots = _load_candidates(conn, new, {w for v in vectors.values() for w in v}, placed, uf)
    for aid, published in new:
        vector = vectors[aid]
        for other, score in placed.scores(vector, published).items():
            if score >= stories.STREAM_THRESHOLD:
                uf.union(other, aid)
        placed.add(aid, vector, published)

    merged = uf.merged(stored_roots)
    reassign(conn, t.articles, "story_id", merged)
    update_chunked(conn, t.articles, "story_id", [(aid, uf.find(aid)) for aid in ids])
    rows = [{"term": w, "article_id": aid, "weight": x} for aid in ids for w, x in vectors[aid].items()]
    insert_chunked(conn, t.story_terms, rows)
    _write_df(conn, df, touched)


def _term_counts(conn: Connection, ids: list[int]) -> dict[int, Counter]:
    """Each article's term counts, from the text its stored analysis holds."""
    out = {}
    for chunk in chunks(ids, 500):  # analyses are big: a few hundred at a time
        query = sa.select(t.analyses.c.article_id, t.analyses.c.json).where(t.analyses.c.article_id.in_(chunk))
        for aid, doc in conn.execute(query):
            out[aid] = stories.term_counts(json.loads(doc).get("text") or "")
    return out


def _entity_names(conn: Connection, ids: list[int]) -> dict[int, frozenset[str]]:
    """Each article's entity names, folded to ASCII words (not the name keys,
    whose consonant skeletons join unrelated short names)."""
    out: dict[int, set[str]] = {}
    for chunk in chunks(ids):
        query = sa.select(t.entities.c.article_id, t.entities.c.name).where(t.entities.c.article_id.in_(chunk))
        for aid, name in conn.execute(query):
            folded = " ".join(sorted(name_words(name)))
            if folded and len(folded) <= stories.MAX_TERM:
                out.setdefault(aid, set()).add(folded)
    return {aid: frozenset(x) for aid, x in out.items()}


def _df(conn: Connection, words: list[str]) -> dict[str, int]:
    df: dict[str, int] = {}
    for chunk in chunks(words):
        query = sa.select(t.story_df.c.term, t.story_df.c.df).where(t.story_df.c.term.in_(chunk))
        df.update((w, k) for w, k in conn.execute(query))
    return df


def _write_df(conn: Connection, df: dict[str, int], touched: set[str]) -> None:
    words = sorted(touched)
    for chunk in chunks(words):
        conn.execute(t.story_df.delete().where(t.story_df.c.term.in_(chunk)))
    insert_chunked(conn, t.story_df, [{"term": w, "df": df[w]} for w in words])


def _load_candidates(conn: Connection, new: list, words: set[str], placed: stories.Placed, uf: UnionFind) -> set[int]:
    """The placed articles sharing a term with the new ones, inside the time
    window of the new ones' dates (undated ones always): into `placed`, each
    hanging under its story in `uf`. Returns their stories."""
    dates = [p for _aid, p in new if p is not None]
    window = timedelta(days=stories.WINDOW_DAYS)
    when = sa.true()  # an undated new article is compared with every date
    if len(dates) == len(new):
        when = sa.or_(_a.published.is_(None), _a.published.between(min(dates) - window, max(dates) + window))
    s = t.story_terms.c
    postings = []
    for chunk in chunks(sorted(words)):
        query = (
            sa.select(s.article_id, s.term, s.weight, _a.published, _a.story_id)
            .join(t.articles, _a.id == s.article_id)
            .where(s.term.in_(chunk), when)
        )
        postings.extend(conn.execute(query).all())
    roots = set()
    vectors: dict[int, dict[str, float]] = {}
    for aid, term, weight, published, story in sorted(postings, key=lambda r: r[0]):
        vectors.setdefault(aid, {})[term] = weight
        placed.published[aid] = published
        uf.parent[aid] = story
        roots.add(story)
    for aid, vector in vectors.items():
        placed.add(aid, vector, placed.published[aid])
    return roots

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
from bisect import bisect_right
from collections import Counter, defaultdict
from datetime import date, timedelta

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


def place_stories(conn: Connection, full: bool) -> list[tuple[int, int, float]]:
    """Give the new articles (or, with `full`, all current ones) their story;
    returns the story edges of the articles placed (earlier article, later
    article, score): what the meaning pass of the claim clusters compares."""
    if full or needs_full(conn):
        conn.execute(t.articles.update().values(story_id=None))
        conn.execute(t.story_terms.delete())
        conn.execute(t.story_df.delete())
    new = conn.execute(unplaced().add_columns(_a.published).order_by(_a.id)).all()
    if not new:
        return []
    ids = [row[0] for row in new]
    n = conn.execute(sa.select(sa.func.count()).where(_a.story_id.is_not(None))).scalar_one()
    df: dict[str, int] = {}
    touched: set[str] = set()  # the terms whose stored document frequency has been read into `df`
    vectors = {}
    # a few hundred articles' term counts at a time (a full link of 250,000 articles held them all):
    # each vector is fixed in id order, as before, with the stored frequencies read before a term's first use
    for k0 in range(0, len(ids), 500):
        chunk = ids[k0 : k0 + 500]
        counts, names = _term_counts(conn, chunk), _entity_names(conn, chunk)
        terms = {w for c in counts.values() for w in c} | {f"e:{x}" for ns in names.values() for x in ns}
        df.update(_df(conn, sorted(terms - touched)))
        touched |= terms
        for k, aid in enumerate(chunk, k0):
            text = stories.placed_vector(counts.get(aid, Counter()), df, n + k)
            entities = stories.entity_vector(names.get(aid, frozenset()), df, n + k)
            vectors[aid] = stories.weighted(text, entities)

    placed, uf = stories.Placed(), UnionFind()
    stored_roots = _load_candidates(conn, new, vectors, placed, uf) if n else set()
    edges = []
    for aid, published in new:
        vector = vectors[aid]
        for other, score in placed.scores(vector, published).items():
            if score >= stories.STREAM_THRESHOLD:
                uf.union(other, aid)
                edges.append((other, aid, score))
        placed.add(aid, vector, published)

    merged = uf.merged(stored_roots)
    reassign(conn, t.articles, "story_id", merged)
    update_chunked(conn, t.articles, "story_id", [(aid, uf.find(aid)) for aid in ids])
    for chunk in chunks(ids, 1000):  # the postings' rows a thousand articles at a time
        insert_chunked(
            conn,
            t.story_terms,
            [{"term": w, "article_id": aid, "weight": x} for aid in chunk for w, x in vectors[aid].items()],
        )
    _write_df(conn, df, touched)
    return edges


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


def _load_candidates(
    conn: Connection, new: list, vectors: dict[int, stories.Vector], placed: stories.Placed, uf: UnionFind
) -> set[int]:
    """The placed articles sharing a term with a new one inside that one's
    time window (undated ones always), with the postings of those terms only:
    into `placed`, each hanging under its story in `uf`. Returns their stories.

    A batch spans months, so its overall date range would take in nearly every
    article: the postings are kept per term, for the windows of the new
    articles that hold it. They are read without the articles (a join per
    posting costs more than reading them all), whose dates are read once each."""
    windows = _windows(new, vectors)
    s = t.story_terms.c
    postings = []
    for chunk in chunks(sorted(windows)):
        postings.extend(conn.execute(sa.select(s.article_id, s.term, s.weight).where(s.term.in_(chunk))).all())
    articles: dict[int, tuple] = {}
    for chunk in chunks(sorted({aid for aid, _w, _x in postings})):
        query = sa.select(_a.id, _a.published, _a.story_id).where(_a.id.in_(chunk))
        articles.update((aid, (published, story)) for aid, published, story in conn.execute(query))
    roots = set()
    starts = {w: [lo for lo, _hi in ranges] for w, ranges in windows.items()}
    # in any order: an article's score sums its terms in the new vector's order, and unions keep the smallest root
    for aid, term, weight in postings:
        published, story = articles[aid]
        if published is not None:
            at = bisect_right(starts[term], published) - 1  # the last range starting by then, if any
            if at < 0 or published > windows[term][at][1]:
                continue
        placed.add_posting(aid, term, weight, published)
        uf.parent[aid] = story
        roots.add(story)
    return roots


def _windows(new: list, vectors: dict[int, stories.Vector]) -> dict[str, list[tuple[date, date]]]:
    """Each term of the new articles with the date ranges in which a placed
    article's posting of it can be compared: the union of the time windows
    of the new articles that hold it (every date for an undated one), merged: disjoint, in order."""
    window = timedelta(days=stories.WINDOW_DAYS)
    spans: dict[str, list[tuple[date, date]]] = defaultdict(list)
    for aid, published in new:
        span = (date.min, date.max) if published is None else (published - window, published + window)
        for w in vectors[aid]:
            spans[w].append(span)
    out: dict[str, list[tuple[date, date]]] = {}
    for w, ranges in spans.items():
        ranges.sort()
        merged = [ranges[0]]
        for lo, hi in ranges[1:]:
            if lo > merged[-1][1]:
                merged.append((lo, hi))
            elif hi > merged[-1][1]:
                merged[-1] = (merged[-1][0], hi)
        out[w] = merged
    return out

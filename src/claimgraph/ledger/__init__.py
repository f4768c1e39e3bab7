"""The ledger as Python functions: the same names as the commands.

>>> from claimgraph import ledger
>>> summary = ledger.ingest(["articles.jsonl", "pages/"], db="sqlite:///news.sqlite")  # doctest: +SKIP
>>> ledger.search('"oil depot" status:denied', db="sqlite:///news.sqlite")               # doctest: +SKIP

`db` is a URL, a path to a SQLite file, an open `Store`, or None for the
default ledger ($CLAIMGRAPH_DB, else the user's data folder); always given by
name. The other parameters are named as the command's options are
(`claimgraph claims --since` is `claims(since=...)`).

Only `ingest` and `watch` make a ledger where there is none; the others raise
`InputError` ("no ledger at PATH") and leave nothing on disk. A database
failure (disk full, a damaged file, a lost server) is a `ResourceError`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING

from claimgraph.config import Settings
from claimgraph.ingest.items import DEFAULT_LANGUAGES, Options, language_codes
from claimgraph.ledger.pipeline import Summary
from claimgraph.store import Store, database_error, open_store

if TYPE_CHECKING:  # spaCy loads only when something is analysed
    from claimgraph.analyse import Analyzer

Db = Store | str | None


@contextmanager
def _opened(db: Db, create: bool = False) -> Iterator[Store]:
    """The store of `db`, made (and migrated) only with `create`; a database
    failure inside is one `ResourceError`, not the driver's exception."""
    store = db if isinstance(db, Store) else open_store(db, create=create)
    try:
        yield store
    except Exception as exc:
        problem = database_error(exc)
        if problem is None:
            raise
        raise problem from exc
    finally:
        if store is not db:
            store.close()


def ingest(
    inputs: Iterable[str],
    *,
    db: Db = None,
    published: date | None = None,
    jobs: int = 1,
    batch: int = 100,
    link: bool = True,
    allow_private: bool = False,
    languages: Iterable[str] = DEFAULT_LANGUAGES,
    settings: Settings | None = None,
    on_item: Callable[[str], None] | None = None,
    analyzer: Analyzer | None = None,
    fetcher=None,
    on_progress: Callable[[int, int], None] | None = None,
    on_article: Callable[[str], None] | None = None,
) -> Summary:
    """Read, analyse and store articles from files, folders, JSON Lines (articles
    or ready analyses), HTML, feeds, WARC files and URLs; then link what is new.

    `languages`: the languages to analyse (ISO 639 codes, or comma lists of
    them); an article detected in another is skipped (`Summary.skipped`, not a
    failure); () analyses every language with the model.

    `on_item(outcome)` is told each article's outcome ("new", "near-duplicate",
    "updated", "duplicate", "failed", "skipped"; a stored one when its batch is
    written); `on_article(origin)` each article as soon as the run is done with
    it (analysed, or one of the others), before its batch is written;
    `on_progress(done, total)` how far the reading has come, in bytes of input
    when every input is a local file, else in inputs."""
    from claimgraph.ledger.pipeline import ingest as run

    settings = settings or (analyzer.settings if analyzer else Settings())
    codes = language_codes(languages)  # a bad code before any ledger is made
    with _opened(db, create=True) as store:
        options = _options(store, published, settings, allow_private, fetcher, codes)
        summary = run(store, inputs, options, settings, jobs, batch, on_item, analyzer, on_progress, on_article)
        _settle_feeds(options, summary)
        if link:
            _link_after_ingest(store)
    return summary


def _settle_feeds(options: Options, summary: Summary) -> None:
    # A failed entry keeps the old validators, so the next poll tries it again.
    if summary.failed:
        options.feed_state.discard()
    else:
        options.feed_state.commit()


def _options(store: Store, published, settings: Settings, allow_private, fetcher, languages) -> Options:
    from claimgraph.store.feeds import FeedState, url_known

    return Options(
        published=published,
        max_chars=settings.max_chars,
        allow_private=allow_private,
        languages=languages,
        fetcher=fetcher,
        is_known=lambda url: url_known(store, url),
        feed_state=FeedState(store),
    )


def watch(
    inputs: Iterable[str],
    *,
    db: Db = None,
    every: float = 600.0,
    rounds: int | None = None,
    published: date | None = None,
    jobs: int = 1,
    allow_private: bool = False,
    languages: Iterable[str] = DEFAULT_LANGUAGES,
    settings: Settings | None = None,
    batch: int = 100,
    link: bool = True,
    analyzer: Analyzer | None = None,
    fetcher=None,
    sleep: Callable[[float], None] | None = None,
) -> Iterator[Summary]:
    """Poll `inputs` every `every` seconds, ingesting what is new; yields each
    round's summary. Feeds are fetched with conditional GET (ETag,
    Last-Modified) and entries already stored are not fetched again.
    `published`, `jobs` and `languages` as in `ingest`; with one job the
    analyzer is loaded once and kept across rounds, with more each round
    starts workers."""
    import time

    from claimgraph.ledger.pipeline import ingest as run

    settings = settings or (analyzer.settings if analyzer else Settings())
    if analyzer is None:
        from claimgraph.analyse import Analyzer

        analyzer = Analyzer(settings)  # loaded on the first article, then kept across rounds
    pause = sleep or time.sleep
    codes = language_codes(languages)
    with _opened(db, create=True) as store:
        options = _options(store, published, settings, allow_private, fetcher, codes)
        n = 0
        while rounds is None or n < rounds:
            if n:
                pause(every)
            summary = run(store, inputs, options, settings, jobs, batch, None, analyzer)
            _settle_feeds(options, summary)
            if link:
                _link_after_ingest(store)
            n += 1
            yield summary


def _link_after_ingest(store: Store) -> None:
    # `ingest(link=...)` shadows `link` in its body, hence this name. Called after
    # every run, even one that stored nothing: a run killed while linking leaves
    # unlinked claims that only a later run finds (`pending` is a cheap check).
    from claimgraph.link.claims import link as run
    from claimgraph.link.claims import pending

    if pending(store):
        run(store)


def link(*, db: Db = None, full: bool = False, relate=None):
    """Place the claims and entities stored since the last link in clusters,
    cross-article links and unified entities (what `ingest` does after
    storing); `full=True` recomputes the whole ledger, with the same result."""
    from claimgraph.link.claims import link as run

    with _opened(db) as store:
        return run(store, relate, full=full)


def relink(*, db: Db = None, relate=None, full: bool = True):
    """`link(full=True)`: recompute clusters, links and entities for the whole ledger."""
    return link(db=db, full=full, relate=relate)


def search(query: str, *, db: Db = None, limit: int | None = 20) -> list[dict]:
    """Claims matching the query (see `claimgraph.store.search` for the syntax), newest first."""
    from claimgraph.store.search import search as run

    with _opened(db) as store:
        return _explained(store, run(store, query, limit))


def claims(
    *,
    db: Db = None,
    contradicted: bool = False,
    source: str | None = None,
    entity: str | None = None,
    since: date | str | None = None,
    query: str = "",
    limit: int | None = 50,
) -> list[dict]:
    """Claims filtered like `claimgraph claims --contradicted --source S --entity E --since DATE`."""
    from claimgraph.store.search import parse, period
    from claimgraph.store.search import search as run

    if isinstance(since, str):
        period(since, False, f"since={since!r}")
    q = parse(query)
    for key, value in (("source", source), ("entity", entity), ("from", since and str(since))):
        if value:
            q.filters.setdefault(key, []).append(value)
    if contradicted:
        q.filters.setdefault("is", []).append("contradicted")
    with _opened(db) as store:
        return _explained(store, run(store, q, limit))


def story(subject: str, *, db: Db = None, limit: int | None = 500, articles: bool = False) -> list[dict]:
    """Everything on an entity or a query as a timeline: one entry per claim
    cluster, at its first appearance, oldest first; the first `limit` of them,
    each with every other matching claim of its cluster (`also`).

    With `articles`, the articles of the stories (`story_id`) those entries
    belong to instead, by story, then time, then outlet: `story_id`,
    `article_id`, `input_id`, `published`, `publisher`, `title`, `url`,
    `group_id` (its syndication group)."""
    from claimgraph.store.search import FILTERS
    from claimgraph.store.search import search as run

    with _opened(db) as store:
        plain = not any(f"{f}:" in subject for f in FILTERS) and '"' not in subject
        query = f'entity:"{subject}"' if plain else subject
        firsts = _first_appearances(store, query, limit)
        if plain and not firsts:
            query = subject
            firsts = _first_appearances(store, query, limit)
        if articles:
            return _articles_of_stories(store, firsts)
        clusters = [r["cluster_id"] for r in firsts if r["cluster_id"] is not None]
        members = run(store, query, None, order="time", clusters=clusters) if clusters else []
        _explained(store, firsts)
    seen: dict[object, dict] = {_story_key(r): {**r, "also": []} for r in firsts}
    for row in members:
        entry = seen.get(_story_key(row))
        if entry is not None and row["id"] != entry["id"]:
            entry["also"].append(
                {
                    "source": row["source"],
                    "publisher": row["publisher"],
                    "url": row["url"],
                    "published": row["published"],
                    "article_id": row["article_id"],
                    "input_id": row["input_id"],
                    "title": row["title"],
                }
            )
    return list(seen.values())


def _explained(store: Store, rows: list[dict]) -> list[dict]:
    """`rows` with `contradicted_by`: what contradicts each, its article and the reason (read for these rows only)."""
    from claimgraph.store.contradictions import attach

    with store.engine.connect() as conn:
        return attach(conn, rows)


def _articles_of_stories(store: Store, entries: list[dict]) -> list[dict]:
    from claimgraph.store.stories import story_articles

    return story_articles(store, [e["story_id"] for e in entries if e.get("story_id") is not None])


def _story_key(row: dict) -> object:
    return row["cluster_id"] if row["cluster_id"] is not None else ("claim", row["id"])


def _first_appearances(store: Store, query: str, limit: int | None) -> list[dict]:
    """The first claim of each of the first `limit` clusters (and unclustered
    claims) matching `query`, oldest first: read in growing time-ordered slices
    rather than every match, since a broad query matches a good part of the ledger."""
    from claimgraph.store.search import search as run

    size = None if limit is None else max(4 * limit, 100)
    while True:
        rows = run(store, query, size, order="time")
        firsts: dict[object, dict] = {}
        for row in rows:
            firsts.setdefault(_story_key(row), row)
        if size is None or len(rows) < size or len(firsts) >= limit:
            return list(firsts.values())[:limit]
        size *= 4


def stats(*, db: Db = None) -> dict:
    """Counts and spans: what the ledger holds."""
    import sqlalchemy as sa

    from claimgraph.store import schema as t

    with _opened(db) as store, store.engine.connect() as conn:
        counts = {
            name: store.count(name)
            for name in (
                "articles",
                "claims",
                "entities",
                "xentities",
                "events",
                "relations",
                "clusters",
                "links",
                "failures",
            )
        }
        first, last = conn.execute(
            sa.select(sa.func.min(t.articles.c.published), sa.func.max(t.articles.c.published))
        ).one()
        groups = conn.execute(sa.select(sa.func.count(sa.distinct(t.articles.c.group_id)))).scalar_one()
        old = conn.execute(sa.select(sa.func.count()).where(t.articles.c.superseded_by.is_not(None))).scalar_one()
        multi = conn.execute(sa.select(sa.func.count()).where(t.clusters.c.articles > 1)).scalar_one()
        contradicted = conn.execute(sa.select(sa.func.count()).where(t.clusters.c.contradicted.is_(True))).scalar_one()
        publishers = conn.execute(
            sa.select(t.articles.c.publisher, sa.func.count().label("n"))
            .where(t.articles.c.publisher.is_not(None))
            .group_by(t.articles.c.publisher)
            .order_by(sa.text("n DESC"), t.articles.c.publisher)
            .limit(10)
        ).all()
        languages = conn.execute(
            sa.select(t.articles.c.language, sa.func.count().label("n"))
            .where(t.articles.c.language.is_not(None))
            .group_by(t.articles.c.language)
            .order_by(sa.text("n DESC"), t.articles.c.language)
        ).all()
        return {
            "database": store.engine.url.render_as_string(hide_password=True),
            **counts,
            "independent_articles": groups,
            "superseded_versions": old,
            "clusters_in_several_articles": multi,
            "contradicted_clusters": contradicted,
            "published_from": first.isoformat() if first else None,
            "published_to": last.isoformat() if last else None,
            "top_publishers": [{"publisher": p, "articles": n} for p, n in publishers],
            "languages": {code: n for code, n in languages},  # as detected or declared (en, en-GB...)
        }


def export(format: str, output=None, *, db: Db = None, query: str = "") -> int:
    """Write claims (jsonl, csv, parquet), places and events (geojson) or claim
    clusters (claimreview) to `output`, a path, an open file, or None or '-'
    for standard output; returns the record count."""
    import sys

    from claimgraph.store.export import BINARY
    from claimgraph.store.export import export as run

    binary = format in BINARY
    with _opened(db) as store:
        if output is None or output == "-":
            return run(store, format, sys.stdout.buffer if binary else sys.stdout, query)
        if isinstance(output, str | bytes) or hasattr(output, "__fspath__"):
            text = {} if binary else {"encoding": "utf-8", "newline": ""}
            with open(output, "wb" if binary else "w", **text) as fh:
                return run(store, format, fh, query)
        return run(store, format, output, query)


def check(claims: Iterable[str] | str, *, db: Db = None, query: str = "", limit: int = 50) -> list[dict]:
    """Which stored articles support each claim, refute it or only discuss it:
    one dict per (claim, article) with `claim` (as given), `id` (the article's
    input id), `stance`, `score`, `reason`, `evidence` (claims and sentences
    with character offsets, source, status, hedges), `url`, `title`,
    `publisher`, `published` and `group` (its syndication group). Articles
    about something else are not listed. `query` narrows the candidates with
    the search syntax (from:2024-12 source:Reuters); at most `limit` articles
    are read per claim."""
    from claimgraph.ledger.claim_check import check_store, claim_list
    from claimgraph.store.search import parse

    given = claim_list(claims)
    q = parse(query)
    if limit < 1:
        from claimgraph.errors import UsageError

        raise UsageError("limit must be at least 1")
    with _opened(db) as store:
        return check_store(store, given, q, limit)

"""The ledger as Python functions: the same names as the commands.

>>> from claimgraph import ledger
>>> summary = ledger.ingest(["articles.jsonl", "pages/"], db="sqlite:///news.sqlite")  # doctest: +SKIP
>>> ledger.search('"oil depot" status:denied', db="sqlite:///news.sqlite")               # doctest: +SKIP

`db` is a URL, a path to a SQLite file, an open `Store`, or None for the
default ledger ($CLAIMGRAPH_DB, else the user's data folder).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING

from claimgraph.config import Settings
from claimgraph.ingest.run import Summary
from claimgraph.ingest.sources import Options
from claimgraph.store import Store, open_store

if TYPE_CHECKING:  # spaCy loads only when something is analysed
    from claimgraph.analyse import Analyzer

Db = Store | str | None


@contextmanager
def _opened(db: Db) -> Iterator[Store]:
    if isinstance(db, Store):
        yield db
        return
    store = open_store(db)
    try:
        yield store
    finally:
        store.close()


def ingest(
    inputs: Iterable[str],
    db: Db = None,
    *,
    published: date | None = None,
    jobs: int = 1,
    batch: int = 100,
    link: bool = True,
    allow_private: bool = False,
    settings: Settings | None = None,
    on_item: Callable[[str], None] | None = None,
    analyzer: Analyzer | None = None,
) -> Summary:
    """Read, analyse and store articles from files, folders, JSON Lines (articles
    or ready analyses), HTML, feeds, WARC files and URLs; then relink the ledger."""
    from claimgraph.ingest.run import ingest as run

    settings = settings or (analyzer.settings if analyzer else Settings())
    options = Options(published=published, max_chars=settings.max_chars, allow_private=allow_private)
    with _opened(db) as store:
        summary = run(store, inputs, options, settings, jobs, batch, on_item, analyzer)
        if link and (summary.new or summary.near_duplicate):
            relink(store)
    return summary


def relink(db: Db = None, relate=None):
    """Recompute claim clusters, cross-article links and unified entities."""
    from claimgraph.link.claims import link

    with _opened(db) as store:
        return link(store, relate)

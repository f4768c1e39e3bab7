"""An ingest run: inputs -> analyses -> the store, batch by batch.

Each batch is one transaction, so a run killed at any moment loses at most
the batch in flight, and a rerun skips every article already stored (by key,
before analysing it again) and redoes the rest.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from claimgraph.config import Settings
from claimgraph.errors import InputError
from claimgraph.ingest.items import Item, Options
from claimgraph.ingest.sources import expand
from claimgraph.store import Store
from claimgraph.store import schema as t
from claimgraph.store.write import Record, add_records, known
from claimgraph.text.identity import content_hash

if TYPE_CHECKING:  # spaCy loads only when something is analysed
    from claimgraph.analyse import Analyzer


@dataclass
class Summary:
    """What a run did: counts, and each failure and each skipped article with its reason."""

    new: int = 0
    near_duplicate: int = 0
    updated: int = 0  # new text at the URL of a stored article: a new revision
    duplicate: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    # read but not analysed, by choice (a language the model does not read): no failure
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def stored(self) -> int:
        """Articles this run added to the ledger."""
        return self.new + self.near_duplicate + self.updated

    @property
    def exit_code(self) -> int:
        return InputError.exit_code if self.failed else 0

    def line(self) -> str:
        skipped = f", {len(self.skipped)} skipped" if self.skipped else ""
        return (
            f"{self.new} new, {self.near_duplicate} near-duplicate (grouped), {self.updated} updated, "
            f"{self.duplicate} duplicate, {len(self.failed)} failed{skipped}"
        )

    def to_dict(self) -> dict:
        return {
            "new": self.new,
            "near_duplicate": self.near_duplicate,
            "updated": self.updated,
            "duplicate": self.duplicate,
            "failed": [{"origin": o, "reason": r} for o, r in self.failed],
            "skipped": [{"origin": o, "reason": r} for o, r in self.skipped],
        }


def ingest_docs(
    store: Store,
    docs: Iterable[Item],
    settings: Settings | None = None,
    jobs: int = 1,
    batch: int = 100,
    on_item: Callable[[str], None] | None = None,
    analyzer: Analyzer | None = None,
    on_article: Callable[[str], None] | None = None,
) -> Summary:
    """Analyse what needs it and store everything. `on_item(outcome)` is told
    each article's outcome: a stored one ("new", "near-duplicate", "updated",
    or "duplicate" of one stored meanwhile) once its batch is written, the
    others ("duplicate", "failed", "skipped") at once. `on_article(origin)` is
    told each article as the run is done with it (analysed and waiting for its
    batch, or one of the others), so a count of them moves before a batch of
    `batch` is written."""
    settings = settings or Settings()
    summary = Summary()
    pending: list[Record] = []
    stored_tick = on_item or (lambda _outcome: None)
    done = on_article or (lambda _origin: None)

    def tick(outcome: str, origin: str) -> None:
        done(origin)
        stored_tick(outcome)

    def flush() -> None:
        if not pending:
            return
        with store.engine.begin() as conn:
            stored = add_records(conn, pending)
        for s in stored:
            if s.outcome == "new":
                summary.new += 1
            elif s.outcome == "near-duplicate":
                summary.near_duplicate += 1
            elif s.outcome == "updated":
                summary.updated += 1
            else:
                summary.duplicate += 1
            stored_tick(s.outcome)
        pending.clear()

    def fail(origin: str, reason: str) -> None:
        summary.failed.append((origin, reason))
        tick("failed", origin)

    def skip(origin: str, reason: str) -> None:
        summary.skipped.append((origin, reason))
        tick("skipped", origin)

    for doc in _analysed(_skip_known(store, docs, summary, tick), settings, jobs, fail, skip, analyzer):
        if doc.analysis is None:
            continue
        done(doc.origin)
        pending.append(Record(doc.analysis, doc.origin, doc.meta.get("author"), doc.meta.get("language")))
        if len(pending) >= batch:
            flush()
    flush()
    if summary.failed:
        _log_failures(store, summary.failed)
    return summary


def _skip_known(
    store: Store, docs: Iterable[Item], summary: Summary, tick: Callable[[str, str], None]
) -> Iterator[Item]:
    """Drop articles whose text is stored already, before the costly analysis.
    New text at a stored URL goes on: it is a new revision of the article."""
    seen: set[str] = set()
    for doc in docs:
        source = doc.article or doc.analysis
        if source is None:
            yield doc
            continue
        digest = content_hash(source.text)
        if digest not in seen:
            # a short connection per check: nothing stays open while the run analyses
            with store.engine.connect() as conn:
                stored = known(conn, [digest])
        if digest in seen or stored:
            summary.duplicate += 1
            tick("duplicate", doc.origin)
            continue
        seen.add(digest)
        yield doc


def _analysed(
    docs: Iterable[Item],
    settings: Settings,
    jobs: int,
    fail: Callable[[str, str], None],
    skip: Callable[[str, str], None],
    analyzer: Analyzer | None,
) -> Iterator[Item]:
    """Docs with their analysis filled in; failures reported through `fail`,
    articles skipped by choice through `skip`.

    Ready-made analyses before the first article pass straight through, so a
    bulk load of analyses never starts spaCy; later ones wait for the next
    analysed article to keep memory flat."""
    from claimgraph.model import Analysis

    stream = iter(docs)
    for doc in stream:
        if doc.error is not None:
            fail(doc.origin, doc.error)
        elif doc.skipped is not None:
            skip(doc.origin, doc.skipped)
        elif doc.analysis is not None:
            yield doc
        else:
            first = doc
            break
    else:
        return
    waiting: deque[Item] = deque()
    ready: deque[Item] = deque()

    def articles() -> Iterator:
        waiting.append(first)
        yield first.article
        for doc in stream:
            if doc.error is not None:
                fail(doc.origin, doc.error)
            elif doc.skipped is not None:
                skip(doc.origin, doc.skipped)
            elif doc.analysis is not None:
                ready.append(doc)
            else:
                waiting.append(doc)
                yield doc.article

    for result in _results(articles(), settings, jobs, analyzer):
        doc = waiting.popleft()
        if result.error is not None:
            fail(doc.origin, result.error)
        else:
            doc.analysis = Analysis.model_validate_json(result.json)
            yield doc
        while ready:
            yield ready.popleft()
    while ready:
        yield ready.popleft()


def _results(articles: Iterator, settings: Settings, jobs: int, analyzer: Analyzer | None) -> Iterator:
    from claimgraph.analyse.batch import analyze_items

    # a caller's loaded analyzer (tests, watch loops): no second spaCy load
    yield from analyze_items(articles, settings, jobs, analyzer)


def _log_failures(store: Store, failed: list[tuple[str, str]]) -> None:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with store.engine.begin() as conn:
        conn.execute(t.failures.insert(), [{"origin": o, "reason": r, "at": now} for o, r in failed])


def ingest(
    store: Store,
    inputs: Iterable[str],
    options: Options | None = None,
    settings: Settings | None = None,
    jobs: int = 1,
    batch: int = 100,
    on_item: Callable[[str], None] | None = None,
    analyzer: Analyzer | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    on_article: Callable[[str], None] | None = None,
) -> Summary:
    """`on_progress(done, total)`: how far the reading of `inputs` has come (see `expand`)."""
    docs = expand(inputs, options, on_progress)
    return ingest_docs(store, docs, settings, jobs, batch, on_item, analyzer, on_article)

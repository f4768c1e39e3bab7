"""Analysing many articles, in one process or several, in input order.

Every input item yields exactly one `Result`, in the order it came: an
analysis (as its JSON text, which is what crosses process boundaries
cheaply) or the one-line reason it failed. A bad item never stops the others.
"""

from __future__ import annotations

import multiprocessing as mp
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from claimgraph.analyse import Analyzer
from claimgraph.config import Settings
from claimgraph.errors import ClaimgraphError, InputError
from claimgraph.ingest.articles import check_text
from claimgraph.model import Article, BadItem

CHUNK = 8  # articles per task sent to a worker process


@dataclass(frozen=True)
class Result:
    where: str
    json: str | None = None
    error: str | None = None
    exit_code: int = 0


def analyze_items(
    items: Iterable[Article | BadItem], settings: Settings, jobs: int = 1, analyzer: Analyzer | None = None
) -> Iterator[Result]:
    """One `Result` per item, in order. In one process, `analyzer` (already
    loaded, say by a long-running caller) is used instead of loading another."""
    if jobs <= 1:
        analyzer = analyzer or Analyzer(settings)
        for chunk in _chunks(items, CHUNK * 4):
            yield from _analyze_chunk(analyzer, chunk)
        return
    yield from _parallel(items, settings, jobs)


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _where(article: Article, fallback: str) -> str:
    return article.id or fallback


def _analyze_chunk(analyzer: Analyzer, chunk: list[Article | BadItem]) -> list[Result]:
    results: dict[int, Result] = {}
    good: list[tuple[int, Article]] = []
    for i, item in enumerate(chunk):
        if isinstance(item, BadItem):
            results[i] = Result(item.where, error=item.error, exit_code=InputError.exit_code)
            continue
        try:
            check_text(item.text, _where(item, "article"), analyzer.settings.max_chars)
        except ClaimgraphError as exc:
            results[i] = Result(_where(item, "article"), error=str(exc), exit_code=exc.exit_code)
            continue
        good.append((i, item))
    try:
        for (i, article), analysis in zip(good, analyzer.analyze_many(a for _, a in good), strict=True):
            results[i] = Result(_where(article, "article"), json=analysis.to_json())
    except ClaimgraphError:
        raise
    except Exception:
        # Something in the batch broke the analysis: redo one by one so that
        # only the article at fault is lost.
        for i, article in good:
            if i not in results:
                results[i] = _analyze_one(analyzer, article)
    return [results[i] for i in range(len(chunk))]


def _analyze_one(analyzer: Analyzer, article: Article) -> Result:
    where = _where(article, "article")
    try:
        return Result(where, json=analyzer.analyze(article).to_json())
    except ClaimgraphError as exc:
        return Result(where, error=str(exc), exit_code=exc.exit_code)
    except Exception as exc:  # a bug: report it on one line, keep the batch going
        return Result(where, error=f"internal error: {type(exc).__name__}: {exc}", exit_code=1)


# ------------------------------------------------------------------ processes

_worker: Analyzer | ClaimgraphError | None = None


def _init_worker(settings: Settings) -> None:
    # An initializer that raises makes the pool respawn workers for ever:
    # keep the error and report it from the first task instead.
    global _worker
    if _worker is not None:
        return  # forked from a parent that loaded it already
    try:
        _worker = Analyzer(settings).load()
    except ClaimgraphError as exc:
        _worker = exc


def _work(chunk: list[Article | BadItem]) -> list[Result]:
    if isinstance(_worker, ClaimgraphError):
        raise _worker
    assert _worker is not None
    return _analyze_chunk(_worker, chunk)


def _parallel(items: Iterable[Article | BadItem], settings: Settings, jobs: int) -> Iterator[Result]:
    """Chunks go to `jobs` processes; a bounded window of chunks in flight
    keeps memory flat on long streams while results come back in order."""
    global _worker
    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    if method == "fork":
        # Load once here: forked workers share the pipeline copy-on-write and
        # start analysing at once instead of each loading spaCy for a second or two.
        _worker = Analyzer(settings).load()
    with mp.get_context(method).Pool(jobs, initializer=_init_worker, initargs=(settings,)) as pool:
        pending: deque = deque()
        for chunk in _chunks(items, CHUNK):
            pending.append(pool.apply_async(_work, (chunk,)))
            while len(pending) > jobs * 3:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()

"""Progress on standard error: a bar of analysed articles for `analyze`, and
the read-and-store bar with running outcomes for `ingest`. Rich loads only
when a bar is shown.

Only the bar goes to standard error: results written to standard output while
it runs stay there (`analyze ... > out.jsonl` from a terminal fills the file).
Rich's default would have sent them through its console, on standard error."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

OUTCOMES = ("new", "near-duplicate", "updated", "duplicate", "failed", "skipped")


def on_stderr() -> dict[str, Any]:
    """The keyword arguments of a rich Progress that draws on standard error.

    Standard output goes through the bar's console (above the bar, so that the
    two do not garble each other) only when it is the terminal too; anywhere
    else (a file, a pipe) it is left alone."""
    from rich.console import Console

    return {"console": Console(stderr=True), "redirect_stdout": sys.stdout.isatty()}


def counted(results: Iterable[T], total: int | None) -> Iterator[T]:
    """`results` as they come, advancing a bar of `total` (None: unknown)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    columns = ("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=False, **on_stderr()) as progress:
        task = progress.add_task("analysing", total=total)
        for result in results:
            progress.advance(task)
            yield result


class IngestProgress:
    """A progress bar on standard error, or nothing: entering gives the hooks
    for `ledger.ingest` (`on_item`, `on_article`, `on_progress`), none when
    not shown.

    One line: the bar (what has been read: bytes of input, or inputs where a
    URL or feed makes the size unknown), percentage, articles per second, the
    time elapsed and the time left; under it, the outcomes so far. The rate
    counts articles as the run finishes each (`on_article`), so it moves from
    the first; stored outcomes are counted when their batch is written."""

    def __init__(self, show: bool):
        self.show = show
        self.counts = dict.fromkeys(OUTCOMES, 0)
        self.articles = 0

    def __enter__(self) -> dict[str, Callable]:
        if not self.show:
            return {}
        self.bar = _bar(self.counts)
        self.bar.__enter__()
        self.task = self.bar.add_task("ingesting", total=None, articles=0)
        return {"on_item": self.on_item, "on_article": self.on_article, "on_progress": self.on_progress}

    def on_item(self, outcome: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1  # drawn on the bar's next refresh

    def on_article(self, origin: str) -> None:
        self.articles += 1
        self.bar.update(self.task, articles=self.articles)

    def on_progress(self, done: int, total: int) -> None:
        self.bar.update(self.task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self.show:
            self.bar.stop_task(self.task)  # the clock stops with the run, not when reading ends
            self.bar.__exit__(*exc)


def _bar(counts: dict[str, int]):
    from datetime import timedelta

    from rich.progress import (
        BarColumn,
        Progress,
        ProgressColumn,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Rate(ProgressColumn):
        """Articles (every outcome) per second since the start."""

        def render(self, task) -> Text:
            elapsed = task.elapsed or 0.0
            rate = task.fields.get("articles", 0) / elapsed if elapsed > 0 else 0.0
            return Text(f"{rate:.1f} articles/s", style="progress.data.speed")

    class Elapsed(ProgressColumn):
        """Time since the start, until the run ends (rich's stops when the bar is full)."""

        def render(self, task) -> Text:
            return Text(str(timedelta(seconds=int(task.elapsed or 0))), style="progress.elapsed")

    class Bar(Progress):
        def get_renderables(self):
            yield self.make_tasks_table(self.tasks)
            line = "  " + " · ".join(f"{n} {k}" for k, n in counts.items())
            # all read, the last articles still being analysed and stored, the ledger relinked
            busy = any(t.finished and t.stop_time is None for t in self.tasks)
            yield Text(line + (" · finishing" if busy else ""), style="progress.description")

    return Bar(
        BarColumn(bar_width=None),
        TaskProgressColumn(),
        Rate(),
        Elapsed(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        expand=True,
        **on_stderr(),
    )

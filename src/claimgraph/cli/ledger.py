"""The ledger commands: ingest, watch, search, claims, story, export, link,
stats. Each calls the `claimgraph.ledger` function of the same name with the
options as keyword arguments of the same names; what is left here is turning
text into values (dates, periods, settings) and printing."""

from __future__ import annotations

import argparse
import json
import math
import sys

from claimgraph.cli.output import EXIT_OK, rows, say, table
from claimgraph.cli.progress import IngestProgress
from claimgraph.config import Settings
from claimgraph.errors import UsageError
from claimgraph.ingest.articles import parse_date


def _settings(args: argparse.Namespace) -> Settings:
    if args.jobs < 1 or args.batch < 1:
        raise UsageError("--jobs and --batch must be at least 1")
    return Settings(**({"model": args.model} if args.model else {}))


def _ingest_options(args: argparse.Namespace) -> dict:
    """The options `ingest` and `watch` share, as their keyword arguments."""
    return {
        "db": args.db,
        "settings": _settings(args),
        "published": parse_date(args.published),
        "jobs": args.jobs,
        "batch": args.batch,
        "link": args.link,
        "allow_private": args.allow_private,
        **({} if args.languages is None else {"languages": args.languages}),
    }


def ingest(args: argparse.Namespace) -> int:
    from claimgraph import ledger

    options = _ingest_options(args)
    archives = _backfill_outputs(args.inputs)
    if archives:  # a backfill's Parquet output: loaded through the same write path, no analysis
        import importlib

        summary = importlib.import_module("claimgraph.backfill.commands").load(archives, options)
        _report(summary, args.format)
        if len(archives) == len(args.inputs):
            return summary.exit_code
        args.inputs = [i for i in args.inputs if i not in archives]
    show = args.progress if args.progress is not None else sys.stderr.isatty()
    with IngestProgress(show) as hooks:
        summary = ledger.ingest(args.inputs, **options, **hooks)
    _report(summary, args.format)
    return summary.exit_code


def _backfill_outputs(inputs: list[str]) -> list[str]:
    from pathlib import Path

    return [i for i in inputs if (Path(i) / "_backfill.json").is_file()]


def watch(args: argparse.Namespace) -> int:
    from claimgraph import ledger

    options = _ingest_options(args)
    worst = EXIT_OK
    for summary in ledger.watch(args.inputs, every=parse_period(args.every), rounds=args.rounds, **options):
        _report(summary, args.format)
        worst = max(worst, summary.exit_code)
    return worst


def _report(summary, fmt: str | None) -> None:
    for origin, reason in summary.skipped:
        say(f"skipped: {reason if reason.startswith(origin) else f'{origin}: {reason}'}")
    for origin, reason in summary.failed:
        say(f"failed: {reason if reason.startswith(origin) else f'{origin}: {reason}'}")
    if fmt == "json":
        print(json.dumps(summary.to_dict(), ensure_ascii=False))
    else:
        print(summary.line(), file=sys.stderr if fmt is None and not sys.stdout.isatty() else sys.stdout)


LONGEST_PERIOD = 366 * 86400  # time.sleep refuses far longer, and nobody polls less often than yearly


def parse_period(text: str) -> float:
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    try:
        value = float(text[:-1]) * units[text[-1]] if text[-1] in units else float(text)
    except (ValueError, IndexError):
        raise UsageError(f"--every: {text!r} is not a period such as 30s, 10m or 1h") from None
    if not math.isfinite(value) or value <= 0:  # nan passes `<= 0`
        raise UsageError(f"--every: {text!r} is not a positive period such as 30s, 10m or 1h")
    if value > LONGEST_PERIOD:
        raise UsageError(f"--every: {text!r} is longer than a year")
    return value


def _limit(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    return args.limit


def search(args: argparse.Namespace) -> int:
    from claimgraph import ledger

    rows(ledger.search(" ".join(args.query), db=args.db, limit=_limit(args)), args.format)
    return EXIT_OK


def claims(args: argparse.Namespace) -> int:
    from claimgraph import ledger
    from claimgraph.store.search import period

    if args.since is not None:
        period(args.since, False, f"--since {args.since}")
    found = ledger.claims(
        db=args.db,
        contradicted=args.contradicted,
        source=args.source,
        entity=args.entity,
        since=args.since,
        query=args.query,
        limit=_limit(args),
    )
    rows(found, args.format)
    return EXIT_OK


def story(args: argparse.Namespace) -> int:
    from claimgraph import ledger

    subject = " ".join(args.subject)
    if args.articles:
        from claimgraph.cli.stories import articles

        articles(ledger.story(subject, db=args.db, limit=_limit(args), articles=True), args.format, subject)
        return EXIT_OK
    found = ledger.story(subject, db=args.db, limit=_limit(args))
    rows(found, args.format, timeline=True, empty=f"no story for {subject!r}")
    return EXIT_OK


def export(args: argparse.Namespace) -> int:
    from claimgraph import ledger

    if args.format == "parquet" and args.output == "-" and sys.stdout.isatty():
        raise UsageError("parquet is binary: give -o FILE")
    n = ledger.export(args.format, args.output, db=args.db, query=args.query)
    if args.output != "-":
        print(f"{n} records written to {args.output}", file=sys.stderr)
    return EXIT_OK


def link(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from claimgraph import ledger

    return table(asdict(ledger.link(db=args.db, full=args.full)), args.format)


def stats(args: argparse.Namespace) -> int:
    from claimgraph import ledger

    counts = ledger.stats(db=args.db)
    if (args.format or ("pretty" if sys.stdout.isatty() else "json")) == "pretty":
        counts["languages"] = ", ".join(f"{code} ({n})" for code, n in counts["languages"].items()) or None
    return table(counts, args.format)

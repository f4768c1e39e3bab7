"""What `claimgraph backfill` and `claimgraph ingest BACKFILL-DIR` run (the
CLI finds this module by name, so Spark's side loads only when asked for)."""

from __future__ import annotations

import argparse
import sys

from claimgraph.config import Settings
from claimgraph.ingest.items import language_codes
from claimgraph.ledger.pipeline import Summary


def backfill(args: argparse.Namespace) -> int:
    from claimgraph.backfill.job import backfill as run
    from claimgraph.backfill.job import line

    settings = Settings(**({"model": args.model} if args.model else {}))
    languages = None if args.languages is None else language_codes(args.languages)
    result = run(
        args.manifest,
        args.out,
        master=args.master,
        partitions=args.partitions,
        summary=args.summary,
        settings=settings,
        languages=languages,
    )
    print(line(result), file=sys.stderr)
    return 0


def load(outputs: list[str], options: dict) -> Summary:
    """Load each output into the ledger `options["db"]` names; one summary for all."""
    from claimgraph.backfill.load import load as run
    from claimgraph.ledger import _opened

    total = Summary()
    with _opened(options.get("db"), create=True) as store:
        for out in outputs:
            s = run(store, out, link=options.get("link", True))
            total.new += s.new
            total.near_duplicate += s.near_duplicate
            total.updated += s.updated
            total.duplicate += s.duplicate
            total.failed += s.failed
    return total

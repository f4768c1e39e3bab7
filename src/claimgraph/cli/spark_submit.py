"""spark-submit's entry for the backfill: `claimgraph backfill`'s own options and errors.

    spark-submit --master yarn src/claimgraph/cli/spark_submit.py MANIFEST --out DIR

The CLI's parser reads the arguments (one parser for every way in); the job
takes the master and the rest of Spark's set-up from spark-submit."""

from __future__ import annotations

import sys

from claimgraph.cli import main

if __name__ == "__main__":
    sys.exit(main(["backfill", *sys.argv[1:]]))

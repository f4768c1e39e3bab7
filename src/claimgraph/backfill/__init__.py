"""Archive-scale backfill on Apache Spark: WARC files -> Parquet tables with
the ledger's columns (job.py runs it; worker.py is one WARC's task, tables.py
the Parquet schemas), archive-wide groups and clusters (archive.py), and
loading into a ledger (load.py); commands.py is what the CLI calls.

pyspark is imported only inside the job functions, so this package imports
without the `claimgraph[spark]` extra (see docs/backfill.md)."""

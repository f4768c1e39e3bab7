"""The backfill's Parquet tables: the ledger's own tables (store/schema.py),
column for column, as Arrow schemas, so a row means what it means in the ledger."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from claimgraph.store import schema as t
from claimgraph.store.write import PART_TABLES

# what one WARC's task writes, one file each; analyses also carry what the load needs for a Record
TABLES = ("articles", "analyses", "minhash_bands", *PART_TABLES, "failures")
RECORD_COLUMNS = ("origin", "author", "language")
MARKER = "_backfill.json"  # the summary, written last by job.backfill: what makes a folder a finished output


def arrow_schema(name: str):
    import pyarrow as pa

    kinds = [
        (sa.BigInteger, pa.int64()),
        (sa.Integer, pa.int64()),
        (sa.Boolean, pa.bool_()),
        (sa.Float, pa.float64()),
        (sa.Date, pa.date32()),
        (sa.LargeBinary, pa.binary()),
        (sa.String, pa.string()),
    ]
    fields = []
    for column in t.metadata.tables[name].columns:
        kind = next(k for base, k in kinds if isinstance(column.type, base))
        fields.append(pa.field(column.name, kind))
    if name == "analyses":
        fields += [pa.field(c, pa.string()) for c in RECORD_COLUMNS]
    return pa.schema(fields)


def read(out: str, name: str, columns: list[str] | None = None):
    """A table of a backfill's output as one Arrow table, its partitions
    (month, language) as columns; an empty one when no task wrote it."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    folder = Path(out) / name
    if not folder.is_dir() or not any(folder.rglob("*.parquet")):
        empty = arrow_schema(name).empty_table()
        return empty.select(columns) if columns else empty
    parts = ds.partitioning(pa.schema([("month", pa.string()), ("language", pa.string())]), flavor="hive")
    return ds.dataset(folder, format="parquet", partitioning=parts).to_table(columns=columns)


def write(out: str, name: str, rows: list[dict], schema) -> None:
    """A stage-2 table as one file, written aside and renamed into place."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = Path(out) / name
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "_part-000000.parquet.tmp"
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), tmp)
    tmp.replace(folder / "part-000000.parquet")

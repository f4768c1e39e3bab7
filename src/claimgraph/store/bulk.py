"""Bulk statements in chunks: IN lists under SQLite's bound-parameter limit,
and inserts/updates sized so that one statement never holds the whole ledger."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

IN_CHUNK = 500


def chunks(values: Sequence, size: int = IN_CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def insert_chunked(conn: Connection, table: sa.Table, rows: list[dict], size: int = 20_000) -> None:
    for chunk in chunks(rows, size):
        conn.execute(table.insert(), chunk)


def update_chunked(
    conn: Connection, table: sa.Table, column: str, pairs: list[tuple[int, int]], size: int = 20_000
) -> None:
    """Set `column` to v on the row with id i, for each (i, v)."""
    stmt = table.update().where(table.c.id == sa.bindparam("_id")).values({column: sa.bindparam("_v")})
    for chunk in chunks(pairs, size):
        conn.execute(stmt, [{"_id": i, "_v": v} for i, v in chunk])

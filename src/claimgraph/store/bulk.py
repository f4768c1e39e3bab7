"""Bulk statements in chunks: IN lists under SQLite's bound-parameter limit,
and inserts/updates sized so that one statement never holds the whole ledger."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection

IN_CHUNK = 5000  # bound parameters a statement: SQLite allows 32,766 (3.32+), PostgreSQL 65,535


def chunks(values: Sequence, size: int = IN_CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def insert_rows(conn: Connection, table: sa.Table, rows: list[dict]) -> None:
    """A plain executemany through the driver: the Core per-row parameter
    handling costs more than SQLite's own work at these volumes."""
    if not rows:
        return
    cols = list(rows[0])
    names = ", ".join(f'"{c}"' for c in cols)
    sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join([_mark(conn)] * len(cols))})'
    values = [tuple(r[c] for c in cols) for r in rows]
    if conn.dialect.name == "postgresql":
        # COPY: several times faster than an executemany of single-row inserts
        cursor = conn.connection.driver_connection.cursor()
        with cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in values:
                copy.write_row(row)
        return
    if conn.dialect.name == "sqlite":
        # dates as ISO text, the form SQLAlchemy's SQLite Date type reads (and
        # without the sqlite3 default adapter that Python 3.12 deprecates)
        values = [tuple(v.isoformat() if isinstance(v, date) else v for v in row) for row in values]
    conn.exec_driver_sql(sql, values)


def insert_chunked(conn: Connection, table: sa.Table, rows: list[dict], size: int = 20_000) -> None:
    for chunk in chunks(rows, size):
        insert_rows(conn, table, list(chunk))


def insert_stream(conn: Connection, table: sa.Table, rows: Iterable[dict], size: int = 20_000) -> None:
    """Insert rows as they come, `size` at a time: never all of them in memory."""
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            insert_rows(conn, table, batch)
            batch = []
    insert_rows(conn, table, batch)


def update_chunked(
    conn: Connection, table: sa.Table, column: str, pairs: list[tuple[int, int]], size: int = 20_000
) -> None:
    """Set `column` to v on the row with id i, for each (i, v)."""
    if conn.dialect.name == "postgresql":
        # one statement joining a VALUES list per chunk, not one round trip per row
        for chunk in chunks(pairs, IN_CHUNK):
            values = ", ".join(["(%s::bigint, %s::bigint)"] * len(chunk))
            conn.exec_driver_sql(
                f'UPDATE "{table.name}" AS t SET "{column}" = v.value FROM (VALUES {values}) AS v(id, value) '
                "WHERE t.id = v.id",
                tuple(x for pair in chunk for x in pair),
            )
        return
    mark = _mark(conn)
    sql = f'UPDATE "{table.name}" SET "{column}" = {mark} WHERE id = {mark}'
    for chunk in chunks(pairs, size):
        conn.exec_driver_sql(sql, [(v, i) for i, v in chunk])


def reassign(conn: Connection, table: sa.Table, column: str, moves: list[tuple[int, int]]) -> None:
    """Rows whose `column` is old get new, for each (old, new): groups merged into one."""
    if moves:
        col = table.c[column]
        stmt = table.update().where(col == sa.bindparam("_old")).values({column: sa.bindparam("_new")})
        conn.execute(stmt, [{"_old": old, "_new": new} for old, new in moves])


def delete_ids(conn: Connection, table: sa.Table, ids: Iterable[int]) -> None:
    """Delete the rows of `table` with these ids."""
    for chunk in chunks(sorted(ids)):
        conn.execute(table.delete().where(table.c.id.in_(chunk)))


def _mark(conn: Connection) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"

"""The ledger's database: SQLite by default, PostgreSQL for a team.

>>> store = open_store("sqlite://")          # in memory; a path or URL otherwise
>>> store.count("articles")
0

`open_store()` with no URL uses `$CLAIMGRAPH_DB`, else one SQLite file in
the user's data folder. Opening runs the Alembic migrations up to the newest,
so an old ledger file is upgraded in place; `create=False` (what the read
commands use) refuses to make a ledger where there is none.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.engine import Connection, Engine

from claimgraph.config import ENV_DB, Settings
from claimgraph.errors import InputError, ResourceError, UsageError
from claimgraph.store import schema

ENV_VAR = ENV_DB
BACK_ENDS = ("sqlite", "postgresql")
_MIGRATIONS = Path(__file__).with_name("migrations")
# Connections kept open, and opened beyond them under load: the web app answers
# up to 40 requests at once (anyio's worker threads), each holding one, so a
# busy server never waits out the pool's timeout (a 500) for a connection.
POOL = {"pool_size": 5, "max_overflow": 45}


def default_url(settings: Settings | None = None) -> str:
    """$CLAIMGRAPH_DB (Settings.db), else ledger.sqlite in the user's data folder."""
    db = (settings or Settings()).db
    if db:
        return db
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("claimgraph", appauthor=False))
    return f"sqlite:///{folder / 'ledger.sqlite'}"


def normalise_url(url: str) -> str:
    """A database URL from what a user types: a path, sqlite:..., postgresql://..."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser()}"
    if url.startswith(("postgresql://", "postgres://")):
        # psycopg 3, not the psycopg2 that SQLAlchemy assumes for a bare scheme
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class Store:
    """An open ledger: an engine plus the tables in `schema`."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.dialect = engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    def count(self, table: str) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(schema.metadata.tables[table])).scalar_one()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(url: str | None = None, migrate: bool = True, create: bool = True) -> Store:
    """The ledger at `url`, migrated to the newest schema. With `create=False`
    a missing ledger is an `InputError` and nothing is written to disk."""
    url = normalise_url(url or default_url())
    backend = url.split("://", 1)[0].split("+", 1)[0]
    if backend not in BACK_ENDS:
        # SQLAlchemy would try its MySQL, Oracle... dialects and fail on a missing driver
        raise UsageError(f"--db: {backend}:// is not supported; give a SQLite path, sqlite:///PATH or postgresql://...")
    where = url
    try:
        where = _where(url)
        engine = _engine(url, create)
        try:
            if migrate:
                upgrade(engine, create=create, where=where)
        except BaseException:
            engine.dispose()  # no connection left open behind the error
            raise
    except ImportError as exc:  # the back end's driver
        hint = "pip install 'claimgraph[postgresql]'"
        raise ResourceError(f"cannot open the ledger at {where}: {exc} ({hint})") from None
    except OSError as exc:
        raise ResourceError(f"cannot open the ledger at {where}: {exc.strerror}") from None
    except sa.exc.ArgumentError as exc:
        raise UsageError(f"--db: {exc}") from None
    except Exception as exc:
        problem = database_error(exc, f"cannot open the ledger at {where}")
        if problem is None:
            raise
        raise problem from None
    return Store(engine)


def database_error(exc: BaseException, what: str = "the ledger failed") -> ResourceError | None:
    """A database failure (disk full, a damaged file, a lost server) as one
    line for the user, or None when `exc` is not one."""
    orig = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc
    kinds: tuple[type[BaseException], ...] = (sqlite3.Error,)
    if "psycopg" in sys.modules:  # imported only where PostgreSQL is in use
        kinds += (sys.modules["psycopg"].Error,)
    if not isinstance(orig, kinds):
        return None
    reason = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    if "file is not a database" in reason or "malformed" in reason:
        reason += " (the file is damaged or not a claimgraph ledger)"
    return ResourceError(f"{what}: {reason}")


def _where(url: str | sa.URL) -> str:
    """The ledger's place as a user should read it: a SQLite path, or the URL without its password."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return parsed.render_as_string(hide_password=True)


def _engine(url: str, create: bool) -> Engine:
    if not url.startswith("sqlite"):
        return sa.create_engine(url, pool_pre_ping=True, **POOL)
    database = sa.engine.make_url(url).database
    if not database or database == ":memory:":
        # one shared in-memory database, not one per connection
        url, kwargs = "sqlite://", {"poolclass": sa.pool.StaticPool, "connect_args": {"check_same_thread": False}}
    else:
        if not create and not Path(database).is_file():
            raise InputError(f"no ledger at {database} (ingest something first)")
        if create:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs = {"connect_args": {"timeout": 30}, **POOL}
    engine = sa.create_engine(url, **kwargs)
    engine.dialect.statement_compiler = _SQLiteCompiler
    sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


class _SQLiteCompiler(SQLiteCompiler):
    """Renders `with_hint(table, "INDEXED BY ...", "sqlite")`, which SQLAlchemy's
    SQLite compiler drops: store.search picks the index where the planner,
    blind to a LIMIT, would sort every full-text match."""

    def get_from_hint_text(self, table, text):
        return text


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    # first, so that the journal switch below waits for a concurrent opener instead of failing
    cur.execute("PRAGMA busy_timeout=30000")
    # WAL: readers never block the writer; NORMAL sync is durable at each
    # checkpoint and never corrupts, which is the trade SQLite recommends for WAL.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def upgrade(engine: Engine, revision: str = "head", *, create: bool = True, where: str | None = None) -> None:
    """Bring the database to `revision` with Alembic (a no-op when it is there).

    Safe when several processes open a fresh ledger at once: the upgrade runs
    under a lock (SQLite's write lock, a PostgreSQL advisory lock) and Alembic
    reads the version again under it, so the first migrates and the others
    find the work done. A ledger already at `revision` takes no lock at all."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    where = where or _where(engine.url)
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current is None and not create:
        raise InputError(f"no ledger at {where} (ingest something first)")
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        raise ResourceError(
            f"the ledger at {where} has schema revision {current!r}, which this claimgraph does not know: "
            "a newer claimgraph made it; upgrade claimgraph to use it"
        )
    target = script.get_current_head() if revision == "head" else revision
    if current == target:
        return
    with _migration_lock(engine) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[Connection]:
    """A transaction that no other migrating process can be inside at the same time."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            # the write lock now, not at the first write: another opener waits here (busy_timeout)
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            # one lock per schema, so ledgers in different schemas of a database migrate side by side
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('claimgraph.migrate.' || current_schema()))"))
        yield conn
        conn.commit()


__all__ = ["ENV_VAR", "Store", "database_error", "default_url", "open_store", "schema", "upgrade"]

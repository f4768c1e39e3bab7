"""The ledger's database: SQLite by default, PostgreSQL for a team.

>>> store = open_store("sqlite://")          # in memory; a path or URL otherwise
>>> store.count("articles")
0

`open_store()` with no URL uses `$CLAIMGRAPH_DB`, else one SQLite file in
the user's data folder. Opening runs the Alembic migrations up to the newest,
so an old ledger file is upgraded in place.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from claimgraph.config import ENV_DB, Settings
from claimgraph.errors import ResourceError, UsageError
from claimgraph.store import schema

ENV_VAR = ENV_DB
_MIGRATIONS = Path(__file__).with_name("migrations")


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


def open_store(url: str | None = None, migrate: bool = True) -> Store:
    url = normalise_url(url or default_url())
    try:
        engine = _engine(url)
        if migrate:
            upgrade(engine)
    except sa.exc.ArgumentError as exc:
        raise UsageError(f"--db: {exc}") from None
    except OSError as exc:
        raise ResourceError(f"cannot open the ledger at {_safe(url)}: {exc.strerror}") from None
    except sa.exc.OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0]
        raise ResourceError(f"cannot open the ledger at {_safe(url)}: {reason}") from None
    return Store(engine)


def _safe(url: str) -> str:
    return sa.engine.make_url(url).render_as_string(hide_password=True)


def _engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return sa.create_engine(url, pool_pre_ping=True)
    database = sa.engine.make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    else:
        # one shared in-memory database, not one per connection
        url, kwargs = "sqlite://", {"poolclass": sa.pool.StaticPool, "connect_args": {"check_same_thread": False}}
        engine = sa.create_engine(url, **kwargs)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = sa.create_engine(url, connect_args={"timeout": 30})
    sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    # WAL: readers never block the writer; NORMAL sync is durable at each
    # checkpoint and never corrupts, which is the trade SQLite recommends for WAL.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision` with Alembic (a no-op when it is there)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


__all__ = ["ENV_VAR", "Store", "default_url", "open_store", "schema", "upgrade"]

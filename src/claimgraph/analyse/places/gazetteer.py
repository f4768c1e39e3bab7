"""The gazetteer: read-only lookups over the compiled SQLite index.

The file lives in the user's cache folder (`$XDG_CACHE_HOME/claimgraph` or
`~/.cache/claimgraph`), or where `CLAIMGRAPH_GAZETTEER` says (`index.default_path`).
It is built (`build.build`) on first use, or ahead of time with

    claimgraph gazetteer build [PATH]

A missing, stale or corrupt file is rebuilt; if that cannot be done the
error names the command above. `describe(name)` gives the lines of
`claimgraph gazetteer lookup NAME`.
"""

from __future__ import annotations

import json
import logging
import math
import os
import sqlite3
from functools import lru_cache
from pathlib import Path

from claimgraph.analyse.places.build import build
from claimgraph.analyse.places.index import MIN_KEY_LETTERS, VERSION, Match, Place, default_path
from claimgraph.errors import ResourceError
from claimgraph.text.translit import name_key, plain

log = logging.getLogger(__name__)

REBUILD_COMMAND = "claimgraph gazetteer build"


class Gazetteer:
    """Read-only lookups over a built index. Cheap to open; queries are cached."""

    def __init__(self, path: Path):
        self.path = path
        self._pid = -1
        self._db: sqlite3.Connection | None = None
        self.counts: dict[str, int] = {}
        self._connect()

    def _connect(self) -> None:
        db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("version") != VERSION:
            db.close()
            raise _Stale(f"version {meta.get('version')!r}, expected {VERSION!r}")
        db.execute("SELECT 1 FROM names LIMIT 1").fetchall()
        self.counts = json.loads(meta.get("counts", "{}"))
        self._db, self._pid = db, os.getpid()

    @property
    def db(self) -> sqlite3.Connection:
        # A connection must not cross a fork: reopen in a child process.
        if self._db is None or self._pid != os.getpid():
            self._connect()
        assert self._db is not None
        return self._db

    def __getstate__(self) -> dict:
        return {"path": self.path}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["path"])  # type: ignore[misc]

    def lookup(self, name: str) -> list[Match]:
        """Places `name` may be: exact (diacritics and case aside) and by transliteration key."""
        return list(self._lookup(plain(name), name_key(name)))

    @lru_cache(maxsize=50_000)  # noqa: B019  (one gazetteer per process, the cache is bounded)
    def _lookup(self, pk: str, key: str) -> tuple[Match, ...]:
        if not pk:
            return ()
        rows = self.db.execute(
            "SELECT p.*, n.form, 1 FROM names n JOIN places p ON p.id = n.place WHERE n.plain = ?", (pk,)
        ).fetchall()
        if len(key.replace(" ", "")) >= MIN_KEY_LETTERS:
            rows += self.db.execute(
                "SELECT p.*, n.form, 0 FROM names n JOIN places p ON p.id = n.place "
                # "n.key != ''" lets SQLite use the partial index names_key (else: a full scan)
                "WHERE n.key = ? AND n.key != '' AND n.plain != ?",
                (key, pk),
            ).fetchall()
        best: dict[str, Match] = {}
        for row in rows:
            m = Match(Place.from_row(row), row[11], bool(row[12]))
            old = best.get(m.place.gid)
            if old is None or (m.exact, m.form == "name") > (old.exact, old.form == "name"):
                best[m.place.gid] = m
        return tuple(best.values())

    @lru_cache(maxsize=10_000)  # noqa: B019
    def by_gid(self, gid: str) -> Place | None:
        row = self.db.execute("SELECT * FROM places WHERE gid = ? LIMIT 1", (gid,)).fetchone()
        return Place.from_row(row) if row else None

    @lru_cache(maxsize=1000)  # noqa: B019
    def country(self, iso: str) -> Place | None:
        row = self.db.execute("SELECT * FROM places WHERE country = ? AND kind = 'country' LIMIT 1", (iso,)).fetchone()
        return Place.from_row(row) if row else None


class _Stale(Exception):
    pass


def open_gazetteer(path: str | Path | None = None, rebuild: bool = True) -> Gazetteer:
    """Open the index; build it when missing, stale or corrupt (unless `rebuild` is False)."""
    target = Path(path) if path else default_path()
    problem = "missing"
    if target.exists():
        try:
            return Gazetteer(target)
        except _Stale as exc:
            problem = f"out of date ({exc})"
        except sqlite3.Error as exc:
            problem = f"unreadable ({exc})"
    where = f"the gazetteer index {target} is {problem}"
    if not rebuild:
        raise ResourceError(f"{where}; rebuild it with: {REBUILD_COMMAND} {target}")
    log.warning("%s; building it now", where)
    try:
        build(target)  # looked up here, at call time: tests put a quick copy in its place
        return Gazetteer(target)
    except (OSError, sqlite3.Error, ImportError, ResourceError) as exc:
        raise ResourceError(f"{where} and could not be rebuilt ({exc}); run: {REBUILD_COMMAND} {target}") from exc


_LOADED: dict[Path, Gazetteer] = {}


def load(path: str | Path | None = None) -> Gazetteer:
    """The process's gazetteer for `path`, opened once."""
    target = Path(path) if path else default_path()
    gaz = _LOADED.get(target)
    if gaz is None:
        gaz = _LOADED[target] = open_gazetteer(target)
    return gaz


def describe(name: str, path: str | Path | None = None) -> list[str]:
    """What `name` may be, one tab-separated line a place, the most populous first:
    gid, name, kind, country, admin1, lat,lon, population, and how the name matched
    (its form, and " (key)" for a transliteration-key match)."""
    lines = []
    for m in sorted(load(path).lookup(name), key=lambda m: -m.place.population):
        p = m.place
        lines.append(
            f"{p.gid}\t{p.name}\t{p.kind}\t{p.country}\t{p.admin1}\t{p.lat:.4f},{p.lon:.4f}\t{p.population}\t"
            f"{m.form}{'' if m.exact else ' (key)'}"
        )
    return lines


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance on a sphere of the Earth's mean radius."""
    p = math.pi / 180
    a = (
        math.sin((lat2 - lat1) * p / 2) ** 2
        + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2
    )
    return 12742 * math.asin(math.sqrt(min(1.0, a)))

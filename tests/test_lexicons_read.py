"""Data is data only if the code reads it: every lexicon file is loaded
somewhere, every column it declares is read by the module that loads it, and
every field of `Lexicons` is used by some stage. A file, column or field that
nothing reads fails here, so a lexicon can't silently stop mattering."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest

from claimgraph.lexicons import HERE, Lexicons, iter_table

SRC = Path(__file__).resolve().parent.parent / "src" / "claimgraph"
SOURCES = {p: p.read_text(encoding="utf-8") for p in SRC.rglob("*.py")}
TABLES = sorted(HERE.rglob("*.tsv"))
# columns written for the person who edits the file, not for the code: where a
# row's figures come from
PROVENANCE = {"source"}


def _strings(text: str) -> set[str]:
    return {n.value for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _columns(path: Path) -> list[str]:
    for _, columns, _ in iter_table(path):
        return columns
    return []


def test_there_are_lexicons():
    assert len(TABLES) >= 10


@pytest.mark.parametrize("path", TABLES, ids=lambda p: str(p.relative_to(HERE)))
def test_every_lexicon_is_loaded_and_every_column_read(path: Path):
    readers = [p for p, text in SOURCES.items() if path.name in text]
    assert readers, f"{path.name} is loaded by no module"
    strings = set().union(*(_strings(SOURCES[p]) for p in readers))
    unread = [c for c in _columns(path) if c not in strings | PROVENANCE]
    assert not unread, f"{path.name}: columns {unread} are read by none of {[p.name for p in readers]}"


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(Lexicons)])
def test_every_lexicons_field_is_used(field: str):
    pattern = re.compile(rf"\.{field}\b")
    users = [p for p, text in SOURCES.items() if p.name != "__init__.py" or p.parent != HERE if pattern.search(text)]
    assert users, f"Lexicons.{field} is loaded but no stage reads it"

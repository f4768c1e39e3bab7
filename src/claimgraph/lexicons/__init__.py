"""Lexicons are data: tab-separated files in this folder, one entry a line.

Each file starts with '#' comment lines that document it; the first line
that is not a comment names the columns. `load_lexicons()` reads them all
once; `load_table()` reads one and reports a bad line with its file and
line number.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from claimgraph.errors import ResourceError

HERE = Path(str(resources.files(__package__)))


def iter_table(path: Path) -> Iterator[tuple[int, list[str], list[str]]]:
    """(line number, column names, cells) for each data line of a TSV file."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        raise ResourceError(f"lexicon {path} is missing") from None
    columns: list[str] | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if columns is None:
            columns = cells
            continue
        yield number, columns, cells


def as_row(columns: list[str], cells: list[str]) -> dict[str, str]:
    """Cells by column name; missing trailing cells are empty."""
    return dict(zip(columns, cells + [""] * (len(columns) - len(cells)), strict=False))


def load_table(name: str, folder: Path = HERE) -> list[dict[str, str]]:
    path = folder / name
    rows: list[dict[str, str]] = []
    for number, columns, cells in iter_table(path):
        if len(cells) > len(columns) or not cells[0]:
            raise ResourceError(f"{path}:{number}: expected {len(columns)} tab-separated columns")
        rows.append(as_row(columns, cells))
    return rows


@dataclass(frozen=True)
class Cue:
    """A word or phrase that marks attribution."""

    lemma: str
    # speech, cognition, evidence (reports show), speculation, denial, stance
    sense: str
    # a bare noun-phrase object can be the content ("announced a ceasefire")
    takes_object: bool = False


@dataclass(frozen=True)
class Lexicons:
    cue_verbs: dict[str, Cue]
    cue_nouns: dict[str, Cue]
    cue_phrases: dict[str, Cue]  # lower-cased, space-separated words
    cue_adverbs: dict[str, Cue]
    hedges: dict[str, str]  # lower-cased word or phrase -> kind (modal, adverb, adjective, verb)
    source_nouns: frozenset[str]  # lemmas of nouns that can stand for an unnamed source
    contrast: tuple[str, ...]  # lower-cased phrases that set one claim against another
    negations: frozenset[str]
    place_features: dict[str, str]  # lower-cased feature word or phrase -> place kind


def _cues(name: str) -> dict[str, Cue]:
    return {
        r["cue"].lower(): Cue(r["cue"].lower(), r["sense"] or "speech", r.get("object") == "yes")
        for r in load_table(name)
    }


@cache
def load_lexicons() -> Lexicons:
    return Lexicons(
        cue_verbs=_cues("cue_verbs.tsv"),
        cue_nouns=_cues("cue_nouns.tsv"),
        cue_phrases=_cues("cue_phrases.tsv"),
        cue_adverbs=_cues("cue_adverbs.tsv"),
        hedges={r["hedge"].lower(): r["kind"] for r in load_table("hedges.tsv")},
        source_nouns=frozenset(r["noun"].lower() for r in load_table("source_nouns.tsv")),
        contrast=tuple(r["phrase"].lower() for r in load_table("contrast.tsv")),
        negations=frozenset(r["word"].lower() for r in load_table("negations.tsv")),
        place_features={r["feature"].lower(): r["kind"] for r in load_table("place_features.tsv")},
    )

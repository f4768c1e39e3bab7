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
    collective_nouns: frozenset[str]  # the source nouns that name a body or a document, not a person
    contrast: tuple[str, ...]  # lower-cased phrases that set one claim against another
    negations: frozenset[str]
    place_features: dict[str, str]  # lower-cased feature word or phrase -> place kind
    pronouns: dict[str, str]  # lower-cased pronoun -> kind (person, plural, thing, relative, speaker)
    source_pronouns: frozenset[str]  # pronouns that attribution resolves as a claim's source
    weak_objects: frozenset[str]  # objects that point to content elsewhere ("said so")
    demonstratives: frozenset[str]  # determiners that make an object point elsewhere ("this point")
    generic_determiners: frozenset[str]  # determiners of a generic source ("some analysts")
    content_trim: frozenset[str]  # words and marks dropped from the start of a claim's content
    modals: frozenset[str]  # every modal verb listed: none is present tense
    hypothetical_modals: frozenset[str]  # "would": under a condition, what would happen
    epistemic_modals: frozenset[str]  # "may": a guess, speculated


def _cues(name: str) -> dict[str, Cue]:
    return {
        r["cue"].lower(): Cue(r["cue"].lower(), r["sense"] or "speech", r.get("object") == "yes")
        for r in load_table(name)
    }


def words(rows: list[dict[str, str]], column: str, where: str | None = None, value: str = "yes") -> frozenset[str]:
    """The lower-cased `column` of every row, or of the rows whose column `where` holds `value`."""
    return frozenset(r[column].lower() for r in rows if where is None or r[where] == value)


@cache
def load_lexicons() -> Lexicons:
    sources = load_table("source_nouns.tsv")
    pronouns = load_table("pronouns.tsv")
    attribution = load_table("attribution_words.tsv")
    modals = load_table("modals.tsv")
    return Lexicons(
        cue_verbs=_cues("cue_verbs.tsv"),
        cue_nouns=_cues("cue_nouns.tsv"),
        cue_phrases=_cues("cue_phrases.tsv"),
        cue_adverbs=_cues("cue_adverbs.tsv"),
        hedges={r["hedge"].lower(): r["kind"] for r in load_table("hedges.tsv")},
        source_nouns=words(sources, "noun"),
        collective_nouns=words(sources, "noun", "collective"),
        contrast=tuple(r["phrase"].lower() for r in load_table("contrast.tsv")),
        negations=words(load_table("negations.tsv"), "word"),
        place_features={r["feature"].lower(): r["kind"] for r in load_table("place_features.tsv")},
        pronouns={r["pronoun"].lower(): r["kind"] for r in pronouns},
        source_pronouns=words(pronouns, "pronoun", "source"),
        weak_objects=words(attribution, "word", "role", "weak-object"),
        demonstratives=words(attribution, "word", "role", "demonstrative"),
        generic_determiners=words(attribution, "word", "role", "generic"),
        content_trim=words(attribution, "word", "role", "trim"),
        modals=words(modals, "modal"),
        hypothetical_modals=words(modals, "modal", "hypothetical"),
        epistemic_modals=words(modals, "modal", "epistemic"),
    )

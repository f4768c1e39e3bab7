"""The time lexicons (lexicons/time_*.tsv), loaded once, and the regex pieces built from them."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from claimgraph.errors import ResourceError
from claimgraph.lexicons import load_table


@dataclass(frozen=True)
class Holiday:
    name: str
    rule: str


@dataclass(frozen=True)
class TimeLexicon:
    words: dict[str, dict[str, str]]  # kind -> lower-case word -> value
    refs: dict[str, tuple[str, str]]  # lower-case phrase -> (type, value)
    deictic: dict[str, tuple[int, str]]  # lower-case phrase -> (day offset, part of day)
    holidays: dict[str, str]  # name as written -> rule

    def kind(self, kind: str) -> dict[str, str]:
        return self.words.get(kind, {})


def alternation(phrases: object) -> str:
    """A regex alternation, longest first, in which a space matches any run of spaces."""
    items = sorted({str(p) for p in phrases}, key=len, reverse=True)  # type: ignore[attr-defined]
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in items)


@cache
def load() -> TimeLexicon:
    words: dict[str, dict[str, str]] = defaultdict(dict)
    for row in load_table("time_words.tsv"):
        words[row["kind"]][row["word"].lower()] = row["value"]
    refs = {r["phrase"].lower(): (r["type"], r["value"]) for r in load_table("time_refs.tsv")}
    deictic: dict[str, tuple[int, str]] = {}
    for row in load_table("time_deictic.tsv"):
        try:
            deictic[row["phrase"].lower()] = (int(row["offset"]), row["part"])
        except ValueError:
            raise ResourceError(f"time_deictic.tsv: bad offset for {row['phrase']!r}") from None
    holidays = {r["name"]: r["rule"] for r in load_table("time_holidays.tsv")}
    return TimeLexicon(dict(words), refs, deictic, holidays)

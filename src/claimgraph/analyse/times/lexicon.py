"""The time lexicons (lexicons/time_*.tsv), read once, and `alternation`, which turns a list of their
words into a regex. What the words mean (month numbers, unit letters ...) is `words.Words`."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from claimgraph.errors import ResourceError
from claimgraph.lexicons import load_table


@dataclass(frozen=True)
class TimeLexicon:
    words: dict[str, dict[str, str]]  # kind -> lower-case word -> value (time_words.tsv)
    refs: dict[str, tuple[str, str]]  # lower-case phrase -> (type, value)
    deictic: dict[str, tuple[int, str]]  # lower-case phrase -> (day offset, part of day)
    holidays: dict[str, str]  # name as written -> rule
    cues: dict[str, tuple[str, ...]]  # role -> lower-case words and phrases (time_cues.tsv)

    def kind(self, kind: str) -> dict[str, str]:
        return self.words.get(kind, {})

    def cue(self, role: str) -> tuple[str, ...]:
        """The words of a role; a role the file lacks is an error, not a regex that matches nothing."""
        if role not in self.cues:
            raise ResourceError(f"time_cues.tsv: no words for the role {role!r}")
        return self.cues[role]


def alternation(phrases: Iterable[str]) -> str:
    """A regex alternation, longest first, in which a space matches any run of spaces."""
    items = sorted(set(phrases), key=len, reverse=True)
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
    cues: dict[str, list[str]] = defaultdict(list)
    for row in load_table("time_cues.tsv"):
        cues[row["role"]].append(row["phrase"].lower())
    return TimeLexicon(dict(words), refs, deictic, holidays, {k: tuple(v) for k, v in cues.items()})

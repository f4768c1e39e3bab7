"""What a handler produces (`Timex`), what it may look at (`Context`), and the small helpers every
handler uses to build its answer."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from claimgraph.analyse.times.calendar import Point, point
from claimgraph.analyse.times.words import Words


@dataclass
class Timex:
    start: int
    end: int
    type: str
    value: str | None
    mod: str | None = None
    anchor: str | None = None
    underspecified: bool = False


@dataclass
class Context:
    """What resolution may look at: the publication date, the tense of the verb
    governing a span, the sentence of an offset, and the dates resolved so far."""

    text: str
    pub: date | None
    tense: Callable[[int, int], str]
    starts: list[int]  # where each sentence starts
    history: list[tuple[int, Point]] = field(default_factory=list)
    quarters: list[Point] = field(default_factory=list)  # quarters named by number ("the third quarter")

    def last(self, gran: str | None = None) -> Point | None:
        """The last date mentioned (of granularity `gran`)."""
        for _, p in reversed(self.history):
            if gran is None or p.gran == gran:
                return p
        return None

    def base_day(self, p: Point | None) -> tuple[date | None, str]:
        """The day to count from, and the anchor that says which: the first day of `p` (a date of the
        text), else the publication date."""
        start = p.start() if p else None
        if start is None:
            return self.pub, "publication"
        return start, "text"

    def day_or_pub(self, p: Point | None) -> tuple[Point | None, str]:
        """The day a time of day belongs to, and the anchor that says which: `p` when it is a day (of
        the text), else the publication day (None without a publication date)."""
        if p is not None and p.gran == "day":
            return p, "text"
        return (point(self.pub, "day") if self.pub else None), "publication"

    def sentence(self, offset: int) -> int:
        return max(0, bisect_right(self.starts, offset) - 1)

    def last_in_sentence(self, offset: int) -> Point | None:
        if self.history and self.history[-1][0] == self.sentence(offset):
            return self.history[-1][1]
        return None

    def before(self, start: int, chars: int) -> str:
        """The `chars` characters before `start`, lower case: where a cue word would stand."""
        return self.text[max(0, start - chars) : start].lower()


# a rule's handler: the words of the grammar, the match, its context -> a time, or None when it is none
Handler = Callable[[Words, re.Match[str], Context], Timex | None]

# the value of a relative expression of each granularity when there is no publication date
GRAN_UNDERSPEC = {
    "day": "XXXX-XX-XX",
    "week": "XXXX-WXX",
    "month": "XXXX-XX",
    "quarter": "XXXX-QX",
    "half": "XXXX-HX",
    "season": "XXXX-XX",
    "year": "XXXX",
    "decade": "XXX",
    "century": "XX",
}


def pub_missing(m: re.Match[str], gran: str, typ: str = "DATE", value: str | None = None) -> Timex:
    """A relative expression with no publication date: underspecified, never guessed."""
    return Timex(m.start(), m.end(), typ, value or GRAN_UNDERSPEC[gran], anchor="none", underspecified=True)


def at(m: re.Match[str], typ: str, p: Point | None, anchor: str | None = None, mod: str | None = None) -> Timex:
    """The match as a time whose value is the point `p` (no value when the calendar has no such point)."""
    return Timex(m.start(), m.end(), typ, p.value if p else None, mod, anchor)


def capitalised(word: str) -> bool:
    return word[:1].isupper()

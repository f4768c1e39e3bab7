"""Calendar arithmetic over TIMEX3 values.

A `Point` is a date at some granularity (a day, an ISO week, a month, a
quarter, a half, a season, a year, a decade, a century). Every function here
returns None instead of raising when the calendar cannot hold the result
(31 February, year 0 or 10000), so bad input never crashes the stage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

# coarser granularities have larger ranks ("that week" can take its week from a day, not from a year)
RANK = {"day": 0, "week": 1, "month": 2, "quarter": 3, "season": 3, "half": 4, "year": 5, "decade": 6, "century": 7}
# the granularity that a unit letter (time_words.tsv) names
UNIT_GRAN = {
    "D": "day",
    "W": "week",
    "WE": "week",
    "2W": "week",
    "M": "month",
    "Q": "quarter",
    "Y": "year",
    "E": "decade",
    "C": "century",
    "L": "century",
    "H": "day",
    "MIN": "day",
    "S": "day",
}
SEASONS = ("SP", "SU", "FA", "WI")
# the month each season starts in; winter is counted from December
SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
# how a point of each granularity is written in TIMEX3 (a season by its code, see Point.value)
FORMAT = {
    "day": "{y}-{month:02d}-{day:02d}",
    "week": "{y}-W{part:02d}",
    "month": "{y}-{month:02d}",
    "quarter": "{y}-Q{part}",
    "half": "{y}-H{part}",
}
# a decade is written as the first three digits of its year, a century as the first two
DIGITS = {"decade": 3, "century": 2}
# a two-digit year up to this one is in the 2000s ("'25"), above it in the 1900s ("'98"), where no
# publication date gives a better pivot: 30 puts both TimeBank's 1990s and this century's years right
YY_PIVOT = 30


@dataclass(frozen=True)
class Point:
    gran: str
    year: int
    month: int = 1
    day: int = 1
    part: int = 0  # the week, quarter or half number; the season index (0-3)

    @property
    def value(self) -> str:
        y = f"{self.year:04d}"
        if self.gran == "season":
            return f"{y}-{SEASONS[self.part]}"
        if self.gran in DIGITS:
            return y[: DIGITS[self.gran]]
        return FORMAT.get(self.gran, "{y}").format(y=y, month=self.month, day=self.day, part=self.part)

    def start(self) -> date | None:
        """The first day the point covers."""
        try:
            if self.gran == "week":
                return date.fromisocalendar(self.year, self.part, 1)
            if self.gran == "season":
                return date(self.year, SEASON_START[SEASONS[self.part]], 1)
            return date(self.year, self.month, self.day)
        except ValueError:
            return None


def point(d: date, gran: str) -> Point:
    """The point of granularity `gran` that holds the day `d`."""
    if gran == "week":
        iso = d.isocalendar()
        return Point("week", iso.year, d.month, d.day, iso.week)
    if gran == "quarter":
        return Point("quarter", d.year, d.month, 1, (d.month - 1) // 3 + 1)
    if gran == "half":
        return Point("half", d.year, d.month, 1, 1 if d.month <= 6 else 2)
    if gran == "season":
        # January and February belong to the winter that began the December before
        index = {12: 3, 1: 3, 2: 3}.get(d.month, (d.month - 3) // 3)
        return Point("season", d.year - (d.month < 3), d.month, 1, index)
    return Point(gran, d.year, d.month, d.day)


def day(year: int, month: int, dom: int) -> date | None:
    try:
        return date(year, month, dom)
    except (ValueError, OverflowError):
        return None


def add_months(d: date, months: int) -> date | None:
    total = d.year * 12 + d.month - 1 + months
    year, month = divmod(total, 12)
    return day(year, month + 1, 1)


def shift(d: date, unit: str, n: int) -> date | None:
    """`d` moved by `n` units (letters of time_words.tsv); months land on the 1st."""
    try:
        if unit in ("D", "H", "MIN", "S"):
            return d + timedelta(days=n)
        if unit in ("W", "WE"):
            return d + timedelta(weeks=n)
        if unit == "2W":
            return d + timedelta(weeks=2 * n)
    except OverflowError:
        return None
    months = {"M": 1, "Q": 3, "Y": 12, "E": 120, "C": 1200, "L": 12000}.get(unit)
    if months is None:
        return None
    moved = add_months(d, n * months)
    return moved and (day(moved.year, moved.month, d.day) or moved)


def shifted(d: date, unit: str, n: int, gran: str) -> Point | None:
    """The point of granularity `gran` that holds `d` moved by `n` units (None past the calendar's ends)."""
    moved = shift(d, unit, n)
    return None if moved is None else point(moved, gran)


def quarter_in(q: Point, year: int) -> Point:
    """The quarter `q` of another year ("the year-ago quarter")."""
    return Point("quarter", year, q.month, 1, q.part)


def two_digit_year(yy: int, pivot: int = YY_PIVOT) -> int:
    return (2000 if yy <= pivot else 1900) + yy


def latest_decade(tens: int, base: int) -> int:
    """The first year of the last decade ending in `tens` (9 for the nineties) that began by `base`."""
    year = (base // 100) * 100 + tens * 10
    return year - 100 if year > base else year


_VALUE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?|-W(\d{2})|-Q(\d)|-H(\d)|-(SP|SU|FA|WI))?(?:T.*)?$")


def parse_value(value: str | None) -> Point | None:
    """A Point from a TIMEX3 value such as 2024-12-08, 2024-W49 or 1989-Q3."""
    m = _VALUE.match(value or "")
    if not m:
        return None
    year = int(m[1])
    if m[3]:
        return Point("day", year, int(m[2]), int(m[3]))
    if m[2]:
        return Point("month", year, int(m[2]))
    if m[4]:
        return Point("week", year, 1, 1, int(m[4]))
    if m[5]:
        return Point("quarter", year, (int(m[5]) - 1) * 3 + 1, 1, int(m[5]))
    if m[6]:
        return Point("half", year, 1 if m[6] == "1" else 7, 1, int(m[6]))
    if m[7]:
        return Point("season", year, SEASON_START[m[7]], 1, SEASONS.index(m[7]))
    return Point("year", year)


def weekday_near(pub: date, weekday: int, direction: int, strict: bool = False) -> date:
    """The day with ISO `weekday` nearest `pub` going back (-1) or forward (+1)."""
    diff = (weekday - pub.isoweekday()) * direction % 7
    if diff == 0 and strict:
        diff = 7
    return pub + timedelta(days=diff * direction)


def year_for(pub: date, month: int, dom: int, tense: str) -> int:
    """The year that puts month/day on the side of `pub` that the tense asks for."""
    here = (month, dom)
    now = (pub.month, pub.day)
    if tense == "past":
        return pub.year if here <= now else pub.year - 1
    if tense == "future":
        return pub.year if here >= now else pub.year + 1
    # no tense: the nearest, within half a year
    months = (month - pub.month) + (dom - pub.day) / 31
    if months > 6:
        return pub.year - 1
    if months < -6:
        return pub.year + 1
    return pub.year


def easter(year: int) -> date | None:
    """Western Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ll = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ll) // 451
    month, dom = divmod(h + ll - 7 * m + 114, 31)
    return day(year, month, dom + 1)


def nth_weekday(year: int, month: int, n: int, weekday: int) -> date | None:
    """The n-th (n = -1: last) ISO weekday of a month."""
    first = day(year, month, 1)
    if first is None:
        return None
    if n > 0:
        return first + timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (n - 1))
    following = add_months(first, 1)
    if following is None:
        return None
    last = following - timedelta(days=1)
    return last - timedelta(days=(last.isoweekday() - weekday) % 7)


def holiday_date(rule: str, year: int) -> date | None:
    """The day of a holiday rule of time_holidays.tsv (MM-DD, MM-N-W, easter+K) in `year`."""
    if rule.startswith("easter"):
        e = easter(year)
        return e and shift(e, "D", int(rule[6:]))
    month, rest = rule.split("-", 1)
    if "-" not in rest:
        return day(year, int(month), int(rest))
    n, wd = rest.rsplit("-", 1)
    return nth_weekday(year, int(month), int(n), int(wd))

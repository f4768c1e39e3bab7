"""Handlers of the expressions that name a day or a calendar period by its name or number: ISO and
numeric dates, month and day, months, years, decades, centuries, quarters, halves, seasons, holidays and
the fixed phrases ("the near future"). A missing year comes from the publication date, the tense and
the words before the expression.

Each handler takes the grammar's words, the match of its rule (table.py) and the context, and returns
a `Timex`, or None when the match is no time after all.
"""

from __future__ import annotations

import re

import claimgraph.analyse.times.calendar as cal
from claimgraph.analyse.times.calendar import Point
from claimgraph.analyse.times.timex import Context, Timex, at, capitalised, pub_missing
from claimgraph.analyse.times.words import Words

# how far before a year-less date a deadline word ("until", "payable") is looked for: the word and
# the up to three words the deadline pattern allows between it and the date
DEADLINE_REACH = 40
# how far before a lone "May" or a season word its time word ("in", "during", "early") is looked for:
# one short word and its spaces
CUE_REACH = 12
# how far around a four-digit number the words that make it a count are looked for ("2015 people",
# "some 2000"): a word and its spaces either side, more after it for "percent" and a unit
COUNT_REACH_BEFORE, COUNT_REACH_AFTER = 20, 30
# how far after a holiday's name its time word ("Eve", "weekend", "celebrations") is looked for
HOLIDAY_REACH = 16
# the largest century number taken as one ("the 21st century"; "the 45th century" is a typo or no time)
MAX_CENTURY = 30
# without a publication date, the year a decade word ("the nineties") or a '90s counts back from
DECADE_WORD_BASE, DECADE_DIGIT_BASE = 1900, 1999


def lean(w: Words, ctx: Context, start: int, end: int) -> str:
    """The tense that places a date without a year: "until Nov. 20" and "payable Dec. 7" name a deadline
    whatever the verb's tense (the nearest such date); "since Jan. 13" is past."""
    before = w.deadline.search(ctx.text, max(0, start - DEADLINE_REACH), start)
    tense = ctx.tense(start, end)
    if before:
        if before[1].lower() in w.since:
            return "past"
        return "future" if tense == "future" else ""
    return tense


def month_ok(w: Words, m: re.Match[str], ctx: Context, alone: bool) -> bool:
    """Month names are capitalised; "May" and "March" alone need a time word before them."""
    word = m["mon"]
    if not capitalised(word):
        return False
    if alone and word.lower().rstrip(".") in w.ambiguous:
        return bool(w.month_before.search(ctx.before(m.start(), CUE_REACH)))
    return True


def iso(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    d = cal.day(int(m["y"]), int(m["mo"]), int(m["d"]))
    if d is None:
        return Timex(m.start(), m.end(), "DATE", None)
    value = d.isoformat()
    if m["h"] and int(m["h"]) < 25 and int(m["mi"]) < 60:
        return Timex(m.start(), m.end(), "TIME", f"{value}T{m['h']}:{m['mi']}")
    return Timex(m.start(), m.end(), "DATE", value)


def numeric(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    a, b, y = int(m["a"]), int(m["b"]), m["y"]
    if len(y) == 2:
        if m["sep"] == ".":
            return None  # 1.5.10 is a version number more often than a date
        # up to ten years after the publication, "12/8/30" is this century's
        pivot = (ctx.pub.year % 100 + 10) if ctx.pub else cal.YY_PIVOT
        year = cal.two_digit_year(int(y), pivot)
    else:
        year = int(y)
    # slashes are month first (US) unless the first number cannot be a month; dots are day first
    month, dom = (a, b) if m["sep"] == "/" and a <= 12 else (b, a)
    d = cal.day(year, month, dom)
    return Timex(m.start(), m.end(), "DATE", d.isoformat() if d else None)


def month_day(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    if not month_ok(w, m, ctx, alone=False):
        return None
    month = w.months[m["mon"].lower().rstrip(".")]
    dom = w.ordinal(m["day"])
    if dom is None:
        return None
    year = w.year_of(m["year"])
    if year is not None:
        d = cal.day(year, month, dom)
        return Timex(m.start(), m.end(), "DATE", d.isoformat() if d else None)
    if not 1 <= dom <= 31 or cal.day(2000, month, dom) is None:
        return Timex(m.start(), m.end(), "DATE", None)  # 31 February, the 45th of May
    if ctx.pub is None:
        return pub_missing(m, "day", value=f"XXXX-{month:02d}-{dom:02d}")
    year = cal.year_for(ctx.pub, month, dom, lean(w, ctx, m.start(), m.end()))
    d = cal.day(year, month, dom)
    return Timex(m.start(), m.end(), "DATE", d.isoformat() if d else None, anchor="publication")


def month(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    alone = not (m["year"] or m["yy"] or m["ryear"] or m["rel"] or m["edge"])
    if not month_ok(w, m, ctx, alone):
        return None
    month = w.months[m["mon"].lower().rstrip(".")]
    mod = w.mod(m["edge"])
    year = w.year_of(m["year"])
    if m["yy"]:
        year = cal.two_digit_year(int(m["yy"]))
    if year is not None:
        return at(m, "DATE", Point("month", year, month), mod=mod)
    if ctx.pub is None:
        return pub_missing(m, "month", value=f"XXXX-{month:02d}")
    pub = ctx.pub
    rel = (m["rel"] or "").lower().split()
    step = w.steps.get(rel[-1], 0) if rel else 0
    if m["ryear"]:
        year = pub.year + w.steps[m["ryear"].lower()]
    elif step < 0:
        # "last February" said in March means a year ago; "this past February" the one just gone
        gap = 1 if rel[0] == "last" else 0
        year = pub.year if month < pub.month - gap else pub.year - 1
    elif step > 0:
        year = pub.year if month > pub.month else pub.year + 1
    elif rel and rel[0] in ("this", "that"):
        year = pub.year
    else:
        tense = lean(w, ctx, m.start(), m.end())
        if tense == "past":
            year = pub.year if month <= pub.month else pub.year - 1
        elif tense == "future":
            year = pub.year if month >= pub.month else pub.year + 1
        else:
            year = pub.year + (month - pub.month > 6) * -1 + (pub.month - month > 6)
    return at(m, "DATE", Point("month", year, month), "publication", mod)


def year_quantity(w: Words, m: re.Match[str], ctx: Context) -> bool:
    """A four-digit number that counts things ("2015 people", "$1990") is not a year."""
    text, s, e = ctx.text, m.start("year"), m.end("year")
    if text[max(0, s - 1) : s] in "$£€#" and s > 0:
        return True
    after = text[e : e + COUNT_REACH_AFTER]
    if re.match(r"\s*(?:%|percent|per\s+cent|[.,]\d)", after):
        return True
    nxt = re.match(r"\s+([a-z]+)", after)
    if nxt:
        word = nxt[1]
        if word in w.units or (word in ("to", "and", "or") and re.match(r"\s+\w+\s+\d{5}", after)):
            return False
        if word.endswith("s") and not word.endswith("ss") and word not in w.not_a_count:
            return True
    return bool(w.count_before.search(ctx.before(s, COUNT_REACH_BEFORE))) and not m["fiscal"]


def year(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    if m["apos"]:
        year = cal.two_digit_year(int(m["apos"][1:]))
        if not (m["edge"] or m["fiscal"]):
            return None  # a bare '98 is too often a quote mark
    else:
        year = w.year_of(m["year"])
        if year is None:
            return None
        if m["year"].isdigit() and not (m["edge"] or m["fiscal"]) and year_quantity(w, m, ctx):
            return None
        # "nineteen ninety-six" is a year; "two thousand troops" is not
        if (
            not m["year"].isdigit()
            and not (m["fiscal"] or m["edge"])
            and (m["year"].lower().startswith("two") or re.match(r"\s+[a-z]+s\b", ctx.text[m.end() :]))
        ):
            return None
    edge = (m["edge"] or "").lower()
    if "half" in edge:
        return at(m, "DATE", Point("half", year, 1, 1, 1 if "first" in edge else 2))
    return at(m, "DATE", Point("year", year), mod=w.mod(edge))


def decade(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    if m["w"]:
        year = cal.latest_decade(w.decades[m["w"].lower()], ctx.pub.year if ctx.pub else DECADE_WORD_BASE)
    elif m["c"]:
        year = int(m["c"]) * 100 + int(m["d"]) * 10
    else:
        year = cal.latest_decade(int(m["d2"]), ctx.pub.year if ctx.pub else DECADE_DIGIT_BASE)
    return at(m, "DATE", Point("decade", year), mod=w.mod(m["edge"] or m["edge2"]))


def century(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    n = w.ordinal(m["n"])
    if not n or n > MAX_CENTURY:
        return None
    return Timex(m.start(), m.end(), "DATE", f"{n - 1:02d}", w.mod(m["edge"]))


def quarter(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    q = int(m["q"]) if m["q"] else int(w.ordinal(m["ord"]) or 0)
    if not 1 <= q <= 4:
        return None
    year_text = m["yr"] or m["yr2"] or m["yr3"] or m["yr4"]
    ryr = (m["ryr"] or m["ryr2"] or "").lower()
    anchor: str | None = None
    if year_text:
        year = int(year_text)
    elif ctx.pub is None:
        return pub_missing(m, "quarter", value=f"XXXX-Q{q}")
    elif ryr:
        year, anchor = ctx.pub.year + w.steps[ryr], "publication"
    else:
        # the latest such quarter that has begun by the publication date, or the next one
        # when the sentence looks forward
        current = (ctx.pub.month - 1) // 3 + 1
        future = ctx.tense(m.start(), m.end()) == "future"
        year, anchor = ctx.pub.year - (q > current and not future), "publication"
    if m["adj"] and m["adj"].lower().startswith("year"):
        year -= 1
    return at(m, "DATE", Point("quarter", year, (q - 1) * 3 + 1, 1, q), anchor)


def latest_quarter(ctx: Context) -> tuple[Point | None, str]:
    """The quarter a report is about: the last one named by number, else the last that ended."""
    if ctx.quarters:
        return ctx.quarters[-1], "text"
    if ctx.pub is None:
        return None, "none"
    return cal.shifted(ctx.pub, "Q", -1, "quarter"), "publication"


def quarter_ref(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    det = (m["det"] or "").lower()
    adjs = set(re.findall(r"[\w-]+", (m[0][: m.start("what") - m.start()]).lower()))
    period = m["what"].lower() == "period"
    year_adj = next((int(a) for a in adjs if a.isdigit()), None)
    back = any(a.startswith("year-") for a in adjs) or bool(m["ago"]) or m["ryr"] == "last"
    if period and not (
        back or year_adj or {"latest", "comparable", "corresponding", "same", "current", "recent"} & adjs
    ):
        return None  # "the period" alone is too vague to pin down
    base: Point | None
    if det == "this" or "current" in adjs:
        base, anchor = ctx.pub and cal.point(ctx.pub, "quarter"), "publication"
    elif det in ("last", "next") or {"previous", "prior"} & adjs:
        base = cal.shifted(ctx.pub, "Q", 1 if det == "next" else -1, "quarter") if ctx.pub else None
        anchor = "publication"
    else:
        base, anchor = latest_quarter(ctx)
    if base is None:
        return pub_missing(m, "quarter")
    if year_adj:
        base = cal.quarter_in(base, year_adj)
    elif back:
        base = cal.quarter_in(base, base.year - 1)
    return at(m, "DATE", base, anchor)


def half(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    h = 1 if m["ord"].lower() == "first" else 2
    year_text = m["yr"] or m["yr2"]
    if year_text:
        return at(m, "DATE", Point("half", int(year_text), 1, 1, h))
    rel = (m["rel"] or "").lower()
    if rel == "the":
        last = ctx.last()
        year = last.year if last else (ctx.pub.year if ctx.pub else None)
    else:
        year = ctx.pub.year + w.steps[rel] if ctx.pub else None
    if year is None:
        return pub_missing(m, "half", value=f"XXXX-H{h}")
    return at(m, "DATE", Point("half", year, 1, 1, h), "publication")


def season(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    code = w.seasons[m["season"].lower()]
    rel = (m["rel"] or "").lower()
    word = m["season"].lower()
    year = w.year_of(m["year"])
    if rel == "the" and re.match(r"\s+of\b", ctx.text[m.end() :]) and year is None:
        return None  # "the fall of Damascus"
    if word in w.ambiguous and not ((rel and rel != "the") or year or m["edge"]):
        if not w.season_before.search(ctx.before(m.start(), CUE_REACH)):
            return None
    elif not (rel or year or m["edge"]) and not w.season_rel_before.search(ctx.before(m.start(), CUE_REACH)):
        return None
    index = cal.SEASONS.index(code)
    mod = w.mod(m["edge"])
    if year is not None:
        return at(m, "DATE", Point("season", year, 1, 1, index), mod=mod)
    if ctx.pub is None:
        return pub_missing(m, "season", value=f"XXXX-{code}")
    now = cal.point(ctx.pub, "season")
    year = now.year
    step = w.steps.get(rel.split()[-1], 0) if rel else 0
    if step < 0:
        year = now.year if index < now.part else now.year - 1
    elif step > 0:
        year = now.year if index > now.part else now.year + 1
    elif rel in ("", "the"):
        tense = ctx.tense(m.start(), m.end())
        if tense == "past" and index > now.part:
            year -= 1
        elif tense == "future" and index < now.part:
            year += 1
    return at(m, "DATE", Point("season", year, 1, 1, index), "publication", mod)


def holiday(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    rule = w.holidays[m["name"]]
    rel = (m["rel"] or "").lower()
    year = int(m["year"]) if m["year"] else None
    if not (rel or year):
        after = ctx.text[m.end() : m.end() + HOLIDAY_REACH].lower()
        if not w.holiday_after.match(after):
            return None  # a holiday name with no time word around it is a name
    start = m.start() if rel in ("last", "this", "next") else m.start("name")
    if year is None:
        if ctx.pub is None:
            return Timex(start, m.end(), "DATE", "XXXX-XX-XX", anchor="none", underspecified=True)
        year = ctx.pub.year
        d = cal.holiday_date(rule, year)
        if d is not None:
            tense = ctx.tense(m.start(), m.end())
            if rel == "last" or (tense == "past" and d > ctx.pub and rel != "next"):
                year -= 1
            elif rel == "next" or (tense in ("future", "present") and d < ctx.pub):
                year += 1
    d = cal.holiday_date(rule, year)
    return Timex(start, m.end(), "DATE", d.isoformat() if d else None, anchor="publication")


def ref(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    typ, value = w.refs[re.sub(r"\s+", " ", m[0].lower())]
    if m[0].lower() == "current" and w.not_current.match(ctx.text, m.end()):
        return None
    return Timex(m.start(), m.end(), typ, value, anchor="publication")

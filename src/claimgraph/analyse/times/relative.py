"""Handlers of the expressions that count from a day: weekdays, "yesterday", parts of the day, clock
times, "last week", "the day before", "the weekend", "two years ago", "three days later". They count
from the publication date or from the last date the text mentioned (the anchor says which).

Each handler takes the grammar's words, the match of its rule (table.py) and the context, and returns
a `Timex`, or None when the match is no time after all.
"""

from __future__ import annotations

import re
from datetime import date

import claimgraph.analyse.times.calendar as cal
from claimgraph.analyse.times.calendar import Point
from claimgraph.analyse.times.timex import Context, Timex, at, capitalised, pub_missing
from claimgraph.analyse.times.words import Words

# the largest count of units taken as a shift ("10,000 years ago"); more is a number, not a time
MAX_SHIFT = 10000


def counted(
    m: re.Match[str],
    start: date | None,
    anchor: str,
    unit: str,
    step: int,
    gran: str,
    out_gran: str | None = None,
    mod: str | None = None,
    suffix: str = "",
) -> Timex | None:
    """The match as the date `step` units from `start`, at granularity `out_gran` (else `gran`):
    underspecified when there is no day to count from, None past the calendar's ends."""
    if start is None:
        return pub_missing(m, gran)
    p = cal.shifted(start, unit, step, out_gran or gran)
    if p is None:
        return None
    return Timex(m.start(), m.end(), "DATE", p.value + suffix, mod, anchor)


def weekday(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    if not capitalised(m["wd"]):
        return None
    wd = w.weekdays[m["wd"].lower()]
    part = w.dayparts.get((m["part"] or "").lower())
    if m["pl"] or m["ppl"]:
        return Timex(m.start(), m.end(), "SET", f"XXXX-WXX-{wd}" + (f"T{part}" if part else ""))
    typ = "TIME" if part else "DATE"
    suffix = f"T{part}" if part else ""
    rel = (m["rel"] or "").lower()
    if rel in ("the following", "the previous", "the next", "that"):
        base, anchor = ctx.day_or_pub(ctx.last("day"))
        start = base.start() if base else None
        if start is None:
            return pub_missing(m, "day", typ, f"XXXX-WXX-{wd}{suffix}")
        direction = -1 if rel == "the previous" else 1
        d = cal.weekday_near(start, wd, direction, strict=rel != "that")
        return Timex(m.start(), m.end(), typ, d.isoformat() + suffix, anchor=anchor)
    if ctx.pub is None:
        return pub_missing(m, "day", typ, f"XXXX-WXX-{wd}{suffix}")
    if rel in ("last", "this past"):
        d = cal.weekday_near(ctx.pub, wd, -1, strict=True)
    elif rel in ("next", "this coming", "coming"):
        d = cal.weekday_near(ctx.pub, wd, 1, strict=True)
    else:
        # "meet Monday" in a present-tense news sentence is the coming Monday
        tense = ctx.tense(m.start(), m.end())
        if ctx.text.startswith("'s", m.end()):
            tense = "past"  # "Friday's vote" reports what happened
        d = cal.weekday_near(ctx.pub, wd, 1 if tense in ("future", "present") else -1)
    return Timex(m.start(), m.end(), typ, d.isoformat() + suffix, anchor="publication")


def deictic(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    offset, part = w.deictic[re.sub(r"\s+", " ", m["word"].lower())]
    if m["part"] or m["part0"]:
        part = w.dayparts.get((m["part"] or m["part0"]).lower(), part)
    typ = "TIME" if part else "DATE"
    suffix = f"T{part}" if part else ""
    if ctx.pub is None:
        return pub_missing(m, "day", typ, "XXXX-XX-XX" + suffix)
    d = cal.shift(ctx.pub, "D", offset)
    return Timex(m.start(), m.end(), typ, d.isoformat() + suffix if d else None, anchor="publication")


def daypart(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    det = (m["det"] or "").lower()
    if not det and not m["pre"]:
        return None  # a bare "morning" is rarely a time ("morning prayers")
    part = w.dayparts[m["part"].lower()]
    if det == "this":
        base, anchor = ctx.day_or_pub(None)
    else:
        base, anchor = ctx.day_or_pub(ctx.last_in_sentence(m.start()) or ctx.last("day"))
    if base is None:
        return pub_missing(m, "day", "TIME", f"XXXX-XX-XXT{part}")
    d = base.start()
    if d and m["before"]:
        d = cal.shift(d, "D", -1)
    return Timex(m.start(), m.end(), "TIME", f"{d.isoformat()}T{part}" if d else None, anchor=anchor)


def clock_value(w: Words, m: re.Match[str]) -> str | None:
    """The 'Thh:mm' of a clock time, or None when it is not a time of day."""
    if m["noon"]:
        return "T" + w.dayparts[m["noon"].lower()]
    if m["h24"] is not None:
        h, mi = int(m["h24"]), int(m["mi24"])
    else:
        hour = m["h"] or m["oc"]
        n = w.number(hour)
        if n is None:
            return None
        h, mi = int(n), int(m["mi"] or 0)
        pm = (m["ampm"] or "").lower().startswith("p")
        if h > 12 or h == 0 or mi > 59:
            return None
        h = h % 12 + (12 if pm else 0)
    return f"T{h:02d}:{mi:02d}"


def clock(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    tv = clock_value(w, m)
    if tv is None:
        return None
    base, anchor = ctx.day_or_pub(ctx.last_in_sentence(m.start()))
    if base is None:
        return pub_missing(m, "day", "TIME", "XXXX-XX-XX" + tv)
    return Timex(m.start(), m.end(), "TIME", base.value + tv, w.mod(m["mod"]), anchor)


def relative(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    """this / last / next / the following ... + a unit: a date at the unit's granularity."""
    rel = re.sub(r"\s+", " ", m["rel"].lower())
    unit = w.units[m["unit"].lower()]
    if unit in ("H", "MIN", "S", "Q"):
        return None
    gran = cal.UNIT_GRAN[unit]
    head = rel.split()[-1]
    step = w.steps.get(head, 0)
    if rel == "the last" and m["after"] is None and unit == "D":
        return None  # "the last day of ..." names no date by itself
    if head == "latest":
        return None
    text_anchored = (
        (rel.startswith("the ") and head not in ("past", "last", "current", "coming"))
        or head == "that"
        or head == "same"
    )
    if m["after"]:
        step = -1 if m["after"].lower() in ("earlier", "before") else 1
        text_anchored = True
    start, anchor = ctx.base_day(ctx.last()) if text_anchored else (ctx.pub, "publication")
    suffix = "-WE" if unit == "WE" else ""  # a weekend is written as its week and -WE
    return counted(m, start, anchor, unit, step, gran, mod=w.mod(m["pre"]), suffix=suffix)


def the_unit(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    """ "the year", "that week": the period of the last date the text mentioned."""
    unit = m["unit"].lower()
    if m["det"].lower() == "the" and not m["pre"] and w.period_ended.match(ctx.text, m.end()):
        # "the year ended March 31" is a fiscal year's length, as TimeBank marks it
        return Timex(m.start(), m.end(), "DURATION", f"P1{unit[0].upper()}")
    gran = unit  # the rule's units (week, month, year) are granularities by the same name
    last = ctx.last_in_sentence(m.start())
    if last is not None and cal.RANK[last.gran] <= cal.RANK[gran] and last.start() is not None:
        p, anchor = cal.point(last.start() or date.min, gran), "text"
    elif ctx.pub is None:
        return pub_missing(m, gran)
    else:
        p, anchor = cal.point(ctx.pub, gran), "publication"
    return at(m, "DATE", p, anchor, w.mod(m["pre"]))


def year_end(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    last = ctx.last_in_sentence(m.start())
    if last is not None and last.gran == "year":
        return at(m, "DATE", last, "text", "END")
    if ctx.pub is None:
        return pub_missing(m, "year")
    return at(m, "DATE", Point("year", ctx.pub.year), "publication", "END")


def day_before(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    """ "the day before", "the year after": next to the last date mentioned."""
    unit = w.units[m["unit"].lower()]
    gran = cal.UNIT_GRAN[unit]
    start, anchor = ctx.base_day(ctx.last())
    if start is None:
        return pub_missing(m, gran)
    step = -1 if m["dir"].lower() in ("before", "earlier") else 1
    return at(m, "DATE", cal.shifted(start, unit, step, gran), anchor)


def year_ago(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    """ "a year-earlier loss": the quarter in question a year before, else last year."""
    if ctx.quarters:
        q = ctx.quarters[-1]
        return at(m, "DATE", cal.quarter_in(q, q.year - 1), "text")
    if ctx.pub is None:
        return pub_missing(m, "year")
    return at(m, "DATE", Point("year", ctx.pub.year - 1), "publication")


def weekend(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    rel = re.sub(r"\s+", " ", m["rel"].lower())
    if ctx.pub is None:
        return pub_missing(m, "week", value="XXXX-WXX-WE")
    if rel in ("the following", "the previous", "that"):
        last = ctx.last("day")
        base = (last.start() if last else None) or ctx.pub
        anchor = "text" if last else "publication"
    else:
        base, anchor = ctx.pub, "publication"
    saturday = cal.weekday_near(base, 6, -1)  # the weekend that has begun by then
    if rel in ("next", "this coming", "the following") or (
        rel in ("the", "this") and ctx.tense(m.start(), m.end()) in ("future", "present")
    ):
        saturday = cal.weekday_near(base, 6, 1, strict=base.isoweekday() < 6)
    elif rel in ("last", "the previous") and base.isoweekday() >= 6:
        saturday = cal.shift(saturday, "D", -7) or saturday
    return Timex(m.start(), m.end(), "DATE", cal.point(saturday, "week").value + "-WE", anchor=anchor)


def comparison(w: Words, ctx: Context, start: int) -> bool:
    """Is there a comparison ("up from $4 ...", "compared with") earlier in the sentence?"""
    return bool(w.comparison.search(ctx.text, ctx.starts[ctx.sentence(start)], start))


def ago(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    n = w.number(m["num"])
    unit = w.units[m["unit"].lower()]
    direction = m["dir"].lower()
    if n is None:
        if direction == "ago":
            return Timex(m.start(), m.end(), "DATE", "PAST_REF", anchor="publication")
        return None
    if n != int(n) or n > MAX_SHIFT:
        return None
    gran = cal.UNIT_GRAN[unit]
    step = int(n) * (-1 if direction in ("ago", "earlier", "before", "previously") else 1)
    if unit in ("H", "MIN", "S"):
        return None
    mod = w.mod(m["mod"])
    if (
        unit == "Y"
        and abs(step) == 1
        and direction in ("ago", "earlier")
        and ctx.quarters
        and comparison(w, ctx, m.start())
    ):
        # "up from $4 million a year ago" in a report on a quarter: that quarter a year before
        q = ctx.quarters[-1]
        return at(m, "DATE", cal.quarter_in(q, q.year - 1), "text", mod)
    if direction in ("ago", "from now", "hence"):
        start, anchor = ctx.pub, "publication"
        out_gran = "day" if unit in ("W", "2W") else gran
    else:
        last = ctx.last()
        start, anchor = ctx.base_day(last)
        # "three weeks earlier" than a day is a day; "a year earlier" than a quarter a quarter
        out_gran = last.gran if last is not None and anchor == "text" else gran
    return counted(m, start, anchor, unit, step, gran, out_gran, mod)

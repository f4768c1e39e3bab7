"""Handlers of lengths and repetitions: durations ("2 1/2 years", "a minute and a half", "the past
three weeks", "in recent days") and sets ("every Thursday", "twice a year"), and their TIMEX3 values
(P2Y6M, PT1M30S, PXD, XXXX-WXX-4).

Each handler takes the grammar's words, the match of its rule (table.py) and the context, and returns
a `Timex`, or None when the match is no time after all.
"""

from __future__ import annotations

import re

from claimgraph.analyse.times.timex import Context, Timex
from claimgraph.analyse.times.words import Words

# the largest count taken as a length ("100,000 years"); more is a number, not a time
MAX_LENGTH = 100000
# how far before "a year" the rate words are looked for ("50,000 CDs a year"): a number and a noun
RATE_REACH = 30
# the next smaller unit of a unit, and how many of them make one: 2 1/2 years is P2Y6M
SMALLER = {"Y": ("M", 12), "M": ("D", 30), "W": ("D", 7), "D": ("H", 24), "H": ("MIN", 60), "MIN": ("S", 60)}
# the words before a plural unit that make it a vague length of its own ("for months")
LENGTH_PREPOSITIONS = ("for", "in", "over", "within", "after")


def duration_value(n: float | None, unit: str) -> str:
    """The TIMEX3 value of `n` units (letters of time_words.tsv); X for a vague count."""
    if n is None:
        q = "X"
    elif n != int(n):
        lower = SMALLER.get(unit)
        if lower:
            sub, k = lower
            whole = int(n)
            rest = round((n - whole) * k)
            if whole == 0:
                return duration_value(rest, sub)
            head = duration_value(whole, unit)
            tail = duration_value(rest, sub)
            if head.startswith("PT") or not tail.startswith("PT"):
                return head + tail.split("T")[-1][0 if head.startswith("PT") else 1 :].lstrip("P")
            return head + tail[1:]
        q = f"{n:g}"
    else:
        q = str(int(n))
    if unit == "2W":
        return f"P{int(n) * 2}W" if n is not None and n == int(n) else "PXW"
    if unit in ("H", "MIN", "S"):
        return f"PT{q}{'M' if unit == 'MIN' else unit}"
    return f"P{q}{unit}"


def duration(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    unit_word = m["unit"].lower()
    unit = w.units[unit_word]
    num = m["num"].lower()
    if (unit == "S" and num in ("a", "an", "one")) or unit == "WE":
        return None  # "a second term"
    if num in ("a", "an") and m["det"]:
        return None
    if m["det"] and m["det"].lower() == "the" and not m["which"] and num in ("some", "many", "few"):
        return None
    if re.match(r"(?:-year)?-?\s*old\b", ctx.text[m.end() : m.end() + 6]) or m[0].lower().endswith("old"):
        return None  # ages ("52 years old") are not tagged in TimeML news corpora
    if "-" in ctx.text[m.end("num") : m.start("unit")] and unit_word.endswith("s"):
        return None  # "three-quarters" is a fraction
    if num in ("a", "an") and w.rate_before.search(ctx.text, max(0, m.start() - RATE_REACH), m.start()):
        return None  # "$1.76 a year", "50,000 CDs a year" is a rate, not a length
    n = w.number(m["num"])
    if m["half"] and n is not None:
        n += 0.5
    if num in ("some", "many") and not unit_word.endswith("s"):
        return None  # "some day" is not a length
    if n is not None and n > MAX_LENGTH:
        return None
    if (
        n is None
        and m["num2"] is None
        and num.startswith(("a", "an"))
        and "few" not in num
        and "couple" not in num
        and "number" not in num
        and "dozen" not in num
    ):
        return None
    return Timex(m.start(), m.end(), "DURATION", duration_value(n, unit), w.mod(m["mod"]))


def half_unit(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    unit = w.units[m["unit"].lower()]
    return Timex(m.start(), m.end(), "DURATION", duration_value(0.5, unit), w.mod(m["mod"]))


def vague(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    unit = w.units[m["unit"].lower()]
    det = (m["det"] or "").lower()
    ahead = (m["ahead"] or "").strip().lower()
    if ahead == "ago":
        return Timex(m.start(), m.end(), "DATE", "PAST_REF", anchor="publication")
    start = m.start()
    if det in (*LENGTH_PREPOSITIONS, "for many", "in recent", "in coming", "in the coming"):
        # the span leaves the preposition out: "for [months]", "in [recent days]"
        start = m.start("unit") if det in LENGTH_PREPOSITIONS else m.start("det") + len(det.split()[0]) + 1
    if det in LENGTH_PREPOSITIONS and not ahead:
        nxt = ctx.text[m.end() : m.end() + 8]
        if re.match(r"\s+(?:of|to|and|old)\b", nxt):
            return None  # "in years of", "for months to come" is handled by ahead
    return Timex(start, m.end(), "DURATION", duration_value(None, unit))


def recurrence(w: Words, m: re.Match[str], ctx: Context) -> Timex | None:
    """ "every Thursday", "each month", "twice a year": a SET."""
    if m["wd"]:
        return Timex(m.start(), m.end(), "SET", f"XXXX-WXX-{w.weekdays[m['wd'].lower()]}")
    if m["mon"]:
        return Timex(m.start(), m.end(), "SET", f"XXXX-{w.months[m['mon'].lower().rstrip('.')]:02d}")
    if m["season"]:
        return Timex(m.start(), m.end(), "SET", f"XXXX-{w.seasons[m['season'].lower()]}")
    unit = w.units[(m["unit"] or m["unit2"]).lower()]
    n = w.number(m["num"]) if m["num"] else 1
    if "other" in m[0].lower():
        n = 2
    if unit == "WE":
        return Timex(m.start(), m.end(), "SET", "XXXX-WXX-WE")
    return Timex(m.start(), m.end(), "SET", duration_value(n, unit))

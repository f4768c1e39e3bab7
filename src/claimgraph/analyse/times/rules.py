"""The tagging rules: one regex each, built from the time lexicons, and one
small function each that turns a match into a TIMEX3 in its context.

Matching is context-free (all rules run over the whole text, the longest
match wins); resolution runs in text order, so expressions such as "two days
later" see the dates mentioned before them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import claimgraph.analyse.times.calendar as cal
from claimgraph.analyse.times.calendar import Point
from claimgraph.analyse.times.lexicon import TimeLexicon, alternation

# -- what a rule produces ------------------------------------------------------------------


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

    def last(self, gran: str | None = None, before: int | None = None) -> Point | None:
        """The last date mentioned (of granularity `gran`, in sentence `before` or earlier)."""
        for _, p in reversed(self.history):
            if gran is None or p.gran == gran:
                return p
        return None

    def lean(self, start: int, end: int) -> str:
        """The tense that places a date without a year: "until Nov. 20" and "payable Dec. 7" name
        a deadline whatever the verb's tense (the nearest such date); "since Jan. 13" is past."""
        before = FORWARD.search(self.text, max(0, start - 40), start)
        tense = self.tense(start, end)
        if before:
            if before[1].lower() == "since":
                return "past"
            return "future" if tense == "future" else ""
        return tense

    def comparison(self, start: int) -> bool:
        """Is there a comparison ("up from $4 ...", "compared with") earlier in the sentence?"""
        return bool(COMPARISON.search(self.text, self.starts[self.sentence(start)], start))

    def sentence(self, offset: int) -> int:
        return max(0, bisect_right(self.starts, offset) - 1)

    def last_in_sentence(self, offset: int) -> Point | None:
        if self.history and self.history[-1][0] == self.sentence(offset):
            return self.history[-1][1]
        return None


FORWARD = re.compile(
    r"\b(until|till|to|through|by|before|effective|payable|due|expires?|expiring|"
    r"deadline|since|starting|beginning)\s+(?:\S+\s+){0,3}$",
    re.I,
)
COMPARISON = re.compile(r"\b(?:from|compared|comparable|than|versus|vs\.?|against)\b", re.I)
# the trigger classes each rule needs in its neighbourhood before it is run there
NEEDS: dict[str, frozenset[str]] = {
    name: frozenset(classes.split())
    for name, classes in {
        "iso": "digit",
        "numeric": "digit",
        "mdy": "month",
        "dmy": "month",
        "month": "month",
        "weekday": "weekday",
        "deictic": "deictic",
        "part": "daypart",
        "clock": "digit daypart numword",
        "year": "digit numword",
        "decade": "digit numword",
        "century": "unit",
        "quarter": "unit digit",
        "qref": "unit",
        "half": "unit",
        "season": "season",
        "rel": "unit",
        "the": "unit",
        "yearend": "unit",
        "daybefore": "unit",
        "yearago": "unit",
        "weekend": "unit",
        "ago": "unit",
        "duration": "unit",
        "halfunit": "unit",
        "vague": "unit",
        "set": "unit weekday month season",
        "ref": "ref",
        "holiday": "holiday",
    }.items()
}
ENDED = re.compile(r"\s+(?:ended|ending|that\s+ended|to\s+date)\b", re.I)
# a word before "a year" that makes it a rate
RATE_BEFORE = re.compile(
    r"(?:[\d%]|\b(?!(?:was|is|has|as|its|his|this|less|across|perhaps|unless|plus)\s)"
    r"[a-z]+s)\s*$",
    re.I,
)
# "current" of these is no time ("current account")
NOT_CURRENT = re.compile(
    r"\s+(?:account|events|affairs|issue|members?|law|rules|system|situation|policy|"
    r"government|president|leader|state|level|status|price|chairman)\b",
    re.I,
)
Handler = Callable[[re.Match[str], Context], Timex | None]

# TIMEX3 mods of the words before an expression
PREFIX_MOD = {
    "early": "START",
    "beginning": "START",
    "start": "START",
    "mid": "MID",
    "middle": "MID",
    "late": "END",
    "end": "END",
    "about": "APPROX",
    "around": "APPROX",
    "approximately": "APPROX",
    "roughly": "APPROX",
    "some": "APPROX",
    "nearly": "LESS_THAN",
    "almost": "LESS_THAN",
    "less": "LESS_THAN",
    "under": "LESS_THAN",
    "more": "MORE_THAN",
    "over": "MORE_THAN",
    "least": "EQUAL_OR_MORE",
    "up": "EQUAL_OR_LESS",
    "most": "EQUAL_OR_LESS",
    "no": "EQUAL_OR_LESS",
}
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


def mod_of(words: str | None) -> str | None:
    if not words:
        return None
    for w in re.findall(r"[a-z]+", words.lower()):
        if w in PREFIX_MOD:
            return PREFIX_MOD[w]
    return None


# -- the grammar ---------------------------------------------------------------------------


class Grammar:
    """All rules, compiled once from a lexicon."""

    def __init__(self, lex: TimeLexicon):
        self.lex = lex
        w = lex.kind
        self.months = {k: int(v) for k, v in w("month").items()}
        self.weekdays = {k: int(v) for k, v in w("weekday").items()}
        self.units = w("unit")
        self.seasons = w("season")
        self.dayparts = w("daypart")
        self.numbers = {k: int(v) for k, v in w("number").items()}
        self.ordinals = {k: int(v) for k, v in w("ordinal").items()}
        self.decades = {k: int(v) for k, v in w("decade").items()}
        self.zones = w("zone")
        self.ambiguous = set(w("ambiguous"))
        full_months = [m for m in self.months if len(m) > 4 or m in ("may", "june", "july")]

        abbrev = [m for m in self.months if m not in full_months]
        MON = rf"(?P<mon>{alternation(full_months)}|(?:{alternation(abbrev)})\.?)"
        MONFULL = rf"(?P<mon>{alternation(full_months)}|(?:{alternation(self.months)})\.)"
        WD = rf"(?P<wd>{alternation(self.weekdays)})"
        small = [k for k, v in self.numbers.items() if v < 100]
        tens = [k for k, v in self.numbers.items() if 20 <= v < 100]
        units1 = [k for k, v in self.numbers.items() if v < 10]
        teens = [k for k, v in self.numbers.items() if 10 <= v < 20]
        NUMW = rf"(?:{alternation(self.numbers)})(?:[\s-]+(?:and\s+)?(?:{alternation(self.numbers)}))*"
        ORDW = (
            rf"(?:(?:{alternation(tens)})[\s-]+(?:{alternation(self.ordinals)})|"
            rf"{alternation(self.ordinals)})"
        )
        YEARW = (
            rf"(?:(?:{alternation(teens)}|twenty)[\s-]+(?:(?:{alternation(tens)})(?:[\s-]+(?:"
            rf"{alternation(units1)}))?|{alternation(teens)}|hundred|oh[\s-]+(?:{alternation(units1)}))"
            rf"|two\s+thousand(?:\s+and)?(?:[\s-]+(?:{alternation(small)})(?:[\s-]+(?:"
            rf"{alternation(units1)}))?)?)"
        )
        YEAR = rf"(?P<year>(?:1\d|20)\d\d(?!\d)|{YEARW})"
        DAY = rf"(?P<day>\d\d?(?!\d)(?:st|nd|rd|th)?|{ORDW})"
        NUM = (
            rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?(?:\s+1/2|½)?|{NUMW}(?:\s+and\s+a\s+half)?|"
            r"an?|a\s+couple\s+of|couple\s+of|a\s+few|few|several|some|many|a\s+number\s+of|"
            r"a\s+dozen|dozens\s+of|hundreds\s+of|thousands\s+of)"
        )
        UNITS = rf"(?P<unit>{alternation(self.units)})"
        UNITSG = rf"(?P<unit>{alternation(u for u in self.units if not u.endswith(('s', 'ia')))})"
        SEASON = rf"(?P<season>{alternation(self.seasons)})"
        PART = rf"(?P<part>{alternation(k for k, v in self.dayparts.items() if ':' not in v)})"
        PART0 = PART.replace("<part>", "<part0>")
        EDGE = r"(?:early|late|mid|the\s+(?:beginning|start|end|middle)\s+of)"
        REL = (
            r"(?P<rel>last|this|next|coming|past|previous|following|current|same|that|this\s+past|"
            r"this\s+coming|the\s+(?:past|last|next|coming|previous|following|current|same|prior|"
            r"preceding|ensuing|subsequent|latest))"
        )
        MODS = (
            r"(?P<mod>about|around|approximately|roughly|some|nearly|almost|more\s+than|over|"
            r"less\s+than|under|at\s+least|at\s+most|up\s+to|no\s+more\s+than|no\s+less\s+than|"
            r"only|just|within|another|an\s+additional|a\s+further|an\s+extra)"
        )
        ZONE = rf"(?:\s*\(?(?P<zone>{alternation(self.zones)})\)?(?![\w]))?"
        self.NUMW_RE = re.compile(NUMW, re.I)

        specs: list[tuple[str, str, Handler, int]] = [
            (
                "iso",
                r"(?P<y>\d{4})-(?P<mo>\d\d)-(?P<d>\d\d)"
                r"(?:[T\s](?P<h>\d\d):(?P<mi>\d\d)(?::\d\d(?:\.\d+)?)?"
                r"(?P<zone>Z|[+-]\d\d:?\d\d)?)?",
                self.iso,
                0,
            ),
            (
                "numeric",
                r"(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d\d)(?![\d/.]\d)",
                self.numeric,
                0,
            ),
            (
                "mdy",
                rf"(?:{WD.replace('wd>', 'wd0>')},?\s+)?"
                rf"(?:(?P<edge>{EDGE})[\s-]+)?{MON}\s*(?:the\s+)?{DAY}"
                rf"(?:(?:,\s*|\s+)(?:of\s+)?{YEAR})?",
                self.month_day,
                0,
            ),
            (
                "dmy",
                rf"(?:{WD.replace('wd>', 'wd0>')},?\s+)?(?:the\s+)?{DAY}\s+(?:of\s+)?{MON}"
                rf"(?:,?\s+{YEAR})?",
                self.month_day,
                0,
            ),
            (
                "month",
                rf"(?:(?P<edge>{EDGE})[\s-]*)?(?:(?P<rel>last|this|next|this\s+past|this\s+coming|"
                rf"the\s+following|the\s+previous|that)\s+)?{MONFULL}(?:,?\s+(?:of\s+)?(?:{YEAR}|'(?P<yy>\d\d))|"
                rf"\s+(?P<ryear>this|last|next)\s+year)?",
                self.month,
                1,
            ),
            (
                "weekday",
                rf"(?:(?P<pre>early|late|earlier|later|mid)\s+)?"
                rf"(?:(?P<rel>last|this|next|this\s+past|"
                rf"this\s+coming|coming|the\s+following|the\s+previous|the\s+next|that)\s+)?{WD}(?P<pl>s)?"
                rf"(?:\s+{PART}(?P<ppl>s)?)?",
                self.weekday,
                1,
            ),
            (
                "deictic",
                rf"(?:(?P<pre>early|late|earlier|later|mid)[\s-]+)?(?:{PART0}\s+)?"
                rf"(?P<word>{alternation(self.lex.deictic)})(?:\s+{PART})?",
                self.deictic,
                1,
            ),
            (
                "part",
                rf"(?:(?P<pre>early|late|mid|later|earlier)[\s-]+)?(?:(?P<det>that|this|the)\s+)?{PART}"
                r"(?:\s+(?P<before>before))?",
                self.daypart,
                2,
            ),
            (
                "clock",
                rf"(?:{MODS}\s+)?(?:(?P<h>\d{{1,2}})(?:[:.](?P<mi>\d\d))?\s*(?P<ampm>[ap]\.?\s?m\b\.?)|"
                rf"(?P<h24>[01]?\d|2[0-3]):(?P<mi24>[0-5]\d)(?!\d)|"
                rf"(?P<noon>noon|midday|midnight)|(?P<oc>\d{{1,2}}|{NUMW})\s+o'?clock){ZONE}",
                self.clock,
                1,
            ),
            (
                "year",
                rf"(?:(?P<edge>{EDGE}|the\s+(?:first|second|last)\s+half\s+of)[\s-]*)?"
                rf"(?:(?P<fiscal>fiscal(?:\s+year)?|FY|calendar(?:\s+year)?|the\s+year)\s*)?"
                rf"(?:{YEAR}|(?P<apos>'\d\d)(?!s))",
                self.year,
                2,
            ),
            (
                "decade",
                rf"(?:the\s+)?(?:(?P<edge>early|mid|late)[\s-]+)?(?:(?P<c>1\d|20)(?P<d>\d)0'?s|"
                rf"'(?P<d2>\d)0s)|the\s+(?:(?P<edge2>early|mid|late)[\s-]+)?(?P<w>{alternation(self.decades)})",
                self.decade,
                1,
            ),
            (
                "century",
                rf"(?:the\s+)?(?:(?P<edge>early|mid|late)[\s-]+)?"
                rf"(?P<n>\d{{1,2}}(?:st|nd|rd|th)|{ORDW})"
                r"[\s-]+century",
                self.century,
                1,
            ),
            (
                "quarter",
                r"(?:(?:the|its|their|a|an)\s+)?"
                r"(?:(?P<yr>(?:1\d|20)\d\d)(?:'s)?\s+|(?P<ryr>this|last|"
                r"next)\s+year's\s+|(?P<adj>year-ago|year-earlier|year\s+ago|comparable|corresponding|same)\s+)?"
                r"(?:(?:fiscal|calendar)[\s-]+)?(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+"
                r"(?:fiscal\s+)?quarter(?!s)(?:\s+(?:of|in)\s+(?:fiscal\s+)?(?P<yr2>(?:1\d|20)\d\d)|,?\s+"
                r"(?P<yr3>(?:1\d|20)\d\d)|\s+(?P<ryr2>this|last|next)\s+year)?|"
                r"Q(?P<q>[1-4])(?:\s*(?P<yr4>(?:1\d|20)\d\d))?",
                self.quarter,
                0,
            ),
            (
                "qref",
                r"(?:(?P<det>the|this|that|its|their|last|next)\s+|(?P<ryr>this|last|next)\s+year's\s+)"
                r"(?:(?P<adj>latest|year-ago|year-earlier|comparable|corresponding|same|current|previous|"
                r"prior|recent|most\s+recent|just-ended|(?:1\d|20)\d\d)\s+)*(?:fiscal\s+)?(?P<what>quarter|period)"
                r"(?!s)(?:\s+(?P<ago>a\s+year\s+(?:ago|earlier)|(?:last|a)\s+year))?",
                self.quarter_ref,
                1,
            ),
            (
                "half",
                r"(?:the\s+)?(?P<ord>first|second|latter|last)\s+half\s+of\s+(?:(?P<yr>(?:1\d|20)\d\d)|"
                r"(?P<rel>this|last|next|the)\s+(?:fiscal\s+)?year|fiscal\s+(?P<yr2>(?:1\d|20)\d\d))",
                self.half,
                0,
            ),
            (
                "season",
                rf"(?:(?P<edge>{EDGE})[\s-]+)?(?:(?P<rel>last|this|next|this\s+past|this\s+coming|"
                rf"the\s+following|the\s+previous|that|the|coming|past)\s+)?{SEASON}(?:\s+(?:of\s+)?{YEAR})?",
                self.season,
                1,
            ),
            (
                "rel",
                rf"(?:(?P<pre>early|late|mid|earlier|later|the\s+(?:beginning|start|end|middle)\s+of)"
                rf"\s+(?:in\s+)?)?{REL}\s+(?P<fiscal>fiscal\s+)?{UNITSG}(?:\s+(?P<after>earlier|before|later))?",
                self.relative,
                1,
            ),
            (
                "the",
                rf"(?:(?P<pre>earlier|later|{EDGE})\s+(?:in\s+)?)?(?P<det>the|that)\s+"
                r"(?:(?P<fiscal>fiscal|full)\s+)?"
                r"(?P<unit>week|month|year)(?!s|-)",
                self.the_unit,
                3,
            ),
            ("yearend", r"(?:the\s+)?(?:year[-\s]end|year's\s+end)", self.year_end, 1),
            (
                "daybefore",
                r"the\s+(?P<unit>day|week|month|year)\s+(?P<dir>before|after|earlier|later)"
                r"(?=\s*[,.;:)]|\s+(?:that|then)\b)",
                self.day_before,
                1,
            ),
            ("yearago", r"year-(?:ago|earlier)", self.year_ago, 4),
            (
                "weekend",
                r"(?:(?P<rel>the|this|last|next|that|this\s+past|this\s+coming|the\s+following|"
                r"the\s+previous)\s+)weekend(?!s)",
                self.weekend,
                1,
            ),
            (
                "ago",
                rf"(?:{MODS}\s+)?{NUM}[\s-]+{UNITS}(?:\s+or\s+so)?\s+(?P<dir>ago|earlier|later|"
                r"before(?=\s*[,.;:)]|\s+(?:that|then))|afterwards?|previously|from\s+now|hence)",
                self.ago,
                0,
            ),
            (
                "duration",
                rf"(?:{MODS}\s+(?!the\s))?(?:(?P<det>the|a|an)\s+"
                r"(?:(?P<which>past|last|next|first|coming|"
                r"previous|following|final|latest|initial|entire|whole|full|remaining|same|additional|further|"
                rf"recent|preceding|ensuing)\s+)?)?{NUM}(?:\s+(?:to|or|-)\s+(?P<num2>\d+|{NUMW}))?[\s-]+"
                rf"(?:more\s+)?{UNITS}(?P<half>\s+and\s+a\s+half)?(?:-(?:long|old))?",
                self.duration,
                2,
            ),
            ("halfunit", rf"(?:{MODS}\s+)?half\s+(?:an?\s+)?{UNITSG}", self.half_unit, 2),
            (
                "vague",
                r"(?:(?P<det>the\s+(?:past|last|next|coming|following|previous)|recent|coming|past|"
                r"in\s+recent|in\s+coming|in\s+the\s+coming|for|in|over|within|after|many|for\s+many)\s+)"
                r"(?P<unit>days|weeks|months|years|decades|centuries|hours|minutes|quarters)"
                r"(?P<ahead>\s+ahead|\s+to\s+come|\s+ago)?(?:\s+or\s+(?:days|weeks|months|years|decades))?",
                self.vague,
                3,
            ),
            (
                "set",
                rf"(?:every|each|per)\s+(?:other\s+)?(?:(?P<num>\d+|{NUMW})\s+)?"
                rf"(?:{UNITS}|{WD}|{MONFULL}|"
                rf"{SEASON})|(?:once|twice|thrice|(?:\d+|{NUMW})\s+times)\s+(?:a|an|per|each|every)\s+"
                rf"(?P<unit2>{alternation(u for u in self.units if not u.endswith('s'))})",
                self.set,
                1,
            ),
            ("ref", rf"(?:{alternation(self.lex.refs)})", self.ref, 4),
        ]
        self.rules: list[tuple[str, re.Pattern[str], Handler, int]] = [
            (name, re.compile(rf"(?<![\w'-])(?:{rx})(?![\w]|-\w)", re.I), handler, prio)
            for name, rx, handler, prio in specs
        ]
        holidays = alternation(self.lex.holidays)
        self.rules.append(
            (
                "holiday",
                re.compile(
                    rf"(?<![\w-])(?:(?P<rel>(?i:last|this|next|on|by|before|after|since|until|over|"
                    rf"during|ahead\s+of))\s+)?(?P<name>{holidays})(?:\s+(?P<year>(?:1\d|20)\d\d))?(?!\w)"
                ),
                self.holiday,
                1,
            )
        )
        self.triggers = self.trigger_words()
        self.clock_then_date = re.compile(r"\s*,?\s*(?:on\s+|of\s+)?$", re.I)
        self.date_then_clock = re.compile(r"\s*,?\s*(?:at\s+|around\s+|about\s+|by\s+)?$", re.I)

    def trigger_words(self) -> dict[str, frozenset[str]]:
        """Word -> the classes of rules it can wake (see NEEDS); digits wake the "digit" rules."""
        classes: dict[str, set[str]] = {}

        def add(words: object, cls: str) -> None:
            for w in words:  # type: ignore[attr-defined]
                for part in re.findall(r"[a-z]+", str(w).lower()):
                    classes.setdefault(part, set()).add(cls)

        add(self.months, "month")
        add(list(self.weekdays) + [w + "s" for w in self.weekdays], "weekday")
        add([*self.units, "quarter", "period", "half", "fiscal", "fy"], "unit")
        add(self.seasons, "season")
        add(self.dayparts, "daypart")
        add(list(self.numbers) + list(self.ordinals) + list(self.decades), "numword")
        add(self.lex.deictic, "deictic")
        stop = {"the", "at", "a", "in", "as", "of", "or", "this", "these", "until", "right", "just", "more"}
        add([w for p in self.lex.refs for w in p.split() if w not in stop], "ref")
        add([w for name in self.lex.holidays for w in name.split()[:1]], "holiday")
        return {w: frozenset(c) for w, c in classes.items()}

    # -- numbers ----------------------------------------------------------------------------

    def number(self, words: str | None) -> float | None:
        """A number written in digits or words ("twenty-four", "2 1/2", "a"); None when vague."""
        if words is None:
            return None
        s = words.lower().replace(",", "").strip()
        half = 0.5 if s.endswith(("1/2", "½", "and a half")) else 0.0
        s = re.sub(r"\s*(?:1/2|½|and\s+a\s+half)$", "", s).strip()
        if re.fullmatch(r"\d+(?:\.\d+)?", s):
            return float(s) + half
        if s in ("a", "an"):
            return 1 + half
        if "couple" in s:
            return 2
        if s == "a dozen":
            return 12
        total = current = 0
        found = False
        for word in re.split(r"[\s-]+", s):
            if word == "and":
                continue
            n = self.numbers.get(word)
            if n is None:
                return None
            found = True
            if n == 100:
                current = max(current, 1) * 100
            elif n == 1000:
                total += max(current, 1) * 1000
                current = 0
            else:
                current += n
        return float(total + current) + half if found else None

    def ordinal(self, words: str) -> int | None:
        s = words.lower()
        digits = re.match(r"(\d+)", s)
        if digits:
            return int(digits[1])
        parts = re.split(r"[\s-]+", s)
        if len(parts) == 2:
            tens, unit = self.numbers.get(parts[0]), self.ordinals.get(parts[1])
            return tens + unit if tens is not None and unit is not None else None
        return self.ordinals.get(s)

    def year_of(self, text: str | None) -> int | None:
        if not text:
            return None
        if text.isdigit():
            return int(text)
        s = text.lower()
        if s.startswith("'"):
            return None
        m = re.match(r"two\s+thousand(?:\s+and)?(?:[\s-]+(.*))?$", s)
        if m:
            rest = self.number(m[1]) if m[1] else 0
            return None if rest is None else 2000 + int(rest)
        first, _, rest = re.sub(r"[\s-]+", " ", s).partition(" ")
        century = self.numbers.get(first)
        if century is None:
            return None
        rest = rest.replace("oh ", "")
        low = 0 if rest == "hundred" else self.number(rest)
        return None if low is None else century * 100 + int(low)

    # -- helpers shared by the handlers -----------------------------------------------------

    @staticmethod
    def capitalised(word: str) -> bool:
        return word[:1].isupper()

    def month_ok(self, m: re.Match[str], alone: bool) -> bool:
        """Month names are capitalised; "May" and "March" alone need a time word before them."""
        word = m["mon"]
        if not self.capitalised(word):
            return False
        if alone and word.lower().rstrip(".") in self.ambiguous:
            before = m.string[max(0, m.start() - 12) : m.start()].lower()
            return bool(
                re.search(
                    r"\b(?:in|since|until|till|by|from|through|of|during|before|after|"
                    r"early|late|mid|last|this|next|to|and|or|,)\s*-?$",
                    before,
                )
            )
        return True

    @staticmethod
    def pub_missing(m: re.Match[str], gran: str, typ: str = "DATE", value: str | None = None) -> Timex:
        """A relative expression with no publication date: underspecified, never guessed."""
        return Timex(m.start(), m.end(), typ, value or GRAN_UNDERSPEC[gran], anchor="none", underspecified=True)

    @staticmethod
    def at(m: re.Match[str], typ: str, p: Point | None, anchor: str | None = None, mod: str | None = None) -> Timex:
        return Timex(m.start(), m.end(), typ, p.value if p else None, mod, anchor)

    # -- handlers ---------------------------------------------------------------------------

    def iso(self, m: re.Match[str], ctx: Context) -> Timex | None:
        d = cal.day(int(m["y"]), int(m["mo"]), int(m["d"]))
        if d is None:
            return Timex(m.start(), m.end(), "DATE", None)
        value = d.isoformat()
        if m["h"] and int(m["h"]) < 25 and int(m["mi"]) < 60:
            return Timex(m.start(), m.end(), "TIME", f"{value}T{m['h']}:{m['mi']}")
        return Timex(m.start(), m.end(), "DATE", value)

    def numeric(self, m: re.Match[str], ctx: Context) -> Timex | None:
        a, b, y = int(m["a"]), int(m["b"]), m["y"]
        if len(y) == 2:
            if m["sep"] == ".":
                return None  # 1.5.10 is a version number more often than a date
            pivot = (ctx.pub.year % 100 + 10) if ctx.pub else 30
            year = (2000 if int(y) <= pivot else 1900) + int(y)
        else:
            year = int(y)
        # slashes are month first (US) unless the first number cannot be a month; dots are day first
        month, dom = (a, b) if m["sep"] == "/" and a <= 12 else (b, a)
        d = cal.day(year, month, dom)
        return Timex(m.start(), m.end(), "DATE", d.isoformat() if d else None)

    def month_day(self, m: re.Match[str], ctx: Context) -> Timex | None:
        if not self.month_ok(m, alone=False):
            return None
        month = self.months[m["mon"].lower().rstrip(".")]
        dom = self.ordinal(m["day"])
        if dom is None:
            return None
        year = self.year_of(m["year"])
        if year is not None:
            d = cal.day(year, month, dom)
            return Timex(m.start(), m.end(), "DATE", d.isoformat() if d else None)
        if not 1 <= dom <= 31 or cal.day(2000, month, dom) is None:
            return Timex(m.start(), m.end(), "DATE", None)  # 31 February, the 45th of May
        if ctx.pub is None:
            return self.pub_missing(m, "day", value=f"XXXX-{month:02d}-{dom:02d}")
        year = cal.year_for(ctx.pub, month, dom, ctx.lean(m.start(), m.end()))
        d = cal.day(year, month, dom)
        return Timex(m.start(), m.end(), "DATE", d.isoformat() if d else None, anchor="publication")

    def month(self, m: re.Match[str], ctx: Context) -> Timex | None:
        alone = not (m["year"] or m["yy"] or m["ryear"] or m["rel"] or m["edge"])
        if not self.month_ok(m, alone):
            return None
        month = self.months[m["mon"].lower().rstrip(".")]
        mod = mod_of(m["edge"])
        year = self.year_of(m["year"])
        if m["yy"]:
            year = 1900 + int(m["yy"]) if int(m["yy"]) > 30 else 2000 + int(m["yy"])
        if year is not None:
            return self.at(m, "DATE", Point("month", year, month), mod=mod)
        if ctx.pub is None:
            return self.pub_missing(m, "month", value=f"XXXX-{month:02d}")
        pub = ctx.pub
        rel = (m["rel"] or "").lower().split()
        if m["ryear"]:
            year = pub.year + {"this": 0, "last": -1, "next": 1}[m["ryear"].lower()]
        elif rel and rel[-1] in ("last", "past", "previous"):
            # "last February" said in March means a year ago; "this past February" the one just gone
            gap = 1 if rel[0] == "last" else 0
            year = pub.year if month < pub.month - gap else pub.year - 1
        elif rel and rel[-1] in ("next", "coming", "following"):
            year = pub.year if month > pub.month else pub.year + 1
        elif rel and rel[0] in ("this", "that"):
            year = pub.year
        else:
            tense = ctx.lean(m.start(), m.end())
            if tense == "past":
                year = pub.year if month <= pub.month else pub.year - 1
            elif tense == "future":
                year = pub.year if month >= pub.month else pub.year + 1
            else:
                year = pub.year + (month - pub.month > 6) * -1 + (pub.month - month > 6)
        return self.at(m, "DATE", Point("month", year, month), "publication", mod)

    def weekday(self, m: re.Match[str], ctx: Context) -> Timex | None:
        if not self.capitalised(m["wd"]):
            return None
        wd = self.weekdays[m["wd"].lower()]
        part = self.dayparts.get((m["part"] or "").lower())
        if m["pl"] or m["ppl"]:
            return Timex(m.start(), m.end(), "SET", f"XXXX-WXX-{wd}" + (f"T{part}" if part else ""))
        typ = "TIME" if part else "DATE"
        suffix = f"T{part}" if part else ""
        rel = (m["rel"] or "").lower()
        if rel in ("the following", "the previous", "the next", "that"):
            base = ctx.last("day")
            anchor = "text"
            if base is None:
                base = ctx.pub and Point("day", ctx.pub.year, ctx.pub.month, ctx.pub.day)
                anchor = "publication"
            start = base.start() if base else None
            if start is None:
                return self.pub_missing(m, "day", typ, f"XXXX-WXX-{wd}{suffix}")
            direction = -1 if rel == "the previous" else 1
            d = cal.weekday_near(start, wd, direction, strict=rel != "that")
            return Timex(m.start(), m.end(), typ, d.isoformat() + suffix, anchor=anchor)
        if ctx.pub is None:
            return self.pub_missing(m, "day", typ, f"XXXX-WXX-{wd}{suffix}")
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

    def deictic(self, m: re.Match[str], ctx: Context) -> Timex | None:
        offset, part = self.lex.deictic[re.sub(r"\s+", " ", m["word"].lower())]
        if m["part"] or m["part0"]:
            part = self.dayparts.get((m["part"] or m["part0"]).lower(), part)
        typ = "TIME" if part else "DATE"
        suffix = f"T{part}" if part else ""
        if ctx.pub is None:
            return self.pub_missing(m, "day", typ, "XXXX-XX-XX" + suffix)
        d = cal.shift(ctx.pub, "D", offset)
        return Timex(m.start(), m.end(), typ, d.isoformat() + suffix if d else None, anchor="publication")

    def daypart(self, m: re.Match[str], ctx: Context) -> Timex | None:
        det = (m["det"] or "").lower()
        if not det and not m["pre"]:
            return None  # a bare "morning" is rarely a time ("morning prayers")
        part = self.dayparts[m["part"].lower()]
        if det == "this":
            base: Point | None = ctx.pub and cal.point(ctx.pub, "day")
            anchor = "publication"
        else:
            base = ctx.last_in_sentence(m.start()) or ctx.last("day")
            anchor = "text"
            if base is None or base.gran != "day":
                base = ctx.pub and cal.point(ctx.pub, "day")
                anchor = "publication"
        if base is None:
            return self.pub_missing(m, "day", "TIME", f"XXXX-XX-XXT{part}")
        d = base.start()
        if d and m["before"]:
            d = cal.shift(d, "D", -1)
        return Timex(m.start(), m.end(), "TIME", f"{d.isoformat()}T{part}" if d else None, anchor=anchor)

    def clock_value(self, m: re.Match[str]) -> str | None:
        """The 'Thh:mm' of a clock time, or None when it is not a time of day."""
        if m["noon"]:
            return "T" + self.dayparts[m["noon"].lower()]
        if m["h24"] is not None:
            h, mi = int(m["h24"]), int(m["mi24"])
        else:
            hour = m["h"] or m["oc"]
            n = self.number(hour)
            if n is None:
                return None
            h, mi = int(n), int(m["mi"] or 0)
            pm = (m["ampm"] or "").lower().startswith("p")
            if h > 12 or h == 0 or mi > 59:
                return None
            h = h % 12 + (12 if pm else 0)
        if h > 24 or mi > 59:
            return None
        return f"T{h:02d}:{mi:02d}"

    def clock(self, m: re.Match[str], ctx: Context) -> Timex | None:
        tv = self.clock_value(m)
        if tv is None:
            return None
        base = ctx.last_in_sentence(m.start())
        anchor = "text"
        if base is None or base.gran != "day":
            base = ctx.pub and cal.point(ctx.pub, "day")
            anchor = "publication"
        if base is None:
            return self.pub_missing(m, "day", "TIME", "XXXX-XX-XX" + tv)
        return Timex(m.start(), m.end(), "TIME", base.value + tv, mod_of(m["mod"]), anchor)

    def year_quantity(self, m: re.Match[str], ctx: Context) -> bool:
        """A four-digit number that counts things ("2015 people", "$1990") is not a year."""
        text, s, e = ctx.text, m.start("year"), m.end("year")
        if text[max(0, s - 1) : s] in "$£€#" and s > 0:
            return True
        after = text[e : e + 30]
        if re.match(r"\s*(?:%|percent|per\s+cent|[.,]\d)", after):
            return True
        nxt = re.match(r"\s+([a-z]+)", after)
        if nxt:
            word = nxt[1]
            if word in self.units or (word in ("to", "and", "or") and re.match(r"\s+\w+\s+\d{5}", after)):
                return False
            if (
                word.endswith("s")
                and not word.endswith("ss")
                and word
                not in ("was", "is", "has", "as", "its", "this", "his", "plus", "us", "thus", "versus", "across")
            ):
                return True
        before = text[max(0, s - 20) : s].lower()
        return (
            bool(
                re.search(
                    r"\b(?:about|some|nearly|almost|approximately|than|over|under|only|just|"
                    r"another|all|the|those|these|by)\s+$",
                    before,
                )
            )
            and not m["fiscal"]
        )

    def year(self, m: re.Match[str], ctx: Context) -> Timex | None:
        if m["apos"]:
            yy = int(m["apos"][1:])
            year = 1900 + yy if yy > 30 else 2000 + yy
            if not (m["edge"] or m["fiscal"]):
                return None  # a bare '98 is too often a quote mark
        else:
            year = self.year_of(m["year"])
            if year is None:
                return None
            if m["year"].isdigit() and not (m["edge"] or m["fiscal"]) and self.year_quantity(m, ctx):
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
            return self.at(m, "DATE", Point("half", year, 1, 1, 1 if "first" in edge else 2))
        return self.at(m, "DATE", Point("year", year), mod=mod_of(edge))

    def decade(self, m: re.Match[str], ctx: Context) -> Timex | None:
        if m["w"]:
            d = self.decades[m["w"].lower()]
            base = ctx.pub.year if ctx.pub else 1900
            year = (base // 100) * 100 + d * 10
            if year > base:
                year -= 100
        elif m["c"]:
            year = int(m["c"]) * 100 + int(m["d"]) * 10
        else:
            d = int(m["d2"])
            base = ctx.pub.year if ctx.pub else 1999
            year = (base // 100) * 100 + d * 10
            if year > base:
                year -= 100
        return self.at(m, "DATE", Point("decade", year), mod=mod_of(m["edge"] or m["edge2"]))

    def century(self, m: re.Match[str], ctx: Context) -> Timex | None:
        n = self.ordinal(m["n"])
        if not n or n > 30:
            return None
        return Timex(m.start(), m.end(), "DATE", f"{n - 1:02d}", mod_of(m["edge"]))

    def quarter(self, m: re.Match[str], ctx: Context) -> Timex | None:
        q = int(m["q"]) if m["q"] else int(self.ordinal(m["ord"]) or 0)
        if not 1 <= q <= 4:
            return None
        year_text = m["yr"] or m["yr2"] or m["yr3"] or m["yr4"]
        ryr = (m["ryr"] or m["ryr2"] or "").lower()
        anchor: str | None = None
        if year_text:
            year = int(year_text)
        elif ctx.pub is None:
            return self.pub_missing(m, "quarter", value=f"XXXX-Q{q}")
        elif ryr:
            year, anchor = ctx.pub.year + {"this": 0, "last": -1, "next": 1}[ryr], "publication"
        else:
            # the latest such quarter that has begun by the publication date, or the next one
            # when the sentence looks forward
            current = (ctx.pub.month - 1) // 3 + 1
            future = ctx.tense(m.start(), m.end()) == "future"
            year, anchor = ctx.pub.year - (q > current and not future), "publication"
        if m["adj"] and m["adj"].lower().startswith("year"):
            year -= 1
        return self.at(m, "DATE", Point("quarter", year, (q - 1) * 3 + 1, 1, q), anchor)

    def latest_quarter(self, ctx: Context) -> tuple[Point | None, str]:
        """The quarter a report is about: the last one named by number, else the last that ended."""
        if ctx.quarters:
            return ctx.quarters[-1], "text"
        if ctx.pub is None:
            return None, "none"
        moved = cal.shift(ctx.pub, "Q", -1)
        return (moved and cal.point(moved, "quarter")), "publication"

    def quarter_ref(self, m: re.Match[str], ctx: Context) -> Timex | None:
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
            moved = ctx.pub and cal.shift(ctx.pub, "Q", 1 if det == "next" else -1)
            base, anchor = moved and cal.point(moved, "quarter"), "publication"
        else:
            base, anchor = self.latest_quarter(ctx)
        if base is None:
            return self.pub_missing(m, "quarter")
        if year_adj:
            base = Point("quarter", year_adj, base.month, 1, base.part)
        elif back:
            base = Point("quarter", base.year - 1, base.month, 1, base.part)
        return self.at(m, "DATE", base, anchor)

    def half(self, m: re.Match[str], ctx: Context) -> Timex | None:
        h = 1 if m["ord"].lower() == "first" else 2
        year_text = m["yr"] or m["yr2"]
        if year_text:
            return self.at(m, "DATE", Point("half", int(year_text), 1, 1, h))
        rel = (m["rel"] or "").lower()
        if rel == "the":
            last = ctx.last()
            year = last.year if last else (ctx.pub.year if ctx.pub else None)
        else:
            year = ctx.pub.year + {"this": 0, "last": -1, "next": 1}[rel] if ctx.pub else None
        if year is None:
            return self.pub_missing(m, "half", value=f"XXXX-H{h}")
        return self.at(m, "DATE", Point("half", year, 1, 1, h), "publication")

    def season(self, m: re.Match[str], ctx: Context) -> Timex | None:
        code = self.seasons[m["season"].lower()]
        rel = (m["rel"] or "").lower()
        word = m["season"].lower()
        year = self.year_of(m["year"])
        if rel == "the" and re.match(r"\s+of\b", ctx.text[m.end() :]) and year is None:
            return None  # "the fall of Damascus"
        if word in self.ambiguous and not ((rel and rel != "the") or year or m["edge"]):
            before = ctx.text[max(0, m.start() - 12) : m.start()].lower()
            if not re.search(r"\b(?:in|during|by|until|since|over|through)\s+$", before):
                return None
        elif not (rel or year or m["edge"]):
            before = ctx.text[max(0, m.start() - 12) : m.start()].lower()
            if not re.search(r"\b(?:in|during|by|until|since|over|through|this|last|next)\s+$", before):
                return None
        index = cal.SEASONS.index(code)
        mod = mod_of(m["edge"])
        if year is not None:
            return self.at(m, "DATE", Point("season", year, 1, 1, index), mod=mod)
        if ctx.pub is None:
            return self.pub_missing(m, "season", value=f"XXXX-{code}")
        now = cal.point(ctx.pub, "season")
        year = now.year
        if rel.endswith(("last", "past", "previous")):
            year = now.year if index < now.part else now.year - 1
        elif rel.endswith(("next", "coming", "following")):
            year = now.year if index > now.part else now.year + 1
        elif rel in ("", "the"):
            tense = ctx.tense(m.start(), m.end())
            if tense == "past" and index > now.part:
                year -= 1
            elif tense == "future" and index < now.part:
                year += 1
        return self.at(m, "DATE", Point("season", year, 1, 1, index), "publication", mod)

    def relative(self, m: re.Match[str], ctx: Context) -> Timex | None:
        """this / last / next / the following ... + a unit: a date at the unit's granularity."""
        rel = re.sub(r"\s+", " ", m["rel"].lower())
        unit_word = m["unit"].lower()
        unit = self.units[unit_word]
        if unit in ("H", "MIN", "S", "Q"):
            return None
        gran = cal.UNIT_GRAN[unit]
        head = rel.split()[-1]
        step = {
            "last": -1,
            "past": -1,
            "previous": -1,
            "prior": -1,
            "preceding": -1,
            "next": 1,
            "coming": 1,
            "following": 1,
            "ensuing": 1,
            "subsequent": 1,
        }.get(head, 0)
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
        mod = mod_of(m["pre"])
        typ = "DATE"
        if text_anchored:
            base = ctx.last()
            anchor = "text"
            start = base.start() if base else None
            if start is None:
                start, anchor = ctx.pub, "publication"
        else:
            start, anchor = ctx.pub, "publication"
        if start is None:
            return self.pub_missing(m, gran)
        moved = cal.shift(start, unit, step)
        if moved is None:
            return None
        p = cal.point(moved, gran)
        value = p.value + ("-WE" if unit == "WE" else "")
        return Timex(m.start(), m.end(), typ, value, mod, anchor)

    def the_unit(self, m: re.Match[str], ctx: Context) -> Timex | None:
        """ "the year", "that week": the period of the last date the text mentioned."""
        unit = m["unit"].lower()
        if m["det"].lower() == "the" and not m["pre"] and ENDED.match(ctx.text, m.end()):
            # "the year ended March 31" is a fiscal year's length, as TimeBank marks it
            return Timex(m.start(), m.end(), "DURATION", f"P1{unit[0].upper()}")
        gran = {"week": "week", "month": "month", "year": "year"}[unit]
        last = ctx.last_in_sentence(m.start())
        if last is not None and cal.RANK[last.gran] <= cal.RANK[gran] and last.start() is not None:
            p, anchor = cal.point(last.start() or date.min, gran), "text"
        elif ctx.pub is None:
            return self.pub_missing(m, gran)
        else:
            p, anchor = cal.point(ctx.pub, gran), "publication"
        return self.at(m, "DATE", p, anchor, mod_of(m["pre"]))

    def year_end(self, m: re.Match[str], ctx: Context) -> Timex | None:
        last = ctx.last_in_sentence(m.start())
        if last is not None and last.gran == "year":
            return self.at(m, "DATE", last, "text", "END")
        if ctx.pub is None:
            return self.pub_missing(m, "year")
        return self.at(m, "DATE", Point("year", ctx.pub.year), "publication", "END")

    def day_before(self, m: re.Match[str], ctx: Context) -> Timex | None:
        """ "the day before", "the year after": next to the last date mentioned."""
        unit = self.units[m["unit"].lower()]
        gran = cal.UNIT_GRAN[unit]
        last = ctx.last()
        start, anchor = (last.start() if last else None), "text"
        if start is None:
            start, anchor = ctx.pub, "publication"
        if start is None:
            return self.pub_missing(m, gran)
        moved = cal.shift(start, unit, -1 if m["dir"].lower() in ("before", "earlier") else 1)
        return self.at(m, "DATE", moved and cal.point(moved, gran), anchor)

    def year_ago(self, m: re.Match[str], ctx: Context) -> Timex | None:
        """ "a year-earlier loss": the quarter in question a year before, else last year."""
        if ctx.quarters:
            q = ctx.quarters[-1]
            return self.at(m, "DATE", Point("quarter", q.year - 1, q.month, 1, q.part), "text")
        if ctx.pub is None:
            return self.pub_missing(m, "year")
        return self.at(m, "DATE", Point("year", ctx.pub.year - 1), "publication")

    def weekend(self, m: re.Match[str], ctx: Context) -> Timex | None:
        rel = re.sub(r"\s+", " ", m["rel"].lower())
        if ctx.pub is None:
            return self.pub_missing(m, "week", value="XXXX-WXX-WE")
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

    def ago(self, m: re.Match[str], ctx: Context) -> Timex | None:
        n = self.number(m["num"])
        unit = self.units[m["unit"].lower()]
        direction = m["dir"].lower()
        if n is None:
            if direction == "ago":
                return Timex(m.start(), m.end(), "DATE", "PAST_REF", anchor="publication")
            return None
        if n != int(n) or n > 10000:
            return None
        gran = cal.UNIT_GRAN[unit]
        step = int(n) * (-1 if direction in ("ago", "earlier", "before", "previously") else 1)
        if unit in ("H", "MIN", "S"):
            return None
        if (
            unit == "Y"
            and abs(step) == 1
            and direction in ("ago", "earlier")
            and ctx.quarters
            and ctx.comparison(m.start())
        ):
            # "up from $4 million a year ago" in a report on a quarter: that quarter a year before
            q = ctx.quarters[-1]
            return self.at(m, "DATE", Point("quarter", q.year - 1, q.month, 1, q.part), "text", mod_of(m["mod"]))
        if direction in ("ago", "from now", "hence"):
            start, anchor = ctx.pub, "publication"
            out_gran = "day" if unit in ("W", "2W") else gran
        else:
            last = ctx.last()
            start, anchor = (last.start() if last else None), "text"
            # "three weeks earlier" than a day is a day; "a year earlier" than a quarter a quarter
            out_gran = last.gran if last is not None else gran
            if start is None:
                start, out_gran, anchor = ctx.pub, gran, "publication"
        if start is None:
            return self.pub_missing(m, gran)
        moved = cal.shift(start, unit, step)
        if moved is None:
            return None
        p = cal.point(moved, out_gran)
        return self.at(m, "DATE", p, anchor, mod_of(m["mod"]))

    def duration_value(self, n: float | None, unit: str) -> str:
        if unit == "WE":
            unit = "WE"
        if n is None:
            q = "X"
        elif n != int(n):
            # half units: 2 1/2 years is P2Y6M
            lower = {
                "Y": ("M", 12),
                "M": ("D", 30),
                "W": ("D", 7),
                "D": ("H", 24),
                "H": ("MIN", 60),
                "MIN": ("S", 60),
            }.get(unit)
            if lower:
                sub, k = lower
                whole = int(n)
                rest = round((n - whole) * k)
                if whole == 0:
                    return self.duration_value(rest, sub)
                head = self.duration_value(whole, unit)
                tail = self.duration_value(rest, sub)
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

    def duration(self, m: re.Match[str], ctx: Context) -> Timex | None:
        unit_word = m["unit"].lower()
        unit = self.units[unit_word]
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
        if num in ("a", "an") and RATE_BEFORE.search(ctx.text, max(0, m.start() - 30), m.start()):
            return None  # "$1.76 a year", "50,000 CDs a year" is a rate, not a length
        n = self.number(m["num"])
        if m["half"] and n is not None:
            n += 0.5
        if num in ("some", "many") and unit_word in self.units and not unit_word.endswith("s"):
            return None  # "some day" is not a length
        if n is not None and n > 100000:
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
        if m["num2"]:
            n = None if n is None else n
        value = self.duration_value(n, unit)
        mod = mod_of(m["mod"])
        return Timex(m.start(), m.end(), "DURATION", value, mod)

    def half_unit(self, m: re.Match[str], ctx: Context) -> Timex | None:
        unit = self.units[m["unit"].lower()]
        return Timex(m.start(), m.end(), "DURATION", self.duration_value(0.5, unit), mod_of(m["mod"]))

    def vague(self, m: re.Match[str], ctx: Context) -> Timex | None:
        unit = self.units[m["unit"].lower()]
        det = (m["det"] or "").lower()
        ahead = (m["ahead"] or "").strip().lower()
        if ahead == "ago":
            return Timex(m.start(), m.end(), "DATE", "PAST_REF", anchor="publication")
        start = m.start()
        if det in ("for", "in", "over", "within", "after", "for many", "in recent", "in coming", "in the coming"):
            start = (
                m.start("unit")
                if det in ("for", "in", "over", "within", "after")
                else m.start("det") + len(det.split()[0]) + 1
            )
        if det in ("for", "in", "over", "within", "after") and not ahead:
            nxt = ctx.text[m.end() : m.end() + 8]
            if re.match(r"\s+(?:of|to|and|old)\b", nxt):
                return None  # "in years of", "for months to come" is handled by ahead
        value = self.duration_value(None, unit)
        return Timex(start, m.end(), "DURATION", value)

    def set(self, m: re.Match[str], ctx: Context) -> Timex | None:
        if m["wd"]:
            return Timex(m.start(), m.end(), "SET", f"XXXX-WXX-{self.weekdays[m['wd'].lower()]}")
        if m["mon"]:
            return Timex(m.start(), m.end(), "SET", f"XXXX-{self.months[m['mon'].lower().rstrip('.')]:02d}")
        if m["season"]:
            return Timex(m.start(), m.end(), "SET", f"XXXX-{self.seasons[m['season'].lower()]}")
        unit = self.units[(m["unit"] or m["unit2"]).lower()]
        n = self.number(m["num"]) if m["num"] else 1
        if "other" in m[0].lower():
            n = 2
        if unit == "WE":
            return Timex(m.start(), m.end(), "SET", "XXXX-WXX-WE")
        return Timex(m.start(), m.end(), "SET", self.duration_value(n, unit))

    def ref(self, m: re.Match[str], ctx: Context) -> Timex | None:
        typ, value = self.lex.refs[re.sub(r"\s+", " ", m[0].lower())]
        if m[0].lower() == "current" and NOT_CURRENT.match(ctx.text, m.end()):
            return None
        return Timex(m.start(), m.end(), typ, value, anchor="publication")

    def holiday(self, m: re.Match[str], ctx: Context) -> Timex | None:
        rule = self.lex.holidays[m["name"]]
        rel = (m["rel"] or "").lower()
        year = int(m["year"]) if m["year"] else None
        if not (rel or year):
            after = ctx.text[m.end() : m.end() + 16].lower()
            if not re.match(r"\s+(?:eve|day|weekend|holiday|morning|night|celebrations?|parade)\b", after):
                return None  # a holiday name with no time word around it is a name
        start = m.start() if rel in ("last", "this", "next") else m.start("name")
        if year is None:
            if ctx.pub is None:
                return Timex(start, m.end(), "DATE", "XXXX-XX-XX", anchor="none", underspecified=True)
            year = ctx.pub.year
            d = self.holiday_date(rule, year)
            if d is not None:
                tense = ctx.tense(m.start(), m.end())
                if rel == "last" or (tense == "past" and d > ctx.pub and rel != "next"):
                    year -= 1
                elif rel == "next" or (tense in ("future", "present") and d < ctx.pub):
                    year += 1
        d = self.holiday_date(rule, year)
        return Timex(start, m.end(), "DATE", d.isoformat() if d else None, anchor="publication")

    @staticmethod
    def holiday_date(rule: str, year: int) -> date | None:
        if rule.startswith("easter"):
            e = cal.easter(year)
            return e and cal.shift(e, "D", int(rule[6:]))
        month, rest = rule.split("-", 1)
        if "-" not in rest:
            return cal.day(year, int(month), int(rest))
        n, wd = rest.rsplit("-", 1)
        return cal.nth_weekday(year, int(month), int(n), int(wd))

"""The rules table: which patterns the times stage looks for, in which order, and which handler turns
each match into a TIMEX3. Data, not code; `grammar.Grammar` compiles it against the lexicon.

A pattern is a regex in which `{NAME}` stands for a piece: the fragments below, or one that
`grammar.pieces` builds from the lexicon's words (`{MON}` a month name, `{YEAR}` a year in digits or
words, `{UNITS}` a unit ...). Patterns match case-insensitively between word boundaries, except a
`cased` one, which brings its own. Where matches overlap, the longest wins, then the lower rank, then
the rule that comes first here.
"""

from __future__ import annotations

from dataclasses import dataclass

import claimgraph.analyse.times.dates as dates
import claimgraph.analyse.times.durations as durations
import claimgraph.analyse.times.relative as relative
from claimgraph.analyse.times.timex import Handler


@dataclass(frozen=True)
class Rule:
    name: str
    # the trigger classes (see grammar.trigger_words) of which one must be near for the rule to run
    needs: str
    pattern: str
    handler: Handler
    rank: int  # among overlapping matches of the same length, the lower rank wins
    day: bool = False  # the value is one day, to which a clock time next to it is joined
    cased: bool = False  # matched as written (holiday names are capitalised), with its own boundaries


# pieces of the patterns that are the same in every lexicon
FRAGMENTS = {
    "EDGE": r"(?:early|late|mid|the\s+(?:beginning|start|end|middle)\s+of)",
    "REL": (
        r"(?P<rel>last|this|next|coming|past|previous|following|current|same|that|this\s+past|"
        r"this\s+coming|the\s+(?:past|last|next|coming|previous|following|current|same|prior|"
        r"preceding|ensuing|subsequent|latest))"
    ),
    "MODS": (
        r"(?P<mod>about|around|approximately|roughly|some|nearly|almost|more\s+than|over|"
        r"less\s+than|under|at\s+least|at\s+most|up\s+to|no\s+more\s+than|no\s+less\s+than|"
        r"only|just|within|another|an\s+additional|a\s+further|an\s+extra)"
    ),
}
# words of the unit rules' patterns, besides the unit names, that wake those rules
UNIT_TRIGGERS = ("quarter", "period", "half", "fiscal", "fy")

RULES: list[Rule] = [
    Rule(
        "iso",
        "digit",
        r"(?P<y>\d{4})-(?P<mo>\d\d)-(?P<d>\d\d)"
        r"(?:[T\s](?P<h>\d\d):(?P<mi>\d\d)(?::\d\d(?:\.\d+)?)?"
        r"(?P<zone>Z|[+-]\d\d:?\d\d)?)?",
        dates.iso,
        0,
        day=True,
    ),
    Rule(
        "numeric",
        "digit",
        r"(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d\d)(?![\d/.]\d)",
        dates.numeric,
        0,
        day=True,
    ),
    Rule(
        "mdy",
        "month",
        r"(?:{WD0},?\s+)?(?:(?P<edge>{EDGE})[\s-]+)?{MON}\s*(?:the\s+)?{DAY}(?:(?:,\s*|\s+)(?:of\s+)?{YEAR})?",
        dates.month_day,
        0,
        day=True,
    ),
    Rule(
        "dmy",
        "month",
        r"(?:{WD0},?\s+)?(?:the\s+)?{DAY}\s+(?:of\s+)?{MON}(?:,?\s+{YEAR})?",
        dates.month_day,
        0,
        day=True,
    ),
    Rule(
        "month",
        "month",
        r"(?:(?P<edge>{EDGE})[\s-]*)?(?:(?P<rel>last|this|next|this\s+past|this\s+coming|"
        r"the\s+following|the\s+previous|that)\s+)?{MONFULL}(?:,?\s+(?:of\s+)?(?:{YEAR}|'(?P<yy>\d\d))|"
        r"\s+(?P<ryear>this|last|next)\s+year)?",
        dates.month,
        1,
    ),
    Rule(
        "weekday",
        "weekday",
        r"(?:(?P<pre>early|late|earlier|later|mid)\s+)?"
        r"(?:(?P<rel>last|this|next|this\s+past|"
        r"this\s+coming|coming|the\s+following|the\s+previous|the\s+next|that)\s+)?{WD}(?P<pl>s)?"
        r"(?:\s+{PART}(?P<ppl>s)?)?",
        relative.weekday,
        1,
        day=True,
    ),
    Rule(
        "deictic",
        "deictic",
        r"(?:(?P<pre>early|late|earlier|later|mid)[\s-]+)?(?:{PART0}\s+)?(?P<word>{DEICTIC})(?:\s+{PART})?",
        relative.deictic,
        1,
        day=True,
    ),
    Rule(
        "part",
        "daypart",
        r"(?:(?P<pre>early|late|mid|later|earlier)[\s-]+)?(?:(?P<det>that|this|the)\s+)?{PART}"
        r"(?:\s+(?P<before>before))?",
        relative.daypart,
        2,
    ),
    Rule(
        "clock",
        "digit daypart numword",
        r"(?:{MODS}\s+)?(?:(?P<h>\d{1,2})(?:[:.](?P<mi>\d\d))?\s*(?P<ampm>[ap]\.?\s?m\b\.?)|"
        r"(?P<h24>[01]?\d|2[0-3]):(?P<mi24>[0-5]\d)(?!\d)|"
        r"(?P<noon>noon|midday|midnight)|(?P<oc>\d{1,2}|{NUMW})\s+o'?clock){ZONE}",
        relative.clock,
        1,
    ),
    Rule(
        "year",
        "digit numword",
        r"(?:(?P<edge>{EDGE}|the\s+(?:first|second|last)\s+half\s+of)[\s-]*)?"
        r"(?:(?P<fiscal>fiscal(?:\s+year)?|FY|calendar(?:\s+year)?|the\s+year)\s*)?"
        r"(?:{YEAR}|(?P<apos>'\d\d)(?!s))",
        dates.year,
        2,
    ),
    Rule(
        "decade",
        "digit numword",
        r"(?:the\s+)?(?:(?P<edge>early|mid|late)[\s-]+)?(?:(?P<c>1\d|20)(?P<d>\d)0'?s|"
        r"'(?P<d2>\d)0s)|the\s+(?:(?P<edge2>early|mid|late)[\s-]+)?(?P<w>{DECADEW})",
        dates.decade,
        1,
    ),
    Rule(
        "century",
        "unit",
        r"(?:the\s+)?(?:(?P<edge>early|mid|late)[\s-]+)?(?P<n>\d{1,2}(?:st|nd|rd|th)|{ORDW})[\s-]+century",
        dates.century,
        1,
    ),
    Rule(
        "quarter",
        "unit digit",
        r"(?:(?:the|its|their|a|an)\s+)?"
        r"(?:(?P<yr>(?:1\d|20)\d\d)(?:'s)?\s+|(?P<ryr>this|last|"
        r"next)\s+year's\s+|(?P<adj>year-ago|year-earlier|year\s+ago|comparable|corresponding|same)\s+)?"
        r"(?:(?:fiscal|calendar)[\s-]+)?(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+"
        r"(?:fiscal\s+)?quarter(?!s)(?:\s+(?:of|in)\s+(?:fiscal\s+)?(?P<yr2>(?:1\d|20)\d\d)|,?\s+"
        r"(?P<yr3>(?:1\d|20)\d\d)|\s+(?P<ryr2>this|last|next)\s+year)?|"
        r"Q(?P<q>[1-4])(?:\s*(?P<yr4>(?:1\d|20)\d\d))?",
        dates.quarter,
        0,
    ),
    Rule(
        "qref",
        "unit",
        r"(?:(?P<det>the|this|that|its|their|last|next)\s+|(?P<ryr>this|last|next)\s+year's\s+)"
        r"(?:(?P<adj>latest|year-ago|year-earlier|comparable|corresponding|same|current|previous|"
        r"prior|recent|most\s+recent|just-ended|(?:1\d|20)\d\d)\s+)*(?:fiscal\s+)?(?P<what>quarter|period)"
        r"(?!s)(?:\s+(?P<ago>a\s+year\s+(?:ago|earlier)|(?:last|a)\s+year))?",
        dates.quarter_ref,
        1,
    ),
    Rule(
        "half",
        "unit",
        r"(?:the\s+)?(?P<ord>first|second|latter|last)\s+half\s+of\s+(?:(?P<yr>(?:1\d|20)\d\d)|"
        r"(?P<rel>this|last|next|the)\s+(?:fiscal\s+)?year|fiscal\s+(?P<yr2>(?:1\d|20)\d\d))",
        dates.half,
        0,
    ),
    Rule(
        "season",
        "season",
        r"(?:(?P<edge>{EDGE})[\s-]+)?(?:(?P<rel>last|this|next|this\s+past|this\s+coming|"
        r"the\s+following|the\s+previous|that|the|coming|past)\s+)?{SEASON}(?:\s+(?:of\s+)?{YEAR})?",
        dates.season,
        1,
    ),
    Rule(
        "rel",
        "unit",
        r"(?:(?P<pre>early|late|mid|earlier|later|the\s+(?:beginning|start|end|middle)\s+of)"
        r"\s+(?:in\s+)?)?{REL}\s+(?P<fiscal>fiscal\s+)?{UNITSG}(?:\s+(?P<after>earlier|before|later))?",
        relative.relative,
        1,
    ),
    Rule(
        "the",
        "unit",
        r"(?:(?P<pre>earlier|later|{EDGE})\s+(?:in\s+)?)?(?P<det>the|that)\s+"
        r"(?:(?P<fiscal>fiscal|full)\s+)?"
        r"(?P<unit>week|month|year)(?!s|-)",
        relative.the_unit,
        3,
    ),
    Rule("yearend", "unit", r"(?:the\s+)?(?:year[-\s]end|year's\s+end)", relative.year_end, 1),
    Rule(
        "daybefore",
        "unit",
        r"the\s+(?P<unit>day|week|month|year)\s+(?P<dir>before|after|earlier|later)"
        r"(?=\s*[,.;:)]|\s+(?:that|then)\b)",
        relative.day_before,
        1,
    ),
    Rule("yearago", "unit", r"year-(?:ago|earlier)", relative.year_ago, 4),
    Rule(
        "weekend",
        "unit",
        r"(?:(?P<rel>the|this|last|next|that|this\s+past|this\s+coming|the\s+following|"
        r"the\s+previous)\s+)weekend(?!s)",
        relative.weekend,
        1,
    ),
    Rule(
        "ago",
        "unit",
        r"(?:{MODS}\s+)?{NUM}[\s-]+{UNITS}(?:\s+or\s+so)?\s+(?P<dir>ago|earlier|later|"
        r"before(?=\s*[,.;:)]|\s+(?:that|then))|afterwards?|previously|from\s+now|hence)",
        relative.ago,
        0,
    ),
    Rule(
        "duration",
        "unit",
        r"(?:{MODS}\s+(?!the\s))?(?:(?P<det>the|a|an)\s+"
        r"(?:(?P<which>past|last|next|first|coming|"
        r"previous|following|final|latest|initial|entire|whole|full|remaining|same|additional|further|"
        r"recent|preceding|ensuing)\s+)?)?{NUM}(?:\s+(?:to|or|-)\s+(?P<num2>\d+|{NUMW}))?[\s-]+"
        r"(?:more\s+)?{UNITS}(?P<half>\s+and\s+a\s+half)?(?:-(?:long|old))?",
        durations.duration,
        2,
    ),
    Rule("halfunit", "unit", r"(?:{MODS}\s+)?half\s+(?:an?\s+)?{UNITSG}", durations.half_unit, 2),
    Rule(
        "vague",
        "unit",
        r"(?:(?P<det>the\s+(?:past|last|next|coming|following|previous)|recent|coming|past|"
        r"in\s+recent|in\s+coming|in\s+the\s+coming|for|in|over|within|after|many|for\s+many)\s+)"
        r"(?P<unit>days|weeks|months|years|decades|centuries|hours|minutes|quarters)"
        r"(?P<ahead>\s+ahead|\s+to\s+come|\s+ago)?(?:\s+or\s+(?:days|weeks|months|years|decades))?",
        durations.vague,
        3,
    ),
    Rule(
        "set",
        "unit weekday month season",
        r"(?:every|each|per)\s+(?:other\s+)?(?:(?P<num>\d+|{NUMW})\s+)?"
        r"(?:{UNITS}|{WD}|{MONFULL}|"
        r"{SEASON})|(?:once|twice|thrice|(?:\d+|{NUMW})\s+times)\s+(?:a|an|per|each|every)\s+{UNIT2}",
        durations.recurrence,
        1,
    ),
    Rule("ref", "ref", r"(?:{REFS})", dates.ref, 4),
    Rule(
        "holiday",
        "holiday",
        r"(?<![\w-])(?:(?P<rel>(?i:last|this|next|on|by|before|after|since|until|over|"
        r"during|ahead\s+of))\s+)?(?P<name>{HOLIDAYS})(?:\s+(?P<year>(?:1\d|20)\d\d))?(?!\w)",
        dates.holiday,
        1,
        cased=True,
    ),
]

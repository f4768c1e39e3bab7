"""The time grammar: the rules table (table.py) compiled against one lexicon. It builds the regex pieces
the patterns are written with from the lexicon's words, compiles each rule once, and indexes the words
that can wake each rule (the stage runs a rule only near one of them)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from claimgraph.analyse.times.lexicon import TimeLexicon, alternation
from claimgraph.analyse.times.table import FRAGMENTS, RULES, UNIT_TRIGGERS, Rule
from claimgraph.analyse.times.timex import Handler
from claimgraph.analyse.times.words import Words

PIECE = re.compile(r"\{([A-Z][A-Z0-9]*)\}")


class Compiled(NamedTuple):
    name: str
    rx: re.Pattern[str]
    handler: Handler
    rank: int
    needs: frozenset[str]


def pieces(w: Words) -> dict[str, str]:
    """The pieces of the patterns that come from the lexicon, by the name the table writes them with."""
    full = w.full_months
    abbrev = [m for m in w.months if m not in full]
    small = [k for k, v in w.numbers.items() if v < 100]
    tens = [k for k, v in w.numbers.items() if 20 <= v < 100]
    units1 = [k for k, v in w.numbers.items() if v < 10]
    teens = [k for k, v in w.numbers.items() if 10 <= v < 20]
    numw = rf"(?:{alternation(w.numbers)})(?:[\s-]+(?:and\s+)?(?:{alternation(w.numbers)}))*"
    ordw = rf"(?:(?:{alternation(tens)})[\s-]+(?:{alternation(w.ordinals)})|{alternation(w.ordinals)})"
    yearw = (
        rf"(?:(?:{alternation(teens)}|twenty)[\s-]+(?:(?:{alternation(tens)})(?:[\s-]+(?:"
        rf"{alternation(units1)}))?|{alternation(teens)}|hundred|oh[\s-]+(?:{alternation(units1)}))"
        rf"|two\s+thousand(?:\s+and)?(?:[\s-]+(?:{alternation(small)})(?:[\s-]+(?:"
        rf"{alternation(units1)}))?)?)"
    )
    wd = rf"(?P<wd>{alternation(w.weekdays)})"
    part = rf"(?P<part>{alternation(k for k, v in w.dayparts.items() if ':' not in v)})"
    return {
        "MON": rf"(?P<mon>{alternation(full)}|(?:{alternation(abbrev)})\.?)",
        # a month alone: its full name, or any name with a dot ("Dec.")
        "MONFULL": rf"(?P<mon>{alternation(full)}|(?:{alternation(w.months)})\.)",
        "WD": wd,
        "WD0": wd.replace("wd>", "wd0>"),
        "NUMW": numw,
        "ORDW": ordw,
        "YEAR": rf"(?P<year>(?:1\d|20)\d\d(?!\d)|{yearw})",
        "DAY": rf"(?P<day>\d\d?(?!\d)(?:st|nd|rd|th)?|{ordw})",
        "NUM": (
            rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?(?:\s+1/2|½)?|{numw}(?:\s+and\s+a\s+half)?|"
            r"an?|a\s+couple\s+of|couple\s+of|a\s+few|few|several|some|many|a\s+number\s+of|"
            r"a\s+dozen|dozens\s+of|hundreds\s+of|thousands\s+of)"
        ),
        "UNITS": rf"(?P<unit>{alternation(w.units)})",
        # singular units ("millennia" is a plural without an s)
        "UNITSG": rf"(?P<unit>{alternation(u for u in w.units if not u.endswith(('s', 'ia')))})",
        "UNIT2": rf"(?P<unit2>{alternation(u for u in w.units if not u.endswith('s'))})",
        "SEASON": rf"(?P<season>{alternation(w.seasons)})",
        "PART": part,
        "PART0": part.replace("<part>", "<part0>"),
        "ZONE": rf"(?:\s*\(?(?P<zone>{alternation(w.zones)})\)?(?![\w]))?",
        "DEICTIC": alternation(w.deictic),
        "DECADEW": alternation(w.decades),
        "REFS": alternation(w.refs),
        "HOLIDAYS": alternation(w.holidays),
    }


def compile_rule(rule: Rule, parts: dict[str, str]) -> Compiled:
    rx = PIECE.sub(lambda m: parts[m[1]], rule.pattern)
    # a cased rule brings its own boundaries; the others match case-insensitively between words
    pattern = re.compile(rx) if rule.cased else re.compile(rf"(?<![\w'-])(?:{rx})(?![\w]|-\w)", re.I)
    return Compiled(rule.name, pattern, rule.handler, rule.rank, frozenset(rule.needs.split()))


def trigger_words(w: Words) -> dict[str, frozenset[str]]:
    """Word -> the classes of rules it can wake (a rule's `needs`); digits wake the "digit" rules."""
    classes: dict[str, set[str]] = {}

    def add(words: Iterable[str], cls: str) -> None:
        for word in words:
            for part in re.findall(r"[a-z]+", word.lower()):
                classes.setdefault(part, set()).add(cls)

    add(w.months, "month")
    add(list(w.weekdays) + [d + "s" for d in w.weekdays], "weekday")
    add([*w.units, *UNIT_TRIGGERS], "unit")
    add(w.seasons, "season")
    add(w.dayparts, "daypart")
    add(list(w.numbers) + list(w.ordinals) + list(w.decades), "numword")
    add(w.deictic, "deictic")
    add([word for p in w.refs for word in p.split() if word not in w.ref_stop], "ref")
    add([word for name in w.holidays for word in name.split()[:1]], "holiday")
    return {word: frozenset(c) for word, c in classes.items()}


class Grammar:
    """All rules, compiled once from a lexicon, with the words their handlers read."""

    def __init__(self, lex: TimeLexicon):
        self.words = Words(lex)
        parts = {**FRAGMENTS, **pieces(self.words)}
        self.rules = [compile_rule(rule, parts) for rule in RULES]
        # rules whose value is a single day, to which a clock time can be joined
        self.day_rules = frozenset(rule.name for rule in RULES if rule.day)
        self.triggers = trigger_words(self.words)

"""Stage: times. TIMEX3 tagging and normalisation.

Every rule of the table (table.py), compiled by `grammar.Grammar`, runs as one
precompiled regex near the words that can wake it; overlapping matches are
settled by length; a clock time next to a day becomes one TIME; then the
handlers (dates.py, relative.py, durations.py) resolve the expressions in
text order against the publication date, the tense of the verb that governs
them (from the spaCy parse) and the dates mentioned before them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import cache
from typing import TYPE_CHECKING

import claimgraph.analyse.times.calendar as cal
from claimgraph.analyse.document import Document
from claimgraph.analyse.stage import stage
from claimgraph.analyse.times.grammar import Grammar
from claimgraph.analyse.times.lexicon import load
from claimgraph.analyse.times.relative import clock_value
from claimgraph.analyse.times.timex import Context, Handler, Timex
from claimgraph.analyse.times.words import Words
from claimgraph.model import Time

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["Grammar", "Timex", "grammar", "run", "tag"]

# how many steps up the parse from a time to the verb whose tense places it: a bound on the climb,
# not a tuned figure (a time further from any verb than that keeps no tense)
VERB_HOPS = 8


@cache
def grammar() -> Grammar:
    return Grammar(load())


class Candidate:
    __slots__ = ("clock", "end", "handler", "match", "name", "start")

    def __init__(self, name: str, match: re.Match[str], handler: Handler):
        self.name, self.match, self.handler = name, match, handler
        self.start, self.end = match.start(), match.end()
        self.clock: re.Match[str] | None = None


WORD = re.compile(r"[A-Za-z]+|\d+")
# how far around a trigger word a rule is run, in characters: room for the longest prefix a rule
# matches before its trigger and the longest tail after it; smaller windows cut matches (the times
# table and dev-time show it), larger ones only cost time
BEFORE, AFTER = 64, 80


def windows(text: str, g: Grammar) -> dict[str, list[tuple[int, int]]]:
    """For each trigger class, the stretches of text around its words (merged, word-aligned)."""
    hits: dict[str, list[int]] = {}
    triggers = g.triggers
    for m in WORD.finditer(text):
        w = m.group()
        classes = ("digit",) if w[0].isdigit() else triggers.get(w.lower(), ())
        for cls in classes:
            hits.setdefault(cls, []).append(m.start())
    n = len(text)
    out: dict[str, list[tuple[int, int]]] = {}
    for cls, starts in hits.items():
        spans: list[tuple[int, int]] = []
        for p in starts:
            s, e = max(0, p - BEFORE), min(n, p + AFTER)
            if spans and s <= spans[-1][1]:
                spans[-1] = (spans[-1][0], e)
            else:
                spans.append((s, e))
        out[cls] = [(s, end_of_word(text, e)) for s, e in spans]
    return out


def end_of_word(text: str, e: int) -> int:
    """Move a window's end past the word it cuts, so no match ends inside a word."""
    while e < len(text) and not text[e].isspace():
        e += 1
    return e


def candidates(text: str, g: Grammar) -> list[Candidate]:
    """The non-overlapping matches of all rules, longest first, in text order. Each rule runs
    only near the words that can wake it (a month name, a unit, a digit ...): the regexes are
    the stage's cost, and most of a news text has no time in it."""
    wins = windows(text, g)
    found = []
    for prio, rule in enumerate(g.rules):
        spans = sorted({sp for cls in rule.needs for sp in wins.get(cls, ())})
        last_end = -1
        for s, e in spans:
            for m in rule.rx.finditer(text, max(s, last_end), e):
                if m.end() > m.start():
                    found.append((m.start() - m.end(), rule.rank, prio, Candidate(rule.name, m, rule.handler)))
                    last_end = max(last_end, m.end())
    found.sort(key=lambda f: (f[0], f[1], f[2], f[3].start))
    taken: list[tuple[int, int]] = []
    chosen: list[Candidate] = []
    for *_, c in found:
        if all(c.end <= s or c.start >= e for s, e in taken):
            taken.append((c.start, c.end))
            chosen.append(c)
    chosen.sort(key=lambda c: c.start)
    return join_clocks(chosen, text, g.day_rules)


# what may stand between a clock time and the day it belongs to
CLOCK_THEN_DATE = re.compile(r"\s*,?\s*(?:on\s+|of\s+)?$", re.I)
DATE_THEN_CLOCK = re.compile(r"\s*,?\s*(?:at\s+|around\s+|about\s+|by\s+)?$", re.I)


def join_clocks(chosen: list[Candidate], text: str, day_rules: frozenset[str]) -> list[Candidate]:
    """ "10 p.m. Wednesday", "Dec. 8 at 6:00": a clock time next to a day is one TIME."""
    out: list[Candidate] = []
    i = 0
    while i < len(chosen):
        c = chosen[i]
        nxt = chosen[i + 1] if i + 1 < len(chosen) else None
        if nxt is not None:
            gap = text[c.end : nxt.start]
            if c.name == "clock" and nxt.name in day_rules and CLOCK_THEN_DATE.match(gap):
                nxt.clock, nxt.start = c.match, c.start
                out.append(nxt)
                i += 2
                continue
            if c.name in day_rules and nxt.name == "clock" and DATE_THEN_CLOCK.match(gap):
                c.clock, c.end = nxt.match, nxt.end
                out.append(c)
                i += 2
                continue
        out.append(c)
        i += 1
    return out


def verb_tense(verb: Token, w: Words) -> str:
    """past, present or future from a verb's tag and its auxiliaries ('' when unclear)."""
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    words = {a.lower_ for a in auxes}
    if words & w.unclear_modal or verb.lower_ in w.unclear_modal:
        return ""  # "would be paid in January" looks back or forward
    if words & w.future_modal or verb.lower_ in w.future_modal:
        return "future"
    if words & w.future_aux:
        return "future"  # "is going to", "plans to meet on Monday", "to be completed by"
    tags = {a.tag_ for a in auxes}
    if verb.tag_ == "VBD" or "VBD" in tags:
        return "past"
    if verb.tag_ == "VBN":
        # "is expected in December" is present; "has left", "killed on Monday" are past
        have = any(a.lemma_ == "have" for a in auxes)
        return "present" if tags & {"VBZ", "VBP"} and not have else "past"
    if verb.tag_ in ("VBZ", "VBP") and verb.lemma_ in w.speech:
        return "past"  # "says on Monday" reports what was said
    if tags & {"VBZ", "VBP"} or verb.tag_ in ("VBZ", "VBP"):
        return "present"
    return ""


def tense_finder(doc: Doc | None, w: Words) -> Callable[[int, int], str]:
    if doc is None:
        return lambda start, end: ""

    def tense(start: int, end: int) -> str:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            return ""
        tok = span.root
        for _ in range(VERB_HOPS):
            if tok.pos_ in ("VERB", "AUX"):
                return verb_tense(tok, w)
            if tok.head.i == tok.i:
                return ""
            tok = tok.head
        return ""

    return tense


SENTENCE_END = re.compile(r"[.!?]['\"”’)]*\s+(?=[A-Z\"“‘'(])|\n\s*\n")


def sentence_starts(text: str, doc: Doc | None) -> list[int]:
    if doc is not None:
        return [s.start_char for s in doc.sents]
    return [0] + [m.end() for m in SENTENCE_END.finditer(text)]


def tag(text: str, published: date | None = None, doc: Doc | None = None, g: Grammar | None = None) -> list[Timex]:
    """All temporal expressions of `text`, resolved against `published`."""
    g = g or grammar()
    ctx = Context(text, published, tense_finder(doc, g.words), sentence_starts(text, doc))
    out: list[Timex] = []
    for c in candidates(text, g):
        try:
            t = c.handler(g.words, c.match, ctx)
        except (OverflowError, ValueError):
            continue  # a date past the calendar's ends (year 0, 10000): not a time we can place
        if t is None:
            continue
        if c.clock is not None:
            t = with_clock(t, c, g)
        out.append(t)
        if c.name == "quarter" and t.value and not (c.match["adj"] or "").lower().startswith("year"):
            p = cal.parse_value(t.value)
            if p is not None:
                ctx.quarters.append(p)
        if t.type in ("DATE", "TIME") and t.value and "X" not in t.value:
            p = cal.parse_value(t.value)
            if p is not None:
                ctx.history.append((ctx.sentence(t.start), p))
    return out


def with_clock(t: Timex, c: Candidate, g: Grammar) -> Timex:
    tv = clock_value(g.words, c.clock) if c.clock else None
    t.start, t.end = min(t.start, c.start), max(t.end, c.end)
    if tv and t.value and re.fullmatch(r"(?:\d{4}|XXXX)-(?:\d\d|XX|WXX)-(?:\d\d|XX|\d)", t.value):
        t.value, t.type = t.value + tv, "TIME"
    return t


@stage("times", requires=[], assigns=["times"])
def run(document: Document) -> None:
    text = document.text
    for t in tag(text, document.article.published, document.doc, document.resources.time_grammar):
        document.times.append(
            Time(
                id=document.next_id("t", document.times),
                start=t.start,
                end=t.end,
                text=text[t.start : t.end],
                type=t.type,
                value=t.value,
                mod=t.mod,
                anchor=t.anchor,
                underspecified=t.underspecified,
            )
        )

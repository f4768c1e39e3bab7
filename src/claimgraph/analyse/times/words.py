"""The time words, read for what they mean: month and weekday numbers, TIMEX3 unit letters and codes,
mods and steps (time_words.tsv), the context words (time_cues.tsv) as the regexes the handlers test,
and the reading of numbers, ordinals and years written in words ("twenty-four", "nineteen ninety-six")."""

from __future__ import annotations

import re

from claimgraph.analyse.times.lexicon import TimeLexicon, alternation


class Words:
    """One lexicon's words, typed; built once with the grammar."""

    def __init__(self, lex: TimeLexicon):
        w = lex.kind
        self.months = {k: int(v) for k, v in w("month").items()}
        longest = {n: max(len(k) for k, m in self.months.items() if m == n) for n in self.months.values()}
        self.full_months = [k for k, n in self.months.items() if len(k) == longest[n]]
        self.weekdays = {k: int(v) for k, v in w("weekday").items()}
        self.units = w("unit")
        self.seasons = w("season")
        self.dayparts = w("daypart")
        self.numbers = {k: int(v) for k, v in w("number").items()}
        self.ordinals = {k: int(v) for k, v in w("ordinal").items()}
        self.decades = {k: int(v) for k, v in w("decade").items()}
        self.zones = w("zone")
        self.ambiguous = set(w("ambiguous"))
        self.mods = w("mod")
        self.steps = {k: int(v) for k, v in w("step").items()}
        self.refs, self.deictic, self.holidays = lex.refs, lex.deictic, lex.holidays

        cue = lex.cue
        # the tense of a verb
        self.future_modal = frozenset(cue("future-modal"))
        self.unclear_modal = frozenset(cue("unclear-modal"))
        self.future_aux = frozenset(cue("future-aux"))
        self.speech = frozenset(cue("speech"))
        # whether an expression is a time, and which way a year-less date leans
        self.since = frozenset(cue("since"))
        self.deadline = re.compile(
            rf"\b({alternation(cue('deadline') + cue('since'))})\s+(?:\S+\s+){{0,3}}$",
            re.I,
        )
        self.comparison = re.compile(rf"\b(?:{alternation(cue('comparison'))})\b", re.I)
        self.period_ended = re.compile(rf"\s+(?:{alternation(cue('period-ended'))})\b", re.I)
        self.not_current = re.compile(rf"\s+(?:{alternation(cue('not-current'))})\b", re.I)
        # a word before "a year" that makes it a rate: a number, or a plural
        self.rate_before = re.compile(rf"(?:[\d%]|\b(?!(?:{alternation(cue('not-a-rate'))})\s)[a-z]+s)\s*$", re.I)
        self.not_a_count = frozenset(cue("not-a-count"))
        self.count_before = re.compile(rf"\b(?:{alternation(cue('count-before'))})\s+$")
        self.month_before = re.compile(rf"\b(?:{alternation(cue('month-before'))})\s*-?$")
        season = cue("season-before")
        self.season_before = re.compile(rf"\b(?:{alternation(season)})\s+$")
        self.season_rel_before = re.compile(rf"\b(?:{alternation(season + cue('season-rel-before'))})\s+$")
        self.holiday_after = re.compile(rf"\s+(?:{alternation(cue('holiday-after'))})\b")
        self.ref_stop = frozenset(cue("ref-stop"))

    def mod(self, words: str | None) -> str | None:
        """The TIMEX3 mod of the first word in `words` that gives one ("early", "nearly" ...)."""
        if not words:
            return None
        for w in re.findall(r"[a-z]+", words.lower()):
            if w in self.mods:
                return self.mods[w]
        return None

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

"""The event lexicon: triggers with their PLOVER types, and the words that
help find an event's arguments and status, all from `lexicons/event_*.tsv`.

`load_event_lexicon()` reads the files once (`Resources.events` holds the
result for the stage); `trigger_lemma` and `trigger_entry` read a trigger's
surface text back to its lexicon entry, for triggers in stored analyses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from claimgraph.lexicons import load_table, words


@dataclass(frozen=True)
class Trigger:
    lemma: str
    pos: str  # verb or noun
    type: str
    mode: str | None
    object: str  # target, place or patient
    outcome: str | None  # death, flight, resignation ...
    outcome_of: str  # "actor" or "target": whose fate the outcome is


@dataclass(frozen=True)
class EventLexicon:
    verbs: dict[str, Trigger]
    nouns: dict[str, Trigger]
    phrasal: dict[tuple[str, str], Trigger]  # (verb lemma, particle) -> trigger
    light: frozenset[str]
    group: frozenset[str]
    proxy: frozenset[str]
    features: frozenset[str]  # "city": "the city of Mosul" is Mosul
    idioms: frozenset[tuple[str, str]]  # (preposition, noun): "in exchange" is no event
    conflicts: dict[frozenset[str], str]  # two outcomes -> why they cannot both hold
    forms: dict[str, str]  # lower-cased inflected form -> lemma, for triggers read back from JSON
    locative: frozenset[str]  # prepositions after which a place is where it happened
    strong_locative: frozenset[str]  # ... and a name is a place whatever the NER said
    target_prepositions: frozenset[str]  # "against", "on": the object is the target
    to_target: frozenset[str]  # event types whose "to" phrase is the target
    with_target: frozenset[str]  # event types whose "with" phrase is the target
    hostile: frozenset[str]  # event types whose "on"/"against" place is also the location
    verbal: frozenset[str]  # event types that are said, not done: no inherited place
    agent_types: frozenset[str]  # entity types that can act
    conditional: frozenset[str]  # "if", "unless"
    present: frozenset[str]  # auxiliaries of the present and present perfect
    # (lemma, pos, where) -> the words there that make the trigger no event ("cardiac arrest")
    other_senses: dict[tuple[str, str, str], frozenset[str]]


@cache
def load_event_lexicon() -> EventLexicon:
    verbs: dict[str, Trigger] = {}
    nouns: dict[str, Trigger] = {}
    phrasal: dict[tuple[str, str], Trigger] = {}
    for row in load_table("event_triggers.tsv"):
        outcome, _, of = (row["outcome"] or "").partition("@")
        t = Trigger(
            lemma=row["trigger"].lower(),
            pos=row["pos"],
            type=row["type"],
            mode=row["mode"] or None,
            object=row["object"] or "target",
            outcome=outcome or None,
            outcome_of="target" if of == "target" else "actor",
        )
        if " " in t.lemma:
            verb, particle = t.lemma.split(" ", 1)
            phrasal[(verb, particle)] = t
        else:
            (verbs if t.pos == "verb" else nouns)[t.lemma] = t
    support = load_table("event_support.tsv")
    preps = load_table("event_prepositions.tsv")
    types = load_table("event_types.tsv")
    status = load_table("event_status.tsv")
    conflicts = {frozenset((r["a"], r["b"])): r["why"] for r in load_table("event_outcomes.tsv")}
    irregular = {r["lemma"].lower(): r["forms"].lower().split() for r in load_table("event_forms.tsv")}
    forms: dict[str, str] = {}
    for lemma in verbs:
        for form in _verb_forms(lemma, irregular):
            forms.setdefault(form, lemma)
    for lemma in nouns:
        forms.setdefault(lemma, lemma)
        forms.setdefault(lemma + "s", lemma)
    for verb, _particle in phrasal:
        for form in _verb_forms(verb, irregular):
            forms.setdefault(form, verb)
    strong = words(preps, "preposition", "place", "strong")
    return EventLexicon(
        verbs=verbs,
        nouns=nouns,
        phrasal=phrasal,
        light=words(support, "word", "role", "light"),
        group=words(support, "word", "role", "group"),
        proxy=words(support, "word", "role", "proxy"),
        features=words(support, "word", "role", "feature"),
        idioms=frozenset(_pair(w) for w in words(support, "word", "role", "idiom")),
        conflicts=conflicts,
        forms=forms,
        locative=words(preps, "preposition", "place", "locative") | strong,
        strong_locative=strong,
        target_prepositions=words(preps, "preposition", "target"),
        to_target=_types(types, "to_target"),
        with_target=_types(types, "with_target"),
        hostile=_types(types, "hostile"),
        verbal=_types(types, "verbal"),
        agent_types=frozenset(r["type"] for r in load_table("event_agents.tsv")),
        conditional=words(status, "word", "role", "conditional"),
        present=words(status, "word", "role", "present"),
        other_senses=_other_senses(),
    )


def _other_senses() -> dict[tuple[str, str, str], frozenset[str]]:
    """`event_senses.tsv`, with @abstract read from `abstract_nouns.tsv`."""
    abstract = frozenset(r["word"].lower() for r in load_table("abstract_nouns.tsv"))
    out: dict[tuple[str, str, str], frozenset[str]] = {}
    for r in load_table("event_senses.tsv"):
        found: set[str] = set()
        for w in r["words"].lower().split():
            found |= abstract if w == "@abstract" else {w}
        key = (r["trigger"].lower(), r["pos"], r["where"])
        out[key] = out.get(key, frozenset()) | found
    return out


def _pair(phrase: str) -> tuple[str, str]:
    """'in exchange' -> ('in', 'exchange')."""
    first, _, second = phrase.partition(" ")
    return first, second


def _types(rows: list[dict[str, str]], flag: str) -> frozenset[str]:
    """The event types (upper case, as in the model) whose `flag` column says yes."""
    return frozenset(r["type"] for r in rows if r[flag] == "yes")


def _verb_forms(lemma: str, irregular: dict[str, list[str]]) -> Iterable[str]:
    """The lemma and its regular inflections, plus listed irregular ones."""
    yield lemma
    yield from irregular.get(lemma, [])
    if lemma.endswith("e"):
        yield lemma + "s"
        yield lemma + "d"
        yield lemma[:-1] + "ing"
        return
    if lemma.endswith("y") and len(lemma) > 2 and lemma[-2] not in "aeiou":
        yield lemma[:-1] + "ies"
        yield lemma[:-1] + "ied"
        yield lemma + "ing"
        return
    yield lemma + ("es" if lemma.endswith(("s", "sh", "ch", "x", "z")) else "s")
    yield lemma + "ed"
    yield lemma + "ing"
    # a short verb ending consonant-vowel-consonant doubles the consonant: "ban" ->
    # "banned", "ship" -> "shipped"; six letters at most keeps "abandon", "deliver" regular
    if re.search(r"[^aeiou][aeiou][bdgklmnprt]$", lemma) and len(lemma) <= 6:
        yield lemma + lemma[-1] + "ed"
        yield lemma + lemma[-1] + "ing"


def trigger_lemma(text: str) -> str:
    """The lexicon lemma of a trigger's surface text ("fled" -> "flee")."""
    low = text.lower()
    return load_event_lexicon().forms.get(low, low)


def trigger_entry(text: str) -> Trigger | None:
    """The lexicon entry for a trigger's surface text, verb first."""
    lex = load_event_lexicon()
    lemma = trigger_lemma(text)
    return lex.verbs.get(lemma) or lex.nouns.get(lemma)

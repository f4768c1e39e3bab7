"""What the places stage's steps hand each other: a `Target` (a name that may be
a place, with what its context says) and its `Candidate`s (gazetteer places it
may be, each with a prior and its evidence terms)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from claimgraph.analyse.places.index import Match, Place
from claimgraph.model import Entity

# kinds of place, as the rules group them
SETTLEMENTS = frozenset({"city", "town"})
BROAD = frozenset({"country", "continent", "area", "water", "region"})
# the label of a target read from the outlet's domain rather than the text
OUTLET_LABEL = "outlet"


@dataclass
class Candidate:
    match: Match
    prior: float
    parts: dict[str, float] = field(default_factory=dict)  # evidence terms, by name
    notes: dict[str, str] = field(default_factory=dict)  # each term in words, for geo.evidence
    learned: float | None = None  # the learned ranker's log-odds (`rank`), when it scored this candidate

    @property
    def place(self) -> Place:
        return self.match.place

    @property
    def score(self) -> float:
        return self.prior + sum(self.parts.values())


@dataclass
class Target:
    entity: Entity | None  # None: a name no entity covers (a new entity if it is placed)
    label: str  # the entity's type; "" for a name found by the gazetteer; OUTLET_LABEL
    names: list[str]
    spans: list[tuple[int, int]]
    hints: Counter = field(default_factory=Counter)  # feature kinds around the name, and how often
    name_hints: set[str] = field(default_factory=set)  # feature kinds written in the name itself
    locative: int = 0  # mentions after "in", "at", "near" ...
    nested: bool = False  # found inside another entity's name: "Athens Police Department"
    person_like: bool = False  # a mention after a title (Mr., Sen.) or speaking: "Jackson said"
    hint_words: list[str] = field(default_factory=list)
    containers: list[tuple[str, Place]] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    extra: list[tuple[int, int]] = field(default_factory=list)  # new mentions for an existing entity
    probs: list[float] = field(default_factory=list)  # parallel to `candidates`

    def best(self) -> Candidate | None:
        if not self.candidates:
            return None
        if all(c.learned is not None for c in self.candidates):
            return max(self.candidates, key=lambda c: c.learned or 0.0)
        return max(self.candidates, key=lambda c: c.score)

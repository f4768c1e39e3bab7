"""Stages as declared components: each says what it reads and what it adds.

spaCy's `analyze_pipes` idea, for our own stages: a stage is a function of
the shared `Document` with two lists of the document's fields, `requires`
(read, so some earlier stage must have assigned them) and `assigns` (added or
filled). `check_chain` refuses, when an `Analyzer` is built, a chain in which
a stage runs before what it reads exists, or in which a field that the
analysis needs complete is started and never finished (claims made by
attribution get their status from modality). Reordering or dropping a stage
fails then, with a message naming the stage and the field, not silently on
the first article.

Field names are `Document` attributes; "claims.status" names a part of
claims that a later stage fills.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from claimgraph.errors import UsageError

if TYPE_CHECKING:
    from claimgraph.analyse.document import Document

# what every document has before any stage runs
GIVEN = frozenset({"article", "text", "doc", "resources"})

# a field a stage starts -> the parts a later stage must fill before the
# analysis is complete (attribution makes claims; modality sets their status)
COMPLETES: dict[str, tuple[str, ...]] = {
    "claims": ("claims.status", "claims.hedges"),
}


@dataclass(frozen=True)
class Stage:
    name: str
    func: Callable[[Document], None]
    requires: frozenset[str]
    assigns: frozenset[str]

    def __call__(self, document: Document) -> None:
        self.func(document)


def stage(name: str, *, requires: Iterable[str] = (), assigns: Iterable[str] = ()) -> Callable[..., Stage]:
    """Declare a stage: `@stage("modality", requires=["claims"], assigns=["claims.status", "hedges"])`."""

    def wrap(func: Callable[[Document], None]) -> Stage:
        return Stage(name, func, frozenset(requires), frozenset(assigns))

    return wrap


def check_chain(stages: Iterable[Stage]) -> None:
    """Raise UsageError when a stage reads what no earlier stage assigned, or
    a started field is never completed."""
    have = set(GIVEN)
    for s in stages:
        if not isinstance(s, Stage):
            raise UsageError(f"{s!r} is not a declared stage (use claimgraph.analyse.stage.stage)")
        missing = sorted(r for r in s.requires if r not in have)
        if missing:
            raise UsageError(f"stage {s.name!r} requires {', '.join(missing)}, which no earlier stage assigns")
        have |= s.assigns
    for started, parts in COMPLETES.items():
        if started in have:
            unfilled = [p for p in parts if p not in have]
            if unfilled:
                raise UsageError(f"{started} are made but {', '.join(unfilled)} never filled: add the stage that does")

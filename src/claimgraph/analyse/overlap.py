"""Whether two claims speak of the same thing by their words: the stems of
their content words (`text.semantic.terms`, the similarity the linker uses),
without short function words. Used where no event or entity ties two claims
("the plant had closed" / "did not confirm that the plant had closed")."""

from __future__ import annotations

import re

from claimgraph.text.semantic import stem, terms

MIN_LETTERS = 4  # "any", "not", "next": too common to tie two claims; set by hand
MIN_SHARED = 2  # stems two claims must share, or every stem of a claim of one or two


def content_terms(text: str) -> frozenset[str]:
    return frozenset(t for t in terms(text) if len(t) >= MIN_LETTERS)


def shared_terms(a: str, b: str, least: int = MIN_SHARED) -> frozenset[str]:
    """The content stems `a` and `b` share, when they are enough to tie them
    (`least` of them; one is enough where a contrast phrase already sets them apart)."""
    ta, tb = content_terms(a), content_terms(b)
    both = ta & tb
    if len(both) >= least or (both and len(both) == min(len(ta), len(tb))):
        return both
    return frozenset()


def as_written(text: str, stems: frozenset[str]) -> list[str]:
    """The words of `text` whose stems are `stems`, as written ("closed", not "clos")."""
    out: list[str] = []
    for word in re.findall(r"[^\W\d_]+", text):
        if stem(word.lower()) in stems and word.lower() not in out:
            out.append(word.lower())
    return out

"""A negation just before a word: "did not confirm", "don't want to", "never
said". Views and reasons keep it with a cue, or the claim reads as its opposite."""

from __future__ import annotations

import re

_NEGATED = re.compile(
    r"(?i)(?:\b(?:do|does|did|would|will|could|can|should|has|have|had|is|are|was|were|might|must)\s*)?"
    r"(?:\bnot|n['’]t|\bnever|\bno longer)\s+(?:\w+ly\s+)?$"
)
REACH = 30  # characters before the word searched for the negation


def negation_before(text: str, start: int) -> str:
    """The negation that ends right before `start` in `text` ("did not "), or ""."""
    m = _NEGATED.search(text, max(0, start - REACH), start)
    if m is None or m.end() != start:
        return ""
    return text[m.start() : start]

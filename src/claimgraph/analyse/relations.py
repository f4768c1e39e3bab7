"""Stage: relations between claims.

Explicit contrast: a claim whose sentence opens with a contrast phrase
("Contrary to these reports, X claims ...", "In contrast, ...") contradicts
the claims of the sentence before it that come from other sources. The
relation's reason quotes both contents and the phrase it rests on.
"""

from __future__ import annotations

import re
from functools import lru_cache

from claimgraph.analyse.document import Document
from claimgraph.analyse.translit import plain
from claimgraph.model import Claim, Relation


def run(document: Document) -> None:
    by_sentence: dict[int, list[Claim]] = {}
    for claim in document.claims:
        by_sentence.setdefault(claim.sentence, []).append(claim)
    pattern = _contrast_pattern(document.resources.lexicons.contrast)
    for index, claims in sorted(by_sentence.items()):
        sentence = document.sentences[index]
        m = pattern.match(document.text, sentence.start, sentence.end)
        if m is None:
            continue
        earlier = _previous_claims(by_sentence, index, document)
        cue = document.span(m.start(), m.end())
        for b in claims:
            for a in earlier:
                if _same_source(a, b):
                    continue  # a source restating itself is no contradiction
                document.relations.append(
                    Relation(
                        id=document.next_id("r", document.relations),
                        type="contradicts",
                        a=b.id,
                        b=a.id,
                        reason=(
                            f"“{cue.text}” sets “{_short(b.content.text)}” against "
                            f"“{_short(a.content.text)}”"
                        ),
                        cue=cue,
                        spans=[b.content, a.content],
                    )
                )


def _same_source(a: Claim, b: Claim) -> bool:
    if a.source is None or b.source is None:
        return False
    if a.source.entity is not None or b.source.entity is not None:
        return a.source.entity == b.source.entity
    return plain(a.source.text).removeprefix("the ") == plain(b.source.text).removeprefix("the ")


def _previous_claims(by_sentence: dict[int, list[Claim]], index: int, document: Document) -> list[Claim]:
    """The claims of the nearest earlier sentence that has any, within two paragraphs."""
    paragraph = document.sentences[index].paragraph
    for j in range(index - 1, -1, -1):
        if paragraph - document.sentences[j].paragraph > 2:
            break
        if j in by_sentence:
            return by_sentence[j]
    return []


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


@lru_cache(maxsize=4)
def _contrast_pattern(phrases: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)) or "(?!)"
    return re.compile(r"(?:" + alternatives + r")\b[^,]{0,60}", re.IGNORECASE)

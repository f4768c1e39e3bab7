"""Claims found by the attribution patterns before their source is resolved
(`Found`), and the character spans they are cut from: a token's subtree, a
source's noun phrase, content trimmed of its leading "that" and trailing
punctuation."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from claimgraph.analyse.document import Document

# Shorter content than this (characters, once trimmed) is no claim: a stray mark or letter.
MIN_CONTENT = 2


@dataclass
class Found:
    """A claim before its source is resolved."""

    content: tuple[int, int]  # character offsets
    cue: tuple[int, int]
    cue_sense: str
    pattern: str
    sentence: int
    source: tuple[int, int] | None = None  # token indices, inclusive
    source_head: Token | None = None
    negated: bool = False


def subtree_chars(
    document: Document, tok: Token, upto: Token | None = None, exclude: set[int] | frozenset = frozenset()
) -> tuple[int, int]:
    """Character span of `tok`'s subtree (through `upto`'s subtree), leaving
    out the subtrees of `exclude` where they sit at either edge."""
    doc = document.doc
    last = upto if upto is not None else tok
    first_i, last_i = tok.left_edge.i, last.right_edge.i
    if exclude:
        skip = {t.i for i in exclude for t in doc[i].subtree}
        idx = [i for i in range(first_i, last_i + 1) if i not in skip and not (doc[i].is_punct or doc[i].is_space)]
        if not idx:
            return (tok.idx, tok.idx)
        first_i, last_i = idx[0], idx[-1]
    return doc[first_i].idx, doc[last_i].idx + len(doc[last_i])


def np_tokens(head: Token) -> tuple[int, int]:
    """The noun phrase of a source, without a trailing relative clause or apposition."""
    first = head.left_edge.i
    last = head.i
    for child in head.rights:
        if child.dep_ in ("compound", "flat", "nummod", "prep", "amod", "poss") and not any(
            t.is_punct for t in head.doc[last + 1 : child.i]
        ):
            last = child.right_edge.i if child.dep_ in ("prep", "amod") else child.i
        else:
            break
    return first, last


def trim(document: Document, start: int, end: int) -> tuple[int, int]:
    """Drop a leading 'that' or comma and trailing punctuation, but keep the
    marks of a quotation that the content opens."""
    text = document.text
    leading = document.resources.lexicons.content_trim
    changed = True
    while changed and start < end:
        changed = False
        head = text[start:end].split(None, 1)
        word = head[0].lower() if head else ""
        if word in leading:
            start += len(head[0])
            changed = True
        while start < end and text[start].isspace():
            start += 1
            changed = True
    opens_quote = start < end and text[start] in '“"‘«'
    while True:
        while end > start and (text[end - 1] in " \n\t,;:-—–" or (text[end - 1] in ".!?" and not opens_quote)):
            end -= 1
        tail = text[start:end].rsplit(None, 1)
        if len(tail) == 2 and tail[1].lower() in ("and", "but", "or"):
            end -= len(tail[1])
            continue
        return start, end


def trimmed(document: Document, content: tuple[int, int]) -> tuple[int, int] | None:
    """The content trimmed, or None when too little of it is left."""
    start, end = trim(document, *content)
    return (start, end) if end - start >= MIN_CONTENT else None

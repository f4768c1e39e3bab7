"""Quotations and attribution: the quotes an attribution sits beside ('“A,”
she said, “B.”'), content that runs on to a quotation's end and into the
quote-only sentences after it, and whether a claim is direct, mixed or
indirect by how much of it is quoted."""

from __future__ import annotations

from spacy.tokens import Token

from claimgraph.analyse.attribution.spans import Found
from claimgraph.analyse.document import Document

# The most characters (punctuation and spaces) between a quotation and the
# attribution beside it: '”, she said' leaves ", " and room for a dash. Set by hand.
MAX_GAP = 4
# How far (characters) the parse's content may pass a quotation's edge and
# still be that quotation: its marks and a comma or a full stop. Set by hand.
QUOTE_SLACK = 3
# A content quoted but for this many characters (the closing mark and a full stop) is direct.
DIRECT_SLACK = 2


def in_quote(document: Document, offset: int) -> bool:
    """Whether `offset` lies inside a quotation, between its marks."""
    return any(q.start < offset < q.end - 1 for q in document.quotes)


def chunk(document: Document, verb: Token, subject: Token | None, cue_end: Token) -> tuple[int, int]:
    """Where the attribution itself is written: 'Ms. Moore said Friday'.
    Words the parse hangs on the verb from inside a quotation are not part of it."""
    toks = [verb, cue_end, *(c for c in verb.children if c.dep_ in ("npadvmod", "neg", "aux", "advmod", "prt"))]
    if subject is not None and subject.head.i == verb.i:
        toks += [subject.left_edge, subject.right_edge]
    toks = [t for t in toks if t.i == verb.i or not in_quote(document, t.idx)]
    return min(t.idx for t in toks), max(t.idx + len(t) for t in toks)


def quote_block(document: Document, verb: Token, subject: Token | None, cue_end: Token) -> tuple[int, int] | None:
    """The quotations an attribution sits between or beside: '“A,” she said,
    “B.” “C.”' gives the span from A to C. None when no quote is adjacent."""
    text = document.text
    start, end = chunk(document, verb, subject, cue_end)
    if in_quote(document, start) or in_quote(document, end - 1):
        return None
    quotes = document.quotes
    left = next((q for q in reversed(quotes) if q.end <= start and _joins(text[q.end : start])), None)
    right = next((q for q in quotes if q.start >= end and _joins(text[end : q.start])), None)
    if left is None and right is None:
        return None
    last = right or left
    for q in quotes:  # quotations that run on right after, in the same paragraph
        if q.start >= last.end and _joins(text[last.end : q.start], bare=True):
            last = q
    return (left or right).start, last.end


def _joins(gap: str, bare: bool = False) -> bool:
    """Whether only punctuation and spaces (no line break) separate two pieces."""
    if len(gap) > MAX_GAP or "\n" in gap:
        return False
    return not gap.strip(" " if bare else " ,:;.—–―-")


def reaches_beyond(content: tuple[int, int], block: tuple[int, int]) -> bool:
    """Whether the parse's content is more than the quotation: '“Trump exaggerates”
    the level of unemployment' quotes a fragment of an indirect claim."""
    return content[0] < block[0] - QUOTE_SLACK or content[1] > block[1] + QUOTE_SLACK


def extend_quotes(document: Document, found: list[Found]) -> None:
    """Content that opens a quotation runs to its end, across sentences, and
    takes in quote-only sentences that follow with no attribution of their own."""
    quotes = document.quotes
    cues = sorted(f.cue[0] for f in found)
    for f in found:
        for q in quotes:
            start, end = f.content
            if q.start <= start < q.end and end < q.end:
                # content inside a quotation runs to its end, and takes in the
                # opening mark when it starts right after it
                f.content = (q.start if q.start >= start - 1 else start, q.end)
            elif start <= q.start < end < q.end:
                f.content = (start, q.end)
        # quote-only sentences right after, by the same speaker
        nxt = f.sentence + 1
        while nxt < len(document.sentences) and f.pattern != "adverb":
            s = document.sentences[nxt]
            if s.start < f.content[1]:
                nxt += 1
                continue
            if s.paragraph != document.sentences[f.sentence].paragraph:
                break
            q = next((q for q in quotes if q.start <= s.start and q.end >= s.end - 1), None)
            if q is None or any(s.start <= c < s.end for c in cues):
                break
            f.content = (f.content[0], s.end)
            nxt += 1


def claim_kind(document: Document, content: tuple[int, int], pattern: str) -> str:
    """direct, mixed, indirect or unattributed."""
    if pattern in ("quote", "dash", "speaker"):
        return "direct"  # quotations around or beside the attribution, transcript lines
    inside = 0
    for q in document.quotes:
        inside += max(0, min(q.end, content[1]) - max(q.start, content[0]))
    length = content[1] - content[0]
    if inside >= length - DIRECT_SLACK:
        return "direct"
    if inside > 0:
        return "mixed"
    # a cue with no source at all ("reportedly") leaves the claim unattributed
    return "unattributed" if pattern == "adverb" else "indirect"

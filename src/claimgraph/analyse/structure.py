"""Stage: document structure.

Paragraphs are lines; a short title-like line is a heading, never a
sentence, and never holds a claim. Sentences come from the parse (a line
break always ends one, see `nlp.line_breaks`). Quotations are paired by
their marks, robust to straight and curly marks, an odd number of marks,
and quotes that run over several paragraphs.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from claimgraph.analyse.document import Document
from claimgraph.analyse.stage import stage
from claimgraph.model import Paragraph, Quote, Sentence

LINE = re.compile(r"[^\n]+")
OPENING = "“„«‹"
CLOSING = "”»›"
STRAIGHT = '"'
QUOTE_MARK = re.compile(r"''|``|[“”„«»‹›\"]")
SENTENCE_END = ".!?:;…”\"'’)"
# Function words that stay lower-case in a title-case heading.
MINOR_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "for",
        "from",
        "in",
        "into",
        "nor",
        "of",
        "on",
        "onto",
        "or",
        "over",
        "per",
        "the",
        "to",
        "up",
        "upon",
        "via",
        "vs",
        "with",
    ]
)
MAX_HEADING_WORDS = 20
# A sentence-case heading is shorter: a longer line without a full stop is more likely a cut sentence. Set by hand.
MAX_PLAIN_HEADING_WORDS = 10


@stage("structure", requires=[], assigns=["paragraphs", "sentences", "quotes", "sents"])
def run(document: Document) -> None:
    document.paragraphs = paragraphs(document.text)
    document.quotes = quotes(document.text, document.paragraphs)
    heading_spans = [(p.start, p.end) for p in document.paragraphs if p.heading]
    starts = [p.start for p in document.paragraphs]
    for sent in document.doc.sents:
        start, end = _trim(document.text, sent.start_char, sent.end_char)
        if start >= end or any(hs <= start < he for hs, he in heading_spans):
            continue
        paragraph = index_at(starts, start)
        document.sentences.append(Sentence(start=start, end=end, text=document.text[start:end], paragraph=paragraph))
        document.sents.append(sent)


def paragraphs(text: str) -> list[Paragraph]:
    lines = [(m.start(), m.end()) for m in LINE.finditer(text)]
    lines = [_trim(text, s, e) for s, e in lines]
    lines = [(s, e) for s, e in lines if s < e]
    out = []
    for i, (s, e) in enumerate(lines):
        followed = i + 1 < len(lines)
        heading = followed and is_heading(text[s:e], between=i > 0)
        out.append(Paragraph(start=s, end=e, text=text[s:e], heading=heading))
    return out


def is_heading(line: str, between: bool = False) -> bool:
    """A short line that reads as a title: no final punctuation and mostly
    capitalised words, or title case throughout even with a full stop. Between
    paragraphs, a shorter line in sentence case ending in a word ("Calls for
    calm") is one too: a sentence would end with punctuation."""
    words = line.split()
    if not words or len(words) > MAX_HEADING_WORDS or line[0] in OPENING + STRAIGHT + "-–—―•*":
        return False
    content = [w for w in words if w.lower().strip(",:;") not in MINOR_WORDS]
    capitalised = sum(1 for w in content if w[:1].isupper() or w[:1].isdigit())
    title_case = bool(content) and capitalised / len(content) >= 0.75
    if line.rstrip()[-1] in SENTENCE_END:
        # A title may end with a full stop only if it is clearly title case.
        return title_case and line.rstrip()[-1] == "." and len(content) >= 3 and capitalised == len(content)
    if title_case:
        return True
    last = line.rstrip()[-1]
    return (
        between
        and len(words) <= MAX_PLAIN_HEADING_WORDS
        and (line[0].isupper() or line[0].isdigit())
        and last.isalnum()
    )


def quotes(text: str, paras: list[Paragraph]) -> list[Quote]:
    out: list[Quote] = []
    start: int | None = None  # offset of the opening mark of the quote being read
    body = [p for p in paras if not p.heading]
    for i, para in enumerate(body):
        marks = list(QUOTE_MARK.finditer(text, para.start, para.end))
        if start is not None and marks and marks[0].start() == para.start and _role(marks[0].group()) != "close":
            marks = marks[1:]  # the mark that resumes a quote carried over from the last paragraph
        for m in marks:
            role = _role(m.group())
            if start is None and role != "close":
                start = m.start()
            elif start is not None and role != "open":
                out.append(Quote(start=start, end=m.end(), text=text[start : m.end()]))
                start = None
        if start is None:
            continue
        nxt = body[i + 1] if i + 1 < len(body) else None
        resumed = nxt is not None and nxt.start - para.end <= 3 and QUOTE_MARK.match(text, nxt.start)
        if not resumed or _role(resumed.group()) == "close":
            # Unclosed and not resumed: the quote ends with its paragraph.
            out.append(Quote(start=start, end=para.end, text=text[start : para.end], closed=False))
            start = None
        # else newsroom style: a quote running on into the next paragraph has no
        # closing mark here and an opening mark there; keep reading it.
    return out


def _role(mark: str) -> str:
    if mark in OPENING or mark == "``":
        return "open"
    if mark in CLOSING:
        return "close"
    return "either"  # straight marks, and '' as some newspapers type a closing or opening mark


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def index_at(starts: list[int], offset: int) -> int:
    """Index of the last span starting at or before `offset` (spans sorted by start)."""
    return max(bisect_right(starts, offset) - 1, 0)

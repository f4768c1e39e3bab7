"""The spaCy pipeline, and parsing line by line.

News text puts headings, datelines and paragraphs on lines of their own. The
parser, given the whole text, runs a heading into the next sentence and
sometimes splits a sentence at a line start; parsed one line at a time it
does neither. The line docs are joined back into one `Doc` whose text is
exactly the input, so character offsets stay those of the input.

Each doc has a fixed cost in spaCy, so a text of many tiny lines (100,000
one-word paragraphs) is dear line by line. Past `MAX_PARSE_DOCS` lines,
runs of consecutive lines are parsed together, at most `MAX_PARSE_DOCS` docs
a text: the text and its offsets are the same, only line starts may then
fall inside a sentence. (`claimgraph.ingest.articles.MAX_LINES` refuses a
text of more lines than the stages after the parse afford.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TypeVar

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from claimgraph.errors import ResourceError

T = TypeVar("T")
LINES = re.compile(r"[^\n]*\n*")
MAX_PARSE_DOCS = 2_000  # about 1 ms of spaCy's overhead each; a news article has a few hundred lines


def load_pipeline(name: str) -> Language:
    try:
        return spacy.load(name)
    except OSError:
        raise ResourceError(
            f"spaCy model {name!r} is not installed (run 'make install', or set CLAIMGRAPH_MODEL)"
        ) from None


def lines(text: str, most: int = MAX_PARSE_DOCS) -> list[str]:
    """The text cut after each run of line breaks, consecutive lines put
    together when there are more than `most`; ''.join(lines(t)) == t."""
    chunks = [chunk for chunk in LINES.findall(text) if chunk]
    if len(chunks) <= most:
        return chunks
    size = -(-len(chunks) // most)  # lines a doc, rounded up: at most `most` docs
    return ["".join(chunks[i : i + size]) for i in range(0, len(chunks), size)]


def parse_many(nlp: Language, items: Iterable[tuple[str, T]], batch_size: int = 64) -> Iterator[tuple[Doc, T]]:
    """Parse (text, context) pairs line by line, in order, streaming."""

    def line_items() -> Iterator[tuple[str, tuple[int, T]]]:
        for text, context in items:
            chunks = lines(text)
            for chunk in chunks:
                yield chunk, (len(chunks), context)

    parts: list[Doc] = []
    for doc, (count, context) in nlp.pipe(line_items(), as_tuples=True, batch_size=batch_size):
        parts.append(doc)
        if len(parts) == count:
            yield (parts[0] if count == 1 else Doc.from_docs(parts, ensure_whitespace=False)), context
            parts = []

"""Attribution by layout rather than syntax: '“...” ― Carla Sanchez' under a
quotation, and 'PENCE: ...' at the start of a transcript paragraph."""

from __future__ import annotations

import re

from spacy.tokens import Span as SpacySpan

from claimgraph.analyse.attribution.spans import Found, trimmed
from claimgraph.analyse.document import Document
from claimgraph.analyse.structure import index_at

# a dash and up to four capitalised words after a quotation
DASH_SOURCE = re.compile(r"[ \t\u00a0]*[―—–][ \t\u00a0]*([A-Z][\w.'’-]*(?:[ \u00a0]+[A-Z][\w.'’-]*){0,3})")
# a name in capitals (up to three words) or capitalised (up to four) and a colon, opening a paragraph
SPEAKER = re.compile(
    r"[\"“]?([A-Z][A-Z.'’-]{2,}(?: [A-Z][A-Z.'’-]+){0,2}|[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3}):[ \t]+(?=\S)"
)


def layout_claims(document: Document, found: list[Found]) -> list[Found]:
    """Dash and speaker-line claims; `found` are the claims the patterns gave."""
    text = document.text
    doc = document.doc
    out = []
    cues = {f.cue[0] for f in found}
    for q in document.quotes:
        m = DASH_SOURCE.match(text, q.end)
        source = doc.char_span(*m.span(1), alignment_mode="expand") if m else None
        if source is not None:
            dash = text.index(m.group(0).strip()[0], q.end)
            out.append(_layout_found(document, (q.start, q.end), (dash, dash + 1), source, "dash"))
    entity_starts = {m.start for e in document.entities if e.type in ("PERSON", "ORG") for m in e.mentions}
    for para in document.paragraphs:
        m = SPEAKER.match(text, para.start, para.end)
        if para.heading or m is None or m.start(1) in cues:
            continue
        name = m.group(1)
        if not (name.isupper() or m.start(1) in entity_starts):
            continue  # 'Update:', 'Note:' and the like name no speaker
        source = doc.char_span(*m.span(1), alignment_mode="expand")
        colon = m.end(1)
        if source is not None:
            out.append(_layout_found(document, (m.end(), para.end), (colon, colon + 1), source, "speaker"))
    return [f for f in out if f is not None]


def _layout_found(
    document: Document, content: tuple[int, int], cue: tuple[int, int], source: SpacySpan, pattern: str
) -> Found | None:
    span = trimmed(document, content)
    if span is None:
        return None
    return Found(
        content=span,
        cue=cue,
        cue_sense="speech",
        pattern=pattern,
        sentence=index_at([s.start for s in document.sentences], span[0]),
        source=(source.start, source.end - 1),
        source_head=source.root,
    )

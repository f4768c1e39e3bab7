"""The spaCy pipeline, plus one component of ours that runs before the parser."""

from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from claimgraph.errors import ResourceError


@Language.component("claimgraph_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headings and paragraphs never run into
    the next line's sentence, which would also spoil the parse."""
    for tok in doc[:-1]:
        if "\n" in tok.text or "\n" in tok.whitespace_:
            doc[tok.i + 1].is_sent_start = True
    return doc


def load_pipeline(name: str) -> Language:
    try:
        nlp = spacy.load(name)
    except OSError:
        raise ResourceError(
            f"spaCy model {name!r} is not installed (run 'make install', or set CLAIMGRAPH_MODEL)"
        ) from None
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("claimgraph_line_breaks", before="parser")
    return nlp

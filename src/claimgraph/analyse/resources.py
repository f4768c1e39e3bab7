"""Everything `analyse` loads once: the spaCy pipeline and the lexicons."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from spacy.language import Language

from claimgraph.analyse.nlp import load_pipeline
from claimgraph.config import Settings
from claimgraph.lexicons import Lexicons, load_lexicons


@dataclass
class Resources:
    settings: Settings

    @cached_property
    def nlp(self) -> Language:
        return load_pipeline(self.settings.model)

    @cached_property
    def lexicons(self) -> Lexicons:
        return load_lexicons()

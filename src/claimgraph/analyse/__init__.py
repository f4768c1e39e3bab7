"""Analyse: one article in, one `Analysis` out.

The stages run in order over one shared `Document`; each is a module whose
`run(document)` is a declared `Stage` (`analyse/stage.py`: what it requires,
what it assigns). `Analyzer` checks the chain when it is built and holds the
loaded resources; `analyze()` is the one-call convenience over a shared
default analyzer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from functools import cache

from spacy.tokens import Doc

from claimgraph.analyse import (
    attribution,
    entities,
    events,
    modality,
    places,
    relations,
    structure,
    times,
)
from claimgraph.analyse.document import Document
from claimgraph.analyse.nlp import parse_many
from claimgraph.analyse.resources import Resources
from claimgraph.analyse.stage import Stage, check_chain
from claimgraph.config import Settings
from claimgraph.ingest.articles import check_text, parse_date
from claimgraph.model import Analysis, Article

STAGES: tuple[Stage, ...] = (
    structure.run,  # paragraphs, headings, sentences, quotations
    entities.run,  # NER clean-up, acronyms, aliases, source coreference
    attribution.run,  # source / cue / content triples
    modality.run,  # status, hedges, explicit contrast
    times.run,  # TIMEX3 tagging and normalisation
    places.run,  # gazetteer lookup and disambiguation
    events.run,  # triggers, arguments, PLOVER types
    relations.run,  # contradicts / supports / elaborates
)


class Analyzer:
    """Loads the pipeline and lexicons once; analyses any number of articles."""

    def __init__(self, settings: Settings | None = None, stages: Iterable[Stage] = STAGES):
        self.settings = settings or Settings()
        self.resources = Resources(self.settings)
        self.stages = tuple(stages)
        check_chain(self.stages)

    def load(self) -> Analyzer:
        """Load every resource now rather than on the first article."""
        self.resources.load()
        return self

    def analyze(self, article: Article) -> Analysis:
        check_text(article.text, article.id or "text", self.settings.max_chars)
        return next(self.analyze_many([article]))

    def analyze_many(self, articles: Iterable[Article]) -> Iterator[Analysis]:
        """Analyse in order, parsing in batches (faster than one at a time)."""
        pairs = ((a.text, a) for a in articles)
        for doc, article in parse_many(self.resources.nlp, pairs, self.settings.batch_size):
            yield self._run(article, doc)

    def _run(self, article: Article, doc: Doc) -> Analysis:
        document = Document(article=article, doc=doc, resources=self.resources)
        for stage in self.stages:
            stage(document)
        return document.to_analysis()


@cache
def default_analyzer() -> Analyzer:
    return Analyzer()


def analyze(text: str, published: str | date | None = None, **meta: str | None) -> Analysis:
    """Analyse one article's text with the default settings."""
    article = Article(text=text, published=parse_date(published), **meta)
    return default_analyzer().analyze(article)

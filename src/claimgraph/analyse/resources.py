"""Everything `analyse` reads besides the article, loaded by `load()` before
the first article: the spaCy pipeline, the lexicons, the gazetteer and the
place aliases, the event lexicon and the time grammar. No stage opens a file
or builds an index during an article; each reads `document.resources`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from spacy.language import Language

from claimgraph.analyse.attribution.model import FITTED_NAME as ATTRIBUTION_FITTED
from claimgraph.analyse.attribution.model import MODES as ATTRIBUTION_MODES
from claimgraph.analyse.attribution.model import CueModel
from claimgraph.analyse.events.lexicon import EventLexicon, load_event_lexicon
from claimgraph.analyse.nlp import load_pipeline
from claimgraph.analyse.places.aliases import AliasTable, alias_paths, load_aliases
from claimgraph.analyse.places.gazetteer import Gazetteer
from claimgraph.analyse.places.gazetteer import load as load_gazetteer
from claimgraph.analyse.places.lexicon import PlaceLexicon, load_place_lexicon
from claimgraph.analyse.places.rank import FITTED_NAME, Ranker, load_ranker
from claimgraph.analyse.times.grammar import Grammar
from claimgraph.analyse.times.lexicon import load as load_time_lexicon
from claimgraph.config import Settings
from claimgraph.errors import ResourceError
from claimgraph.fitted import load_fitted
from claimgraph.lexicons import Lexicons, load_lexicons


@dataclass
class Resources:
    settings: Settings

    def load(self) -> Resources:
        """Load everything now (the gazetteer is built here if it is missing)."""
        _ = self.nlp, self.lexicons, self.gazetteer, self.place_aliases, self.place_lexicon, self.place_ranker
        _ = self.events, self.time_grammar, self.attribution_model
        return self

    @cached_property
    def nlp(self) -> Language:
        return load_pipeline(self.settings.model)

    @cached_property
    def lexicons(self) -> Lexicons:
        return load_lexicons()

    @cached_property
    def gazetteer(self) -> Gazetteer:
        return load_gazetteer(self.settings.gazetteer)

    @cached_property
    def place_aliases(self) -> AliasTable:
        return load_aliases(alias_paths(self.settings))

    @cached_property
    def place_lexicon(self) -> PlaceLexicon:
        return load_place_lexicon(self.lexicons.place_features)

    @cached_property
    def place_ranker(self) -> Ranker | None:
        """The learned place ranker (None: the hand-set scorer, `Settings.place_ranker` "hand")."""
        if self.settings.place_ranker == "hand":
            return None
        return load_ranker(load_fitted(FITTED_NAME), self.settings.place_ranker)

    @cached_property
    def attribution_model(self) -> CueModel | None:
        """The learned cue detector (None: the cue lexicons alone, `Settings.attribution` "rules")."""
        mode = self.settings.attribution
        if mode not in ATTRIBUTION_MODES:
            raise ResourceError(f"attribution setting {mode!r} is not one of {', '.join(ATTRIBUTION_MODES)}")
        if mode == "rules":
            return None
        return CueModel.from_json(load_fitted(ATTRIBUTION_FITTED))

    @cached_property
    def events(self) -> EventLexicon:
        return load_event_lexicon()

    @cached_property
    def time_grammar(self) -> Grammar:
        return Grammar(load_time_lexicon())

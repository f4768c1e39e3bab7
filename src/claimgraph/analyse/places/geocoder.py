"""Stage: places. Every place an article names gets coordinates and a gazetteer id.

The steps, each a module of this package:

1. `detect`: the names that may be places (the NER's places, the labels it
   confuses with them, names inside other names, names it missed) and what
   their context says (feature words, containment, "in X", metonymy);
2. `score`: each name's candidates from the gazetteer and the alias file, a
   prior and evidence terms each, and the article's focus; `outlet` adds the
   country and home town the outlet's domain names;
   then `rank` re-scores the candidates with the learned ranker
   (`fitted/place_ranker.json`) unless `Settings.place_ranker` is "hand";
3. `accept`: the best candidate where the evidence is enough, written as
   `entity.geo` (a city that speaks or decides, "Moscow said", keeps its
   coordinates with role 'metonym'), and new entities for names the NER missed.

The word lists are `lexicons/places/*.tsv` (`lexicon`), the weights `weights`.
"""

from __future__ import annotations

from claimgraph.analyse.document import Document
from claimgraph.analyse.places.accept import accept
from claimgraph.analyse.places.detect import entity_targets, is_metonym, missed_names, nested_names, read_context
from claimgraph.analyse.places.outlet import mark_home_namesakes, outlet, outlet_country
from claimgraph.analyse.places.rank import rank
from claimgraph.analyse.places.score import decide, find_candidates
from claimgraph.analyse.places.target import Target
from claimgraph.analyse.stage import stage


@stage("places", requires=["entities", "token_entity"], assigns=["entities", "entities.geo"])
def run(document: Document) -> None:
    targets, context = resolve(document)
    ranker = document.resources.place_ranker
    if ranker is not None:
        rank(targets, ranker.for_text(document.text), context)
    for t in targets:
        accept(document, t, document.resources.place_lexicon)


def resolve(document: Document) -> tuple[list[Target], dict]:
    """The targets with their candidates scored by the hand-set scorer, and what the learned
    ranker reads besides them (`rank.feature_rows`). Training calls this too."""
    gazetteer = document.resources.gazetteer
    aliases = document.resources.place_aliases
    lexicon = document.resources.place_lexicon
    targets = entity_targets(document)
    for t in targets:
        read_context(document, t, gazetteer, aliases, lexicon)
        find_candidates(t, gazetteer, aliases, lexicon)
    # after the entities' candidates: a name inside an entity that is a place itself is not looked for
    more = nested_names(document, targets, gazetteer, aliases, lexicon)
    more += missed_names(document, gazetteer, aliases, lexicon)
    for t in more:
        read_context(document, t, gazetteer, aliases, lexicon)
        find_candidates(t, gazetteer, aliases, lexicon)
    targets = [t for t in targets + more if t.candidates]
    url = document.article.url
    country, homes = outlet(url, gazetteer, lexicon)
    mark_home_namesakes(targets, homes)
    national = country is not None and outlet_country(url, gazetteer, lexicon) == country
    decide(targets + homes, lexicon, country, national)
    metonyms = {id(t) for t in targets if is_metonym(document, t, lexicon)}
    return targets, {"outlet_country": country, "homes": homes, "metonyms": metonyms}

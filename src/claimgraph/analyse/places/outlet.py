"""The outlet as evidence: its country and home town, read from its URL.

A national domain makes the outlet that country's (lfpress.ca is Canadian,
sptimes.ru Russian). The towns and counties a domain names, when its labels
read wholly as places and newspaper words (columbuslocalnews.com: Columbus),
are the outlet's home: each becomes a target with no mention, resolved with
the article's places, that speaks for the article's focus; and a .com local
paper that names a US town is taken for American.
"""

from __future__ import annotations

import re
from functools import lru_cache

from claimgraph.analyse.places.gazetteer import Gazetteer
from claimgraph.analyse.places.index import Match, Place
from claimgraph.analyse.places.lexicon import PlaceLexicon
from claimgraph.analyse.places.score import prior
from claimgraph.analyse.places.target import OUTLET_LABEL, SETTLEMENTS, Candidate, Target
from claimgraph.analyse.places.weights import WEIGHTS as W

_HOST = re.compile(r"(?:[a-z]+://)?([^/:?#]+)")


def _labels(url: str | None) -> list[str] | None:
    """The host's labels, lower-cased: 'http://www.lfpress.ca/x' -> ['www', 'lfpress', 'ca']."""
    m = _HOST.match((url or "").lower())
    return m.group(1).split(".") if m else None


def outlet_country(url: str | None, gazetteer: Gazetteer, lexicon: PlaceLexicon) -> str | None:
    """The country of a news site's national domain: lfpress.ca is Canadian, sptimes.ru Russian."""
    labels = _labels(url)
    if not labels:
        return None
    tld = labels[-1]
    if len(tld) != 2 or tld in lexicon.generic_tlds:
        return None
    iso = "GB" if tld == "uk" else tld.upper()
    return iso if gazetteer.country(iso) is not None else None


def outlet(url: str | None, gazetteer: Gazetteer, lexicon: PlaceLexicon) -> tuple[str | None, list[Target]]:
    """The outlet's country and home: its national domain (lfpress.ca is Canadian) and the
    towns or counties its domain names (parisbeacon.com: a Paris; a .com local paper that
    names a US town is taken for American). Each home name becomes a target with no
    mention, resolved with the others, that speaks for the article's focus."""
    labels = _labels(url)
    if not labels:
        return None, []
    tld = labels[-1]
    country = outlet_country(url, gazetteer, lexicon)
    names = home_names(tuple(x for x in labels[:-1] if x not in lexicon.skip_labels), gazetteer, lexicon)
    if (
        country is None
        and tld in lexicon.us_tlds
        and any(p.country == "US" for name in names for p in _home_places(name, gazetteer))
        # but not where a same-named town abroad (not a capital) may be the home: woodstock.com
        and not any(
            p.country != "US" and p.kind in SETTLEMENTS and p.fcode != "PPLC"
            for name in names
            for p in _home_places(name, gazetteer)
        )
    ):
        country = "US"
    homes = []
    for name in names:
        matches = [Match(p, "name", True) for p in _home_places(name, gazetteer) if country in (None, p.country)]
        if matches:
            t = Target(entity=None, label=OUTLET_LABEL, names=[name], spans=[])
            t.candidates = [Candidate(mm, prior(mm, t)) for mm in matches]
            homes.append(t)
    return country, homes


def mark_home_namesakes(targets: list[Target], homes: list[Target]) -> None:
    """Candidates that are a home of the outlet: "Paris" in a story of parisbeacon.com."""
    home_gids = {c.place.gid for h in homes for c in h.candidates}
    for t in targets:
        for c in t.candidates:
            if c.place.gid in home_gids:
                c.parts["home"] = W.home_name
                c.notes["home"] = "named in the outlet's domain"


@lru_cache(maxsize=2048)
def _home_places(name: str, gazetteer: Gazetteer) -> tuple[Place, ...]:
    """The towns (of `home_min_population` or more) and counties a domain's word may name."""
    return tuple(
        m.place
        for m in gazetteer.lookup(name)
        if m.exact
        and m.form in ("name", "alt")
        and (
            m.place.kind == "district" or (m.place.kind in SETTLEMENTS and m.place.population >= W.home_min_population)
        )
    )


@lru_cache(maxsize=2048)
def home_names(labels: tuple[str, ...], gazetteer: Gazetteer, lexicon: PlaceLexicon) -> tuple[str, ...]:
    """Place names in a domain's labels, when the label reads wholly as places and newspaper
    words: 'columbuslocalnews' -> ('columbus',), 'richmondandtwickenhamtimes' ->
    ('richmond', 'twickenham'); 'dailypostathenian' or 'haaretz' name none."""
    found: list[str] = []
    for label in labels:
        word = re.sub(r"[^a-z]", "", label)
        # best[i]: the fewest parts that read word[:i], and the place names among them
        best: list[tuple[int, tuple[str, ...]] | None] = [None] * (len(word) + 1)
        best[0] = (0, ())
        for i in range(len(word)):
            if best[i] is None:
                continue
            n, names = best[i]  # type: ignore[misc]
            for j in range(i + 1, min(len(word), i + W.home_max_letters) + 1):
                part = word[i:j]
                if part in lexicon.paper_words:
                    step = (n + 1, names)
                elif (
                    j - i >= W.home_min_letters
                    and _home_places(part, gazetteer)
                    and not any(m.place.kind == "country" for m in gazetteer.lookup(part))
                ):  # 'jordannews' is about the country Jordan, not a town named after it
                    step = (n + 1, (*names, part))
                else:
                    continue
                if best[j] is None or step[0] < best[j][0]:  # type: ignore[index]
                    best[j] = step
        if best[-1] is not None:
            found.extend(best[-1][1])
    return tuple(dict.fromkeys(found))

"""A synthetic ledger for benchmarks and tests: analyses shaped like real
ones, made without spaCy.

Each article reports a few claims. Some claims are "stories" that many
articles carry (so clusters form), some are the article's own; a share of
articles are syndicated copies of an earlier one with a credit line added
(so near-duplicate groups form); a share of story claims are denials, and a
share of articles hold a contradiction between two of their own claims.

    python -m claimgraph.store.synthetic 10000 > analyses.jsonl
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from datetime import date, timedelta

from claimgraph.model import Analysis, Claim, Entity, Geo, Mention, Relation, Source, Span

SYL = ["ka", "ro", "mi", "ta", "sel", "var", "dun", "lek", "os", "har", "bel", "gor", "tri", "po", "zan", "mur"]
VERBS = ["struck", "closed", "seized", "shelled", "evacuated", "blocked", "repaired", "opened", "inspected", "raided"]
OBJECTS = [
    "the oil depot",
    "the port",
    "the bridge",
    "the airbase",
    "the railway station",
    "the power plant",
    "the border crossing",
    "the hospital",
    "the market",
    "the dam",
    "the radar site",
    "the customs office",
]
WHEN = ["on Monday", "on Tuesday", "overnight", "at dawn", "late on Friday", "this week", "on Sunday evening"]
ROLES = ["officials", "the ministry", "the governor", "police", "the army", "witnesses", "a spokesman"]


def _name(rng: random.Random, parts: int = 2) -> str:
    return "".join(rng.choice(SYL) for _ in range(parts)).capitalize()


def synthetic_analyses(
    n: int, seed: int = 7, claims_per: int = 4, stories: int | None = None, syndicated: float = 0.1
) -> Iterator[Analysis]:
    rng = random.Random(seed)
    places = [_name(rng, 3) for _ in range(400)]
    sources = [f"{_name(rng)} {rng.choice(ROLES)}" for _ in range(600)]
    stories = stories or max(50, n // 4)
    story_list = [
        (
            rng.choice(sources),
            f"{rng.choice(['drones', 'troops', 'rebels', 'workers', 'engineers'])} "
            f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} in {rng.choice(places)} {rng.choice(WHEN)}",
        )
        for _ in range(stories)
    ]
    start = date(2024, 1, 1)
    recent: list[tuple[str, date]] = []
    for i in range(n):
        published = start + timedelta(days=rng.randrange(365))
        if recent and rng.random() < syndicated:
            text, published = rng.choice(recent)
            text = text + f" Reporting by {_name(rng)} wire service, edited for length."
            yield _analysis(text, i, published, rng, places)
            continue
        sentences = []
        for _ in range(claims_per):
            if rng.random() < 0.5:
                source, content = rng.choice(story_list)
                if rng.random() < 0.05:
                    source = rng.choice(sources)
                    sentences.append(f"{source.capitalize()} denied that {content}.")
                    continue
            else:
                source = rng.choice(sources)
                # an article's own claim: its own words, so it clusters with nothing by chance
                content = (
                    f"{rng.randrange(2, 500)} {_name(rng).lower()} {_name(rng).lower()} near "
                    f"{rng.choice(places)} {_name(rng, 3).lower()} {rng.choice(OBJECTS)} "
                    f"{_name(rng).lower()} {rng.choice(WHEN)}"
                )
            sentences.append(f"{source.capitalize()} said {content}.")
        text = " ".join(sentences)
        if len(recent) < 2000:
            recent.append((text, published))
        else:
            recent[rng.randrange(2000)] = (text, published)
        yield _analysis(text, i, published, rng, places)


def _analysis(text: str, i: int, published: date, rng: random.Random, places: list[str]) -> Analysis:
    """Claims, sources and place entities located in the text, sentence by sentence."""
    claims, entities, at = [], {}, 0
    for number, sentence in enumerate(text.split(". ")):
        start = text.index(sentence, at)
        at = start + len(sentence)
        for cue in (" denied that ", " said "):
            if cue in sentence:
                src, content = sentence.split(cue, 1)
                content = content.rstrip(".")
                c_start = start + len(src) + len(cue)
                claims.append(
                    Claim(
                        id=f"c{len(claims) + 1}",
                        content=Span(start=c_start, end=c_start + len(content), text=content),
                        source=Source(start=start, end=start + len(src), text=src),
                        cue=Span(start=start + len(src) + 1, end=start + len(src) + len(cue) - 1, text=cue.strip()),
                        kind="indirect",
                        status="denied" if "denied" in cue else "reported",
                        sentence=number,
                        pattern="synthetic",
                    )
                )
                for place in places:
                    if place in content and place not in entities:
                        p = text.index(place, c_start)
                        entities[place] = Entity(
                            id=f"e{len(entities) + 1}",
                            type="GPE",
                            name=place,
                            key=place.lower(),
                            mentions=[Mention(start=p, end=p + len(place), text=place)],
                            geo=Geo(
                                lat=30 + places.index(place) % 20,
                                lon=30 + places.index(place) // 20,
                                kind="town",
                                gazetteer_id=f"synthetic:{places.index(place)}",
                            ),
                        )
                        break
                break
    relations = []
    if len(claims) > 1 and rng.random() < 0.05:
        reason = "synthetic: the article sets one claim against the other"
        relations.append(Relation(id="r1", type="contradicts", a=claims[0].id, b=claims[1].id, reason=reason))
    return Analysis(
        text=text,
        model="synthetic",
        id=f"s{i}",
        url=f"https://news{i % 97}.example/{i}",
        publisher=f"Paper {i % 97}",
        published=published,
        claims=claims,
        entities=list(entities.values()),
        relations=relations,
    )


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    for a in synthetic_analyses(count):
        sys.stdout.write(a.to_json() + "\n")

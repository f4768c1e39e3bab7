"""Claim clusters by meaning: the same claim told in other words by two
articles of one story joins one cluster, beside the near-verbatim joins of
`similarity` (MinHash buckets over content words).

A pair is only ever looked at when its two articles are a direct story edge
(`story_ids.place_stories`: their stored story vectors score at or above
`stories.STREAM_THRESHOLD`, so they are inside the time window and share
the story's terms and names); within such a pair of articles every claim of
the later one is compared with every claim of the earlier one. A pair joins when

- the cosine of their vectors (`text.semantic`, the encoder the claim check
  uses too) is at least `MEANING_COSINE`;
- each claim has `MIN_TERMS` content stems and the two share `MIN_SHARED`
  of them: a name and a verb are not a claim to match by meaning (and as
  both articles must be of one story, a generic claim such as "a family
  friend called 911" never bridges two stories);
- their polarity is the same (a denial, or a "not"/"never" in the content,
  on one side only is a contradiction, not the same claim);
- their entities and events agree: when both name entities, a name word is
  shared; when both carry events, an event type is shared.

Every join that holds (below) and that the words alone would not make is
kept as a `supports` link by "same-meaning" with its reason (cosine, shared
stems, the story score).

A join merges the two claims' clusters unless that would make a cluster of
more than MAX_JOINED_CLAIMS claims (`bridge`): joins are single-link, and
along a long story they chained whole streams of claims into one cluster (on
the synthetic 100k-claim ledger of bench/ledger_bench.py, one of 42,323
claims), each step a fair paraphrase of the last.

The pair's verdict depends on the two claims and the two articles' stored
vectors only, so an incremental run (new articles against earlier ones) makes
the joins a full run makes. The Spark backfill's stage 2 has no story
vectors: its Parquet holds the `similarity` clusters, and these joins are made
when its output is loaded into a ledger (docs/backfill.md).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from claimgraph.link import similarity
from claimgraph.link.evidence import name_words
from claimgraph.link.records import current
from claimgraph.link.unionfind import UnionFind
from claimgraph.store import schema as t
from claimgraph.store.bulk import chunks
from claimgraph.text.semantic import Encoder, load_encoder, terms

ENABLED = True  # the backfill parity tests compare the Parquet with the `similarity` clusters alone
# the default install's encoder, always: clusters must not change with the extras installed, and the
# minilm embedder costs milliseconds a claim (bench/outlets_eval.py --encoder minilm measures it)
ENCODER = "lexical"
# calibrated on dev-stance's bodies (bench/outlets_eval.py, `make eval-outlets`) against pairwise "share a
# claim cluster" vs "same story": the highest cosine whose precision and recall meet the floors (0.90 / 0.60),
# the fewest joins that do the job (lower ones chain a story's claims into one cluster); figures in
# docs/ledger.md
MEANING_COSINE = 0.42
# set by hand on issue 12's examples (MIN_STEM after reading the first run's joins across stories, where
# "the U.S. president's interview" met "the U.S. is actively supplying ISIS" on "u" and "s"):
# "U.S. officials say the video is authentic" and
# "The United States government said the video is authentic" are one claim; "it was a fake" (1 stem)
# and "this is not fake" (2) say too little
# a join by meaning never makes a cluster of more than this many claims (the words alone may): on the
# synthetic 100k-claim ledger of bench/ledger_bench.py, whose articles all read alike, the joins chained
# 42,323 claims into one cluster; on dev-stance's bodies the largest cluster with the joins holds 65 claims
MAX_JOINED_CLAIMS = 100
MIN_STEM = 3  # characters of a stem that counts
MIN_TERMS = 3  # content stems (text.semantic.terms) each claim needs
MIN_SHARED = 2  # content stems the two claims share: the example's two have 2 (video, authentic)
_NEGATION = re.compile(r"(?i)\b(?:not|never|no|nor|neither|nobody|nothing|none)\b|n['’]t\b")


@dataclass(slots=True)
class Said:
    """A claim as the meaning pass sees it."""

    id: int
    article: int
    cluster: int | None
    content: str
    negative: bool  # denied, or negated in its own words (but not both)
    names: frozenset[str]  # words of the entity names it mentions, folded
    events: frozenset[str]  # types of its events
    stems: frozenset[str]
    words: frozenset[str]  # its content words as `similarity` counts them
    specific: bool  # `similarity.is_specific`


@dataclass(frozen=True)
class Join:
    earlier: int  # claim ids
    later: int
    cluster: int | None  # the earlier claim's stored cluster (None: placed in this run)
    cosine: float
    reason: str
    by_words: bool  # the words alone make them one claim: no link of its own (the cluster's `supports` says it)


def said(
    id_: int,
    article: int,
    cluster: int | None,
    content: str,
    denied: bool,
    names: Iterable[str] = (),
    events: Iterable[str] = (),
    people: Iterable[str] = (),
) -> Said:
    """The claim with the words of the entity names its content holds (`names`,
    and `people`, whose initials are no name) and its event types."""
    # only the names its content holds: a name of the source span or a pronoun's antecedent is not what it says
    held, lowered = name_words(content), content.casefold()
    words: set[str] = set()
    for name, person in [(n, False) for n in names] + [(n, True) for n in people]:
        parts = name_words(name)
        if not (parts & held or name.casefold() in lowered):
            continue
        words |= parts
        if len(parts) > 1 and not person:  # "United States" also as "us", the word "U.S." folds to
            words.add("".join(w[0] for w in sorted(parts, key=name.lower().find)))
    negated = bool(_NEGATION.search(content))
    # stems of 3 letters or more: "U.S." is the stems "u" and "s", "al-Qaeda" starts with "al"
    stems, plain = frozenset(w for w in terms(content) if len(w) >= MIN_STEM), similarity.content_words(content)
    specific = similarity.is_specific(content, plain)
    return Said(
        id_, article, cluster, content, denied != negated, frozenset(words), frozenset(events), stems, plain, specific
    )


def agree(a: Said, b: Said) -> str | None:
    """Why two claims can be one claim by meaning (their shared stems), or None."""
    if a.negative != b.negative:
        return None
    if len(a.stems) < MIN_TERMS or len(b.stems) < MIN_TERMS:
        return None
    shared = a.stems & b.stems
    if len(shared) < MIN_SHARED:
        return None
    if a.names and b.names and not a.names & b.names:
        return None
    if a.events and b.events and not a.events & b.events:
        return None
    return ", ".join(sorted(shared)[:6])


ENCODE_BATCH = 4096  # claims encoded in one call: one call a story edge cost more than the encoding


def stem_index(claims: Sequence[Said]) -> dict[str, list[int]]:
    """Positions of the claims (of MIN_TERMS stems or more) under each of their stems."""
    by_stem: dict[str, list[int]] = defaultdict(list)
    for k, a in enumerate(claims):
        if len(a.stems) >= MIN_TERMS:
            for stem in a.stems:
                by_stem[stem].append(k)
    return by_stem


def agreeing_pairs(
    earlier: Sequence[Said], later: Sequence[Said], by_stem: dict[str, list[int]]
) -> list[tuple[Said, Said, str]]:
    """Every (earlier, later) pair of the two articles' claims that agree, with their shared stems.
    Only pairs sharing MIN_SHARED stems can agree: they are found through the earlier claims' stems
    (`by_stem`: `stem_index(earlier)`, made once an article, the earlier side of many edges; an
    edge's all-pairs loop over `agree` was most of the pass's time), in the all-pairs order."""
    found = []
    for b in later:
        if len(b.stems) < MIN_TERMS:
            continue
        shared = Counter(k for stem in b.stems for k in by_stem.get(stem, ()))
        for k in sorted(k for k, n in shared.items() if n >= MIN_SHARED):
            if (why := agree(earlier[k], b)) is not None:
                found.append((earlier[k], b, why))
    return found


def candidates(
    earlier: dict[int, list[Said]],
    later: dict[int, list[Said]],
    edges: Iterable[tuple[int, int, float]],
    encoder: Encoder,
) -> Iterable[tuple[Said, Said, float, str, float]]:
    """The agreeing claim pairs of each story edge (earlier article, later article,
    story score): (earlier claim, later claim, cosine, shared stems, story score).
    Only claims of agreeing pairs that the words alone do not join are encoded,
    each once, ENCODE_BATCH at a time; a pair the words join has cosine 1."""
    indexes: dict[int, dict[str, list[int]]] = {}  # an article is the earlier side of many edges
    found = []
    for a_id, b_id, score in sorted(edges):
        first, second = earlier.get(a_id, []), later.get(b_id, [])
        if not first or not second:
            continue
        if a_id not in indexes:
            indexes[a_id] = stem_index(first)
        found += [(a, b, why, score) for a, b, why in agreeing_pairs(first, second, indexes[a_id])]
    needed = list({c.id: c for a, b, _why, _s in found if not _by_words(a, b) for c in (a, b)}.values())
    vectors: dict[int, np.ndarray] = {}
    for start in range(0, len(needed), ENCODE_BATCH):
        batch = needed[start : start + ENCODE_BATCH]
        vectors.update(zip((c.id for c in batch), encoder.encode([c.content for c in batch]), strict=True))
    for a, b, why, score in found:
        cosine = 1.0 if _by_words(a, b) else float(vectors[a.id] @ vectors[b.id])
        yield a, b, cosine, why, score


def meaning_joins(conn: Connection, edges: list[tuple[int, int, float]], new_only: bool) -> list[Join]:
    """The joins by meaning across the story edges (earlier article, later
    article, story score); with `new_only`, only of the later side's claims
    that are not in a cluster yet (their earlier partners can be in one)."""
    if not ENABLED:
        return []
    return [j for j in scored_joins(conn, edges, new_only) if j.cosine >= MEANING_COSINE]


def scored_joins(
    conn: Connection, edges: list[tuple[int, int, float]], new_only: bool, encoder: Encoder | None = None
) -> list[Join]:
    """Every agreeing claim pair of the story edges, whatever its cosine (the
    benchmark chooses `MEANING_COSINE` from these)."""
    if not edges:
        return []
    firsts = _load(conn, sorted({a for a, _b, _s in edges}), False)
    if new_only:
        seconds = _load(conn, sorted({b for _a, b, _s in edges}), True)
    else:
        seconds = firsts  # every claim of both sides
        seconds.update(_load(conn, sorted({b for _a, b, _s in edges} - firsts.keys()), False))
    encoder = encoder or load_encoder(ENCODER)
    joins = []
    for a, b, cosine, why, score in candidates(firsts, seconds, edges, encoder):
        reason = (
            f"the same claim in other words ({cosine:.2f} cosine of {encoder.name} vectors; "
            f"stems shared: {why}) in an article of the same story ({score:.2f})"
        )
        joins.append(Join(a.id, b.id, a.cluster, cosine, reason, _by_words(a, b)))
    return joins


def _by_words(a: Said, b: Said) -> bool:
    return a.specific and b.specific and similarity.jaccard(a.words, b.words) >= similarity.SAME_CONTENT


def bridge(uf: UnionFind, joins: Sequence[Join], sizes: dict[int, int], cap: int = MAX_JOINED_CLAIMS) -> list[Join]:
    """Union, in `uf`, the clusters each join bridges, unless the cluster made
    would hold more than `cap` claims: joins are single-link,
    and along a long story they chained whole streams of claims into one cluster.
    `sizes`: claims a root holds (1 when absent), kept up to date. Joins are
    taken in claim order. Returns the joins that hold (that merged, or whose
    claims were one cluster already), in that order."""
    held = []
    for j in sorted(joins, key=lambda j: (j.later, j.earlier)):
        a, b = uf.find(j.earlier), uf.find(j.later)
        if a != b:
            total = sizes.get(a, 1) + sizes.get(b, 1)
            if total > cap:
                continue
            uf.union(a, b)
            sizes[uf.find(a)] = total
        held.append(j)
    return held


def links(joins: Sequence[Join]) -> list[dict]:
    """The `links` rows of the joins the words alone would not make: the later
    claim supports the earlier one, with the reason. (Whether the words join
    them is a fact of the pair, not of the clusters so far: a full run and
    an incremental one make the same rows.)"""
    return [
        {"type": "supports", "a": j.later, "b": j.earlier, "by": "same-meaning", "reason": j.reason}
        for j in joins
        if not j.by_words
    ]


def _load(conn: Connection, articles: list[int], new_only: bool) -> dict[int, list[Said]]:
    """The current claims of these articles (with `new_only`, those without a cluster), by article, in id order."""
    c = t.claims.c
    rows, names, people, events = [], defaultdict(list), defaultdict(list), defaultdict(list)
    for chunk in chunks(articles):
        where = [c.article_id.in_(chunk), current()]
        if new_only:
            where.append(c.cluster_id.is_(None))
        query = sa.select(c.id, c.article_id, c.cluster_id, c.content, c.status).where(*where).order_by(c.id)
        rows.extend(conn.execute(query).all())
        in_chunk = sa.select(c.id).where(c.article_id.in_(chunk))
        ce, e = t.claim_entities.c, t.entities.c
        query = sa.select(ce.claim_id, e.name, e.type).join(t.entities, e.id == ce.entity_id)
        for cid, name, kind in conn.execute(query.where(ce.claim_id.in_(in_chunk))):
            (people if kind == "PERSON" else names)[cid].append(name)
        ev = t.events.c
        for cid, kind in conn.execute(sa.select(ev.claim_id, ev.type).where(ev.claim_id.in_(in_chunk))):
            events[cid].append(kind)
    out: dict[int, list[Said]] = defaultdict(list)
    for cid, aid, cluster, content, status in rows:
        out[aid].append(said(cid, aid, cluster, content, status == "denied", names[cid], events[cid], people[cid]))
    return out

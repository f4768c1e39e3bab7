"""Cross-article links between the claims of a cluster's articles.

Two kinds. Links made from cluster membership: a later independent copy
`supports` the first appearance, a denial of the same content `contradicts`
what it denies, and an article's own contradiction is `carried` to the other
articles that hold the same claim. And links from relation functions: the
analysis stage's own (`relations`, registered by default), any passed in
(`relate=`) or registered (`register`), with the signature `(a: Analysis, b:
Analysis) -> iterable of objects with .a, .b (claim ids in a and b), .type
and .reason` (the model's `Relation` fits). They run on the pairs of articles
that share a cluster (its earliest-stored article and each other one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from claimgraph.link.records import Claim, first
from claimgraph.store import schema as t
from claimgraph.store.bulk import chunks

Relate = Callable[[Any, Any], Iterable[Any]]
Relating = Iterable[Relate] | Relate | None  # what `relate=` takes: one function, several, or none

# the `by` of the links that follow from who is in a cluster, made again when that changes
# (a denial link is made once, when the later of its two claims is placed)
MEMBERSHIP_BY = ("same-claim", "carried")
PAIRS_AT_ONCE = 2000  # article pairs whose analyses `run_relators` holds at once


@dataclass(frozen=True)
class _CrossRelation:
    type: str
    a: str
    b: str
    reason: str
    reverse: bool  # .a is a claim of the second article, .b of the first


def relations(a: Any, b: Any) -> list[_CrossRelation]:
    """The analysis stage's relations between two articles' claims
    (`claimgraph.analyse.relations.relate`: same event, incompatible fates,
    conflicting numbers, denials...), each with its reason."""
    from claimgraph.analyse.relations import relate

    out = []
    for rel in relate(a.model_copy(update={"id": "a"}), b.model_copy(update={"id": "b"})):
        (side_a, claim_a), (side_b, claim_b) = rel.a.split(":", 1), rel.b.split(":", 1)
        if side_a != side_b:
            out.append(_CrossRelation(rel.type, claim_a, claim_b, rel.reason, reverse=side_a == "b"))
    return out


RELATORS: dict[str, Relate] = {"relations": relations}  # run on every link; `register` adds more


def register(name: str) -> Callable[[Relate], Relate]:
    """Register a cross-article relation function under `name`."""

    def add(fn: Relate) -> Relate:
        RELATORS[name] = fn
        return fn

    return add


# ------------------------------------------------------------------ links from cluster membership


def membership_links(
    members: dict[int, list[Claim]],
    opposed: list[tuple[Claim, Claim, float]],
    internal: list[tuple[int, int]],
    by_id: dict[int, Claim],
) -> list[dict]:
    """The `supports`, denial and `carried` link rows of the clusters in `members`."""
    return _supports(members) + _denials(opposed) + list(carried_links(internal, by_id, members))


def internal_contradictions(conn: Connection, roots: list[int] | None) -> list[tuple[int, int]]:
    """Contradictions found inside one article (all, or those touching the clusters `roots`)."""
    query = sa.select(t.relations.c.a, t.relations.c.b).where(t.relations.c.type == "contradicts")
    if roots is None:
        return [tuple(r) for r in conn.execute(query)]
    found: set[tuple[int, int]] = set()
    for chunk in chunks(roots):
        in_chunk = sa.select(t.claims.c.id).where(t.claims.c.cluster_id.in_(chunk))
        for end in (t.relations.c.a, t.relations.c.b):
            found.update(tuple(r) for r in conn.execute(query.where(end.in_(in_chunk))))
    return sorted(found)


def _supports(members: dict[int, list[Claim]]) -> list[dict]:
    """Each later independent copy of a claim supports its first appearance."""
    rows = []
    for group in members.values():
        if len(group) < 2:
            continue
        head = first(group)
        seen_groups = {head.group}
        for c in sorted(group, key=lambda c: c.id):
            if c.group in seen_groups:
                continue  # a syndicated copy adds no support
            seen_groups.add(c.group)
            rows.append(
                {
                    "type": "supports",
                    "a": c.id,
                    "b": head.id,
                    "by": "same-claim",
                    # no row numbers: they are the ledger's own, and differ between ledgers of the same articles
                    "reason": "an independent article carries the same claim as its first appearance"
                    + (f" ({head.published.isoformat()})" if head.published else ""),
                }
            )
    return rows


def _denials(opposed: list[tuple[Claim, Claim, float]]) -> list[dict]:
    rows = []
    for a, b, sim in opposed:
        denier, asserter = (a, b) if a.denied else (b, a)
        rows.append(
            {
                "type": "contradicts",
                "a": denier.id,
                "b": asserter.id,
                "by": "denial",
                # no row numbers: the reader sees both claims' articles by name beside the reason
                "reason": f"a source denies what another article reports ({sim:.0%} of content words shared): "
                f"{asserter.content[:80]!r}",
            }
        )
    return rows


def carried_links(
    internal: list[tuple[int, int]], by_id: dict[int, Claim], members: dict[int, list[Claim]]
) -> Iterator[dict]:
    """An article's own contradiction carried to the other articles that hold
    the same claim (for the clusters in `members`), row by row: a claim of a
    large cluster carries one to each of its articles."""
    for a, b in internal:
        for one, two in ((a, b), (b, a)):
            if two not in by_id:
                continue  # its cluster is not being rewritten (or it is an old version)
            home = by_id[two].article
            for other in members[by_id[two].cluster]:
                if other.article != home:
                    yield {
                        "type": "contradicts",
                        "a": one,
                        "b": other.id,
                        "by": "carried",
                        "reason": "the other claim's article holds this claim too, and contradicts it there",
                    }


# ------------------------------------------------------------------ links from relation functions


def article_pairs(members: dict[int, list[Claim]], only: set[int] | None = None) -> set[tuple[int, int]]:
    """Article pairs to relate: each cluster's earliest-stored article with each
    other article in it (with `only`, just the pairs that involve those articles)."""
    pairs = set()
    for group in members.values():
        syndication = {c.article: c.group for c in group}
        articles = sorted(syndication)
        head = articles[0]
        pairs.update(
            (head, y)
            for y in articles[1:]
            # a syndicated copy of the first says what it says: nothing to relate
            if syndication[y] != syndication[head] and (only is None or head in only or y in only)
        )
    return pairs


def run_relators(conn: Connection, pairs: set[tuple[int, int]], relate: Relating) -> list[dict]:
    """Run the registered relation functions and `relate` on article pairs;
    pairs already related are related again, not twice. A relation's .a is a
    claim of the pair's first article and .b of its second, or the other way
    round when it says .reverse."""
    functions = list(RELATORS.values())
    if callable(relate):
        functions.append(relate)
    elif relate:
        functions.extend(relate)
    if not functions:
        return []
    from claimgraph.model import Analysis

    if not pairs:
        return []
    names = [getattr(fn, "__name__", "relate") for fn in functions]

    def claims_of(param: str) -> sa.Select:
        return sa.select(t.claims.c.id).where(t.claims.c.article_id == sa.bindparam(param))

    conn.execute(
        t.links.delete().where(
            t.links.c.by == sa.bindparam("_by"), t.links.c.a.in_(claims_of("_x")), t.links.c.b.in_(claims_of("_y"))
        ),
        [{"_by": name, "_x": x, "_y": y} for name in sorted(set(names)) for x, y in sorted(pairs)],
    )
    rows = []
    # a few thousand pairs' analyses at a time, parsed back from their JSON: a full link of 1M claims
    # relates hundreds of thousands of articles, too many to hold at once
    for part in chunks(sorted(pairs), PAIRS_AT_ONCE):
        needed = sorted({x for p in part for x in p})
        docs, ids = {}, {}
        for chunk in chunks(needed):
            for aid, js in conn.execute(
                sa.select(t.analyses.c.article_id, t.analyses.c.json).where(t.analyses.c.article_id.in_(chunk))
            ).all():
                docs[aid] = Analysis.model_validate_json(js)
            for cid, aid, local in conn.execute(
                sa.select(t.claims.c.id, t.claims.c.article_id, t.claims.c.local_id).where(
                    t.claims.c.article_id.in_(chunk)
                )
            ).all():
                ids[(aid, local)] = cid
        for fn, name in zip(functions, names, strict=True):
            for x, y in part:
                for rel in fn(docs[x], docs[y]) or ():
                    left, right = (y, x) if getattr(rel, "reverse", False) else (x, y)
                    a, b = ids.get((left, rel.a)), ids.get((right, rel.b))
                    if a is not None and b is not None:
                        rows.append({"type": rel.type, "a": a, "b": b, "reason": rel.reason, "by": name})
    return rows

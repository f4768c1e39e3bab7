"""Helpers for tests and benchmarks: hand-built analyses, stored in one call, and
throw-away PostgreSQL schemas.

>>> a = make_analysis("Officials said the port was closed.", [("Officials", "said", "the port was closed")])
>>> a.claims[0].content.text
'the port was closed'
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING

from claimgraph.config import Settings
from claimgraph.model import Analysis, Claim, Entity, Event, Geo, Mention, Relation, Source, Span
from claimgraph.text.translit import name_key

if TYPE_CHECKING:
    from claimgraph.store import Store
    from claimgraph.store.write import Stored

PG_URL = Settings().test_pg


def _span(text: str, part: str, after: int = 0) -> Span:
    start = text.index(part, after)
    return Span(start=start, end=start + len(part), text=part)


def make_analysis(
    text: str,
    claims: Sequence[tuple[str, str, str] | tuple[str, str, str, str]] = (),
    entities: Sequence[tuple[str, str] | tuple[str, str, Geo]] = (),
    published: date | str | None = None,
    url: str | None = None,
    publisher: str | None = None,
    title: str | None = None,
    events: Sequence[tuple[str, str, int | None, str | None]] = (),
    relations: Sequence[tuple[str, int, int, str]] = (),
) -> Analysis:
    """An analysis of `text` with the given parts, each located in the text.

    claims: (source, cue, content[, status]); a source that names an entity
    points at it. entities: (name, type[, geo]); every occurrence is a mention.
    events: (PLOVER type, trigger, claim index or None, location entity name
    or None). relations: (type, claim index a, claim index b, reason)."""
    ents = []
    for i, spec in enumerate(entities, start=1):
        name, etype = spec[0], spec[1]
        mentions, at = [], 0
        while (at := text.find(name, at)) >= 0:
            mentions.append(Mention(start=at, end=at + len(name), text=name))
            at += len(name)
        geo = spec[2] if len(spec) > 2 else None
        ents.append(Entity(id=f"e{i}", type=etype, name=name, key=name_key(name), mentions=mentions, geo=geo))
    by_name = {e.name: e.id for e in ents}
    out = []
    for i, spec in enumerate(claims, start=1):
        source, cue, content = spec[0], spec[1], spec[2]
        status = spec[3] if len(spec) > 3 else "reported"
        src = _span(text, source)
        cue_span = _span(text, cue, src.start)
        out.append(
            Claim(
                id=f"c{i}",
                content=_span(text, content),
                source=Source(**src.model_dump(), entity=by_name.get(source)),
                cue=cue_span,
                kind="indirect",
                status=status,
                sentence=0,
                pattern="test",
            )
        )
    evs = [
        Event(
            id=f"v{i}",
            type=etype,
            trigger=_span(text, trigger),
            claim=None if c is None else out[c].id,
            location=by_name.get(loc) if loc else None,
        )
        for i, (etype, trigger, c, loc) in enumerate(events, start=1)
    ]
    rels = [
        Relation(id=f"r{i}", type=rtype, a=out[a].id, b=out[b].id, reason=reason)
        for i, (rtype, a, b, reason) in enumerate(relations, start=1)
    ]
    return Analysis(
        text=text,
        model="test",
        published=published,
        url=url,
        publisher=publisher,
        title=title,
        entities=ents,
        claims=out,
        events=evs,
        relations=rels,
    )


def store_analyses(store: Store, analyses: Sequence[Analysis], prefix: str = "t") -> list[Stored]:
    """Store `analyses` in one transaction, with input ids `{prefix}0`, `{prefix}1`, ...; one `Stored` each."""
    from claimgraph.store.write import Record, add_records

    with store.engine.begin() as conn:
        return add_records(conn, [Record(a, f"{prefix}{i}") for i, a in enumerate(analyses)])


def postgres_available(url: str = PG_URL) -> str | None:
    """None when the server answers, else the reason it does not."""
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.exec_driver_sql("select 1")
        engine.dispose()
    except Exception as exc:
        return f"PostgreSQL not reachable at {url}: {str(exc).splitlines()[0]}"
    return None


@contextmanager
def postgres_schema(url: str = PG_URL) -> Iterator[str]:
    """A fresh schema for one test run, dropped afterwards: yields a database
    URL whose search_path points at it, so parallel runs never collide."""
    import sqlalchemy as sa

    name = f"cg_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {name}")
    try:
        yield f"{url}?options=-csearch_path%3D{name}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {name} CASCADE")
        admin.dispose()

"""The articles of stories (`articles.story_id`, placed by link/story_ids.py),
as a journalist follows them: by story, then by time, then by outlet."""

from __future__ import annotations

import sqlalchemy as sa

from claimgraph.store import Store
from claimgraph.store import schema as t
from claimgraph.store.bulk import chunks
from claimgraph.store.export import plain_value

_a = t.articles.c


def story_articles(store: Store, story_ids: list[int]) -> list[dict]:
    """Every current article of these stories, undated ones last in each story."""
    out: list[dict] = []
    with store.engine.connect() as conn:
        for chunk in chunks(sorted(set(story_ids))):
            query = (
                sa.select(
                    _a.story_id,
                    _a.id.label("article_id"),
                    _a.ext_id.label("input_id"),
                    _a.published,
                    _a.publisher,
                    _a.title,
                    _a.url,
                    _a.group_id,
                )
                .where(_a.story_id.in_(chunk), _a.superseded_by.is_(None))
                .order_by(_a.story_id, _a.published.is_(None), _a.published, _a.publisher, _a.id)
            )
            out.extend({k: plain_value(v) for k, v in row.items()} for row in conn.execute(query).mappings())
    return out

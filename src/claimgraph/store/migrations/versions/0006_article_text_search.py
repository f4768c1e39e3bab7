"""Full-text search over whole articles, beside the claims: the claim check
finds an article whose body addresses a claim though no stored claim does.

Revision ID: 0006
Revises: 0005

SQLite: `articles_fts`, a contentless FTS5 table (the index only; the text
stays once, in the analysis) whose rowid is the article id. PostgreSQL:
`articles.tsv`, a tsvector with a GIN index, cut and stemmed by migration
0003's functions. Both are filled by the write path (store/write.py,
`index_article_text`) and, for the articles of an older ledger, here.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BATCH = 500


def upgrade() -> None:
    from claimgraph.store.write import index_article_text

    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE articles ADD COLUMN tsv tsvector")
        op.execute("CREATE INDEX ix_articles_tsv ON articles USING gin (tsv)")
    else:
        op.execute("CREATE VIRTUAL TABLE articles_fts USING fts5(text, content='', tokenize='porter unicode61')")
    last = 0
    while True:  # the stored articles, a batch at a time: an old ledger may hold millions
        rows = bind.execute(
            sa.text("SELECT article_id, json FROM analyses WHERE article_id > :last ORDER BY article_id LIMIT :n"),
            {"last": last, "n": BATCH},
        ).all()
        if not rows:
            break
        items = []
        for article_id, doc in rows:
            a = json.loads(doc)
            items.append((article_id, a.get("title"), a.get("text", "")))
        index_article_text(bind, items)
        last = rows[-1][0]


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_articles_tsv")
        op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS tsv")
        return
    op.execute("DROP TABLE IF EXISTS articles_fts")

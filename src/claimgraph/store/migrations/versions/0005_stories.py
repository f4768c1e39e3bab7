"""Stories: `articles.story_id`, and the story index the linker places new
articles with (`story_terms`, `story_df`; link/stories.py).

Revision ID: 0005
Revises: 0004

Articles of a ledger from before this revision have no story; the next
link places them all, in id order, as a full relink would.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("story_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_articles_story_id", ["story_id"], unique=False)
    op.create_table(
        "story_terms",
        sa.Column("term", sa.String(length=512), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
    )
    op.create_index("ix_story_terms_term", "story_terms", ["term"], unique=False)
    op.create_index("ix_story_terms_article_id", "story_terms", ["article_id"], unique=False)
    op.create_table(
        "story_df",
        sa.Column("term", sa.String(length=512), nullable=False),
        sa.Column("df", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("term"),
    )


def downgrade() -> None:
    op.drop_table("story_df")
    op.drop_index("ix_story_terms_article_id", table_name="story_terms")
    op.drop_index("ix_story_terms_term", table_name="story_terms")
    op.drop_table("story_terms")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index("ix_articles_story_id")
        batch_op.drop_column("story_id")

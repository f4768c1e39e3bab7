"""Article revisions (an update at the same URL keeps the old version) and
the linker's claim buckets (incremental linking).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("superseded_by", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_articles_superseded_by"), ["superseded_by"], unique=False)
    op.create_table(
        "claim_bands",
        sa.Column("band", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("claim_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("band", "claim_id"),
        sqlite_with_rowid=False,
    )
    # A ledger linked before this revision has no buckets: the next link rebuilds it whole.
    op.execute("UPDATE claims SET cluster_id = NULL")


def downgrade() -> None:
    op.drop_table("claim_bands")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_superseded_by"))
        batch_op.drop_column("superseded_by")
        batch_op.drop_column("revision")

"""Why an entity joined its cross-article entity (`entities.xentity_reason`):
merges need evidence beyond a shared name key now (link/evidence.py).

Revision ID: 0004
Revises: 0003

The entities of a ledger linked before this revision were merged by key
alone: they are unlinked here, and the next link places them again under
the new rules (claims and clusters are untouched).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("entities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("xentity_reason", sa.Text(), nullable=True))
    op.execute("UPDATE entities SET xentity_id = NULL")
    op.execute("DELETE FROM xentities")


def downgrade() -> None:
    with op.batch_alter_table("entities", schema=None) as batch_op:
        batch_op.drop_column("xentity_reason")

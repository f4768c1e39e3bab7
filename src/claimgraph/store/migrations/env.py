"""Alembic environment: runs on the connection the store hands it."""

from __future__ import annotations

from alembic import context

from claimgraph.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the store runs migrations
    raise RuntimeError("claimgraph migrations run through claimgraph.store.open_store")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

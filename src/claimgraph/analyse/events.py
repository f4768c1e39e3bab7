"""Stage: events (filled by its own issue; the contract shape is in claimgraph.model)."""

from __future__ import annotations

from claimgraph.analyse.document import Document


def run(document: Document) -> None:
    """Nothing yet."""

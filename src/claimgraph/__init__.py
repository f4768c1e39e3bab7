"""claimgraph: who claims what happened, when and where.

>>> from claimgraph import analyze
>>> analysis = analyze("Officials said the port was closed.", published="2024-12-08")
>>> analysis.claims[0].source.text
'Officials'
"""

from claimgraph.analyse import Analyzer, analyze
from claimgraph.ingest.articles import Article
from claimgraph.model import SCHEMA_ID, Analysis

__all__ = ["SCHEMA_ID", "Analysis", "Analyzer", "Article", "analyze"]
__version__ = "0.1.0"

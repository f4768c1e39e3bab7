"""Stage: places. Gazetteer lookup and disambiguation (see `geocoder`)."""

from claimgraph.analyse.places.geocoder import run

__all__ = ["run"]

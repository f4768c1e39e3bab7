"""Ingest: everything that turns bytes into `Article`s."""

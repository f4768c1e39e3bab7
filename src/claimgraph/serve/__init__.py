"""Serve: what users see of analyses (formats, and later the API and web UI)."""
